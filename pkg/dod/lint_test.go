package dod_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

// lastLineOf returns the 1-based line of the last line of data that equals text.
func lastLineOf(t *testing.T, data []byte, text string) int {
	t.Helper()
	last := 0
	for i, l := range strings.Split(string(data), "\n") {
		if l == text {
			last = i + 1
		}
	}
	if last == 0 {
		t.Fatalf("no line %q", text)
	}
	return last
}

func findingStrings(fs []dod.Finding) []string {
	out := []string{}
	for _, f := range fs {
		out = append(out, f.String())
	}
	return out
}

func TestLintSeedPlanAndStatePass(t *testing.T) {
	plan, _ := mustParse(t, "NEXT-7D.md")
	state, _ := mustParse(t, "STATE.md")
	if fs := dod.Lint(plan); len(fs) != 0 {
		t.Errorf("seed plan: %q", findingStrings(fs))
	}
	if fs := dod.Lint(state); len(fs) != 0 {
		t.Errorf("seed state: %q", findingStrings(fs))
	}
	if fs := dod.Lint(plan, state); len(fs) != 0 {
		t.Errorf("seed plan with state: %q", findingStrings(fs))
	}
}

func TestLintFindsBrokenRules(t *testing.T) {
	for _, tc := range []struct {
		file  string
		lines []string // the lines the findings point at, in order
		want  []string // what each finding's message says, in order
	}{
		{"lint/two-wip.md",
			[]string{"**2) Producer permissions audit**"},
			[]string{`WIP holds 2 items but the limit is 1; move item "2) Producer permissions audit" back to NEXT`}},
		{"lint/next-four.md",
			[]string{"### 5) Admin dashboard"},
			[]string{`NEXT holds 4 items but the limit is 3; drop or postpone item "5) Admin dashboard"`}},
		{"lint/no-dod.md",
			[]string{"### 2) Data dependency roadmap", "### 3) Producer permissions audit"},
			[]string{`item "2) Data dependency roadmap" has no DoD`, `the DoD of item "3) Producer permissions audit" has no bullets`}},
		{"lint/done-no-date.md",
			[]string{"- Products list verification - STABLE ✓", "- Auth routes verification (2025-12-32) - STABLE ✓"},
			[]string{`DONE entry "Products list verification - STABLE ✓" has no date`, `DONE entry "Auth routes verification" has the date 2025-12-32, which is not a real date`}},
		{"lint/STATE.md",
			[]string{"# OPS STATE", "## NEXT"},
			[]string{`the state file has no "## BLOCKED" section`, `second "## NEXT" section (the first is at line 11)`}},
	} {
		t.Run(tc.file, func(t *testing.T) {
			p, data := mustParse(t, tc.file)
			fs := dod.Lint(p)
			if len(fs) != len(tc.want) {
				t.Fatalf("got %d findings, want %d: %q", len(fs), len(tc.want), findingStrings(fs))
			}
			for i, f := range fs {
				line := lastLineOf(t, data, tc.lines[i])
				if f.Path != tc.file || f.Line != line || !strings.HasPrefix(f.Message, tc.want[i]) {
					t.Errorf("finding %d = %q, want %s:%d: %s…", i, f, tc.file, line, tc.want[i])
				}
				if !strings.HasPrefix(f.String(), tc.file+":") {
					t.Errorf("String() = %q, want it to start with the path", f.String())
				}
			}
		})
	}
}

func TestLintStateUpdatesAcrossFiles(t *testing.T) {
	plan, data := mustParse(t, "NEXT-7D.md")
	state, _ := mustParse(t, "lint/STATE.md")
	var got []string
	for _, f := range dod.Lint(plan, state) {
		if f.Path == plan.Path {
			got = append(got, f.String())
		}
	}
	want := []string{}
	for _, title := range []string{"Products list verification", "Auth routes verification"} {
		line := lineOf(t, data, "- "+title+" (2025-12-19) - STABLE ✓")
		want = append(want, dod.Finding{Path: "NEXT-7D.md", Line: line,
			Message: `DONE entry "` + title + `" is not under STABLE or CLOSED in lint/STATE.md; add it there`}.String())
	}
	want = append(want, dod.Finding{Path: "NEXT-7D.md", Line: lineOf(t, data, "- PROD monitoring workflows (MON1 + prod-smoke) (2025-12-19) - Active ✅"),
		Message: `DONE entry "PROD monitoring workflows (MON1 + prod-smoke)" is not under STABLE or CLOSED in lint/STATE.md; add it there`}.String())
	if !reflect.DeepEqual(got, want) {
		t.Errorf("findings\n %q\nwant\n %q", got, want)
	}

	// A DONE entry still listed as in progress, and a WIP item the state does not list.
	stale := "## CLOSED\n## STABLE\n## IN PROGRESS\n- Auth routes verification\n## BLOCKED\n## NEXT\n"
	sp, err := dod.ParsePlan("docs/OPS/STATE.md", []byte(stale))
	if err != nil {
		t.Fatal(err)
	}
	msgs := strings.Join(findingStrings(dod.Lint(plan, sp)), "\n")
	for _, w := range []string{
		`NEXT-7D.md:6: WIP item "1) Bootstrap OPS state management system" is not under IN PROGRESS in docs/OPS/STATE.md`,
		`DONE entry "Auth routes verification" is still under IN PROGRESS in docs/OPS/STATE.md; move it to STABLE or CLOSED`,
	} {
		if !strings.Contains(msgs, w) {
			t.Errorf("findings lack %q:\n%s", w, msgs)
		}
	}
}

func TestLintMissingWIPAndEmptyWIP(t *testing.T) {
	for src, want := range map[string]string{
		"# Plan\n\n## NEXT\n":           `p.md:1: the plan has no "## WIP" section`,
		"# Plan\n\n## WIP\n\n## NEXT\n": `p.md:3: WIP holds no item`,
	} {
		p, err := dod.ParsePlan("p.md", []byte(src))
		if err != nil {
			t.Fatal(err)
		}
		fs := dod.Lint(p)
		if len(fs) != 1 || !strings.HasPrefix(fs[0].String(), want) {
			t.Errorf("%q: got %q, want one finding %q…", src, findingStrings(fs), want)
		}
	}
}
