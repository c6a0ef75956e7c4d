package dod

import (
	"bytes"
	"fmt"
	"reflect"
	"sort"
	"strings"
)

// Match returns the registry item a plan item proves, found by comparing the plan
// item's title with each registry item's PlanTitle (ignoring case, backticks,
// emphasis, spacing and arrow spelling). It returns false when no registry item
// names the plan item.
func Match(item PlanItem) (Item, bool) {
	title := normalize(item.Title)
	if title == "" {
		return Item{}, false
	}
	for _, it := range Items() {
		if normalize(it.PlanTitle) == title {
			return it, true
		}
	}
	return Item{}, false
}

// MatchBullet returns the bullet of reg whose Text says what text says, compared after
// normalising case, backticks, emphasis, whitespace, dashes, quotes, arrows ("->" and
// "→") and trailing punctuation. It returns false when reg has no such bullet: the plan
// bullet is not covered by the harness and stays a manual check.
func MatchBullet(reg Item, text string) (Bullet, bool) {
	want := normalize(text)
	if want == "" {
		return Bullet{}, false
	}
	for _, b := range reg.Bullets {
		if normalize(b.Text) == want {
			return b, true
		}
	}
	return Bullet{}, false
}

var normalizer = strings.NewReplacer(
	"`", "", "*", "",
	"->", "→", "=>", "→", "⟶", "→", "⇒", "→",
	"—", "-", "–", "-",
	"“", `"`, "”", `"`, "‘", "'", "’", "'",
	"\u00a0", " ",
)

// normalize is the form plan and registry texts are compared in.
func normalize(s string) string {
	s = checkboxRE.ReplaceAllString(strings.TrimSpace(s), "")
	s = normalizer.Replace(strings.ToLower(s))
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(strings.ReplaceAll(s, " →", "→"), "→ ", "→")
	return strings.TrimRight(s, " .,;:!")
}

// The statuses of a Result.
const (
	StatusPassed    = "passed"
	StatusFailed    = "failed"
	StatusBroken    = "broken" // ⚠ the harness could not check it
	StatusNotRun    = "not-run"
	StatusManual    = "manual"
	StatusUncovered = "uncovered"
)

// Result is the outcome of one registry bullet in a run, as attached to the plan.
type Result struct {
	Status string // StatusPassed, StatusFailed, StatusBroken, StatusNotRun, StatusManual or StatusUncovered
	Reason string // why it failed or did not run; one short line
	// Link is the rendered document's section, written into the plan verbatim, so it
	// must be relative to the plan's directory
	// ("docs/TESTS/CHECKOUT-SMOKE.md#email-verification").
	Link string
	When string // when the run happened, "2026-11-26 07:00 UTC"; the plan shows the date
}

// AnnotationMarker opens every annotation Annotate writes; Strip removes from the
// space before it to the end of its line.
const AnnotationMarker = "<!-- smokeproof -->"

// Annotate attaches proof to the plan's DoD bullets and returns the new bytes. plan
// must be ParsePlan's result for data (annotated or not). Every DoD bullet of a plan
// item that Match finds in the registry gets, at the end of its last line, the marker
// and its result from results (keyed by bullet id, "CHECKOUT-SMOKE.email"):
// "✅ [proof](link) 2026-11-26", "❌ reason — [proof](link) 2026-11-26",
// "⏸ not run: reason", or "✍ manual" for bullets the registry does not cover or marks
// manual. A registry bullet with no result is shown as not run. A one-line entry whose
// title is a registry bullet ("- Products list verification (2025-12-19) - STABLE ✓")
// is annotated the same way. Items the registry does not know are left alone.
//
// Old annotations are replaced, never stacked, so annotating twice with the same
// results gives the same bytes; every byte outside the annotations is kept, so Strip
// returns the original. It returns an error when plan was not parsed from data, when a
// result's id is not a registered bullet, or when a status is unknown.
func Annotate(data []byte, plan *Plan, results map[string]Result) ([]byte, error) {
	if plan == nil {
		return nil, fmt.Errorf("annotate: no plan given; parse the file with ParsePlan first")
	}
	fresh, lay, err := parse(plan.Path, data)
	if err != nil {
		return nil, fmt.Errorf("annotate: %w", err)
	}
	if !reflect.DeepEqual(fresh.Sections, plan.Sections) {
		return nil, fmt.Errorf("annotate %s: the plan given was parsed from other bytes; parse these bytes with ParsePlan and pass that plan", plan.Path)
	}
	if err := checkResults(results); err != nil {
		return nil, fmt.Errorf("annotate %s: %w", plan.Path, err)
	}

	notes := map[int]string{} // line → annotation
	for _, s := range fresh.Sections {
		for _, it := range s.Items {
			reg, ok := Match(it)
			if !ok {
				continue
			}
			if len(it.DoD) == 0 {
				if b, ok := MatchBullet(reg, it.Title); ok && !lay.heading[it.Line] {
					notes[lastLine(lay, it.Line)] = note(b, results)
				}
				continue
			}
			for _, pb := range it.DoD {
				n := "✍ manual"
				if b, ok := MatchBullet(reg, pb.Text); ok {
					n = note(b, results)
				}
				notes[lastLine(lay, pb.Line)] = n
			}
		}
	}

	var out bytes.Buffer
	out.Grow(len(data) + 80*len(notes))
	var f fence
	for i, l := range splitLines(data) {
		text := l.text
		if !f.skip(text) {
			text = stripAnnotation(text)
			if n, ok := notes[i+1]; ok {
				text += " " + AnnotationMarker + " " + n
			}
		}
		out.WriteString(text)
		out.WriteString(l.eol)
	}
	return out.Bytes(), nil
}

