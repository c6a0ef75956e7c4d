package main

import (
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
	runs, err := history.Load(dir)
	if err != nil {
		return nil, &exitError{exitUsage, err.Error()}
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
