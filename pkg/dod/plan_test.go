package dod_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

// readTestdata returns a testdata file's bytes.
func readTestdata(t *testing.T, name string) []byte {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// mustParse parses a testdata file, failing the test on error.
func mustParse(t *testing.T, name string) (*dod.Plan, []byte) {
	t.Helper()
	data := readTestdata(t, name)
	p, err := dod.ParsePlan(name, data)
	if err != nil {
		t.Fatalf("parse %s: %v", name, err)
	}
	return p, data
}

// lineOf returns the 1-based line of data that equals text, failing when there is not
// exactly one.
func lineOf(t *testing.T, data []byte, text string) int {
	t.Helper()
	found := 0
	for i, l := range strings.Split(string(data), "\n") {
		if strings.TrimRight(l, "\r") == text {
			if found != 0 {
				t.Fatalf("line %q occurs twice", text)
			}
			found = i + 1
		}
	}
	if found == 0 {
		t.Fatalf("no line %q", text)
	}
	return found
}

func TestParseSeedPlan(t *testing.T) {
	p, data := mustParse(t, "NEXT-7D.md")

	var names []string
	for _, s := range p.Sections {
		names = append(names, s.Name)
	}
	if want := []string{"WIP", "NEXT", "DONE", "Rules"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("sections %q, want %q", names, want)
	}
	wip, _ := p.Section("wip")
	if wip.Line != lineOf(t, data, "## WIP (1 item only)") || len(wip.Items) != 1 {
		t.Fatalf("WIP section %+v", wip)
	}

	it := wip.Items[0]
	if it.Number != 1 || it.Title != "Bootstrap OPS state management system" || it.Line != lineOf(t, data, "**1) Bootstrap OPS state management system**") {
		t.Errorf("WIP item %d %q at line %d", it.Number, it.Title, it.Line)
	}
	wantDoD := []dod.PlanBullet{
		{Text: "`docs/OPS/STATE.md` created with CLOSED/STABLE/IN-PROGRESS/BLOCKED/NEXT sections"},
		{Text: "`docs/OPS/PROD-FACTS-LAST.md` created and populated"},
		{Text: "`docs/NEXT-7D.md` created (this file)"},
		{Text: "`scripts/prod-facts.sh` created and executable"},
		{Text: "All files committed and merged to main"},
	}
	for i := range wantDoD {
		wantDoD[i].Line = lineOf(t, data, "  - "+wantDoD[i].Text)
	}
	if !reflect.DeepEqual(it.DoD, wantDoD) {
		t.Errorf("WIP DoD\n got %+v\nwant %+v", it.DoD, wantDoD)
	}
	wantFields := map[string]string{"DoD": "", "Proof source": "PR merged, files exist in repo", "Status": "In PR review"}
	if !reflect.DeepEqual(it.Fields, wantFields) {
		t.Errorf("WIP fields %q, want %q", it.Fields, wantFields)
	}

	next, _ := p.Section("NEXT")
	wantNext := []struct {
		num     int
		title   string
		bullets int
		effort  string
	}{
		{2, "Data dependency roadmap", 6, "1-2 hours (docs only)"},
		{3, "Producer permissions audit", 6, "2-3 hours (audit + docs)"},
		{4, "Checkout flow smoke test", 6, "1-2 hours (manual test + docs)"},
	}
	if len(next.Items) != len(wantNext) {
		t.Fatalf("NEXT has %d items, want %d", len(next.Items), len(wantNext))
	}
	for i, w := range wantNext {
		got := next.Items[i]
		heading := "### " + string(rune('0'+w.num)) + ") " + w.title
		if got.Number != w.num || got.Title != w.title || got.Line != lineOf(t, data, heading) ||
			len(got.DoD) != w.bullets || got.Fields["Estimated effort"] != w.effort {
			t.Errorf("NEXT item %d: %+v", i, got)
		}
	}
	email := next.Items[2].DoD[3]
	if email.Text != "Email verification: Confirmation email sent (or logged)" || email.Line != lineOf(t, data, "  - "+email.Text) {
		t.Errorf("checkout bullet 4 = %+v", email)
	}

	done, _ := p.Section("DONE")
	wantDone := []struct{ title, date, status string }{
		{"SSH/fail2ban hardening", "2025-12-19", "CLOSED ✅"},
		{"Products list verification", "2025-12-19", "STABLE ✓"},
		{"Auth routes verification", "2025-12-19", "STABLE ✓"},
		{"PROD monitoring workflows (MON1 + prod-smoke)", "2025-12-19", "Active ✅"},
	}
	if len(done.Items) != len(wantDone) {
		t.Fatalf("DONE has %d items, want %d", len(done.Items), len(wantDone))
	}
	for i, w := range wantDone {
		got := done.Items[i]
		line := "- " + w.title + " (" + w.date + ") - " + w.status
		if got.Title != w.title || got.Date != w.date || got.Fields["Status"] != w.status || got.Line != lineOf(t, data, line) || len(got.DoD) != 0 {
			t.Errorf("DONE entry %d: %+v", i, got)
		}
	}
}

func TestParseState(t *testing.T) {
	p, data := mustParse(t, "STATE.md")
	var names []string
	for _, s := range p.Sections {
		names = append(names, s.Name)
	}
	if want := []string{"CLOSED", "STABLE", "IN PROGRESS", "BLOCKED", "NEXT"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("sections %q, want %q", names, want)
	}
	stable, _ := p.Section("stable")
	if len(stable.Items) != 3 {
		t.Fatalf("STABLE has %d entries, want 3", len(stable.Items))
	}
	// A wrapped entry is one entry, its continuation joined to its text.
	mon := stable.Items[2]
	if mon.Title != "PROD monitoring workflows (MON1 + prod-smoke)" || !strings.HasSuffix(mon.Fields["Status"], "green on main, alerts go to the ops channel") {
		t.Errorf("wrapped STABLE entry = %+v", mon)
	}
	// A sub-list under an entry is not an entry.
	inProgress, ok := p.Section("in-progress")
	if !ok || len(inProgress.Items) != 1 || inProgress.Items[0].Number != 1 ||
		inProgress.Items[0].Line != lineOf(t, data, "1. Bootstrap OPS state management system - PR open, in review") {
		t.Errorf("IN PROGRESS = %+v", inProgress)
	}
	next, _ := p.Section("NEXT")
	if len(next.Items) != 3 || next.Items[2].Number != 3 || next.Items[2].Title != "Checkout flow smoke test" {
		t.Errorf("NEXT = %+v", next)
	}
}

func TestParseCRLFAndAnnotatedPlansParseAlike(t *testing.T) {
	want, data := mustParse(t, "NEXT-7D.md")
	crlf := strings.ReplaceAll(string(data), "\n", "\r\n")
	got, err := dod.ParsePlan("NEXT-7D.md", []byte(crlf))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("CRLF plan parses differently:\n got %+v\nwant %+v", got, want)
	}

	annotated := strings.ReplaceAll(string(data), "No blocking bugs found\n", "No blocking bugs found <!-- smokeproof --> ✅ [proof](x.md#y) 2026-11-26\n")
	annotated = strings.ReplaceAll(annotated, "- STABLE ✓\n", "- STABLE ✓ <!-- smokeproof --> ❌ it broke\n")
	if annotated == string(data) {
		t.Fatal("test setup: nothing annotated")
	}
	got, err = dod.ParsePlan("NEXT-7D.md", []byte(annotated))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("annotated plan parses differently:\n got %+v\nwant %+v", got, want)
	}
}

