package report

import (
	"fmt"
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// Document is one rendered file.
type Document struct {
	Path string // relative to the output directory, slash-separated
	Body []byte
}

// ProofPath is where Proof's output goes, relative to the output directory.
const ProofPath = "proof.json"

// Documents renders the Markdown document of every item of the run, in registry order.
// It returns an error when two items would write the same path.
func (r *Run) Documents() ([]Document, error) {
	var docs []Document
	paths := map[string]string{}
	for i := range r.Items {
		it := &r.Items[i]
		if other, dup := paths[it.Item.Document]; dup {
			return nil, fmt.Errorf("items %s and %s both render to %s; give each item its own document in pkg/dod", other, it.Item.ID, it.Item.Document)
		}
		paths[it.Item.Document] = it.Item.ID
		docs = append(docs, Document{Path: it.Item.Document, Body: r.render(it)})
	}
	if len(r.Items) > 0 { // the contract coverage is one more document of the run (coverage.go)
		cov, _ := r.coverageDocument()
		docs = append(docs, cov)
	}
	return docs, nil
}

// render renders one item's document.
func (r *Run) render(it *ItemResult) []byte { return r.renderDoc(it).bytes() }

// renderDoc renders one item's document, with its anchors registered.
func (r *Run) renderDoc(it *ItemResult) *mdDoc {
	d := newDoc()
	v := &view{run: r, it: it, d: d, shown: map[*SpecResult]string{}}
	if it.Item.Layout == dod.LayoutFacts {
		v.prodFactsHead()
		d.heading(2, "Run", "")
		v.opening()
	} else {
		d.heading(1, esc(it.Item.Title), "")
		d.para("> Rendered by smokeproof from the run below; re-run instead of editing.")
		v.opening()
	}
	v.checklist()
	for _, sec := range it.Item.Sections {
		switch sec {
		case dod.SectionPermissionMatrix:
			v.permissions()
		case dod.SectionDependencyMap:
			v.depmap()
		}
	}
	v.evidence()
	v.footer()
	return d
}

// checklistKey is the anchor key of the Definition of Done table.
const checklistKey = "checklist"

// Links returns, for every bullet of every item in the run, where a reader finds its
// proof: the item's document, relative to the output directory, with the anchor of the
// bullet's evidence section for a checked bullet
// ("docs/TESTS/CHECKOUT-SMOKE.md#email-verification-confirmation-email-sent-or-logged"),
// and of the document's Definition of Done table for the others. The anchors are the
// ones GitHub gives the rendered headings. Bullets of items not in the run have none.
func (r *Run) Links() map[string]string {
	out := map[string]string{}
	for i := range r.Items {
		it := &r.Items[i]
		for id, anchor := range r.anchors(it) {
			out[id] = it.Item.Document + "#" + anchor
		}
	}
	return out
}

// anchors renders an item's document and returns the anchor of each of its bullets.
func (r *Run) anchors(it *ItemResult) map[string]string {
	d := r.renderDoc(it)
	out := map[string]string{}
	for _, b := range it.Bullets {
		anchor, ok := d.anchors[bulletKey(b.Bullet.ID())]
		if !ok || b.Bullet.Kind != dod.Checked {
			anchor = d.anchors[checklistKey]
		}
		out[b.Bullet.ID()] = anchor
	}
	return out
}

// view renders one item's document.
type view struct {
	run   *Run
	it    *ItemResult
	d     *mdDoc
	shown map[*SpecResult]string // specs whose evidence is already in the document → anchor key
}

func bulletKey(id string) string { return "bullet:" + id }

func (v *view) opening() {
	it := v.it
	rows := [][]string{}
	if it.Result == NotDone {
		rows = append(rows, []string{"First failure", cell(it.Reason)})
	}
	if it.Result == NotChecked {
		rows = append(rows, []string{"Could not check", cell(it.Reason)})
	}
	rows = append(rows, []string{"Run", cell(fmt.Sprintf("%s · %s · %s", utc(it.Started), dur(it.Duration), specCounts(it.Specs)))})
	rows = append(rows, []string{"Target", cell(targetLine(it.Facts))})
	if it.Facts.Faults != "" {
		rows = append(rows, []string{"Faults", codeCell("SHOP_FAULTS=" + it.Facts.Faults)})
	}
	harness := it.Facts.Harness
	if harness == "" {
		harness = "unknown (the suite recorded no run facts)"
	}
	rows = append(rows, []string{"Harness", cell(harness)})
	if it.Facts.LabelFilter != "" {
		rows = append(rows, []string{"Label filter", codeCell(it.Facts.LabelFilter)})
	}
	if ex := v.exclusions(); ex != "" {
		rows = append(rows, []string{"Excluded", ex})
	}
	for _, p := range it.Problems {
		rows = append(rows, []string{"Suite problem", "⚠ " + cell(p)})
	}
	rows = append(rows, []string{"Reproduce", codeCell(reproduce(it.Facts, it.Item.ID, it.Item.Suite))})
	v.d.table([]string{"Result", resultLine(it)}, rows)
}

// exclusions lists the target's exclusions that left out specs of this item.
func (v *view) exclusions() string {
	var parts []string
	for _, ex := range v.it.Facts.Excluded {
		n := 0
		for _, s := range v.it.Specs {
			if s.State.Is(types.SpecStateSkipped) && s.Failure == nil && s.Reason == "not run on this target: "+ex.Reason {
				if _, ok := exclusionOf(s.Labels, []evidence.Exclusion{ex}); ok {
					n++
				}
			}
		}
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%s: %s (%s)", codeCell(ex.Label), cell(ex.Reason), plural(n, "spec", "specs")))
		}
	}
	return strings.Join(parts, "; ")
}

