package main

import (
	"bytes"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

var annotationRE = regexp.MustCompile(`^(.*) <!-- smokeproof --> (.*)$`)

// annotations returns each annotated line of a plan (without its annotation) → the
// annotation.
func annotations(data []byte) map[string]string {
	out := map[string]string{}
	for _, l := range strings.Split(string(data), "\n") {
		if m := annotationRE.FindStringSubmatch(l); m != nil {
			out[m[1]] = m[2]
		}
	}
	return out
}

func TestProofMarksTheSeedPlanAfterAGreenRun(t *testing.T) {
	dir := t.TempDir()
	rep := greenRun(t, dir, "")
	plan, orig := seedPlan(t, dir)

	stdout, stderr, code := cli(t, "proof", "--plan", plan, "--report", rep)
	if code != exitOK {
		t.Fatalf("exit %d\n%s%s", code, stdout, stderr)
	}
	out := readFile(t, plan)
	notes := annotations(out)

	// Every bullet of the two items whose suites ran green is ✅ with a link to the
	// section of its document that proves it.
	linkRE := regexp.MustCompile(`^✅ \[proof\]\(([^)#]+)#([^)]+)\) 2026-11-26$`)
	planDir := filepath.Dir(plan)
	for _, line := range []string{
		"  - Manual test: Add product → Cart → Checkout → Order created",
		"  - API verification: POST /api/orders returns 201 or 200",
		"  - Database verification: Order record exists",
		"  - Email verification: Confirmation email sent (or logged)",
		"  - Document test: `docs/TESTS/CHECKOUT-SMOKE.md`",
		"  - No blocking bugs found",
		"  - Backend policy verification: ProductPolicy enforces producer_id ownership",
		"  - Frontend verification: Dashboard only shows producer's own products",
		"  - Admin override verification: Admin can edit any product",
		"  - Authorization test coverage: existing tests pass",
		"  - Document findings: `docs/FEATURES/PRODUCER-PERMISSIONS.md`",
		"  - No user-facing bugs found",
		"  - Document: Products → Producers → Permissions → Dashboard → Admin",
		"  - Current state: what exists today",
		"  - Implementation order: 1, 2, 3...",
	} {
		m := linkRE.FindStringSubmatch(notes[line])
		if m == nil {
			t.Errorf("%q is annotated %q, want ✅ with a link and the run's date", line, notes[line])
			continue
		}
		doc := filepath.Join(planDir, filepath.FromSlash(m[1]))
		body, err := os.ReadFile(doc)
		if err != nil {
			t.Errorf("%q links to %s, which was not written: %v", line, m[1], err)
			continue
		}
		if !githubAnchors(string(body))[m[2]] {
			t.Errorf("%q links to #%s, which no heading of %s has", line, m[2], m[1])
		}
	}
	if got := notes["  - Email verification: Confirmation email sent (or logged)"]; !strings.Contains(got, "(../out/docs/TESTS/CHECKOUT-SMOKE.md#email-verification-confirmation-email-sent-or-logged)") {
		t.Errorf("email bullet annotated %q, want the link relative to the plan's directory", got)
	}

	// Only the bullet a person decides stays manual; the OPS state bullets are checked
	// in the team's repository by suites/opsstate, which this run did not include.
	for line, want := range map[string]string{
		"  - Stakeholder agreement on priority":                                                "✍ manual",
		"  - `scripts/prod-facts.sh` created and executable":                                   "⏸ not run: suites/opsstate was not in this run",
		"  - `docs/OPS/STATE.md` created with CLOSED/STABLE/IN-PROGRESS/BLOCKED/NEXT sections": "⏸ not run: suites/opsstate was not in this run",
		"  - All files committed and merged to main":                                           "⏸ not run: suites/opsstate was not in this run",
		"- Products list verification (2025-12-19) - STABLE ✓":                                 "⏸ not run: suites/catalog was not in this run",
	} {
		if notes[line] != want {
			t.Errorf("%q annotated %q, want %q", line, notes[line], want)
		}
	}
	for line, note := range notes {
		if strings.HasPrefix(note, "✅") && (strings.Contains(line, "Stakeholder") || strings.Contains(line, "merged to main")) {
			t.Errorf("a manual bullet is marked done: %q %q", line, note)
		}
	}
	if strings.Contains(string(out), "SSH/fail2ban hardening (2025-12-19) - CLOSED ✅ <!--") {
		t.Error("an item the harness does not prove was annotated")
	}

	// Every byte outside the annotations is the plan's own.
	if !bytes.Equal(dod.Strip(out), orig) {
		t.Error("stripping the annotations does not give back the plan byte for byte")
	}
	// The map was rendered from the schema the depmap specs read.
	depmap := string(readFile(t, filepath.Join(dir, "out", "docs", "PRODUCT", "DATA-DEPENDENCY-MAP.md")))
	for _, want := range []string{"✅ foreign key `products.producer_id → producers.id`", "✅ foreign key `producers.user_id → users.id`"} {
		if !strings.Contains(depmap, want) {
			t.Errorf("DATA-DEPENDENCY-MAP.md lacks %q", want)
		}
	}
	// proof.json and the documents are next to the report.
	for _, f := range []string{"proof.json", "docs/TESTS/CHECKOUT-SMOKE.md", "docs/FEATURES/PRODUCER-PERMISSIONS.md", "docs/PRODUCT/DATA-DEPENDENCY-MAP.md"} {
		if _, err := os.Stat(filepath.Join(dir, "out", f)); err != nil {
			t.Errorf("%s not written next to the report: %v", f, err)
		}
	}
	for _, want := range []string{"proof.json written from 1 report", "docs/NEXT-7D.md annotated", "✍ Stakeholder agreement on priority"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("output lacks %q:\n%s", want, stdout)
		}
	}
	if line := lineNumber(t, orig, "  - Stakeholder agreement"); !strings.Contains(stdout, "NEXT-7D.md:"+strconv.Itoa(line)+": ✍ Stakeholder") {
		t.Errorf("output does not name the manual bullet's line %d:\n%s", line, stdout)
	}
}

