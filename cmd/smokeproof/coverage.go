package main

import (
	"context"
	"fmt"
	"io"
	"path/filepath"
	"strings"

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
	paths, err := reportPaths(fs.Args(), cfg, "read")
	if err != nil {
		return err
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
	gaps, pending := coverageGaps(cov)
	for _, g := range pending {
		fmt.Fprintln(stdout, "pending:", g)
	}
	for _, g := range gaps {
		fmt.Fprintln(stdout, g)
	}
	fmt.Fprintf(stdout, "%d specs, %d exchanges, %d gaps, %d pending (see %s)\n", cov.Specs, cov.Exchanges, len(gaps), len(pending), filepath.Join(cfg.OutDir(), filepath.FromSlash(report.CoveragePath)))
	if *check && len(gaps) > 0 {
		return &exitError{exitFailed, fmt.Sprintf("the run left %d contract gaps: a gap in the harness is a build failure", len(gaps))}
	}
	return nil
}

// coverageGaps returns the gaps of a run that fail the check, and apart from them the
// pending ones: a rule pkg/contract exempts (each with its reason in the coverage
// document) and the gaps of a route pkg/contract lists as pending (a page another
// change adds). The document still shows both in red.
func coverageGaps(cov *contract.Coverage) (gaps, pending []contract.Gap) {
	for _, g := range cov.Gaps() {
		route, _, _ := strings.Cut(g.Subject, " × ")
		_, routePending := contract.PendingRoute(route)
		switch {
		case g.Kind == contract.GapRuleNoSpec && isExempt(g.Subject):
			pending = append(pending, g)
		case routePending && (g.Kind == contract.GapRouteNotExercised || g.Kind == contract.GapNoNonOwner || g.Kind == contract.GapCellNotExercised):
			pending = append(pending, g)
		default:
			gaps = append(gaps, g)
		}
	}
	return gaps, pending
}

func isExempt(rule string) bool {
	_, ok := contract.Exempt(rule)
	return ok
}
