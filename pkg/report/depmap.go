package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

// foreignKey is one foreign key read from information_schema.
type foreignKey struct {
	table, column, refTable, refColumn, onDelete string
	unindexed                                    bool // the read said INDEXED = NO (PostgreSQL creates no index for a key)
}

func (f foreignKey) key() string {
	return strings.ToLower(f.table + "." + f.column + "→" + f.refTable + "." + f.refColumn)
}

func (f foreignKey) String() string {
	return f.table + "." + f.column + " → " + f.refTable + "." + f.refColumn
}

// keyColumn is one key column read from information_schema.COLUMNS.
type keyColumn struct {
	table, column, dataType, key string
}

// schema is what the item's specs read from information_schema.
type schema struct {
	tables  []string // every table, in the order read (or found in keys and foreign keys)
	keys    []keyColumn
	fks     []foreignKey
	readFKs bool // the foreign keys were read, so a missing one is really missing
}

// readSchema collects the schema from the Rows evidence of specs, recognised by their
// columns: REFERENCED_TABLE_NAME marks foreign keys, DATA_TYPE key columns, a lone
// TABLE_NAME the list of tables. Repeated reads are merged.
func readSchema(specs []*SpecResult) schema {
	var s schema
	seenTable := map[string]bool{}
	addTable := func(t string) {
		if t != "" && !seenTable[strings.ToLower(t)] {
			seenTable[strings.ToLower(t)] = true
			s.tables = append(s.tables, t)
		}
	}
	seenFK, seenKey := map[string]bool{}, map[string]bool{}
	var fromKeys, fromFKs []string
	for _, sp := range specs {
		for _, rec := range sp.Evidence {
			r := rec.Rows
			if r == nil {
				continue
			}
			col := columnIndex(r.Columns)
			switch {
			case col("REFERENCED_TABLE_NAME") >= 0 && col("TABLE_NAME") >= 0 && col("COLUMN_NAME") >= 0 && col("REFERENCED_COLUMN_NAME") >= 0:
				s.readFKs = true
				for _, v := range r.Values {
					fk := foreignKey{get(v, col("TABLE_NAME")), get(v, col("COLUMN_NAME")), get(v, col("REFERENCED_TABLE_NAME")), get(v, col("REFERENCED_COLUMN_NAME")), get(v, col("DELETE_RULE")),
						strings.EqualFold(get(v, col("INDEXED")), "NO")}
					if fk.table == "" || fk.refTable == "" || seenFK[fk.key()] {
						continue
					}
					seenFK[fk.key()] = true
					s.fks = append(s.fks, fk)
					fromFKs = append(fromFKs, fk.table, fk.refTable)
				}
			case col("DATA_TYPE") >= 0 && col("TABLE_NAME") >= 0 && col("COLUMN_NAME") >= 0:
				for _, v := range r.Values {
					k := keyColumn{get(v, col("TABLE_NAME")), get(v, col("COLUMN_NAME")), get(v, col("DATA_TYPE")), strings.ToUpper(get(v, col("COLUMN_KEY")))}
					if k.key == "" {
						k.key = "PRI" // a read of primary key columns only
					}
					id := strings.ToLower(k.table + "." + k.column)
					if k.table == "" || seenKey[id] {
						continue
					}
					seenKey[id] = true
					s.keys = append(s.keys, k)
					fromKeys = append(fromKeys, k.table)
				}
			case len(r.Columns) == 1 && col("TABLE_NAME") == 0:
				for _, v := range r.Values {
					addTable(get(v, 0))
				}
			}
		}
	}
	for _, t := range append(fromKeys, fromFKs...) {
		addTable(t)
	}
	sort.SliceStable(s.fks, func(i, j int) bool { return s.fks[i].key() < s.fks[j].key() })
	return s
}

func (s schema) hasFK(key string) (foreignKey, bool) {
	for _, fk := range s.fks {
		if fk.key() == key {
			return fk, true
		}
	}
	return foreignKey{}, false
}

// columnIndex returns a function giving the index of a column, ignoring case; -1 when
// there is none.
func columnIndex(cols []string) func(string) int {
	return func(name string) int {
		for i, c := range cols {
			if strings.EqualFold(c, name) {
				return i
			}
		}
		return -1
	}
}

func get(v []string, i int) string {
	if i < 0 || i >= len(v) {
		return ""
	}
	return strings.TrimSpace(v[i])
}

// linkState is what this run says about one link: its mark and one cell of text per
// bullet that exercises it.
type linkState struct {
	status Status
	cells  []string
}