// Strip returns data without the annotations Annotate wrote: the bytes of the plan as
// it was before it was annotated.
func Strip(data []byte) []byte {
	var out bytes.Buffer
	out.Grow(len(data))
	var f fence
	for _, l := range splitLines(data) {
		text := l.text
		if !f.skip(text) {
			text = stripAnnotation(text)
		}
		out.WriteString(text)
		out.WriteString(l.eol)
	}
	return out.Bytes()
}

// stripAnnotation removes an annotation, and the one space Annotate put before it.
func stripAnnotation(text string) string {
	i := strings.Index(text, AnnotationMarker)
	if i < 0 {
		return text
	}
	return strings.TrimSuffix(text[:i], " ")
}

func lastLine(lay layout, line int) int {
	if end, ok := lay.end[line]; ok {
		return end
	}
	return line
}

func checkResults(results map[string]Result) error {
	ids := make([]string, 0, len(results))
	for id := range results {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	for _, id := range ids {
		if _, ok := Lookup(id); !ok {
			return fmt.Errorf("the result for %q names no registered bullet; use an id from BulletIDs", id)
		}
		switch st := results[id].Status; st {
		case StatusPassed, StatusFailed, StatusBroken, StatusNotRun, StatusManual, StatusUncovered:
		default:
			return fmt.Errorf("the result for %q has status %q; use passed, failed, broken, not-run, manual or uncovered", id, st)
		}
	}
	return nil
}

// note renders the annotation of registry bullet b.
func note(b Bullet, results map[string]Result) string {
	r, ok := results[b.ID()]
	if !ok {
		if b.Kind == Manual {
			return "✍ manual"
		}
		return "⏸ not run: no result in this run"
	}
	reason := oneLine(r.Reason)
	var icon, text string
	switch r.Status {
	case StatusPassed:
		icon = "✅"
	case StatusFailed:
		icon, text = "❌", reason
		if text == "" {
			text = "failed"
		}
	case StatusBroken:
		icon, text = "⚠", "not checked"
		if reason != "" {
			text += ": " + reason
		}
	case StatusNotRun:
		icon, text = "⏸", "not run"
		if reason != "" {
			text += ": " + reason
		}
	default: // manual, uncovered
		icon, text = "✍", "manual"
		if reason != "" {
			text += ": " + reason
		}
	}
	var tail []string
	if r.Link != "" {
		tail = append(tail, "[proof]("+linkEscaper.Replace(strings.Join(strings.Fields(r.Link), " "))+")")
	}
	if date, _, _ := strings.Cut(strings.TrimSpace(r.When), " "); date != "" {
		tail = append(tail, oneLine(date))
	}
	s := icon
	if text != "" {
		s += " " + text
	}
	if len(tail) > 0 {
		if text != "" {
			s += " —"
		}
		s += " " + strings.Join(tail, " ")
	}
	return s
}

// linkEscaper makes a link safe in a Markdown link on one plan line; a link is never
// shortened, and "<" cannot open an HTML comment.
var linkEscaper = strings.NewReplacer(" ", "%20", "(", "%28", ")", "%29", "<", "%3C", ">", "%3E")

// maxReason is the longest reason, in characters, an annotation carries; the document
// holds the rest.
const maxReason = 100

// oneLine makes s safe at the end of a plan line: one line, no HTML comment, short.
func oneLine(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	s = strings.ReplaceAll(s, "<", `\<`) // Markdown without HTML entities
	return Clip(s, maxReason)
}
