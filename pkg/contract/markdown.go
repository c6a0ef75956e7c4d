package contract

import (
	"bytes"
	"fmt"
	"strings"
)

// Header is what the document's opening block says about the run; empty fields are
// left out.
type Header struct {
	Run     string // "2026-11-26 07:00:12 UTC · 6.4 s · 42 specs"
	Target  string // "containers · app smokeproof/shop:local · db mariadb 10.11"
	Harness string // "smokeproof 0.1.0 (abc1234)"
	Source  string // the report the document was rendered from, named in the footer: "out/report.json"
}

// DocumentPath is where the coverage document goes, relative to the output directory.
const DocumentPath = "docs/TESTS/CONTRACT-COVERAGE.md"

// notExercised is how the document marks a cell or rule no spec exercised.
const notExercised = "❌ **not exercised**"

// Markdown renders the coverage document (docs/TESTS/CONTRACT-COVERAGE.md): the result,
// every gap, rules → the specs that proved them, the route × caller table with expected
// and observed statuses, the exchanges the contract has no route for and, when given,
// the app's own routes.
func (cov *Coverage) Markdown(h Header) []byte {
	var b bytes.Buffer
	p := func(format string, args ...any) { fmt.Fprintf(&b, format, args...) }
	gaps := cov.Gaps()

	p("# Contract coverage\n\n")
	p("> Rendered by smokeproof from the run below; re-run instead of editing. Every route and rule of the marketplace contract (`MARKETPLACE-API.md`) and every route × caller cell, with the specs that proved it; %s marks what no spec proved.\n\n", notExercised)
	p("| Result | %s |\n|---|---|\n", cov.result(gaps))
	p("| Rules | %s |\n", cov.ruleSummary())
	p("| Routes | %s |\n", cov.routeSummary())
	if cov.App != nil {
		p("| App routes | %s |\n", cov.appSummary())
	}
	for _, row := range [][2]string{{"Run", h.Run}, {"Target", h.Target}, {"Harness", h.Harness}} {
		if row[1] != "" {
			p("| %s | %s |\n", row[0], tc(row[1]))
		}
	}

	p("\n## Gaps\n\n")
	if len(gaps) == 0 {
		p("None: every rule has a spec that proved it, every route was exercised, every route over user-owned rows was tried by a non-owner, and every required cell got the status the contract requires.\n")
	}
	gapsMarkdown(p, gaps)

	p("\n## Rules → the specs that proved them\n\n")
	p("✅ proven (a spec claiming it passed) · ❌ failed (a spec claiming it failed: the app broke it) · %s (no spec claims it, or none of those that do ran)\n\n", notExercised)
	p("|  | rule | the contract says | routes | proven by |\n|---|---|---|---|---|\n")
	for _, r := range cov.Rules {
		mark, by := "✅", specRefs(r.Specs)
		switch r.State {
		case RuleFailed:
			mark = "❌"
			by = "❌ failed: " + by
		case RuleNotRun:
			mark, by = "❌", notExercised+" — claimed by "+by
		case RuleNoSpec:
			mark, by = "❌", notExercised+" — no spec claims it"
		}
		p("| %s | `%s` | %s | %s | %s |\n", mark, r.Rule.ID, tc(r.Rule.Text), routeRefs(r.Rule.Routes), by)
	}

	p("\n## Routes × callers\n\n")
	p("Each cell: the status the caller got (✅ the one the contract requires; ❌ another, the required one in brackets), %s for a cell the contract requires and no spec tried, ◦ a cell nobody has to try (the status the contract allows), · the contract says nothing. *Other's rows*: the caller acted on another user's order, cart item or product.\n", notExercised)
	for _, web := range []bool{false, true} {
		if web {
			p("\n### Web pages\n\n")
		} else {
			p("\n### API\n\n")
		}
		p("|  | route | calls |")
		for _, c := range cov.Callers {
			p(" %s |", c.Label())
		}
		p("\n|---|---|---|%s\n", strings.Repeat("---|", len(cov.Callers)))
		for _, rc := range cov.Routes {
			if rc.Route.Web != web {
				continue
			}
			p("| %s | `%s %s` `%s` | %d |", routeMark(rc), rc.Route.Method, rc.Route.Path, rc.Route.ID, rc.Exchanges)
			for _, c := range cov.Callers {
				cell, ok := rc.Cell(c)
				if !ok {
					p(" · |")
					continue
				}
				p(" %s |", tc(cellText(cell)))
			}
			p("\n")
		}
	}

	if len(cov.Strays) > 0 {
		p("\n## Exchanges the coverage could not place\n\n")
		p("| method | path | caller | why | times | specs |\n|---|---|---|---|---|---|\n")
		for _, s := range cov.Strays {
			p("| %s | `%s` | %s | %s | %d | %s |\n", s.Method, tc(s.Path), tc(orDash(s.Caller)), s.Reason, s.Count, tc(strings.Join(s.Specs, "; ")))
		}
	}

	if cov.App != nil {
		cov.appMarkdown(p)
	}
	p("\n---\n\nRendered by smokeproof from `%s`\n", orDefault(h.Source, "report.json"))
	return b.Bytes()
}

