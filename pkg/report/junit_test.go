package report_test

import (
	"encoding/xml"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/report"
)

func TestJUnitTellsFailedFromBroken(t *testing.T) {
	rep := suite("checkout", facts(),
		spec("places an order", types.SpecStatePassed, labels(co, flow)),
		spec("answers 201", types.SpecStateFailed, labels(co, api), failedWith("status 403, want 201")),
		spec("mails the buyer", types.SpecStateTimedout, labels(co, email), failedWith("A spec timeout occurred")),
		spec("writes the row", types.SpecStateFailed, labels(co, flow), failedWith("log in: status 500"), inNode(types.NodeTypeBeforeEach)),
		spec("reads the row", types.SpecStatePanicked, labels(co, flow), failedWith("Test Panicked")),
	)
	path := filepath.Join(t.TempDir(), "junit.xml")
	if err := reporters.GenerateJUnitReportWithConfig(rep, path, reporters.JunitReportConfig{OmitLeafNodeType: true}); err != nil {
		t.Fatal(err)
	}
	if err := report.ClassifyJUnit(path, rep); err != nil {
		t.Fatalf("ClassifyJUnit: %v", err)
	}
	raw, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var got reporters.JUnitTestSuites
	if err := xml.Unmarshal(raw, &got); err != nil {
		t.Fatalf("the rewritten file is not JUnit: %v", err)
	}
	s := got.TestSuites[0]
	outcome := map[string]string{}
	for _, tc := range s.TestCases {
		switch {
		case tc.Failure != nil:
			outcome[tc.Name] = "failure " + tc.Failure.Type
		case tc.Error != nil:
			outcome[tc.Name] = "error " + tc.Error.Type + ": " + strings.SplitN(tc.Error.Description, "\n", 2)[0]
		default:
			outcome[tc.Name] = "ok"
		}
	}
	for name, want := range map[string]string{
		"places an order": "ok",
		"answers 201":     "failure failed",
		"mails the buyer": "error broken: the spec timed out",
		"writes the row":  "error broken: its BeforeEach failed",
		"reads the row":   "error broken: the spec panicked",
	} {
		var key string
		for n := range outcome {
			if strings.HasPrefix(n, name) {
				key = n
			}
		}
		if outcome[key] != want {
			t.Errorf("%s: %q, want %q", name, outcome[key], want)
		}
	}
	if s.Failures != 1 || s.Errors != 3 || got.Failures != 1 || got.Errors != 3 {
		t.Errorf("counts: suite %d failures %d errors, total %d / %d; want 1 and 3", s.Failures, s.Errors, got.Failures, got.Errors)
	}
	if err := report.ClassifyJUnit(path, suite("checkout", facts())); err == nil {
		t.Errorf("ClassifyJUnit with another report did not fail")
	}
}
