package main

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// nightRun writes a run like greenRun's, started on the given day of November 2026.
func nightRun(t *testing.T, dir string, day int, failing string) string {
	t.Helper()
	saved := started
	started = time.Date(2026, 11, day, 3, 30, 0, 0, time.UTC)
	defer func() { started = saved }()
	return greenRun(t, dir, failing)
}

func TestProofHistoryKeepsEveryRunAndRendersTheHistory(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "history")
	for i, failing := range []string{"", "", "email", "email"} {
		rep := nightRun(t, dir, 20+i, failing)
		_, stderr, code := cli(t, "proof", "--report", rep, "--history", hist, "--github", "off")
		if want := map[bool]int{true: exitOK, false: exitFailed}[failing == ""]; code != want {
			t.Fatalf("night %d: exit %d, want %d: %s", i, code, want, stderr)
		}
	}
	// The same run again adds nothing.
	rep := filepath.Join(dir, "out", "report.json")
	stdout, _, _ := cli(t, "proof", "--report", rep, "--history", hist, "--github", "off")
	names, _ := filepath.Glob(filepath.Join(hist, "*.json"))
	if len(names) != 4 || filepath.Base(names[0]) != "2026-11-20T033000Z-embedded.json" {
		t.Fatalf("history folder holds %v; want the 4 nights", names)
	}
	if !strings.Contains(stdout, "HISTORY.md written from 4 runs of the embedded target") {
		t.Errorf("output:\n%s", stdout)
	}
	md := string(readFile(t, filepath.Join(dir, "out", "docs", "TESTS", "HISTORY.md")))
	for _, want := range []string{
		"![Pass rate per item per run",
		"| `CHECKOUT-SMOKE.email` Email verification: Confirmation email sent (or logged) | ❌ | 2026-11-22 03:30 UTC (abc1234), 2 runs | no message to the buyer within 10 s |",
		"| Email verification: Confirmation email sent (or logged) | ✅ | ✅ | ❌ | ❌ |",
	} {
		if !strings.Contains(md, want) {
			t.Errorf("HISTORY.md lacks %q:\n%s", want, md)
		}
	}
	svg := readFile(t, filepath.Join(dir, "out", "docs", "TESTS", "history.svg"))
	if !strings.HasPrefix(string(svg), "<svg ") {
		t.Errorf("history.svg is not an SVG: %.80s", svg)
	}

	os.WriteFile(filepath.Join(hist, "junk.json"), []byte("{}"), 0o644)
	_, stderr, code := cli(t, "proof", "--report", rep, "--history", hist, "--github", "off")
	if code != exitUsage || !strings.Contains(stderr, "junk.json is not a smokeproof proof.json") {
		t.Errorf("a junk file in the history: exit %d, %s", code, stderr)
	}
}

