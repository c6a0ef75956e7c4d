package report

import (
	"fmt"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

// KillMatrixPath is where the kill matrix goes, relative to the output directory.
const KillMatrixPath = "KILL-MATRIX.md"

// KillRow is one fault switch of the reference shop and what it did to the suites.
type KillRow struct {
	Fault    string   // the SHOP_FAULTS value that was switched on alone
	Killed   []string // bullet ids (or, failing that, spec names) that turned red
	Expected []string // bullet ids the switch must turn red
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

// KillMatrix renders KILL-MATRIX.md: one row per fault switch, one column per DoD
// bullet, showing which bullets each switch turned red. A switch that turns nothing red,
// or leaves green a bullet it must break, is flagged ❌: some spec cannot fail.
func KillMatrix(rows []KillRow) []byte {
	d := newDoc()
	d.heading(1, "Kill matrix", "")
	d.para("> Rendered by smokeproof's self-test: each fault switch of the reference shop is turned on alone and the suites run against it. Every switch must turn red at least the bullets it breaks; a switch that kills nothing means a spec that cannot fail.")

	flagged := 0
	for _, r := range rows {
		if r.flagged() != "" {
			flagged++
		}
	}
	switch {
	case len(rows) == 0:
		d.table([]string{"Result", "⏸ no fault switch was tried"}, nil)
	case flagged == 0:
		d.table([]string{"Result", fmt.Sprintf("✅ every switch turned red what it must — %s", plural(len(rows), "switch", "switches"))}, nil)
	default:
		d.table([]string{"Result", fmt.Sprintf("❌ %d of %s flagged", flagged, plural(len(rows), "switch", "switches"))}, nil)
	}
	if len(rows) == 0 {
		return d.bytes()
	}

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