func resultLine(it *ItemResult) string {
	counts := map[Status]int{}
	kinds := map[dod.Kind]int{}
	total := 0
	for _, b := range it.Bullets {
		counts[b.Status]++
		if b.Bullet.Kind != dod.Manual {
			total++
			kinds[b.Bullet.Kind]++
		}
	}
	s := fmt.Sprintf("%s %s — %d of %s proven", it.Result.Mark(), it.Result, counts[Passed], plural(total, "checkable bullet", "checkable bullets"))
	if it.Result == Done && (kinds[dod.Derived] > 0 || kinds[dod.Document] > 0) {
		var by []string
		if n := kinds[dod.Checked]; n > 0 {
			by = append(by, fmt.Sprintf("%d by specs", n))
		}
		if n := kinds[dod.Derived]; n > 0 {
			by = append(by, fmt.Sprintf("%d derived", n))
		}
		if n := kinds[dod.Document]; n > 0 {
			by = append(by, fmt.Sprintf("%d by this document", n))
		}
		s += " (" + strings.Join(by, ", ") + ")"
	}
	if n := counts[Failed]; n > 0 {
		s += fmt.Sprintf(" · %d failed", n)
	}
	if n := counts[Broken]; n > 0 {
		s += fmt.Sprintf(" · %d broken (not checked)", n)
	}
	if n := counts[NotRun]; n > 0 {
		s += fmt.Sprintf(" · %d not run", n)
	}
	if n := counts[Manual]; n > 0 {
		s += " · " + plural(n, "manual bullet", "manual bullets") + " for people"
	}
	return s
}

func specCounts(specs []*SpecResult) string {
	var passed, failed, notRun int
	for _, s := range specs {
		switch {
		case s.State.Is(types.SpecStatePassed):
			passed++
		case s.State.Is(types.SpecStateFailureStates):
			failed++
		default:
			notRun++
		}
	}
	out := plural(len(specs), "spec", "specs")
	var parts []string
	if passed > 0 {
		parts = append(parts, fmt.Sprintf("%d passed", passed))
	}
	if failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", failed))
	}
	if notRun > 0 {
		parts = append(parts, fmt.Sprintf("%d not run", notRun))
	}
	if len(parts) > 0 {
		out += ": " + strings.Join(parts, ", ")
	}
	return out
}

func targetLine(f evidence.RunFacts) string {
	if f.Target == "" {
		return "unknown (the suite recorded no run facts)"
	}
	parts := []string{f.Target}
	if f.App != "" {
		parts = append(parts, "app "+f.App)
	}
	if f.Database != "" {
		parts = append(parts, "db "+f.Database)
	}
	if f.Mail != "" {
		parts = append(parts, "mail "+f.Mail)
	}
	if len(f.Startup) > 0 {
		var ts []string
		for _, t := range f.Startup {
			ts = append(ts, t.Name+" "+millis(t.Millis))
		}
		parts = append(parts, "start-up: "+strings.Join(ts, ", "))
	}
	return strings.Join(parts, " · ")
}

