package main

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

func TestLintPassesTheSeedPlanAndState(t *testing.T) {
	plan := filepath.Join("..", "..", "pkg", "dod", "testdata", "NEXT-7D.md")
	state := filepath.Join("..", "..", "pkg", "dod", "testdata", "STATE.md")
	stdout, stderr, code := cli(t, "lint", plan, state)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	if !strings.Contains(stdout, "follow the plan's rules") {
		t.Errorf("output: %q", stdout)
	}
}

func TestLintPassesAnAnnotatedPlan(t *testing.T) {
	dir := t.TempDir()
	rep := greenRun(t, dir, "email")
	plan, _ := seedPlan(t, dir)
	cli(t, "proof", "--plan", plan, "--report", rep)
	if !strings.Contains(string(readFile(t, plan)), "<!-- smokeproof --> ❌") {
		t.Fatal("the plan was not annotated")
	}
	if stdout, _, code := cli(t, "lint", plan); code != exitOK || !strings.Contains(stdout, "follows the plan's rules") {
		t.Errorf("lint of the annotated plan: exit %d\n%s", code, stdout)
	}
}

func TestLintFailsATwoWIPPlanWithTheLine(t *testing.T) {
	dir := t.TempDir()
	_, seed := seedPlan(t, dir)
	// A second item pulled into WIP, right after the first one's fields.
	second := "\n**2) Producer permissions audit**\n- **DoD**:\n  - No user-facing bugs found\n"
	data := strings.Replace(string(seed), "- **Status**: In PR review\n", "- **Status**: In PR review\n"+second, 1)
	plan := filepath.Join(dir, "docs", "NEXT-7D.md")
	if err := os.WriteFile(plan, []byte(data), 0o644); err != nil {
		t.Fatal(err)
	}
	line := lineNumber(t, []byte(data), "**2) Producer permissions audit**")

	stdout, stderr, code := cli(t, "lint", plan)
	if code != exitFailed {
		t.Errorf("exit %d, want %d", code, exitFailed)
	}
	want := filepath.ToSlash(plan) + ":" + strconv.Itoa(line) + `: WIP holds 2 items but the limit is 1; move item "2) Producer permissions audit" back to NEXT`
	if !strings.HasPrefix(stdout, want) {
		t.Errorf("output\n%s\nwant it to start with\n%s", stdout, want)
	}
	if !strings.Contains(stderr, "1 problem in "+plan) {
		t.Errorf("stderr: %q", stderr)
	}
}

func TestLintReportsEveryBrokenRule(t *testing.T) {
	dir := filepath.Join("..", "..", "pkg", "dod", "testdata", "lint")
	for file, want := range map[string]string{
		"next-four.md":    "NEXT holds 4 items but the limit is 3",
		"no-dod.md":       `item "2) Data dependency roadmap" has no DoD`,
		"done-no-date.md": "has no date",
		"STATE.md":        `the state file has no "## BLOCKED" section`,
	} {
		stdout, _, code := cli(t, "lint", filepath.Join(dir, file))
		if code != exitFailed || !strings.Contains(stdout, want) || !strings.HasPrefix(stdout, filepath.ToSlash(filepath.Join(dir, file))+":") {
			t.Errorf("lint %s: exit %d\n%s\nwant exit 1 and file:line: …%s", file, code, stdout, want)
		}
	}
}

func TestLintUsage(t *testing.T) {
	dir := t.TempDir()
	bad := filepath.Join(dir, "bad.md")
	os.WriteFile(bad, []byte("# Plan\n\n## WIP\n- \xff\n"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"lint", filepath.Join(dir, "nope.md")}, exitUsage, "no plan at"},
		{[]string{"lint", bad}, exitFailed, "bad.md:4:"},
		{[]string{"lint", "--bogus"}, exitUsage, "flag provided but not defined"},
	} {
		stdout, stderr, code := cli(t, tc.args...)
		if code != tc.code || !strings.Contains(stdout+stderr, tc.want) {
			t.Errorf("smokeproof %s: exit %d\n%s%s\nwant exit %d and %q", strings.Join(tc.args, " "), code, stdout, stderr, tc.code, tc.want)
		}
	}
}
