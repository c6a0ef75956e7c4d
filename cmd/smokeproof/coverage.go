package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/report"
)

func cmdCoverage(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("coverage", stderr)
	out := fs.String("out", "", "output directory (default $SMOKE_OUT or out)")
	check := fs.Bool("check", false, "exit 1 when the run left a gap: a rule without spec (not exempt in pkg/contract), a route never exercised, a route over user-owned rows never tried by a non-owner, a cell not exercised or not proven, a cell observed ≠ expected")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: smokeproof coverage [--check] [--out DIR] [report.json ...]\n\nPrints what the run left unproven against the marketplace contract\n(docs/TESTS/CONTRACT-COVERAGE.md shows it in full), from the reports under <out>/reports\nby default. Flags:")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(map[string]string{"SMOKE_OUT": *out})
	if err != nil {
		return err
	}
	paths := fs.Args()
	if len(paths) == 0 {
		paths, _ = filepath.Glob(filepath.Join(cfg.OutDir(), "reports", "*.json"))
	}
	if len(paths) == 0 {
		return &exitError{exitUsage, "no reports to read: run the suites first (make smoke) or name report files"}
	}
	reports, err := report.ReadReports(paths...)
	if err != nil {
		return err
	}
	run, err := report.Build(reports...)
	if err != nil {
		return err
	}
	cov, err := run.Coverage()
	if err != nil {
		return &exitError{exitFailed, err.Error()}
	}
	gaps := coverageGaps(cov)
	for _, g := range gaps {
		fmt.Fprintln(stdout, g)
	}
	fmt.Fprintf(stdout, "%d specs, %d exchanges, %d gaps (see %s)\n", cov.Specs, cov.Exchanges, len(gaps), filepath.Join(cfg.OutDir(), filepath.FromSlash(report.CoveragePath)))
	if *check && len(gaps) > 0 {
		return &exitError{exitFailed, fmt.Sprintf("the run left %d contract gaps: a gap in the harness is a build failure", len(gaps))}
	}
	return nil
}

// coverageGaps returns the gaps of a run, leaving out the rules pkg/contract exempts
// (each with its reason in the coverage document).
func coverageGaps(cov *contract.Coverage) []contract.Gap {
	var out []contract.Gap
	for _, g := range cov.Gaps() {
		if g.Kind == contract.GapRuleNoSpec {
			if _, ok := contract.Exempt(g.Subject); ok {
				continue
			}
		}
		out = append(out, g)
	}
	return out
}