// reproduce returns the command that re-runs the specs selected by a DoD label value
// (an item id or a bullet id) against the same target.
func reproduce(f evidence.RunFacts, labelValue, suite string) string {
	var b strings.Builder
	if f.Target != "" {
		b.WriteString("SMOKE_TARGET=" + shellWord(f.Target) + " ")
	}
	if f.Faults != "" {
		b.WriteString("SHOP_FAULTS=" + shellWord(f.Faults) + " ")
	}
	fmt.Fprintf(&b, "go tool ginkgo --label-filter='%s: containsAny {%s}' ./suites/%s", dod.LabelKey, labelValue, suite)
	return b.String()
}

func shellWord(s string) string {
	for _, r := range s {
		if !(r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || strings.ContainsRune("_-.,:=/+@", r)) {
			return "'" + strings.ReplaceAll(s, "'", `'\''`) + "'"
		}
	}
	return s
}

func (v *view) checklist() {
	v.d.heading(2, "Definition of Done", checklistKey)
	var rows [][]string
	for _, b := range v.it.Bullets {
		row := []string{b.Status.Mark(), mdCell(b.Bullet.Text)}
		switch b.Bullet.Kind {
		case dod.Checked:
			by := "—"
			if n := len(b.Specs); n > 0 {
				by = plural(n, "spec", "specs")
			}
			ev := fmt.Sprintf("[details ↓](#%s)", v.d.ref(bulletKey(b.Bullet.ID())))
			if b.Reason != "" {
				ev += " — " + cell(b.Reason)
			}
			row = append(row, by, ev)
		case dod.Derived:
			row = append(row, "derived", cell(orDefault(b.Reason, "every checked bullet above is proven")))
		case dod.Document:
			row = append(row, "this document", cell(orDefault(b.Reason, "rendered from this run")))
		default:
			row = append(row, "manual", cell(b.Reason))
		}
		rows = append(rows, row)
	}
	v.d.table([]string{"", "DoD bullet (as in the plan)", "proven by", "evidence"}, rows)
	v.d.para("✅ proven by this run · ❌ failed · ⏸ not run, with the reason · ✍ manual, for people to confirm")
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}

// evidence writes one section per checked bullet.
func (v *view) evidence() {
	v.d.heading(2, "Evidence", "")
	for i := range v.it.Bullets {
		b := &v.it.Bullets[i]
		if b.Bullet.Kind != dod.Checked {
			continue
		}
		v.d.heading(3, b.Bullet.Text, bulletKey(b.Bullet.ID()))
		switch b.Status {
		case Passed:
			v.d.para(fmt.Sprintf("✅ **Proven** — %s passed.", plural(len(b.Specs), "spec", "specs")))
		case Failed:
			v.d.para("❌ **Failed** — " + esc(b.Reason))
		case Broken:
			v.d.para("⚠ **Broken**, the harness could not check it — " + esc(b.Reason))
		default:
			v.d.para("⏸ **Not proven** — " + esc(b.Reason))
		}
		v.d.para("*How it is proven:* " + esc(b.Bullet.How) + ".")
		for _, s := range b.Specs {
			v.spec(b, s)
		}
	}
}

// spec writes one spec's block: state, failure, steps and evidence. A spec already
// shown under an earlier bullet gets a link instead.
func (v *view) spec(b *BulletStatus, s *SpecResult) {
	if key, ok := v.shown[s]; ok {
		v.d.para(fmt.Sprintf("%s %s (%s) — its evidence is shown [above](#%s).", s.Mark(), code(s.Name), stateText(s), v.d.ref(key)))
		return
	}
	key := fmt.Sprintf("spec:%p", s)
	v.shown[s] = key
	v.d.heading(4, s.Mark()+" "+esc(s.Name), key)
	status := fmt.Sprintf("%s %s · %s", s.Mark(), stateText(s), code(s.Location))
	if others := otherBullets(s, b.Bullet.ID()); len(others) > 0 {
		status += " · also proves " + strings.Join(others, ", ")
	}
	v.d.para(status)
	if s.Failure != nil {
		v.d.para(fmt.Sprintf("**Failure** in %s at %s — expected vs observed:", code(s.Failure.Node), code(s.Failure.Location)))
		v.d.fence("text", s.Failure.Message)
		v.d.para("Reproduce:")
		v.d.fence("sh", reproduce(v.it.Facts, b.Bullet.ID(), v.it.Item.Suite))
	}
	if len(s.Steps) > 0 {
		v.d.para("**Steps**")
		for i, st := range s.Steps {
			line := fmt.Sprintf("%d. %s", i+1, esc(st.Text))
			if st.Failed {
				line += " ← ❌ failed here"
			}
			v.d.line(line)
		}
		v.d.line("")
	}
	v.records(s)
}