// listed are the gap kinds whose subject says it all: the document lists them on one
// line each; the other kinds get one numbered line per gap with its detail.
var listed = map[string]bool{GapRuleNoSpec: true, GapRouteNotExercised: true, GapNoNonOwner: true, GapCellNotExercised: true, GapAppRouteUnexercised: true}

func gapsMarkdown(p func(string, ...any), gaps []Gap) {
	if len(gaps) == 0 {
		return
	}
	var kinds []string
	byKind := map[string][]Gap{}
	for _, g := range gaps {
		if byKind[g.Kind] == nil {
			kinds = append(kinds, g.Kind)
		}
		byKind[g.Kind] = append(byKind[g.Kind], g)
	}
	p("| gap | how many |\n|---|---|\n")
	for _, k := range kinds {
		p("| ❌ %s | %d |\n", k, len(byKind[k]))
	}
	for _, k := range kinds {
		p("\n**%s** (%d)", k, len(byKind[k]))
		if listed[k] {
			subjects := make([]string, len(byKind[k]))
			for i, g := range byKind[k] {
				subjects[i] = "`" + g.Subject + "`"
			}
			p(": %s\n", strings.Join(subjects, " · "))
			continue
		}
		p("\n\n")
		for i, g := range byKind[k] {
			p("%d. `%s` — %s\n", i+1, g.Subject, esc(g.Detail))
		}
	}
}

func (cov *Coverage) result(gaps []Gap) string {
	failed := 0
	for _, r := range cov.Rules {
		if r.State == RuleFailed {
			failed++
		}
	}
	mismatch := 0
	for _, g := range gaps {
		if g.Kind == GapCellMismatch {
			mismatch++
		}
	}
	switch {
	case len(gaps) == 0 && failed == 0:
		return fmt.Sprintf("✅ COVERED — every rule (%d), route (%d) and required cell proven", len(cov.Rules), len(cov.Routes))
	case len(gaps) == 0:
		return fmt.Sprintf("❌ RULES BROKEN — everything exercised; %d %s failed", failed, plural(failed, "rule", "rules"))
	}
	s := fmt.Sprintf("❌ GAPS — %d %s", len(gaps), plural(len(gaps), "gap", "gaps"))
	if failed > 0 {
		s += fmt.Sprintf(" · %d %s failed", failed, plural(failed, "rule", "rules"))
	}
	if mismatch > 0 {
		s += fmt.Sprintf(" · %d %s observed ≠ expected", mismatch, plural(mismatch, "cell", "cells"))
	}
	return s
}

func (cov *Coverage) ruleSummary() string {
	n := map[string]int{}
	for _, r := range cov.Rules {
		n[r.State]++
	}
	return fmt.Sprintf("%d of %d proven · %d failed · %d not run · %d without spec", n[RuleProven], len(cov.Rules), n[RuleFailed], n[RuleNotRun], n[RuleNoSpec])
}

func (cov *Coverage) routeSummary() string {
	exercised := 0
	n := map[string]int{}
	for _, rc := range cov.Routes {
		if rc.Exchanges > 0 {
			exercised++
		}
		for _, c := range rc.Cells {
			n[c.State]++
		}
	}
	return fmt.Sprintf("%d of %d exercised · cells: %d proven, %d observed ≠ expected, %d not proven, %d not exercised · %d exchanges in %d specs",
		exercised, len(cov.Routes), n[CellProven], n[CellMismatch], n[CellUnproven], n[CellNotExercised], cov.Exchanges, cov.Specs)
}

func routeMark(rc RouteCoverage) string {
	switch {
	case rc.Exchanges == 0:
		return notExercised
	case rc.Route.Owned != "" && rc.NonOwner == 0:
		return "❌ no non-owner"
	}
	for _, c := range rc.Cells {
		if c.State == CellMismatch || c.State == CellNotExercised || (c.State == CellUnproven && !c.Expect.Optional) {
			return "❌"
		}
	}
	return "✅"
}

