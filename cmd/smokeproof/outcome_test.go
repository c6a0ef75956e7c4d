package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"
)

// brokenRun writes a run whose email spec timed out (⚠ broken) and, when failing, whose
// flow spec failed an assertion too (❌). It returns the report's path.
func brokenRun(t *testing.T, dir string, failing bool) string {
	t.Helper()
	flow := It{name: "checks out a cart", bullets: []string{"CHECKOUT-SMOKE.flow", "CHECKOUT-SMOKE.api-201"}, state: pass}
	if failing {
		flow.state, flow.failure = types.SpecStateFailed, "POST /api/orders: status 403, want 201"
	}
	rep := reportOf(t, "checkout",
		flow,
		It{name: "writes the order row", bullets: []string{"CHECKOUT-SMOKE.db-order-row"}, state: pass},
		It{name: "mails the buyer", bullets: []string{"CHECKOUT-SMOKE.email"}, state: types.SpecStateTimedout, failure: "A spec timeout occurred"},
	)
	raw, err := json.Marshal([]types.Report{rep})
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "out", "report.json")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

func TestABrokenBulletIsWarnedAndExitsFour(t *testing.T) {
	dir := t.TempDir()
	rep := brokenRun(t, dir, false)
	plan, _ := seedPlan(t, dir)
	summary := filepath.Join(dir, "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	stdout, stderr, code := cli(t, "proof", "--plan", plan, "--report", rep, "--github", "on")
	if code != exitBroken {
		t.Fatalf("exit %d, want %d (broken, nothing failed): %s", code, exitBroken, stderr)
	}
	for _, want := range []string{
		"0 ❌ · 1 ⚠ ·",
		"⚠ CHECKOUT-SMOKE.email — the spec timed out: A spec timeout occurred",
		"could not be checked (broken: for whoever runs the job, not the app's developers)",
		"::warning file=suites/checkout/checkout_test.go,line=12,title=⚠ CHECKOUT-SMOKE.email broken::",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if strings.Contains(stdout, "::error") {
		t.Errorf("a broken bullet is an error annotation:\n%s", stdout)
	}
	notes := annotations(readFile(t, plan))
	if got := notes["  - Email verification: Confirmation email sent (or logged)"]; !strings.HasPrefix(got, "⚠ not checked: the spec timed out: A spec timeout occurred — [proof](") {
		t.Errorf("email bullet annotated %q", got)
	}
	var p struct {
		Result string `json:"result"`
	}
	json.Unmarshal(readFile(t, filepath.Join(dir, "out", "proof.json")), &p)
	if p.Result != "NOT CHECKED" {
		t.Errorf("proof.json result %q, want NOT CHECKED", p.Result)
	}
	if sum := string(readFile(t, summary)); !strings.Contains(sum, "| ⚠ NOT CHECKED | 4 | 0 | 1 | 1 |") {
		t.Errorf("step summary:\n%s", sum)
	}
}

func TestAFailureOutranksABreakage(t *testing.T) {
	dir := t.TempDir()
	rep := brokenRun(t, dir, true)
	stdout, _, code := cli(t, "proof", "--report", rep, "--github", "on")
	if code != exitFailed {
		t.Errorf("exit %d, want %d when a bullet failed and another broke", code, exitFailed)
	}
	for _, want := range []string{
		"::error file=suites/checkout/checkout_test.go,line=10,title=❌ CHECKOUT-SMOKE.flow failed::",
		"::warning file=suites/checkout/checkout_test.go,line=12,title=⚠ CHECKOUT-SMOKE.email broken::",
		"❌ CHECKOUT-SMOKE.flow — POST /api/orders: status 403, want 201",
		"⚠ CHECKOUT-SMOKE.email — the spec timed out",
	} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
}