func stateText(s *SpecResult) string {
	switch {
	case s.State.Is(types.SpecStatePassed | types.SpecStateFailureStates):
		return fmt.Sprintf("%s in %s", s.State, dur(s.Duration))
	case s.Reason != "":
		return esc(s.Reason)
	default:
		return s.State.String()
	}
}

func otherBullets(s *SpecResult, self string) []string {
	var out []string
	for _, id := range s.Bullets {
		if id != self {
			out = append(out, code(id))
		}
	}
	return out
}

// records writes a spec's evidence, grouped by kind, each group in recorded order.
func (v *view) records(s *SpecResult) {
	var https []*evidence.HTTP
	var cells []*evidence.Cell
	var facts []*evidence.Fact
	var notes []string
	for _, rec := range s.Evidence {
		switch {
		case rec.HTTP != nil:
			https = append(https, rec.HTTP)
		case rec.Cell != nil:
			cells = append(cells, rec.Cell)
		case rec.Fact != nil:
			facts = append(facts, rec.Fact)
		case rec.Kind == evidence.KindNote && rec.Note != "":
			notes = append(notes, rec.Note)
		}
	}
	if len(https) > 0 {
		v.exchanges(https)
	}
	for _, rec := range s.Evidence {
		if rec.Rows != nil {
			v.rows(rec.Title, rec.Rows)
		}
	}
	var mails []*evidence.Mail
	for _, rec := range s.Evidence {
		if rec.Mail != nil {
			mails = append(mails, rec.Mail)
		}
	}
	if len(mails) > 0 {
		v.mails(mails)
	}
	var files []evidence.Record
	for _, rec := range s.Evidence {
		if rec.File != nil {
			files = append(files, rec)
		}
	}
	v.files(files)
	switch {
	case len(facts) > 0 && v.it.Item.Layout == dod.LayoutFacts:
		v.d.para(fmt.Sprintf("What it measured is in the tables at the top of this page (%s).", plural(len(facts), "fact", "facts")))
	case len(facts) > 0:
		v.factsTable(facts)
	}
	if len(cells) > 0 {
		v.cells(cells)
	}
	for _, n := range notes {
		v.d.para("*Note:* " + esc(n))
	}
}

func (v *view) exchanges(hs []*evidence.HTTP) {
	v.d.para("**HTTP exchanges**")
	var rows [][]string
	withBodies := 0
	for _, h := range hs {
		status := fmt.Sprint(h.Status)
		if h.Error != "" {
			status = "no response: " + h.Error
		}
		rows = append(rows, []string{cell(h.Caller), h.Method, codeCell(h.Path), cell(status), millis(h.Millis), size(int64(h.ResponseBytes))})
		if h.RequestBody != "" || h.ResponseBody != "" {
			withBodies++
		}
	}
	v.d.table([]string{"caller", "method", "path", "status", "time", "response"}, rows)
	if withBodies == 0 {
		return
	}
	v.d.para(fmt.Sprintf("<details><summary>Bodies of %s (redacted, shortened)</summary>", plural(withBodies, "exchange", "exchanges")))
	for _, h := range hs {
		if h.RequestBody == "" && h.ResponseBody == "" {
			continue
		}
		v.d.para(fmt.Sprintf("%s → **%d**", code(h.Method+" "+h.Path), h.Status))
		if h.RequestBody != "" {
			text, lang := body(h.RequestBody)
			v.d.para("Request:")
			v.d.fence(lang, text)
		}
		if h.ResponseBody != "" {
			text, lang := body(h.ResponseBody)
			v.d.para("Response:")
			v.d.fence(lang, text)
		}
	}
	v.d.para("</details>")
}

