package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

// KillMatrixPath is where the kill matrix goes, relative to the output directory.
const KillMatrixPath = "KILL-MATRIX.md"

// SpecOutcome is what one fault run did to one spec.
type SpecOutcome string

// The outcomes of a spec in one fault run. A spec missing from KillRow.Specs did not
// run in that pass either (its suite was not run).
const (
	SpecRed           SpecOutcome = "red"            // failed or broke: the switch killed it
	SpecGreen         SpecOutcome = "green"          // passed although the switch was on
	SpecNotRun        SpecOutcome = "not run"        // skipped or pending in that pass
	SpecNotApplicable SpecOutcome = "not applicable" // skipped with a "not applicable: " reason
)

// KillRow is one fault switch of the reference shop and what it did to the suites.
type KillRow struct {
	Fault    string   // the SHOP_FAULTS value that was switched on alone
	Killed   []string // bullet ids (or, failing that, spec names) that turned red
	Expected []string // bullet ids the switch must turn red
	// Specs is the outcome of every spec of the suites run in this pass, by spec
	// name; a spec that is not a key did not run in this pass.
	Specs map[string]SpecOutcome
}

// KillSpec is one spec that proves a checked bullet, as the baseline run without
// faults saw it: every such spec must be turned red by some fault switch.
type KillSpec struct {
	Name     string   // the spec's full text, the key of KillRow.Specs
	Location string   // file:line of the It
	Bullets  []string // the checked bullets it proves
	// NotApplicable is the reason, starting "not applicable: ", when the baseline
	// skipped it as not applicable to the target; such a spec is no survivor.
	NotApplicable string
	// NotRun is the reason when the baseline did not run it for another reason (a
	// target it does not run on); it cannot be judged, and is no survivor either.
	NotRun string
}

// KillSpecs returns the specs of a baseline run that prove a checked bullet, in the
// order of the items and their specs.
func KillSpecs(run *Run) []KillSpec {
	var out []KillSpec
	seen := map[string]bool{}
	for _, it := range run.Items {
		for _, s := range it.Specs {
			var checked []string
			for _, id := range s.Bullets {
				if b, ok := dod.Lookup(id); ok && b.Kind == dod.Checked {
					checked = append(checked, id)
				}
			}
			if len(checked) == 0 || seen[s.Name] {
				continue
			}
			seen[s.Name] = true
			ks := KillSpec{Name: s.Name, Location: s.Location, Bullets: checked}
			switch SpecOutcomeOf(s) {
			case SpecNotApplicable:
				ks.NotApplicable = s.Reason
			case SpecNotRun:
				ks.NotRun = orDefault(s.Reason, "not run")
			}
			out = append(out, ks)
		}
	}
	return out
}

// SpecOutcomeOf says what happened to one spec in a run.
func SpecOutcomeOf(s *SpecResult) SpecOutcome {
	switch {
	case s.State.Is(types.SpecStateFailureStates):
		return SpecRed
	case s.State.Is(types.SpecStatePassed):
		return SpecGreen
	case s.State.Is(types.SpecStateSkipped) && strings.HasPrefix(s.Reason, NotApplicable):
		return SpecNotApplicable
	default:
		return SpecNotRun
	}
}

// SpecOutcomes returns the outcome of every spec of a run, by spec name.
func SpecOutcomes(run *Run) map[string]SpecOutcome {
	out := map[string]SpecOutcome{}
	for _, it := range run.Items {
		for _, s := range it.Specs {
			out[s.Name] = SpecOutcomeOf(s)
		}
	}
	return out
}

// Killers returns the fault switches that turned the spec red, in row order.
func Killers(rows []KillRow, spec string) []string {
	var out []string
	for _, r := range rows {
		if r.Specs[spec] == SpecRed {
			out = append(out, r.Fault)
		}
	}
	return out
}

// KillSurvivors returns the specs no fault switch turned red, leaving out those that
// were not applicable or not run on the target.
func KillSurvivors(rows []KillRow, specs []KillSpec) []KillSpec {
	var out []KillSpec
	for _, s := range specs {
		if s.NotApplicable == "" && s.NotRun == "" && len(Killers(rows, s.Name)) == 0 {
			out = append(out, s)
		}
	}
	return out
}

// flagged returns, as Markdown, why a row is a defect of the harness, or "" when it
// is not.
func (k KillRow) flagged() string {
	if len(k.Killed) == 0 {
		return "kills nothing"
	}
	var missed []string
	for _, e := range k.Expected {
		if !contains(k.Killed, e) {
			missed = append(missed, codeCell(e))
		}
	}
	if len(missed) > 0 {
		return "stays green on " + strings.Join(missed, ", ")
	}
	return ""
}

