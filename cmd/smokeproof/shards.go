package main

import (
	"encoding/json"
	"fmt"
	"io"
	"path/filepath"
	"regexp"
	"slices"
	"strings"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/report"
	"github.com/smokeproof/smokeproof/pkg/shard"
)

// mergeShards returns paths unchanged unless some report in them was written by a
// sharded run (`run --shard i/n`). Then it merges the shards' reports suite by suite
// (pkg/shard), writes each suite's merged report to <outDir>/reports/<suite>.json —
// where a single run writes it — and returns those files, so the documents and
// proof.json come out as a single run's would.
func mergeShards(outDir string, paths []string, stdout io.Writer) ([]string, error) {
	reports, err := report.ReadReports(paths...)
	if err != nil {
		return nil, err
	}
	if !shard.Sharded(reports) {
		return paths, nil
	}
	merged, err := shard.Merge(reports)
	if err != nil {
		return nil, &exitError{exitUsage, err.Error()}
	}
	bySuite := map[string][]types.Report{}
	var names []string
	for _, r := range merged {
		n := suiteName(r)
		if _, ok := bySuite[n]; !ok {
			names = append(names, n)
		}
		bySuite[n] = append(bySuite[n], r)
	}
	var out []string
	for _, n := range names {
		data, err := json.MarshalIndent(bySuite[n], "", "  ")
		if err != nil {
			return nil, err
		}
		p := filepath.Join(outDir, "reports", n+".json")
		if err := report.WriteFile(p, data); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	if err := writeMerged(outDir, merged); err != nil {
		return nil, err
	}
	fmt.Fprintf(stdout, "smokeproof: merged the shards' reports of %d suite(s) into %s, report.json and junit.xml\n", len(names), filepath.Join(outDir, "reports"))
	return out, nil
}

// writeMerged writes report.json and junit.xml from the merged reports, as each suite's
// ReportAfterSuite writes them after a single run.
func writeMerged(outDir string, reports []types.Report) error {
	data, err := json.MarshalIndent(reports, "", "  ")
	if err != nil {
		return err
	}
	if err := report.WriteFile(filepath.Join(outDir, "report.json"), data); err != nil {
		return err
	}
	junit := types.Report{SuiteDescription: "smokeproof"}
	if len(reports) > 0 {
		junit = reports[0]
	}
	if len(reports) > 1 {
		junit.SuiteDescription = "smokeproof"
		junit.SpecReports = slices.Clone(junit.SpecReports)
		for _, r := range reports[1:] {
			junit.SpecReports = append(junit.SpecReports, r.SpecReports...)
			junit.SuiteSucceeded = junit.SuiteSucceeded && r.SuiteSucceeded
			junit.RunTime += r.RunTime
		}
	}
	path := filepath.Join(outDir, "junit.xml")
	if err := reporters.GenerateJUnitReportWithConfig(junit, path, reporters.JunitReportConfig{OmitLeafNodeType: true}); err != nil {
		return err
	}
	return report.ClassifyJUnit(path, junit)
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9_-]+`)

// suiteName is the directory name of the suite under suites/ (read from a spec's
// location), as the suites name their report files; else the description made safe.
func suiteName(r types.Report) string {
	for _, sp := range r.SpecReports {
		f := filepath.ToSlash(sp.LeafNodeLocation.FileName)
		if i := strings.LastIndex(f, "/suites/"); i >= 0 {
			if name, _, ok := strings.Cut(f[i+len("/suites/"):], "/"); ok && name != "" {
				return name
			}
		}
	}
	return strings.ToLower(strings.Trim(unsafeName.ReplaceAllString(r.SuiteDescription, "-"), "-"))
}
