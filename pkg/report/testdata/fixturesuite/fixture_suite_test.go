// Package fixturesuite_test is a small Ginkgo suite that feeds pkg/report's golden
// tests with a real Ginkgo JSON report: DoD labels from the registry, evidence entries,
// By steps, failing specs, a Skip, and specs left out by the label filter with the
// reason recorded in the run facts. It fails on purpose, so it only runs when
// SMOKEPROOF_FIXTURE=1 is set (pkg/report's tests set it).
package fixturesuite_test

import (
	"os"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

func TestFixture(t *testing.T) {
	if os.Getenv("SMOKEPROOF_FIXTURE") != "1" {
		t.Skip("fixture suite of pkg/report's golden tests (it fails on purpose); set SMOKEPROOF_FIXTURE=1 to run it")
	}
	RegisterFailHandler(Fail)
	RunSpecs(t, "smokeproof report fixture")
}

// exclusions are what a target cannot do; the ones the label filter leaves out are
// recorded in the run facts, as pkg/spec does for real suites.
var exclusions = []evidence.Exclusion{
	{Label: "writes", Reason: "writes not allowed on this target"},
	{Label: "browser", Reason: "browser disabled (SMOKE_BROWSER=off)"},
}

var _ = SynchronizedBeforeSuite(func() []byte {
	facts := evidence.RunFacts{
		Target:      "embedded",
		App:         "shop (in-process)",
		Database:    "go-mysql-server 0.20.0",
		Mail:        "smtp-sink",
		Harness:     "smokeproof 0.1.0 (fixture)",
		Started:     time.Now().UTC(),
		Startup:     []evidence.Timing{{Name: "database", Millis: 118.4}, {Name: "shop", Millis: 31.2}},
		LabelFilter: GinkgoLabelFilter(),
	}
	for _, ex := range exclusions {
		if !Label(ex.Label).MatchesLabelFilter(GinkgoLabelFilter()) {
			facts.Excluded = append(facts.Excluded, ex)
		}
	}
	AddReportEntry(evidence.RunEntryName, facts, ReportEntryVisibilityNever)
	return nil
}, func([]byte) {})

var redactor = func() *evidence.Redactor {
	r := &evidence.Redactor{}
	r.Add("consumer-secret-pw")
	return r
}()

// record adds one redacted evidence record to the current spec, as pkg/spec does.
func record(rec evidence.Record) {
	AddReportEntry(evidence.EntryName, redactor.Record(rec), ReportEntryVisibilityNever)
}

func exchange(caller, method, path string, status int, ms float64, req, resp string) {
	record(evidence.Record{Kind: evidence.KindHTTP, HTTP: &evidence.HTTP{
		Caller: caller, Method: method, Path: path, Status: status, Millis: ms,
		RequestBody: req, ResponseBody: resp, ResponseBytes: len(resp),
	}})
}

func cell(caller, action string, expected, observed int, detail string) {
	record(evidence.Record{Kind: evidence.KindCell, Cell: &evidence.Cell{
		Caller: caller, Action: action, Expected: expected, Observed: observed, Detail: detail,
	}})
}

func fact(name, status string, ms float64, details string, ok bool) {
	record(evidence.Record{Kind: evidence.KindFact, Fact: &evidence.Fact{
		Name: name, Status: status, Millis: ms, Details: details, OK: ok,
	}})
}