// KillMatrix renders KILL-MATRIX.md: first, for every checked bullet, its specs and
// the switches that turned each red (a spec no switch turns red is flagged ❌: it
// cannot fail); then one row per fault switch, one column per DoD bullet, showing
// which bullets each switch turned red.
func KillMatrix(rows []KillRow, specs []KillSpec) []byte {
	d := newDoc()
	d.heading(1, "Kill matrix", "")
	d.para("> Rendered by smokeproof's self-test: each fault switch of the reference shop is turned on alone and the suites that guard it run against it. Every spec that proves a checked bullet must be turned red by at least one switch, and every switch must turn red the bullets it breaks; a spec no switch turns red is a spec that cannot fail.")

	flagged := 0
	for _, r := range rows {
		if r.flagged() != "" {
			flagged++
		}
	}
	survivors := KillSurvivors(rows, specs)
	var na, notRun int
	for _, s := range specs {
		switch {
		case s.NotApplicable != "":
			na++
		case s.NotRun != "":
			notRun++
		}
	}
	var result string
	switch {
	case len(rows) == 0:
		result = "⏸ no fault switch was tried"
	case flagged == 0 && len(survivors) == 0:
		result = fmt.Sprintf("✅ every spec has a killing switch and every switch turned red what it must — %s, %s", plural(len(specs), "spec", "specs"), plural(len(rows), "switch", "switches"))
	default:
		var parts []string
		if len(survivors) > 0 {
			parts = append(parts, fmt.Sprintf("%d of %s without a killing switch", len(survivors), plural(len(specs), "spec", "specs")))
		}
		if flagged > 0 {
			parts = append(parts, fmt.Sprintf("%d of %s flagged", flagged, plural(len(rows), "switch", "switches")))
		}
		result = "❌ " + strings.Join(parts, "; ")
	}
	summary := [][]string{}
	if na > 0 || notRun > 0 {
		summary = append(summary, []string{"Not judged", fmt.Sprintf("%d not applicable, %d not run on this target", na, notRun)})
	}
	d.table([]string{"Result", result}, summary)
	if len(rows) == 0 {
		return d.bytes()
	}

	if len(specs) > 0 {
		d.heading(2, "Specs by bullet", "")
		d.para("For every checked bullet, its specs and the fault switches that turned each red (failed or broke). \"not run\" counts the passes that did not run the spec (its suite was not part of that pass, or the spec was skipped): those passes prove nothing about it.")
		for _, b := range killBullets(specs) {
			d.heading(3, code(b), "")
			var table [][]string
			for _, s := range specs {
				if !contains(s.Bullets, b) {
					continue
				}
				table = append(table, killSpecRow(rows, s))
			}
			d.table([]string{"spec", "verdict", "turned red by", "stayed green under", "not run"}, table)
		}
	}

	d.heading(2, "Switches by bullet", "")
	cols := killColumns(rows)
	header := []string{"fault switch", "verdict"}
	for _, c := range cols {
		header = append(header, code(c))
	}
	header = append(header, "other specs turned red")
	var table [][]string
	for _, r := range rows {
		row := []string{codeCell(r.Fault), "✅"}
		if why := r.flagged(); why != "" {
			row[1] = "❌ " + why
		}
		for _, c := range cols {
			killed, expected := contains(r.Killed, c), contains(r.Expected, c)
			switch {
			case killed && expected:
				row = append(row, "✅ red")
			case expected:
				row = append(row, "❌ green")
			case killed:
				row = append(row, "red")
			default:
				row = append(row, "·")
			}
		}
		var others []string
		for _, k := range r.Killed {
			if !contains(cols, k) {
				others = append(others, cell(k))
			}
		}
		row = append(row, orDefault(strings.Join(others, "; "), "—"))
		table = append(table, row)
	}
	d.table(header, table)
	d.para("✅ red: turned red, as it must · ❌ green: stayed green although the switch breaks it · red: turned red as well · ·: untouched")
	return d.bytes()
}

// killSpecRow is one spec's row of its bullet's table.
func killSpecRow(rows []KillRow, s KillSpec) []string {
	var red, green, skipped []string
	missing := 0
	for _, r := range rows {
		switch o, ok := r.Specs[s.Name]; {
		case !ok:
			missing++
		case o == SpecRed:
			red = append(red, codeCell(r.Fault))
		case o == SpecGreen:
			green = append(green, codeCell(r.Fault))
		default:
			skipped = append(skipped, codeCell(r.Fault))
		}
	}
	name := cell(s.Name)
	if s.Location != "" {
		name += " (" + codeCell(s.Location) + ")"
	}
	verdict := "✅ killed"
	switch {
	case s.NotApplicable != "":
		verdict = "➖ " + cell(s.NotApplicable)
	case s.NotRun != "":
		verdict = "⏸ " + cell(s.NotRun)
	case len(red) == 0:
		verdict = "❌ no switch turns it red"
	}
	notRun := strings.Join(skipped, ", ")
	if missing > 0 {
		n := plural(missing, "pass", "passes") + " whose suite did not run"
		if notRun != "" {
			notRun += "; " + n
		} else {
			notRun = n
		}
	}
	return []string{name, verdict, orDefault(strings.Join(red, ", "), "—"), orDefault(strings.Join(green, ", "), "—"), orDefault(notRun, "—")}
}

// killBullets returns the bullets the specs prove, in registry order, then any the
// registry does not know, sorted.
func killBullets(specs []KillSpec) []string {
	named := map[string]bool{}
	for _, s := range specs {
		for _, b := range s.Bullets {
			named[b] = true
		}
	}
	var out []string
	for _, it := range dod.Items() {
		for _, b := range it.Bullets {
			if named[b.ID()] {
				out = append(out, b.ID())
				delete(named, b.ID())
			}
		}
	}
	var rest []string
	for b := range named {
		rest = append(rest, b)
	}
	sort.Strings(rest)
	return append(out, rest...)
}

// killColumns returns the bullets named by any row, in registry order, then the
// expected ids the registry does not know.
func killColumns(rows []KillRow) []string {
	named := map[string]bool{}
	for _, r := range rows {
		for _, id := range append(append([]string(nil), r.Killed...), r.Expected...) {
			named[id] = true
		}
	}
	var cols []string
	for _, it := range dod.Items() {
		for _, b := range it.Bullets {
			if named[b.ID()] {
				cols = append(cols, b.ID())
			}
		}
	}
	for _, r := range rows {
		for _, e := range r.Expected {
			if !contains(cols, e) {
				cols = append(cols, e)
			}
		}
	}
	return cols
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}
