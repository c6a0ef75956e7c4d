package dod

import (
	"fmt"
	"regexp"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Plan is a parsed work plan (NEXT-7D.md) or state file (docs/OPS/STATE.md).
type Plan struct {
	Path     string    // the path the plan was read from, used in errors and findings
	Sections []Section // the "## " sections, in file order
}

// Section is one "## " section of a plan.
type Section struct {
	// Name is the heading without its parenthesised note: "## WIP (1 item only)" has
	// the name "WIP", "## IN PROGRESS" the name "IN PROGRESS".
	Name  string
	Line  int // 1-based line of the heading
	Items []PlanItem
}

// PlanItem is one entry of a section: a block item ("**1) Title**" or "### 2) Title"
// followed by its fields), or a one-line list entry ("- Title (2025-12-19) - STABLE ✓",
// "1. Title").
type PlanItem struct {
	Number int    // the item's number ("2) Title", "2. Title"), 0 when unnumbered
	Title  string // the title as written, without number, date and status
	Line   int    // 1-based line of the title
	DoD    []PlanBullet
	// Fields holds the "- **Key**: value" lines of a block item, keyed as written
	// ("Status", "Proof source", "Estimated effort"). A DoD list is recorded under the
	// key "DoD" (its inline text, usually empty), so a DoD field without bullets can be
	// told from a missing one. A list entry "Title (date) - STATUS" records STATUS
	// under "Status".
	Fields map[string]string
	Date   string // "2025-12-19" from a "(2025-12-19)" in a list entry, else ""
}

// PlanBullet is one bullet of an item's DoD.
type PlanBullet struct {
	Text string // the bullet's text as written (wrapped lines joined with one space)
	Line int    // 1-based line where the bullet starts
}

// Section returns the first section whose name matches name, ignoring case and
// treating '-' and '_' as spaces ("in-progress" finds "## IN PROGRESS").
func (p *Plan) Section(name string) (Section, bool) {
	if p == nil {
		return Section{}, false
	}
	key := sectionKey(name)
	for _, s := range p.Sections {
		if sectionKey(s.Name) == key {
			return s, true
		}
	}
	return Section{}, false
}

// label names an item in messages: `"2) Data dependency roadmap"`.
func (it PlanItem) label() string {
	if it.Number > 0 {
		return strconv.Quote(fmt.Sprintf("%d) %s", it.Number, it.Title))
	}
	return strconv.Quote(it.Title)
}

// ParsePlan parses a work plan or state file. The plan's own annotations (see Annotate)
// are ignored, so an annotated plan parses exactly like the plan it was made from. It
// returns an error "path:line: message" when a line is not UTF-8, when an item comes
// before any "## " section, or when an item repeats a field.
func ParsePlan(path string, data []byte) (*Plan, error) {
	p, _, err := parse(path, data)
	return p, err
}

// layout is what Annotate needs beyond the Plan: where each annotatable entry ends.
type layout struct {
	end     map[int]int  // first line of a DoD bullet or list entry → its last line
	heading map[int]bool // lines of items written as "###" headings
}

// rawLine is one line of a file: its text without terminator, and the terminator.
type rawLine struct {
	text string
	eol  string
}

// splitLines splits data into lines, keeping every byte: text+eol of all lines
// concatenated is data. "\r\n", "\n" and a final "\r" are terminators.
func splitLines(data []byte) []rawLine {
	var out []rawLine
	s := string(data)
	for len(s) > 0 {
		i := strings.IndexByte(s, '\n')
		var l string
		if i < 0 {
			l, s = s, ""
		} else {
			l, s = s[:i+1], s[i+1:]
		}
		text := strings.TrimSuffix(l, "\n")
		eol := l[len(text):]
		if strings.HasSuffix(text, "\r") {
			text, eol = text[:len(text)-1], "\r"+eol
		}
		out = append(out, rawLine{text: text, eol: eol})
	}
	return out
}

// fence tracks fenced code blocks, inside which nothing is parsed or annotated.
type fence struct{ open string }

// skip reports whether the line is a fence line or inside a fenced block.
func (f *fence) skip(text string) bool {
	t := strings.TrimLeft(text, " ")
	if len(text)-len(t) > 3 {
		return f.open != ""
	}
	for _, c := range []string{"```", "~~~"} {
		if !strings.HasPrefix(t, c) {
			continue
		}
		n := len(t) - len(strings.TrimLeft(t, c[:1]))
		marker := t[:n]
		switch {
		case f.open == "":
			f.open = marker
			return true
		case strings.HasPrefix(marker, f.open) && strings.TrimSpace(t[n:]) == "":
			f.open = ""
			return true
		}
	}
	return f.open != ""
}

var (
	headingRE  = regexp.MustCompile(`^ {0,3}(#{1,6})(?:\s+(.*?))?\s*$`)
	boldItemRE = regexp.MustCompile(`^\*\*(\d+)[.)]\s*(.+?)\*\*`)
	numberedRE = regexp.MustCompile(`^(\d+)[.)]\s+(.*)$`)
	listRE     = regexp.MustCompile(`^([-*+]|\d+[.)])(?:\s+(.*))?$`)
	ruleRE     = regexp.MustCompile(`^ {0,3}([-*_])(?:\s*([-*_])){2,}\s*$`)
	fieldRE    = regexp.MustCompile(`^\*\*([^*]+?)(:?)\*\*(:?)\s*(.*)$`)
	plainDoDRE = regexp.MustCompile(`(?i)^(dod|definition of done):\s*(.*)$`)
	dateRE     = regexp.MustCompile(`\((\d{4}-\d{2}-\d{2})\)`)
	checkboxRE = regexp.MustCompile(`^\[[ xX]\]\s+`)
)

// indentOf returns the width of the leading blanks (a tab counts 4) and the rest.
func indentOf(s string) (int, string) {
	n := 0
	for i, c := range s {
		switch c {
		case ' ':
			n++
		case '\t':
			n += 4 - n%4
		default:
			return n, s[i:]
		}
	}
	return n, ""
}

// parser is the state of one ParsePlan call.
type parser struct {
	path string
	plan *Plan
	lay  layout

	sec   int  // index of the current section, -1 before the first
	item  int  // index of the current item in the section, -1 when none
	block bool // the current item is a block item (fields, DoD)

	fieldLine map[string]int // field key → line, for the current block item
	lastField string         // key of the last field, for its indented sub-lines

	inDoD      bool
	dodIndent  int    // indent of the DoD bullets, -1 until the first one
	cont       int    // line of the bullet/list entry that text lines continue, 0 when none
	contIndent int    // indent a line needs to continue it
	listRaw    string // the text of the current list entry, before title/date/status
}

func parse(path string, data []byte) (*Plan, layout, error) {
	ps := &parser{
		path: path,
		plan: &Plan{Path: path},
		lay:  layout{end: map[int]int{}, heading: map[int]bool{}},
		sec:  -1,
		item: -1,
	}
	var f fence
	for i, l := range splitLines(data) {
		n := i + 1
		if !utf8.ValidString(l.text) {
			return nil, layout{}, fmt.Errorf("%s:%d: line is not valid UTF-8; save the file as UTF-8", path, n)
		}
		if f.skip(l.text) {
			ps.cont = 0
			continue
		}
		if err := ps.line(n, stripAnnotation(l.text)); err != nil {
			return nil, layout{}, err
		}
	}
	return ps.plan, ps.lay, nil
}

func (ps *parser) cur() *PlanItem {
	s := &ps.plan.Sections[ps.sec]
	return &s.Items[ps.item]
}

func (ps *parser) endItem() {
	ps.item, ps.block, ps.inDoD, ps.cont = -1, false, false, 0
}

func (ps *parser) line(n int, text string) error {
	indent, rest := indentOf(text)
	rest = strings.TrimRight(rest, " \t")
	if rest == "" {
		ps.cont = 0
		return nil
	}
	if m := headingRE.FindStringSubmatch(text); m != nil {
		return ps.heading(n, len(m[1]), m[2])
	}
	if ruleRE.MatchString(text) {
		ps.endItem()
		return nil
	}
	if indent == 0 {
		if m := boldItemRE.FindStringSubmatch(rest); m != nil {
			num, _ := strconv.Atoi(m[1])
			return ps.newBlock(n, num, strings.TrimSpace(m[2]))
		}
	}
	if m := listRE.FindStringSubmatch(rest); m != nil {
		return ps.list(n, indent, m[1], strings.TrimSpace(m[2]))
	}
	// Plain text: a wrapped continuation of the last bullet or entry, or a paragraph.
	if ps.cont > 0 && indent >= ps.contIndent && indent > 0 {
		ps.lay.end[ps.cont] = n
		if ps.inDoD {
			it := ps.cur()
			b := &it.DoD[len(it.DoD)-1]
			b.Text += " " + rest
		} else if ps.item >= 0 && !ps.block {
			ps.listRaw += " " + rest
			ps.setListText(ps.cur(), ps.listRaw)
		}
		return nil
	}
	ps.cont = 0
	if indent < 2 {
		ps.inDoD = false
	}
	return nil
}

func (ps *parser) heading(n, level int, text string) error {
	text = strings.TrimSpace(strings.TrimRight(text, "#"))
	switch {
	case level == 2:
		ps.endItem()
		ps.plan.Sections = append(ps.plan.Sections, Section{Name: sectionName(text), Line: n})
		ps.sec = len(ps.plan.Sections) - 1
	case level == 3:
		num := 0
		if m := numberedRE.FindStringSubmatch(text); m != nil {
			num, _ = strconv.Atoi(m[1])
			text = strings.TrimSpace(m[2])
		}
		if ps.sec < 0 && num == 0 {
			ps.endItem()
			return nil
		}
		if err := ps.newBlock(n, num, text); err != nil {
			return err
		}
		ps.lay.heading[n] = true
	case level == 1:
		ps.endItem()
	default: // "####" and deeper: part of the current item's prose
		ps.inDoD, ps.cont = false, 0
	}
	return nil
}

func (ps *parser) newBlock(n, num int, title string) error {
	ps.endItem()
	if ps.sec < 0 {
		return fmt.Errorf("%s:%d: item %q comes before any \"## \" section; put it under \"## WIP\", \"## NEXT\" or \"## DONE\"", ps.path, n, fmt.Sprintf("%d) %s", num, title))
	}
	s := &ps.plan.Sections[ps.sec]
	s.Items = append(s.Items, PlanItem{Number: num, Title: unbold(title), Line: n, Fields: map[string]string{}})
	ps.item, ps.block = len(s.Items)-1, true
	ps.fieldLine, ps.lastField = map[string]int{}, ""
	return nil
}

func (ps *parser) list(n, indent int, marker, text string) error {
	text = checkboxRE.ReplaceAllString(text, "")
	if ps.item >= 0 && ps.block {
		return ps.blockList(n, indent, text)
	}
	if indent >= 2 {
		// A sub-list of a list entry: not an entry of its own.
		ps.cont = 0
		return nil
	}
	if ps.sec < 0 {
		return nil // a list above the first section (a preamble): not part of any section
	}
	num, _ := strconv.Atoi(strings.TrimRight(marker, ".)")) // 0 for "-", "*", "+"
	s := &ps.plan.Sections[ps.sec]
	s.Items = append(s.Items, PlanItem{Number: num, Line: n, Fields: map[string]string{}})
	ps.item, ps.block = len(s.Items)-1, false
	ps.listRaw = text
	ps.setListText(ps.cur(), text)
	ps.cont, ps.contIndent = n, indent+1
	ps.lay.end[n] = n
	return nil
}

// setListText fills a list entry's title, date and status from its text
// "Title (2025-12-19) - STATUS".
func (ps *parser) setListText(it *PlanItem, text string) {
	it.Title, it.Date = unbold(text), ""
	delete(it.Fields, "Status")
	locs := dateRE.FindAllStringSubmatchIndex(text, -1)
	if len(locs) == 0 {
		return
	}
	loc := locs[len(locs)-1]
	it.Title = unbold(strings.TrimSpace(text[:loc[0]]))
	it.Date = text[loc[2]:loc[3]]
	if status := strings.TrimSpace(strings.TrimLeft(text[loc[1]:], " -–—:")); status != "" {
		it.Fields["Status"] = status
	}
}

func (ps *parser) blockList(n, indent int, text string) error {
	it := ps.cur()
	if indent < 2 {
		ps.cont = 0
		ps.inDoD = false
		key, value, ok := field(text)
		if !ok {
			ps.lastField = ""
			return nil
		}
		if first, dup := ps.fieldLine[key]; dup {
			return fmt.Errorf("%s:%d: item %s repeats the field %q (first at line %d); keep one", ps.path, n, it.label(), key, first)
		}
		ps.fieldLine[key], ps.lastField = n, key
		it.Fields[key] = value
		if key == "DoD" {
			ps.inDoD, ps.dodIndent = true, -1
			if value != "" {
				it.DoD = append(it.DoD, PlanBullet{Text: value, Line: n})
				ps.lay.end[n] = n
			}
		}
		return nil
	}
	if ps.inDoD {
		if ps.dodIndent < 0 {
			ps.dodIndent = indent
		}
		if indent > ps.dodIndent+1 {
			ps.cont = 0 // a nested list under a DoD bullet: not a bullet of its own
			return nil
		}
		it.DoD = append(it.DoD, PlanBullet{Text: text, Line: n})
		ps.lay.end[n] = n
		ps.cont, ps.contIndent = n, indent+1
		return nil
	}
	if ps.lastField != "" {
		// Sub-bullets of another field extend its value.
		if v := it.Fields[ps.lastField]; v != "" {
			it.Fields[ps.lastField] = v + "; " + text
		} else {
			it.Fields[ps.lastField] = text
		}
	}
	return nil
}

// field splits "**Key**: value", "**Key:** value" or "DoD: value" into a key and value;
// "DoD" and "Definition of Done" are keyed "DoD".
func field(text string) (key, value string, ok bool) {
	if m := fieldRE.FindStringSubmatch(text); m != nil && (m[2] != "" || m[3] != "") {
		key, value = strings.TrimSpace(m[1]), strings.TrimSpace(m[4])
	} else if m := plainDoDRE.FindStringSubmatch(text); m != nil {
		key, value = m[1], strings.TrimSpace(m[2])
	} else {
		return "", "", false
	}
	if k := strings.ToLower(key); k == "dod" || k == "definition of done" {
		key = "DoD"
	}
	return key, value, true
}

// sectionName returns a heading's text without its parenthesised note.
func sectionName(heading string) string {
	name := heading
	if i := strings.Index(name, "("); i > 0 {
		name = name[:i]
	}
	name = strings.TrimRight(strings.TrimSpace(name), ":")
	if name = strings.TrimSpace(unbold(name)); name == "" {
		return heading
	}
	return name
}

// sectionKey is the form section names are compared in.
func sectionKey(name string) string {
	name = strings.NewReplacer("-", " ", "_", " ").Replace(strings.ToUpper(name))
	return strings.Join(strings.Fields(name), " ")
}

// unbold removes emphasis wrapping a whole text: "**Title**" → "Title".
func unbold(s string) string {
	for _, w := range []string{"**", "__"} {
		if len(s) > 2*len(w) && strings.HasPrefix(s, w) && strings.HasSuffix(s, w) {
			return strings.TrimSpace(s[len(w) : len(s)-len(w)])
		}
	}
	return s
}
