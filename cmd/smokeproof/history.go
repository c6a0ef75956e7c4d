package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/smokeproof/smokeproof/pkg/history"
	"github.com/smokeproof/smokeproof/pkg/report"
)

// writeHistory copies the run's proof.json (under outDir) into the history folder dir,
// then renders docs/TESTS/HISTORY.md and its chart under outDir from every run the
// folder holds, keeping the last n. It returns the history, for the CI summary.
func writeHistory(dir, outDir string, n int, stdout io.Writer) (*history.History, error) {
	data, err := os.ReadFile(filepath.Join(outDir, report.ProofPath))
	if err != nil {
		return nil, fmt.Errorf("read the run's proof.json for the history: %w", err)
	}
	if _, err := history.Add(dir, data); err != nil {
		return nil, &exitError{exitUsage, err.Error()}
	}
	return renderHistory(dir, outDir, n, stdout)
}

// renderHistory writes docs/TESTS/HISTORY.md and its chart under outDir from the runs
// the history folder dir holds, keeping the last n.
func renderHistory(dir, outDir string, n int, stdout io.Writer) (*history.History, error) {
	runs, err := history.Load(dir)
	if err != nil {
		return nil, &exitError{exitUsage, err.Error()}
	}
	if len(runs) == 0 {
		return nil, &exitError{exitUsage, fmt.Sprintf("no proof.json in %s: add runs with smokeproof proof --history %s", dir, dir)}
	}
	h, err := history.New(runs, n)
	if err != nil {
		return nil, err
	}
	for path, body := range map[string][]byte{history.MarkdownPath: h.Markdown(), history.ChartPath: h.SVG()} {
		if err := report.WriteFile(filepath.Join(outDir, filepath.FromSlash(path)), body); err != nil {
			return nil, err
		}
	}
	fmt.Fprintf(stdout, "smokeproof: %s written from %s of the %s target in %s\n",
		filepath.Join(outDir, filepath.FromSlash(history.MarkdownPath)), plural(len(h.Runs), "run", "runs"), h.Target, dir)
	for _, c := range h.Changes() {
		fmt.Fprintf(stdout, "  %s %s since the previous run: %s\n", history.Mark(c.Bullet.Status), c.Kind, c.Bullet.ID)
	}
	return h, nil
}

const historyUsage = `Usage: smokeproof history [--out DIR] [--runs N] HISTORY-DIR

Renders docs/TESTS/HISTORY.md and docs/TESTS/history.svg under the output directory from
the proof.json files in HISTORY-DIR (smokeproof proof --history HISTORY-DIR adds each
run's): every bullet's last runs, since when it is red, what changed since the previous
run, and which bullets flip with neither the app nor the harness changing.

Exit codes: 0 written · 2 no such folder, no run in it, or a file in it that is not a
proof.json · 3 a file could not be written.

Flags:`

func cmdHistory(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("history", stderr)
	out := fl.String("out", "", "where docs/TESTS/HISTORY.md goes (default $SMOKE_OUT or out)")
	runs := fl.Int("runs", history.DefaultRuns, "how many of the latest runs the history shows")
	fl.Usage = func() {
		fmt.Fprintln(stderr, historyUsage)
		fl.PrintDefaults()
	}
	if err := parse(fl, args); err != nil {
		return err
	}
	if fl.NArg() != 1 {
		return &exitError{exitUsage, "smokeproof history takes one history folder, e.g. smokeproof history history/"}
	}
	cfg, err := loadConfig(map[string]string{"SMOKE_OUT": *out})
	if err != nil {
		return err
	}
	_, err = renderHistory(fl.Arg(0), cfg.OutDir(), *runs, stdout)
	return err
}