func TestParseVariants(t *testing.T) {
	src := strings.Join([]string{
		"# Plan",                   // 1
		"",                         // 2
		"```",                      // 3
		"## NOT A SECTION",         // 4
		"```",                      // 5
		"## WIP",                   // 6
		"### 1. Checkbox item ###", // 7
		"- **DoD:**",               // 8
		"  - [x] Email verification: Confirmation email sent", // 9
		"    (or logged)",                   // 10
		"    - a nested note, not a bullet", // 11
		"  - [ ] Second",                    // 12
		"- **Owner:** ops",                  // 13
		"  - backup: dev",                   // 14
		"",                                  // 15
		"## NEXT (ordered)",                 // 16
		"**2) Inline DoD** (moved from last week)", // 17
		"- DoD: One bullet on the field line",      // 18
		"",                                         // 19
		"### Unnumbered heading",                   // 20
		"Some prose.",                              // 21
		"",                                         // 22
		"## DONE",                                  // 23
		"1. Numbered entry (2025-12-01) – CLOSED", // 24
		"* Starred entry", // 25
	}, "\n")
	p, err := dod.ParsePlan("v.md", []byte(src))
	if err != nil {
		t.Fatal(err)
	}
	want := &dod.Plan{Path: "v.md", Sections: []dod.Section{
		{Name: "WIP", Line: 6, Items: []dod.PlanItem{{
			Number: 1, Title: "Checkbox item", Line: 7,
			DoD: []dod.PlanBullet{
				{Text: "Email verification: Confirmation email sent (or logged)", Line: 9},
				{Text: "Second", Line: 12},
			},
			Fields: map[string]string{"DoD": "", "Owner": "ops; backup: dev"},
		}}},
		{Name: "NEXT", Line: 16, Items: []dod.PlanItem{
			{Number: 2, Title: "Inline DoD", Line: 17,
				DoD:    []dod.PlanBullet{{Text: "One bullet on the field line", Line: 18}},
				Fields: map[string]string{"DoD": "One bullet on the field line"}},
			{Title: "Unnumbered heading", Line: 20, Fields: map[string]string{}},
		}},
		{Name: "DONE", Line: 23, Items: []dod.PlanItem{
			{Number: 1, Title: "Numbered entry", Line: 24, Date: "2025-12-01", Fields: map[string]string{"Status": "CLOSED"}},
			{Title: "Starred entry", Line: 25, Fields: map[string]string{}},
		}},
	}}
	if !reflect.DeepEqual(p, want) {
		t.Errorf("parsed\n %+v\nwant\n %+v", p, want)
	}
}

func TestParseErrors(t *testing.T) {
	for name, tc := range map[string]struct{ src, want string }{
		"not utf-8":      {"## WIP\n**1) A**\n- **DoD**:\n  - caf\xe9\n", "e.md:4: line is not valid UTF-8"},
		"before section": {"# Plan\n\n### 1) Lost item\n", `e.md:3: item "1) Lost item" comes before any "## " section`},
		"repeated field": {"## WIP\n**1) A**\n- **DoD**:\n  - x\n- **Status**: a\n- **DoD**:\n", `e.md:6: item "1) A" repeats the field "DoD" (first at line 3)`},
	} {
		t.Run(name, func(t *testing.T) {
			p, err := dod.ParsePlan("e.md", []byte(tc.src))
			if err == nil || !strings.HasPrefix(err.Error(), tc.want) {
				t.Fatalf("got %v, %v; want an error starting %q", p, err, tc.want)
			}
		})
	}
}
