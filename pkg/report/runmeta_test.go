package report_test

import (
	"testing"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/report"
)

func TestHarnessCommit(t *testing.T) {
	for in, want := range map[string]string{
		"smokeproof 0.1.0 (abc1234)":        "abc1234",
		"smokeproof 0.1.0 (abc1234+dirty)":  "abc1234+dirty",
		"smokeproof 0.1.0 (unknown commit)": "",
		"smokeproof 0.1.0":                  "",
		"":                                  "",
	} {
		if got := report.HarnessCommit(in); got != want {
			t.Errorf("HarnessCommit(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestAppVersionComesFromTheHealthFact(t *testing.T) {
	specs := allPassed()
	if v := mustBuild(t, suite("checkout", facts(), specs...)).AppVersion(); v != "" {
		t.Errorf("AppVersion without a health fact = %q, want empty", v)
	}
	other := evidence.Record{Kind: evidence.KindFact, Fact: &evidence.Fact{Name: "GET /api/v1/public/products", Details: "12 products · version 9.9.9"}}
	health := evidence.Record{Kind: evidence.KindFact, Fact: &evidence.Fact{Name: "GET /api/health", Status: "200", Details: "database: connected · version 1.5.0", OK: true}}
	withEvidence(other, health)(&specs[0])
	if v := mustBuild(t, suite("checkout", facts(), specs...)).AppVersion(); v != "1.5.0" {
		t.Errorf("AppVersion = %q, want 1.5.0 from the health fact", v)
	}
}
