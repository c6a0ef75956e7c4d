package report

import (
	"fmt"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// policyRules is the contract's ProductPolicy section in plain words
// (MARKETPLACE-API.md: "Roles and ownership", "Products", "Producer dashboard").
var policyRules = []string{
	"Anyone, signed in or not, may view active products.",
	"Creating a product needs the role producer or admin. A consumer gets 403; a producer without a producer profile gets 403 “Producer profile not found”, never a 500; a caller without a token gets 401.",
	"An admin may update and delete any product.",
	"A producer may update or delete a product only when the product's `producer_id` is the producer's own profile id. Anyone else gets 403, and the row stays unchanged in the database.",
	"A producer never chooses `producer_id`: on create it is set to the producer's own profile id, and a `producer_id` sent on update is ignored.",
	"The producer dashboard (`GET /api/v1/producer/products`, and the `/producer/dashboard` page) lists only the signed-in producer's own products; a user without a producer profile gets 403.",
}

// The matrix's rows and columns, in reading order; callers and actions found in the
// evidence but not listed here are appended in the order they were first recorded.
var (
	callerOrder = []string{"anonymous", "consumer", "producer A", "producer B", "producer without profile", "admin"}
	actionOrder = []string{"create", "read", "update own", "update other's", "delete own", "delete other's", "dashboard"}
)

// matrixEntry is one cell of the matrix with the spec that recorded it.
type matrixEntry struct {
	cell evidence.Cell
	spec *SpecResult
}

// matrix collects the item's cells: rows, columns, and per (caller, action) the cell
// shown, a mismatch winning over a match.
type matrix struct {
	callers, actions []string
	cells            map[[2]string]matrixEntry
	mismatches       []matrixEntry // in recorded order
}

func buildMatrix(specs []*SpecResult) *matrix {
	m := &matrix{cells: map[[2]string]matrixEntry{}}
	var callers, actions []string
	for _, s := range specs {
		for _, rec := range s.Evidence {
			if rec.Cell == nil {
				continue
			}
			c := *rec.Cell
			callers = append(callers, c.Caller)
			actions = append(actions, c.Action)
			key := [2]string{strings.ToLower(c.Caller), strings.ToLower(c.Action)}
			if old, ok := m.cells[key]; !ok || old.cell.OK() {
				m.cells[key] = matrixEntry{cell: c, spec: s}
			}
			if !c.OK() {
				m.mismatches = append(m.mismatches, matrixEntry{cell: c, spec: s})
			}
		}
	}
	m.callers = ordered(callers, callerOrder)
	m.actions = ordered(actions, actionOrder)
	return m
}

// ordered returns the distinct values of present: those in canon first, in canon's
// order, then the others in the order they appear (case-insensitive).
func ordered(present, canon []string) []string {
	seen := map[string]bool{}
	for _, p := range present {
		seen[strings.ToLower(p)] = true
	}
	var out []string
	used := map[string]bool{}
	for _, c := range canon {
		if seen[strings.ToLower(c)] {
			out = append(out, c)
			used[strings.ToLower(c)] = true
		}
	}
	for _, p := range present {
		if !used[strings.ToLower(p)] {
			out = append(out, p)
			used[strings.ToLower(p)] = true
		}
	}
	return out
}

func cellText(c evidence.Cell) string {
	if c.OK() {
		return fmt.Sprintf("✅ %d", c.Observed)
	}
	return fmt.Sprintf("❌ %d (expected %d)", c.Observed, c.Expected)
}

// permissions writes the sections of the producer-permissions document: the rules,
// the matrix, the admin override, the frontend check and the findings.
func (v *view) permissions() {
	m := buildMatrix(v.it.Specs)

	v.d.heading(2, "The rules checked", "")
	v.d.para("From the marketplace contract (ProductPolicy and the producer dashboard), in plain words:")
	for _, r := range policyRules {
		v.d.line("- " + r)
	}
	v.d.line("")

	v.d.heading(2, "The matrix", "")
	if len(m.cells) == 0 {
		v.d.para("No matrix cell was recorded in this run: the specs that try each caller on each action did not run (see the Definition of Done above).")
	} else {
		v.d.para("What each caller got when it tried each action: ✅ the status the contract requires, ❌ another status (the required one in brackets), — not tried in this run.")
		var rows [][]string
		for _, caller := range m.callers {
			row := []string{"**" + cell(caller) + "**"}
			for _, action := range m.actions {
				e, ok := m.cells[[2]string{strings.ToLower(caller), strings.ToLower(action)}]
				if !ok {
					row = append(row, "—")
					continue
				}
				row = append(row, cellText(e.cell))
			}
			rows = append(rows, row)
		}
		header := []string{"caller"}
		for _, a := range m.actions {
			header = append(header, cell(a))
		}
		v.d.table(header, rows)
	}

	v.d.heading(2, "Admin override", "")
	if b, ok := v.it.Bullet("admin-override"); ok {
		v.bulletSummary(b)
	}
	var adminRows [][]string
	for _, action := range m.actions {
		if e, ok := m.cells[[2]string{"admin", strings.ToLower(action)}]; ok {
			adminRows = append(adminRows, []string{cell(action), cellText(e.cell), cell(e.cell.Detail)})
		}
	}
	if len(adminRows) > 0 {
		v.d.para("What the admin tried in this run, in any spec:")
		v.d.table([]string{"admin tried", "result", "detail"}, adminRows)
	}

	v.d.heading(2, "Frontend check", "")
	if b, ok := v.it.Bullet("dashboard"); ok {
		v.bulletSummary(b)
		shots := 0
		for _, s := range b.Specs {
			for _, rec := range s.Evidence {
				if rec.File != nil && strings.HasPrefix(rec.File.MediaType, "image/") {
					name := orDefault(rec.Title, rec.File.Path)
					v.d.para(fmt.Sprintf("![%s](%s)", esc(name), relLink(v.it.Item.Document, rec.File.Path)))
					v.d.para(fmt.Sprintf("*%s* — from %s", esc(name), code(s.Name)))
					shots++
				}
			}
		}
		if shots == 0 {
			v.d.para("No dashboard screenshot in this run.")
		}
	}

	v.d.heading(2, "Findings", "")
	v.findings(m)
}

// bulletSummary writes a bullet's status in one line with a link to its evidence.
func (v *view) bulletSummary(b BulletStatus) {
	line := fmt.Sprintf("%s %s", b.Status.Mark(), b.Bullet.Text)
	if b.Reason != "" {
		line += " — " + esc(b.Reason)
	}
	if b.Bullet.Kind == dod.Checked {
		line += fmt.Sprintf(" · [evidence ↓](#%s)", v.d.ref(bulletKey(b.Bullet.ID())))
	}
	v.d.para(line)
}

// findings lists every ❌: each failed bullet with the mismatched cells of its specs,
// then mismatched cells of specs that did not fail, each with its reproduce command.
func (v *view) findings(m *matrix) {
	listed := map[*SpecResult]bool{}
	n := 0
	for _, b := range v.it.Bullets {
		if b.Status != Failed || b.Bullet.Kind != dod.Checked {
			continue
		}
		n++
		v.d.line(fmt.Sprintf("%d. ❌ **%s** — %s", n, b.Bullet.Text, esc(b.Reason)))
		for _, e := range m.mismatches {
			if contains(e.spec.Bullets, b.Bullet.ID()) {
				listed[e.spec] = true
				v.d.line("   - " + mismatchLine(e.cell))
			}
		}
		v.d.line("   - reproduce: " + code(reproduce(v.it.Facts, b.Bullet.ID(), v.it.Item.Suite)))
	}
	for _, e := range m.mismatches {
		if listed[e.spec] {
			continue
		}
		n++
		id := v.it.Item.ID
		if len(e.spec.Bullets) > 0 {
			id = e.spec.Bullets[0]
		}
		v.d.line(fmt.Sprintf("%d. ❌ %s (recorded by %s)", n, mismatchLine(e.cell), code(e.spec.Name)))
		v.d.line("   - reproduce: " + code(reproduce(v.it.Facts, id, v.it.Item.Suite)))
	}
	if n > 0 {
		v.d.line("")
		return
	}
	notRun := 0
	for _, b := range v.it.Bullets {
		if b.Status == NotRun {
			notRun++
		}
	}
	if notRun > 0 {
		v.d.para(fmt.Sprintf("Nothing failed, but %s not run (see the Definition of Done above), so this is not a clean bill of health.", plural(notRun, "bullet was", "bullets were")))
		return
	}
	v.d.para("None: every cell and every bullet matched the contract.")
}

func mismatchLine(c evidence.Cell) string {
	s := fmt.Sprintf("%s · %s: got %d, expected %d", esc(c.Caller), esc(c.Action), c.Observed, c.Expected)
	if c.Detail != "" {
		s += " (" + esc(c.Detail) + ")"
	}
	return s
}