func TestProofUnderGitHubActionsPointsAtTheLine(t *testing.T) {
	dir := t.TempDir()
	summary := filepath.Join(dir, "summary.md")
	t.Setenv("GITHUB_ACTIONS", "true")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	hist := filepath.Join(dir, "history")
	if _, stderr, code := cli(t, "proof", "--report", nightRun(t, dir, 20, ""), "--history", hist, "--github", "off"); code != exitOK {
		t.Fatalf("green night: exit %d: %s", code, stderr)
	}
	if _, err := os.Stat(summary); err == nil {
		t.Errorf("--github off wrote a step summary")
	}
	rep := nightRun(t, dir, 21, "email")
	stdout, _, code := cli(t, "proof", "--report", rep, "--history", hist)
	if code != exitFailed {
		t.Fatalf("exit %d, want %d", code, exitFailed)
	}
	want := "::error file=suites/checkout/checkout_test.go,line=12,title=❌ CHECKOUT-SMOKE.email failed::Email verification: Confirmation email sent (or logged) — mails the buyer%0Ano message to the buyer within 10 s\n"
	if !strings.Contains(stdout, want) {
		t.Errorf("no error annotation on the spec's line; want %q in:\n%s", want, stdout)
	}
	if strings.Count(stdout, "::error") != 1 {
		t.Errorf("want one annotation (the derived bullet is not annotated again):\n%s", stdout)
	}
	sum := string(readFile(t, summary))
	for _, want := range []string{
		"## smokeproof: ❌ NOT DONE",
		"| CHECKOUT-SMOKE Checkout flow smoke test | ❌ NOT DONE | ",
		"#### CHECKOUT-SMOKE",
		"| Email verification: Confirmation email sent (or logged) | ✅ | ❌ |",
	} {
		if !strings.Contains(sum, want) {
			t.Errorf("step summary lacks %q:\n%s", want, sum)
		}
	}

	// Without GitHub Actions nothing is annotated.
	t.Setenv("GITHUB_ACTIONS", "")
	os.Remove(summary)
	stdout, _, _ = cli(t, "proof", "--report", rep)
	if strings.Contains(stdout, "::error") {
		t.Errorf("annotations outside GitHub Actions:\n%s", stdout)
	}
	if _, err := os.Stat(summary); err == nil {
		t.Errorf("a step summary outside GitHub Actions")
	}
	if _, stderr, code := cli(t, "proof", "--report", rep, "--github", "maybe"); code != exitUsage || !strings.Contains(stderr, `--github is "maybe": use auto, on or off`) {
		t.Errorf("bad --github: exit %d, %s", code, stderr)
	}
}

func TestRunSummaryUnderGitHubActions(t *testing.T) {
	dir := t.TempDir()
	rep := greenRun(t, dir, "email")
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(filepath.Join(out, "reports"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(rep, filepath.Join(out, "reports", "all.json")); err != nil {
		t.Fatal(err)
	}
	summary := filepath.Join(dir, "summary.md")
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	var stdout strings.Builder
	err := summarize(out, nil, &stdout, true)
	if err == nil {
		t.Fatalf("a red run summarized as green")
	}
	if !strings.Contains(stdout.String(), "::error file=suites/checkout/checkout_test.go,line=12,") {
		t.Errorf("run did not annotate the failing spec:\n%s", stdout.String())
	}
	if sum := string(readFile(t, summary)); !strings.Contains(sum, "| CHECKOUT-SMOKE Checkout flow smoke test | ❌ NOT DONE | 4 | 2 | 0 | 0 | 0 | Email verification: Confirmation email sent (or logged) — no message to the buyer within 10 s |") {
		t.Errorf("step summary:\n%s", sum)
	}
}

func TestHistoryCommandRendersAFolder(t *testing.T) {
	dir := t.TempDir()
	hist := filepath.Join(dir, "history")
	for i, failing := range []string{"", "email"} {
		rep := nightRun(t, dir, 20+i, failing)
		cli(t, "proof", "--report", rep, "--history", hist, "--github", "off")
	}
	other := filepath.Join(dir, "elsewhere")
	stdout, stderr, code := cli(t, "history", "--out", other, hist)
	if code != exitOK || !strings.Contains(stdout, "written from 2 runs of the embedded target") {
		t.Fatalf("history: exit %d\n%s%s", code, stdout, stderr)
	}
	md := string(readFile(t, filepath.Join(other, "docs", "TESTS", "HISTORY.md")))
	if !strings.Contains(md, "- ❌ newly failing: `CHECKOUT-SMOKE.email`") {
		t.Errorf("HISTORY.md:\n%s", md)
	}
	if _, stderr, code := cli(t, "history", filepath.Join(dir, "empty")); code != exitUsage || !strings.Contains(stderr, "no proof.json in") {
		t.Errorf("empty folder: exit %d %s", code, stderr)
	}
	if _, stderr, code := cli(t, "history"); code != exitUsage || !strings.Contains(stderr, "takes one history folder") {
		t.Errorf("no folder: exit %d %s", code, stderr)
	}
}