func TestProofTwiceChangesNothing(t *testing.T) {
	dir := t.TempDir()
	rep := greenRun(t, dir, "")
	plan, _ := seedPlan(t, dir)
	files := []string{plan, filepath.Join(dir, "out", "proof.json"), filepath.Join(dir, "out", "docs", "PRODUCT", "DATA-DEPENDENCY-MAP.md")}

	if _, stderr, code := cli(t, "proof", "--plan", plan, "--report", rep); code != exitOK {
		t.Fatalf("first run: exit %d: %s", code, stderr)
	}
	first := map[string][]byte{}
	for _, f := range files {
		first[f] = readFile(t, f)
	}
	stdout, stderr, code := cli(t, "proof", "--plan", plan, "--report", rep)
	if code != exitOK {
		t.Fatalf("second run: exit %d: %s", code, stderr)
	}
	for _, f := range files {
		if !bytes.Equal(readFile(t, f), first[f]) {
			t.Errorf("the second run changed %s", f)
		}
	}
	if !strings.Contains(stdout, "NEXT-7D.md is up to date") {
		t.Errorf("second run output:\n%s", stdout)
	}
}

func TestProofShowsAFailedBulletAndExitsOne(t *testing.T) {
	dir := t.TempDir()
	rep := greenRun(t, dir, "email")
	plan, orig := seedPlan(t, dir)
	stdout, _, code := cli(t, "proof", "--plan", plan, "--report", rep)
	if code != exitFailed {
		t.Errorf("exit %d, want %d for a failed bullet", code, exitFailed)
	}
	notes := annotations(readFile(t, plan))
	if got := notes["  - Email verification: Confirmation email sent (or logged)"]; !strings.HasPrefix(got, "❌ no message to the buyer within 10 s — [proof](../out/docs/TESTS/CHECKOUT-SMOKE.md#email-verification-confirmation-email-sent-or-logged) 2026-11-26") {
		t.Errorf("email bullet annotated %q", got)
	}
	if got := notes["  - No blocking bugs found"]; !strings.HasPrefix(got, "❌ blocked by: Email verification") {
		t.Errorf("derived bullet annotated %q", got)
	}
	if !strings.Contains(stdout, "❌ CHECKOUT-SMOKE.email — no message to the buyer within 10 s") {
		t.Errorf("output does not list the failed bullet:\n%s", stdout)
	}
	// A green run afterwards replaces the ❌ rather than stacking a second annotation.
	rep = greenRun(t, dir, "")
	if _, stderr, code := cli(t, "proof", "--plan", plan, "--report", rep); code != exitOK {
		t.Fatalf("green run: exit %d: %s", code, stderr)
	}
	out := readFile(t, plan)
	if strings.Contains(string(out), "❌") || !bytes.Equal(dod.Strip(out), orig) {
		t.Errorf("the failure was not replaced:\n%s", out)
	}
}

