package dod

import (
	"fmt"
	"path/filepath"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Finding is one rule a plan breaks, at the line that breaks it.
type Finding struct {
	Path    string
	Line    int // 1-based; 1 when the problem is a missing part of the file
	Message string
}

// String returns the finding as "path:line: message".
func (f Finding) String() string {
	return fmt.Sprintf("%s:%d: %s", f.Path, f.Line, f.Message)
}

// The limits the plan's "Rules" section sets.
const (
	maxWIP  = 1
	maxNext = 3
)

// stateSections are the sections docs/OPS/STATE.md must have, in order.
var stateSections = []string{"CLOSED", "STABLE", "IN PROGRESS", "BLOCKED", "NEXT"}

// Lint checks plans against the rules of the work plan's "Rules" section and returns
// what breaks them, sorted by path and line; none means the plans are fine. A plan is a
// state file when its file is named STATE.md, or when it has state sections (CLOSED,
// STABLE, IN PROGRESS, BLOCKED) and no WIP or DONE section; any other plan is a work
// plan.
//
// A work plan has exactly one WIP item, at most 3 NEXT items, a DoD with at least one
// bullet on every WIP and NEXT item, and a real date on every DONE entry. A state file
// has the sections CLOSED, STABLE, IN PROGRESS, BLOCKED and NEXT. Neither repeats a
// section. When a work plan and a state file are linted together, the state file
// follows the rule "State Updates": the WIP item is under IN PROGRESS, and every DONE
// entry is under STABLE or CLOSED and no longer under IN PROGRESS.
func Lint(plans ...*Plan) []Finding {
	var fs []Finding
	var work, states []*Plan
	for _, p := range plans {
		if p == nil {
			continue
		}
		fs = append(fs, lintDuplicates(p)...)
		if isState(p) {
			states = append(states, p)
			fs = append(fs, lintState(p)...)
		} else {
			work = append(work, p)
			fs = append(fs, lintWork(p)...)
		}
	}
	for _, w := range work {
		for _, s := range states {
			fs = append(fs, lintStateUpdates(w, s)...)
		}
	}
	sort.SliceStable(fs, func(i, j int) bool {
		if fs[i].Path != fs[j].Path {
			return fs[i].Path < fs[j].Path
		}
		return fs[i].Line < fs[j].Line
	})
	return fs
}

func isState(p *Plan) bool {
	if strings.EqualFold(filepath.Base(p.Path), "STATE.md") {
		return true
	}
	_, wip := p.Section("WIP")
	_, done := p.Section("DONE")
	if wip || done {
		return false
	}
	for _, name := range stateSections[:4] {
		if _, ok := p.Section(name); ok {
			return true
		}
	}
	return false
}

func lintDuplicates(p *Plan) []Finding {
	var fs []Finding
	first := map[string]int{}
	for _, s := range p.Sections {
		key := sectionKey(s.Name)
		if line, dup := first[key]; dup {
			fs = append(fs, Finding{p.Path, s.Line, fmt.Sprintf("second %q section (the first is at line %d); merge the two into one", "## "+s.Name, line)})
			continue
		}
		first[key] = s.Line
	}
	return fs
}

// items returns the items of every section with the given name.
func items(p *Plan, name string) []PlanItem {
	var out []PlanItem
	for _, s := range p.Sections {
		if sectionKey(s.Name) == sectionKey(name) {
			out = append(out, s.Items...)
		}
	}
	return out
}

func lintWork(p *Plan) []Finding {
	var fs []Finding
	add := func(line int, format string, args ...any) {
		fs = append(fs, Finding{p.Path, line, fmt.Sprintf(format, args...)})
	}

	wipSec, ok := p.Section("WIP")
	wip := items(p, "WIP")
	switch {
	case !ok:
		add(1, `the plan has no "## WIP" section; add one holding the one item in progress`)
	case len(wip) == 0:
		add(wipSec.Line, "WIP holds no item; pull the first NEXT item into WIP")
	}
	for _, it := range wip[min(len(wip), maxWIP):] {
		add(it.Line, "WIP holds %d items but the limit is %d; move item %s back to NEXT or finish %s first", len(wip), maxWIP, it.label(), wip[0].label())
	}

	next := items(p, "NEXT")
	for _, it := range next[min(len(next), maxNext):] {
		add(it.Line, "NEXT holds %d items but the limit is %d; drop or postpone item %s", len(next), maxNext, it.label())
	}

	for _, it := range slices.Concat(wip, next) {
		_, hasDoD := it.Fields["DoD"]
		switch {
		case !hasDoD:
			add(it.Line, `item %s has no DoD; add a "- **DoD**:" list with at least one measurable bullet`, it.label())
		case len(it.DoD) == 0:
			add(it.Line, `the DoD of item %s has no bullets; list at least one measurable bullet under "- **DoD**:"`, it.label())
		}
	}

	for _, it := range items(p, "DONE") {
		if it.Date == "" {
			add(it.Line, `DONE entry %s has no date; add the day it was done, as in "- Title (YYYY-MM-DD) - STATUS"`, it.label())
		} else if _, err := time.Parse(time.DateOnly, it.Date); err != nil {
			add(it.Line, "DONE entry %s has the date %s, which is not a real date; write the day it was done as YYYY-MM-DD", it.label(), it.Date)
		}
	}
	return fs
}

func lintState(p *Plan) []Finding {
	var missing []string
	for _, name := range stateSections {
		if _, ok := p.Section(name); !ok {
			missing = append(missing, strconv.Quote("## "+name))
		}
	}
	if len(missing) == 0 {
		return nil
	}
	word := "section"
	if len(missing) > 1 {
		word = "sections"
	}
	return []Finding{{p.Path, 1, fmt.Sprintf("the state file has no %s %s; it needs CLOSED, STABLE, IN PROGRESS, BLOCKED and NEXT, each with its entries (or \"- none\")", strings.Join(missing, ", "), word)}}
}

// lintStateUpdates checks the rule "State Updates" across a work plan and a state file.
func lintStateUpdates(work, state *Plan) []Finding {
	var fs []Finding
	in := func(it PlanItem, sections ...string) bool {
		want := normalize(it.Title)
		for _, name := range sections {
			for _, e := range items(state, name) {
				if strings.Contains(normalize(e.Title), want) {
					return true
				}
			}
		}
		return false
	}
	for _, it := range items(work, "WIP") {
		if !in(it, "IN PROGRESS") {
			fs = append(fs, Finding{work.Path, it.Line, fmt.Sprintf("WIP item %s is not under IN PROGRESS in %s; list it there while it is in progress", it.label(), state.Path)})
		}
	}
	for _, it := range items(work, "DONE") {
		switch {
		case in(it, "IN PROGRESS"):
			fs = append(fs, Finding{work.Path, it.Line, fmt.Sprintf("DONE entry %s is still under IN PROGRESS in %s; move it to STABLE or CLOSED", it.label(), state.Path)})
		case !in(it, "STABLE", "CLOSED"):
			fs = append(fs, Finding{work.Path, it.Line, fmt.Sprintf("DONE entry %s is not under STABLE or CLOSED in %s; add it there", it.label(), state.Path)})
		}
	}
	return fs
}