// depmap writes the sections of the data dependency map: the chain, the schema with its
// foreign keys, the missing-piece candidates and what is left to people.
func (v *view) depmap() {
	dm := v.it.Item.DependencyMap
	if dm == nil {
		dm = &dod.DependencyMap{}
	}
	chain, fkBullets := dm.Chain, dm.Links
	s := readSchema(v.it.Specs)
	anchors := map[string]map[string]string{} // item id → bullet id → anchor
	state := func(bullets []string) linkState { return v.linkState(bullets, anchors) }

	v.d.heading(2, "The chain", "")
	v.d.para("Products → Producers → Users / roles → Permissions → Dashboard → Admin: each link, what holds it, and the DoD bullets of this run whose specs exercised it (✅ passed · ❌ failed · ⏸ not run).")
	schemaNote := "not read in this run"
	if b, ok := v.it.Bullet("chain"); ok && !s.readFKs && b.Reason != "" {
		schemaNote = "not read in this run: " + b.Reason
	}
	type row struct {
		step      dod.ChainStep
		mark      Status
		held      string
		missingFK bool
		state     linkState
	}
	var rows []row
	for _, st := range chain {
		ls := state(st.Bullets)
		r := row{step: st, mark: ls.status, state: ls}
		switch {
		case st.FK == "":
			r.held = "the application"
		case !s.readFKs:
			r.held = "⏸ foreign key " + code(arrow(st.FK)) + ", " + esc(schemaNote)
		default:
			if fk, ok := s.hasFK(st.FK); ok {
				r.held = "✅ foreign key " + code(fk.String()) + onDelete(fk)
			} else {
				r.held = "❌ no foreign key " + code(arrow(st.FK)) + " in the schema"
				r.mark, r.missingFK = Failed, true
			}
		}
		rows = append(rows, r)
	}
	var flow strings.Builder
	flow.WriteString("flowchart LR\n")
	for i, st := range chain {
		label := arrow(st.FK)
		if st.FK == "" {
			label = shortHow(st)
		}
		fmt.Fprintf(&flow, "  n%d[\"%s\"] -->|\"%s %s\"| n%d[\"%s\"]\n", i, mermaidText(st.From), rows[i].mark.Mark(), mermaidText(label), i+1, mermaidText(st.To))
	}
	v.d.fence("mermaid", flow.String())
	var table [][]string
	for i, r := range rows {
		table = append(table, []string{fmt.Sprint(i + 1), r.mark.Mark() + " " + cell(r.step.From+" → "+r.step.To), mdCell(r.step.How), r.held, strings.Join(r.state.cells, "<br>")})
	}
	v.d.table([]string{"#", "link", "what it means", "held by", "exercised in this run"}, table)

	v.d.heading(2, "The schema today", "")
	if !s.readFKs {
		v.d.para("⏸ The schema was " + esc(schemaNote) + ", so the tables and foreign keys cannot be shown.")
	} else {
		v.d.para(fmt.Sprintf("%s and %s, read from `information_schema` of the target's database (%s) in this run.",
			plural(len(s.tables), "table", "tables"), plural(len(s.fks), "foreign key", "foreign keys"), esc(orDefault(v.it.Facts.Database, "unknown"))))
		v.d.fence("mermaid", erDiagram(s))
		var fkRows [][]string
		for _, fk := range s.fks {
			ls := state(fkBullets[fk.key()])
			exercised := strings.Join(ls.cells, "<br>")
			if len(ls.cells) == 0 {
				exercised = "— no spec of the harness exercises it"
			}
			fkRows = append(fkRows, []string{ls.status.Mark(), codeCell(fk.String()), cell(fk.onDelete), exercised})
		}
		v.d.table([]string{"", "foreign key", "on delete", "exercised in this run"}, fkRows)
	}

	v.d.heading(2, "Missing pieces", "")
	var missing, order []string
	for _, r := range rows {
		if r.mark == Passed {
			continue
		}
		why := "no spec exercised it in this run"
		if r.missingFK {
			why = "its foreign key is missing from the schema"
		} else if r.mark == Failed {
			why = "a spec that exercises it failed"
		}
		missing = append(missing, fmt.Sprintf("%s chain link **%s** — %s", r.mark.Mark(), cell(r.step.From+" → "+r.step.To), why))
		order = append(order, fmt.Sprintf("**%s** — %s", cell(r.step.From+" → "+r.step.To), why))
	}
	if s.readFKs {
		depth := tableDepths(s)
		fks := append([]foreignKey(nil), s.fks...)
		sort.SliceStable(fks, func(i, j int) bool { return depth[fks[i].refTable] < depth[fks[j].refTable] })
		for _, fk := range fks {
			if inChain(chain, fk.key()) {
				continue // listed with its chain link above
			}
			if bullets := fkBullets[fk.key()]; state(bullets).status != Passed {
				why := "no spec of the harness exercises it"
				if len(bullets) > 0 {
					why = "not proven in this run"
				}
				order = append(order, fmt.Sprintf("%s — %s", code(fk.String()), why))
			}
			bullets := fkBullets[fk.key()]
			ls := state(bullets)
			switch {
			case len(bullets) == 0:
				missing = append(missing, fmt.Sprintf("⏸ %s — no spec of the harness exercises it", code(fk.String())))
			case ls.status == Failed:
				missing = append(missing, fmt.Sprintf("❌ %s — a spec that exercises it failed", code(fk.String())))
			case ls.status != Passed:
				missing = append(missing, fmt.Sprintf("⏸ %s — no spec exercised it in this run", code(fk.String())))
			}
		}
		for _, t := range isolated(s) {
			missing = append(missing, fmt.Sprintf("· table %s — no foreign key joins it to the other tables", code(t)))
		}
		for _, fk := range s.fks {
			if fk.unindexed {
				missing = append(missing, fmt.Sprintf("· foreign key %s has no index: the database does not create one (PostgreSQL), so a delete in %s scans %s", code(fk.String()), code(fk.refTable), code(fk.table)))
			}
		}
	}
	if len(missing) == 0 {
		v.d.para("None: every link of the chain and every foreign key was exercised by a passing spec in this run.")
	} else {
		v.d.para("What this run found missing or unproven: foreign keys the schema lacks, links no spec exercised, tables nothing joins.")
		for _, m := range missing {
			v.d.line("- " + m)
		}
		v.d.line("")
	}

	v.d.heading(2, "Implementation order", "")
	if len(order) == 0 {
		v.d.para("Nothing to build: no link is missing or unproven.")
	} else {
		v.d.para("The missing pieces in dependency order: the chain first, in the plan's order, then the other foreign keys, those pointing at tables that depend on nothing first. Each step's parent rows exist before the step needs them.")
		for i, o := range order {
			v.d.line(fmt.Sprintf("%d. %s", i+1, o))
		}
		v.d.line("")
	}

	v.d.heading(2, "Decided by people", "")
	n := 0
	for _, b := range v.it.Bullets {
		if b.Bullet.Kind == dod.Manual {
			v.d.line(fmt.Sprintf("- ✍ %s — %s", b.Bullet.Text, esc(b.Bullet.How)))
			n++
		}
	}
	if n == 0 {
		v.d.para("Nothing: every bullet of this item is checked by the run.")
	} else {
		v.d.line("")
		v.d.para("The run never marks these as done; write the decision into the plan.")
	}
}

