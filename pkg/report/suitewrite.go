package report

import (
	"encoding/json"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// SuiteOutput is one suite's finished report and what WriteSuite needs around it.
type SuiteOutput struct {
	Out    string       // the output directory
	Suite  string       // the suite's directory name under suites/ (its report file name)
	Report types.Report // as ReportAfterSuite gets it
	// Redact scrubs every string of the report before it touches the disk.
	Redact func(string) string
	// Facts stand in for the run facts when the suite's setup never ran (Ginkgo skips
	// SynchronizedBeforeSuite when the label filter leaves no spec), so the documents
	// still name the target and why every spec was left out.
	Facts evidence.RunFacts
	// Log receives one line per report removed because another target wrote it.
	Log io.Writer
	// Items are the item declarations the suite knows; they travel in the report, so
	// rendering later (smokeproof render, proof) needs no registry of its own.
	Items []dod.Item
}

// WriteSuite is the one call a suite makes when it ends: it writes the suite's redacted
// report to <out>/reports/<suite>.json, then renders every document, proof.json, the
// merged report.json and junit.xml from all suite reports under <out>/reports. Reports
// left by a run against another target are removed: one proof never mixes targets.
func WriteSuite(o SuiteOutput) error {
	dir := filepath.Join(o.Out, "reports")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	r := o.Report
	withFacts(&r, o.Facts)
	withItems(&r, o.Items)
	clean, err := redactReport(r, o.Redact)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent([]types.Report{clean}, "", "  ")
	if err != nil {
		return err
	}
	if err := WriteFile(filepath.Join(dir, o.Suite+".json"), data); err != nil {
		return err
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	var reports []types.Report
	var rel []string
	for _, p := range paths {
		rs, err := ReadReports(p)
		if err != nil {
			return err
		}
		one, err := Build(rs...)
		var why string
		switch {
		case err != nil:
			why = fmt.Sprintf("which cannot be read as a run (%v)", err)
		case one.Facts.Target != "" && o.Facts.Target != "" && one.Facts.Target != o.Facts.Target:
			why = "left by a run against another target"
		}
		if why != "" {
			if o.Log != nil {
				fmt.Fprintf(o.Log, "smokeproof: removing %s, %s\n", p, why)
			}
			if err := os.Remove(p); err != nil {
				return err
			}
			continue
		}
		reports = append(reports, rs...)
		rel = append(rel, filepath.ToSlash(filepath.Join("reports", filepath.Base(p))))
	}
	merged, err := json.MarshalIndent(reports, "", "  ")
	if err != nil {
		return err
	}
	if err := WriteFile(filepath.Join(o.Out, "report.json"), merged); err != nil {
		return err
	}
	junit := mergeForJUnit(reports)
	if err := reporters.GenerateJUnitReportWithConfig(junit, filepath.Join(o.Out, "junit.xml"), reporters.JunitReportConfig{OmitLeafNodeType: true}); err != nil {
		return err
	}
	// <failure> for an assertion about the app, <error> for a check that broke.
	if err := ClassifyJUnit(filepath.Join(o.Out, "junit.xml"), junit); err != nil {
		return err
	}
	run, err := Build(reports...)
	if err != nil {
		return err
	}
	run.ReportFiles = rel
	return run.Write(o.Out)
}

// withFacts adds f as the run facts when the report has none.
func withFacts(r *types.Report, f evidence.RunFacts) {
	for _, sp := range r.SpecReports {
		for _, e := range sp.ReportEntries {
			if e.Name == evidence.RunEntryName {
				return
			}
		}
	}
	if f.Started.IsZero() {
		f.Started = r.StartTime.UTC()
	}
	if f.LabelFilter == "" {
		f.LabelFilter = r.SuiteConfig.LabelFilter
	}
	r.SpecReports = append(r.SpecReports, types.SpecReport{
		LeafNodeType: types.NodeTypeReportBeforeSuite, State: types.SpecStatePassed,
		StartTime: r.StartTime, EndTime: r.StartTime,
		ReportEntries: types.ReportEntries{{Name: evidence.RunEntryName, Time: r.StartTime, Value: types.WrapEntryValue(f), Visibility: types.ReportEntryVisibilityNever}},
	})
}

// ItemsEntryName is the report entry that carries the item declarations.
const ItemsEntryName = "smokeproof-items"

// withItems adds the item declarations to the report, on a node of their own.
func withItems(r *types.Report, items []dod.Item) {
	if len(items) == 0 {
		return
	}
	r.SpecReports = append(r.SpecReports, types.SpecReport{
		LeafNodeType: types.NodeTypeReportBeforeSuite, State: types.SpecStatePassed,
		StartTime: r.StartTime, EndTime: r.StartTime,
		ReportEntries: types.ReportEntries{{Name: ItemsEntryName, Time: r.StartTime, Value: types.WrapEntryValue(items), Visibility: types.ReportEntryVisibilityNever}},
	})
}

// itemsOf returns the item declarations carried by reports, then those of this
// process's registry that the reports do not carry.
func itemsOf(reports []types.Report) []dod.Item {
	var out []dod.Item
	seen := map[string]bool{}
	for _, r := range reports {
		for _, sp := range r.SpecReports {
			for _, e := range sp.ReportEntries {
				if e.Name != ItemsEntryName {
					continue
				}
				var items []dod.Item
				if err := json.Unmarshal([]byte(e.Value.AsJSON), &items); err != nil {
					continue
				}
				for _, it := range items {
					if !seen[it.ID] {
						seen[it.ID] = true
						out = append(out, it.Normalized())
					}
				}
			}
		}
	}
	for _, it := range dod.Items() {
		if !seen[it.ID] {
			seen[it.ID] = true
			out = append(out, it)
		}
	}
	return out
}

// mergeForJUnit folds several suite reports into one for the JUnit writer.
func mergeForJUnit(reports []types.Report) types.Report {
	if len(reports) == 0 {
		return types.Report{SuiteDescription: "smokeproof"}
	}
	if len(reports) == 1 {
		return reports[0]
	}
	m := reports[0]
	m.SuiteDescription = "smokeproof"
	for _, r := range reports[1:] {
		m.SpecReports = append(m.SpecReports, r.SpecReports...)
		m.SuiteSucceeded = m.SuiteSucceeded && r.SuiteSucceeded
		m.RunTime += r.RunTime
	}
	return m
}

// redactReport returns r with every string in it passed through redact.
func redactReport(r types.Report, redact func(string) string) (types.Report, error) {
	if redact == nil {
		return r, nil
	}
	data, err := json.Marshal(r)
	if err != nil {
		return r, err
	}
	var generic any
	if err := json.Unmarshal(data, &generic); err != nil {
		return r, err
	}
	generic = redactValue(generic, redact)
	data, err = json.Marshal(generic)
	if err != nil {
		return r, err
	}
	var out types.Report
	if err := json.Unmarshal(data, &out); err != nil {
		return r, err
	}
	return out, nil
}

func redactValue(v any, redact func(string) string) any {
	switch x := v.(type) {
	case string:
		return redact(x)
	case []any:
		for i := range x {
			x[i] = redactValue(x[i], redact)
		}
	case map[string]any:
		for k := range x {
			x[k] = redactValue(x[k], redact)
		}
	}
	return v
}
