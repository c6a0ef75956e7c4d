package history

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// The statuses a bullet can have in proof.json.
const (
	Passed  = "passed"
	Failed  = "failed"
	Broken  = "broken"
	NotRun  = "not_run"
	Manual  = "manual"
	missing = "" // the bullet is not in that run (its suite did not run)
)

// Run is what the history keeps of one run's proof.json.
type Run struct {
	File          string    // the file it was read from, relative to the history folder
	Started       time.Time // UTC
	Harness       string    // "smokeproof 0.1.0 (abc1234)"
	HarnessCommit string    // "abc1234"; "" when unknown
	AppVersion    string    // from the app's /api/health; "" when not measured
	Target        string    // embedded | containers | live
	Result        string    // DONE | NOT DONE | INCOMPLETE
	Items         []Item
}

// Item is one DoD item of a run.
type Item struct {
	ID      string   `json:"id"`
	Title   string   `json:"title"`
	Result  string   `json:"result"`
	Bullets []Bullet `json:"bullets"`
}

// Bullet is one DoD bullet of a run with its status.
type Bullet struct {
	ID     string `json:"id"`
	Text   string `json:"text"`
	Kind   string `json:"kind"`
	Status string `json:"status"`
	Reason string `json:"reason"`
}

// proofFile is the part of proof.json the history reads.
type proofFile struct {
	SchemaVersion int    `json:"schema_version"`
	Harness       string `json:"harness"`
	HarnessCommit string `json:"harness_commit"`
	AppVersion    string `json:"app_version"`
	Started       string `json:"started"`
	Result        string `json:"result"`
	Target        struct {
		Name string `json:"name"`
	} `json:"target"`
	Items []Item `json:"items"`
}

// Parse reads one proof.json. It returns an error when data is not a smokeproof
// proof.json or its start time cannot be read.
func Parse(name string, data []byte) (Run, error) {
	var p proofFile
	if err := json.Unmarshal(data, &p); err != nil {
		return Run{}, fmt.Errorf("%s is not a smokeproof proof.json: %w", name, err)
	}
	if p.SchemaVersion == 0 || p.Harness == "" {
		return Run{}, fmt.Errorf("%s is not a smokeproof proof.json: it has no schema_version or harness", name)
	}
	r := Run{File: name, Harness: p.Harness, HarnessCommit: p.HarnessCommit, AppVersion: p.AppVersion,
		Target: p.Target.Name, Result: p.Result, Items: p.Items}
	if r.HarnessCommit == "" {
		r.HarnessCommit = commitOf(p.Harness)
	}
	if p.Started != "" {
		t, err := time.Parse(time.RFC3339Nano, p.Started)
		if err != nil {
			return Run{}, fmt.Errorf("%s has a start time %q that is not RFC 3339: %w", name, p.Started, err)
		}
		r.Started = t.UTC()
	}
	return r, nil
}

// commitOf returns the commit in "smokeproof 0.1.0 (abc1234)", "" when there is none.
func commitOf(harness string) string {
	open := strings.LastIndex(harness, "(")
	if open < 0 || !strings.HasSuffix(harness, ")") {
		return ""
	}
	if c := harness[open+1 : len(harness)-1]; c != "unknown commit" {
		return c
	}
	return ""
}

// Load reads every *.json file of dir as a proof.json and returns the runs, oldest
// first (by start time, then file name). A missing dir is an empty history. It returns
// an error naming the first file that cannot be read or is not a proof.json.
func Load(dir string) ([]Run, error) {
	names, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return nil, fmt.Errorf("list history %s: %w", dir, err)
	}
	sort.Strings(names)
	var runs []Run
	for _, n := range names {
		data, err := os.ReadFile(n)
		if err != nil {
			return nil, fmt.Errorf("read history: %w", err)
		}
		r, err := Parse(filepath.Base(n), data)
		if err != nil {
			return nil, fmt.Errorf("history folder %s: %w; remove the file or point --history at another folder", dir, err)
		}
		runs = append(runs, r)
	}
	sort.SliceStable(runs, func(i, j int) bool {
		if !runs[i].Started.Equal(runs[j].Started) {
			return runs[i].Started.Before(runs[j].Started)
		}
		return runs[i].File < runs[j].File
	})
	return runs, nil
}

// FileName is the name Add gives a run's proof.json in the history folder:
// "2026-11-26T070012Z-containers.json", so the folder lists oldest first.
func FileName(r Run) string {
	stamp := "undated"
	if !r.Started.IsZero() {
		stamp = r.Started.UTC().Format("2006-01-02T150405Z")
	}
	target := r.Target
	if target == "" {
		target = "unknown"
	}
	return stamp + "-" + target + ".json"
}

// Add copies the proof.json bytes into dir under FileName, creating dir. Adding the
// same run again changes nothing. It returns the file's path, and an error when data is
// not a proof.json, another run already holds that name, or the file cannot be written.
func Add(dir string, data []byte) (string, error) {
	r, err := Parse("proof.json", data)
	if err != nil {
		return "", err
	}
	path := filepath.Join(dir, FileName(r))
	old, err := os.ReadFile(path)
	switch {
	case err == nil && bytes.Equal(old, data):
		return path, nil
	case err == nil:
		prev, perr := Parse(filepath.Base(path), old)
		if perr == nil && prev.Started.Equal(r.Started) && prev.Target == r.Target {
			// The same run rendered again (a newer harness, a re-render): keep the newest.
			break
		}
		return "", fmt.Errorf("history folder %s already holds %s from another run; move it away", dir, filepath.Base(path))
	case !errors.Is(err, fs.ErrNotExist):
		return "", fmt.Errorf("read history: %w", err)
	}
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return "", fmt.Errorf("create history folder: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, data, 0o644); err != nil {
		return "", fmt.Errorf("write history: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return "", fmt.Errorf("write history: %w", err)
	}
	return path, nil
}