// tableDepths returns, for every table, how many foreign keys deep it is: 0 for a
// table that references nothing, else one more than the deepest table it references.
func tableDepths(s schema) map[string]int {
	refs := map[string][]string{}
	for _, fk := range s.fks {
		refs[fk.table] = append(refs[fk.table], fk.refTable)
	}
	depth := map[string]int{}
	var visit func(t string, seen map[string]bool) int
	visit = func(t string, seen map[string]bool) int {
		if d, ok := depth[t]; ok {
			return d
		}
		if seen[t] {
			return 0 // a cycle: stop
		}
		seen[t] = true
		d := 0
		for _, r := range refs[t] {
			if r != t {
				d = max(d, visit(r, seen)+1)
			}
		}
		depth[t] = d
		return d
	}
	for _, fk := range s.fks {
		visit(fk.table, map[string]bool{})
		visit(fk.refTable, map[string]bool{})
	}
	return depth
}

// linkState reports the bullets exercising a link in this run. Its status is ❌ when
// any of them failed, ✅ when one passed and none failed, ⏸ otherwise (none ran, or the
// link has no bullet).
func (v *view) linkState(bullets []string, anchors map[string]map[string]string) linkState {
	ls := linkState{status: NotRun}
	passed, failed := false, false
	for _, id := range bullets {
		b, it, ok := v.run.bullet(id)
		if !ok {
			suite := ""
			itemID, _, _ := strings.Cut(id, ".")
			if item, found := v.run.Declaration(itemID); found {
				suite = " (" + code("suites/"+item.Suite) + ")"
			}
			ls.cells = append(ls.cells, fmt.Sprintf("⏸ %s — not in this run: its suite%s did not run", code(id), suite))
			continue
		}
		var ref string
		if it.Item.ID == v.it.Item.ID {
			ref = fmt.Sprintf("[%s](#%s)", code(id), v.d.ref(bulletKey(id)))
		} else {
			if anchors[it.Item.ID] == nil {
				anchors[it.Item.ID] = v.run.anchors(it)
			}
			ref = fmt.Sprintf("[%s](%s#%s)", code(id), relLink(v.it.Item.Document, it.Item.Document), anchors[it.Item.ID][id])
		}
		text := fmt.Sprintf("%s %s %s", b.Status.Mark(), ref, plural(len(b.Specs), "spec", "specs"))
		switch b.Status {
		case Passed:
			passed = true
		case Failed:
			failed = true
			text += " — " + cell(shorten(b.Reason, 80))
		default:
			text += " — " + cell(shorten(b.Reason, 80))
		}
		ls.cells = append(ls.cells, text)
	}
	switch {
	case failed:
		ls.status = Failed
	case passed:
		ls.status = Passed
	}
	return ls
}