func TestProofVerifyNamesTheChangedFile(t *testing.T) {
	dir := t.TempDir()
	rep := greenRun(t, dir, "")
	if _, stderr, code := cli(t, "proof", "--report", rep); code != exitOK {
		t.Fatalf("proof: exit %d: %s", code, stderr)
	}
	proof := filepath.Join(dir, "out", "proof.json")
	stdout, _, code := cli(t, "proof", "verify", proof)
	if code != exitOK || !strings.Contains(stdout, "verified: 2 files match their SHA-256") {
		t.Fatalf("verify of an untouched run: exit %d\n%s", code, stdout)
	}

	shot := filepath.Join(dir, "out", "evidence", "producer-a-dashboard.png")
	for _, tc := range []struct {
		name   string
		change func()
		undo   func()
		want   string
	}{
		{"changed evidence file",
			func() { os.WriteFile(shot, append(append([]byte{}, screenshot...), '!'), 0o644) },
			func() { os.WriteFile(shot, screenshot, 0o644) },
			"evidence/producer-a-dashboard.png: changed"},
		{"missing evidence file",
			func() { os.Remove(shot) },
			func() { os.WriteFile(shot, screenshot, 0o644) },
			"evidence/producer-a-dashboard.png: missing"},
		{"changed report",
			func() {
				raw := readFile(t, rep)
				os.WriteFile(rep, bytes.Replace(raw, []byte(`"State": "passed"`), []byte(`"State": "failed"`), 1), 0o644)
			},
			nil,
			"report.json: changed"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.change()
			stdout, stderr, code := cli(t, "proof", "verify", proof)
			if code != exitFailed {
				t.Errorf("exit %d, want %d", code, exitFailed)
			}
			if !strings.Contains(stdout, "❌ "+tc.want) || !strings.Contains(stderr, "proof does not verify: "+strings.SplitN(tc.want, ":", 2)[0]) {
				t.Errorf("output does not name the file:\n%s%s", stdout, stderr)
			}
			if tc.undo != nil {
				tc.undo()
			}
		})
	}
}

func TestProofUsageErrors(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("SMOKE_OUT", filepath.Join(dir, "empty"))
	rep := greenRun(t, dir, "")
	notUTF8 := filepath.Join(dir, "bad.md")
	os.WriteFile(notUTF8, []byte("## WIP\n- \xff\xfe\n"), 0o644)
	garbage := filepath.Join(dir, "garbage.json")
	os.WriteFile(garbage, []byte("not json"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"proof"}, exitUsage, "no reports under"},
		{[]string{"proof", "--report", filepath.Join(dir, "nope.json")}, exitUsage, "no report at"},
		{[]string{"proof", "--report", rep, "--plan", filepath.Join(dir, "nope.md")}, exitUsage, "no work plan at"},
		{[]string{"proof", "--report", rep, "--plan", notUTF8}, exitFailed, "bad.md:2:"},
		{[]string{"proof", "--report", rep, "stray"}, exitUsage, `unexpected argument "stray"`},
		{[]string{"proof", "--bogus"}, exitUsage, "flag provided but not defined"},
		{[]string{"proof", "verify", filepath.Join(dir, "nope.json")}, exitUsage, "no proof.json at"},
		{[]string{"proof", "verify", garbage}, exitFailed, "is not a smokeproof proof.json"},
	} {
		_, stderr, code := cli(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.want) {
			t.Errorf("smokeproof %s: exit %d, stderr %q; want exit %d and %q", strings.Join(tc.args, " "), code, stderr, tc.code, tc.want)
		}
	}
}

func TestEveryNewCommandHasHelp(t *testing.T) {
	for _, args := range [][]string{{"proof", "--help"}, {"proof", "verify", "--help"}, {"lint", "--help"}, {"lint", "-h"}, {"history", "--help"}} {
		_, stderr, code := cli(t, args...)
		if code != exitOK || !strings.Contains(stderr, "Usage: smokeproof "+args[0]) || !strings.Contains(stderr, "Exit codes: 0") {
			t.Errorf("smokeproof %s: exit %d\n%s", strings.Join(args, " "), code, stderr)
		}
	}
	stdout, _, _ := cli(t, "help")
	for _, want := range []string{"smokeproof proof    [--plan FILE]", "smokeproof proof    verify [proof.json]", "smokeproof lint     [PLAN ...]", "smokeproof history  [--out DIR] [--runs N] DIR"} {
		if !strings.Contains(stdout, want) {
			t.Errorf("help lacks %q:\n%s", want, stdout)
		}
	}
}