func (v *view) rows(title string, r *evidence.Rows) {
	const maxRows = 20
	head := "**Database rows**"
	if title != "" {
		head = "**Database rows: " + esc(title) + "**"
	}
	head += " — " + code(r.Query)
	if len(r.Args) > 0 {
		var args []string
		for _, a := range r.Args {
			args = append(args, code(a))
		}
		head += " with " + strings.Join(args, ", ")
	}
	v.d.para(head)
	if len(r.Values) == 0 {
		v.d.para("*no rows*")
		return
	}
	var header []string
	for _, c := range r.Columns {
		header = append(header, cell(c))
	}
	var rows [][]string
	for i, vals := range r.Values {
		if i == maxRows {
			break
		}
		row := make([]string, len(header))
		for j := range row {
			row[j] = "—"
			if j < len(vals) {
				row[j] = cell(vals[j])
			}
		}
		rows = append(rows, row)
	}
	v.d.table(header, rows)
	if n := len(r.Values) - maxRows; n > 0 {
		v.d.para(fmt.Sprintf("… and %s more.", plural(n, "row", "rows")))
	}
}

func (v *view) mails(ms []*evidence.Mail) {
	v.d.para("**E-mail**")
	var rows [][]string
	for _, m := range ms {
		rows = append(rows, []string{cell(m.To), cell(m.Subject), cell(m.OrderID), cell(m.Source), fmt.Sprint(m.Count), millis(m.Millis)})
	}
	v.d.table([]string{"to", "subject", "X-Order-Id", "source", "matching messages", "search took"}, rows)
}

func (v *view) file(title string, f *evidence.File) {
	link := relLink(v.it.Item.Document, f.Path)
	name := title
	if name == "" {
		name = f.Path
	}
	meta := fmt.Sprintf("%s · %s · sha256 %s", esc(f.MediaType), size(f.Bytes), code(shortHash(f.SHA256)))
	if strings.HasPrefix(f.MediaType, "image/") {
		v.d.para(fmt.Sprintf("![%s](%s)", esc(name), link))
		v.d.para(fmt.Sprintf("*%s* — %s", esc(name), meta))
		return
	}
	v.d.para(fmt.Sprintf("File: [%s](%s) — %s", esc(name), link, meta))
}

func shortHash(h string) string {
	if len(h) > 12 {
		return h[:12] + "…"
	}
	return h
}

func (v *view) factsTable(fs []*evidence.Fact) {
	v.d.para("**Measured facts**")
	v.d.table([]string{"fact", "status", "time", "details"}, factRows(fs))
}

func factRows(fs []*evidence.Fact) [][]string {
	var rows [][]string
	for _, f := range fs {
		mark := "✅"
		if !f.OK {
			mark = "❌"
		}
		name, _ := strings.CutPrefix(f.Name, contentPrefix)
		rows = append(rows, []string{cell(strings.TrimSpace(name)), mark + " " + cell(f.Status), millis(f.Millis), cell(f.Details)})
	}
	return rows
}

func (v *view) cells(cs []*evidence.Cell) {
	v.d.para(fmt.Sprintf("<details><summary>%s checked by this spec</summary>", plural(len(cs), "matrix cell", "matrix cells")))
	var rows [][]string
	for _, c := range cs {
		mark := "✅"
		if !c.OK() {
			mark = "❌"
		}
		rows = append(rows, []string{mark, cell(c.Caller), cell(c.Action), fmt.Sprint(c.Expected), fmt.Sprint(c.Observed), cell(c.Detail)})
	}
	v.d.table([]string{"", "caller", "action", "expected", "observed", "detail"}, rows)
	v.d.para("</details>")
}

func (v *view) footer() {
	v.d.line("---")
	v.d.line("")
	from := ""
	if len(v.run.ReportFiles) > 0 {
		var fs []string
		for _, f := range v.run.ReportFiles {
			fs = append(fs, code(f))
		}
		from = "from " + strings.Join(fs, ", ")
	} else {
		var suites []string
		seen := map[string]bool{}
		for _, s := range v.it.Specs {
			if !seen[s.Suite] {
				seen[s.Suite] = true
				suites = append(suites, "“"+esc(s.Suite)+"”")
			}
		}
		sort.Strings(suites)
		from = "from the Ginkgo report of " + strings.Join(suites, ", ")
		if len(suites) == 0 {
			from = "from the Ginkgo report of suite " + code("suites/"+v.it.Item.Suite)
		}
	}
	v.d.para(fmt.Sprintf("Rendered by smokeproof %s · the same facts for machines: [proof.json](%s)", from, relLink(v.it.Item.Document, ProofPath)))
}