// bullet returns a bullet's status in the run and its item; false when its item is not
// in the run.
func (r *Run) bullet(id string) (BulletStatus, *ItemResult, bool) {
	for i := range r.Items {
		for _, b := range r.Items[i].Bullets {
			if b.Bullet.ID() == id {
				return b, &r.Items[i], true
			}
		}
	}
	return BulletStatus{}, nil, false
}

func onDelete(fk foreignKey) string {
	if fk.onDelete == "" {
		return ""
	}
	return " (on delete " + esc(fk.onDelete) + ")"
}

func inChain(chain []dod.ChainStep, fkKey string) bool {
	for _, st := range chain {
		if st.FK == fkKey {
			return true
		}
	}
	return false
}

// arrow turns a map key "a.b→c.d" into "a.b → c.d".
func arrow(key string) string { return strings.ReplaceAll(key, "→", " → ") }

// shortHow is an application link's label in the diagram.
func shortHow(st dod.ChainStep) string {
	switch st.To {
	case "Permissions":
		return "ProductPolicy"
	case "Dashboard":
		return "own products only"
	case "Admin":
		return "admin override"
	}
	return st.To
}

// isolated returns the tables no foreign key names.
func isolated(s schema) []string {
	joined := map[string]bool{}
	for _, fk := range s.fks {
		joined[strings.ToLower(fk.table)] = true
		joined[strings.ToLower(fk.refTable)] = true
	}
	var out []string
	for _, t := range s.tables {
		if !joined[strings.ToLower(t)] {
			out = append(out, t)
		}
	}
	return out
}

// erDiagram returns the schema as a Mermaid entity-relationship diagram: every table with
// its primary, unique and foreign key columns, and one relationship per foreign key.
func erDiagram(s schema) string {
	var b strings.Builder
	b.WriteString("erDiagram\n")
	fkCols := map[string]bool{}
	for _, fk := range s.fks {
		fkCols[strings.ToLower(fk.table+"."+fk.column)] = true
	}
	for _, t := range s.tables {
		var attrs []string
		for _, k := range s.keys {
			if !strings.EqualFold(k.table, t) {
				continue
			}
			var marks []string
			switch k.key {
			case "PRI":
				marks = append(marks, "PK")
			case "UNI":
				marks = append(marks, "UK")
			}
			if fkCols[strings.ToLower(k.table+"."+k.column)] {
				marks = append(marks, "FK")
			}
			if len(marks) == 0 {
				continue // an index that is no key of the diagram
			}
			attrs = append(attrs, fmt.Sprintf("    %s %s %s", mermaidName(orDefault(k.dataType, "column")), mermaidName(k.column), strings.Join(marks, ", ")))
		}
		if len(attrs) == 0 {
			fmt.Fprintf(&b, "  %s\n", mermaidName(t))
			continue
		}
		fmt.Fprintf(&b, "  %s {\n%s\n  }\n", mermaidName(t), strings.Join(attrs, "\n"))
	}
	for _, fk := range s.fks {
		fmt.Fprintf(&b, "  %s ||--o{ %s : \"%s\"\n", mermaidName(fk.refTable), mermaidName(fk.table), mermaidText(fk.column))
	}
	return b.String()
}

// mermaidName makes a table, column or type name safe as a Mermaid identifier.
func mermaidName(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r == '_' || r == '-' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		} else {
			b.WriteRune('_')
		}
	}
	if b.Len() == 0 {
		return "_"
	}
	return b.String()
}

// mermaidText makes s safe inside a quoted Mermaid label.
func mermaidText(s string) string {
	return strings.NewReplacer(`"`, "#quot;", "\n", " ", "`", "").Replace(s)
}