func cellText(c Cell) string {
	seen := statuses(c.Observed)
	switch c.State {
	case CellProven:
		return "✅ " + seen
	case CellMismatch:
		return "❌ " + seen + " (expected " + c.Expect.String() + ")"
	case CellUnproven:
		if c.Expect.Optional {
			return "◦ " + seen
		}
		return "❌ only " + seen + " (expected " + c.Expect.String() + ")"
	case CellNotExercised:
		return notExercised + " (expected " + c.Expect.String() + ")"
	case CellOptional:
		return "◦ " + joinInts(c.Expect.Status, "|")
	case CellUnstated:
		return seen + " (contract silent)"
	}
	return c.State
}

func specRefs(refs []SpecRef) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		s := esc(r.Name)
		if r.Location != "" {
			s += " (`" + r.Location + "`)"
		}
		if r.State != "passed" {
			s += " — " + r.State
		}
		parts[i] = s
	}
	return tc(strings.Join(parts, "; "))
}

func routeRefs(ids []string) string {
	switch {
	case len(ids) == 0:
		return "—"
	case len(ids) > 4:
		return fmt.Sprintf("%d routes (`%s` … `%s`)", len(ids), ids[0], ids[len(ids)-1])
	}
	return "`" + strings.Join(ids, "` `") + "`"
}

func (cov *Coverage) appSummary() string {
	exercised, auth, proven := 0, 0, 0
	for _, r := range cov.App.Routes {
		if r.Exchanges > 0 {
			exercised++
		}
		if r.Auth() {
			auth++
			if r.AnonymousState == CellProven {
				proven++
			}
		}
	}
	return fmt.Sprintf("%d of %d exercised · %d of %d behind auth:* proven to answer 401 to an anonymous caller", exercised, len(cov.App.Routes), proven, auth)
}

func (cov *Coverage) appMarkdown(p func(string, ...any)) {
	p("\n## The app's own routes\n\n")
	p("Every route the app says it serves (`SMOKE_APP_ROUTES`), and the specs that called it.\n\n")
	p("|  | route | name | middleware | contract route | called by |\n|---|---|---|---|---|---|\n")
	for _, r := range cov.App.Routes {
		mark, by := "✅", tc(strings.Join(r.Specs, "; "))
		if r.Exchanges == 0 {
			mark, by = "❌", notExercised
		}
		contract := "—"
		if r.Contract != "" {
			contract = "`" + r.Contract + "`"
		}
		p("| %s | `%s` | %s | %s | %s | %s |\n", mark, tc(r.String()), tc(orDash(r.Name)), tc(orDash(strings.Join(r.Middleware, ", "))), contract, by)
	}
	var auth []AppRouteCoverage
	for _, r := range cov.App.Routes {
		if r.Auth() {
			auth = append(auth, r)
		}
	}
	if len(auth) > 0 {
		p("\n### Behind auth:* — an anonymous caller must get 401\n\n")
		p("|  | route | probe | an anonymous caller got |\n|---|---|---|---|\n")
		for _, r := range auth {
			var got string
			switch r.AnonymousState {
			case CellProven:
				got = "✅ " + statuses(r.Anonymous)
			case CellNotExercised:
				got = notExercised
			default:
				got = "❌ " + statuses(r.Anonymous) + " (expected 401)"
			}
			mark := "✅"
			if r.AnonymousState != CellProven {
				mark = "❌"
			}
			p("| %s | `%s` | `%s %s` | %s |\n", mark, tc(r.String()), r.ProbeMethod(), tc(r.ProbePath()), got)
		}
	}
	if len(cov.App.NotServed) > 0 {
		p("\nContract routes the app's list does not have: `%s`.\n", strings.Join(cov.App.NotServed, "`, `"))
	}
}

// esc escapes text for Markdown: backslashes, backticks, asterisks and '<'; runs of
// white space become one space.
func esc(s string) string {
	var b strings.Builder
	for _, r := range strings.Join(strings.Fields(s), " ") {
		switch r {
		case '\\', '`', '*':
			b.WriteRune('\\')
			b.WriteRune(r)
		case '<':
			b.WriteString("&lt;")
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// tc makes s safe inside a table cell: no line breaks, escaped pipes.
func tc(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", `\|`)
}

func orDash(s string) string { return orDefault(s, "—") }

func orDefault(s, def string) string {
	if strings.TrimSpace(s) == "" {
		return def
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return one
	}
	return many
}
