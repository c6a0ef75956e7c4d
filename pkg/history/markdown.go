package history

import (
	"fmt"
	"strings"
)

// Paths of what Render writes, relative to the output directory.
const (
	MarkdownPath = "docs/TESTS/HISTORY.md"
	ChartPath    = "docs/TESTS/history.svg"
)

// Strip returns the item's history strip: a Markdown table with one row per bullet
// that is not manual and one ✅ ❌ ⚠ ⏸ column per run (date and harness commit in the
// heading), oldest first, ending with a blank line. It returns "" when the current run
// does not hold the item.
func (h *History) Strip(itemID string) string {
	var rows []BulletHistory
	for _, b := range h.Bullets() {
		if b.Item == itemID {
			rows = append(rows, b)
		}
	}
	if len(rows) == 0 {
		return ""
	}
	var sb strings.Builder
	fmt.Fprintf(&sb, "**History**: the last %s of the %s target, oldest first (✅ proven, ❌ failed, ⚠ broken, ⏸ not run, · not in that run).\n\n",
		plural(len(h.Runs), "run", "runs"), orUnknown(h.Target))
	sb.WriteString("| Bullet |")
	for _, r := range h.Runs {
		sb.WriteString(" " + cell(label(r)) + " |")
	}
	sb.WriteString(" Red since | Stability |\n|---|")
	for range h.Runs {
		sb.WriteString(":-:|")
	}
	sb.WriteString("---|---|\n")
	for _, b := range rows {
		sb.WriteString("| " + cell(b.Bullet.Text) + " |")
		for _, s := range b.Statuses {
			sb.WriteString(" " + Mark(s) + " |")
		}
		sb.WriteString(" " + redSince(b) + " | " + stability(b) + " |\n")
	}
	sb.WriteString("\n")
	return sb.String()
}

// Markdown returns docs/TESTS/HISTORY.md: the chart, what changed since the previous
// run, what is red and since when, each bullet's stability, and every item's strip.
func (h *History) Markdown() []byte {
	var sb strings.Builder
	cur := h.Current()
	sb.WriteString("# History of the DoD proof\n\n")
	sb.WriteString("> Rendered by smokeproof from the proof.json of each run in the history folder; re-run instead of editing.\n\n")
	fmt.Fprintf(&sb, "**Last run**: %s · %s · app %s · target %s · %s %s\n\n",
		when(cur), orUnknown(cur.Harness), orUnknown(cur.AppVersion), orUnknown(cur.Target), resultMark(cur.Result), orUnknown(cur.Result))
	fmt.Fprintf(&sb, "**Runs shown**: the last %s of %d on the %s target, from %s to %s",
		plural(len(h.Runs), "run", "runs"), h.All, orUnknown(h.Target), when(h.Runs[0]), when(cur))
	if h.Others > 0 {
		fmt.Fprintf(&sb, " (%s of other targets left out)", plural(h.Others, "run", "runs"))
	}
	sb.WriteString(".\n\n")
	sb.WriteString("![Pass rate per item per run: one row per item, one column per run, green when every bullet passed](history.svg)\n\n")

	sb.WriteString("## What changed since the previous run\n\n")
	prev, ok := h.Previous()
	changes := h.Changes()
	switch {
	case !ok:
		sb.WriteString("This is the first run in the history: nothing to compare with yet.\n\n")
	case len(changes) == 0:
		fmt.Fprintf(&sb, "Nothing changed state since the run of %s (%s).\n\n", when(prev), runFacts(prev))
	default:
		fmt.Fprintf(&sb, "Compared with the run of %s (%s):\n\n", when(prev), runFacts(prev))
		for _, c := range changes {
			fmt.Fprintf(&sb, "- %s %s: `%s` %s (was %s)", Mark(c.Bullet.Status), c.Kind, c.Bullet.ID, text(c.Bullet.Text), wasMark(c.Was))
			if c.Bullet.Reason != "" && c.Bullet.Status != Passed {
				sb.WriteString(" — " + text(c.Bullet.Reason))
			}
			sb.WriteString("\n")
		}
		sb.WriteString("\n")
	}

	bullets := h.Bullets()
	sb.WriteString("## Red now\n\n")
	var reds []BulletHistory
	for _, b := range bullets {
		if b.RedSince != nil {
			reds = append(reds, b)
		}
	}
	if len(reds) == 0 {
		sb.WriteString("No bullet failed or broke in the last run.\n\n")
	} else {
		sb.WriteString("| Bullet | Now | Red since | Reason |\n|---|:-:|---|---|\n")
		for _, b := range reds {
			fmt.Fprintf(&sb, "| `%s` %s | %s | %s | %s |\n", b.Bullet.ID, cell(b.Bullet.Text), Mark(b.Bullet.Status), redSince(b), cell(b.Bullet.Reason))
		}
		sb.WriteString("\n")
	}

	sb.WriteString("## Stability\n\n")
	sb.WriteString("A state change between two runs with the same app version and the same harness commit is a flip: nothing that should matter changed, so the check or the environment is flaky. Stability is the share of such pairs of runs in which the bullet kept its state.\n\n")
	var moved []BulletHistory
	for _, b := range bullets {
		if b.Changes > 0 {
			moved = append(moved, b)
		}
	}
	if len(moved) == 0 {
		fmt.Fprintf(&sb, "No bullet changed state over these %s.\n\n", plural(len(h.Runs), "run", "runs"))
	} else {
		sb.WriteString("| Bullet | State changes | Flips (same app and harness) | Stability |\n|---|--:|--:|---|\n")
		for _, b := range moved {
			fmt.Fprintf(&sb, "| `%s` %s | %d | %d | %s |\n", b.Bullet.ID, cell(b.Bullet.Text), b.Changes, b.Flips, stability(b))
		}
		if rest := len(bullets) - len(moved); rest == 1 {
			sb.WriteString("\nThe 1 other bullet kept its state over these runs.\n\n")
		} else {
			fmt.Fprintf(&sb, "\nThe %d other bullets kept their state over these runs.\n\n", rest)
		}
	}

	sb.WriteString("## Items\n\n")
	for _, it := range cur.Items {
		strip := h.Strip(it.ID)
		if strip == "" {
			continue
		}
		fmt.Fprintf(&sb, "### %s — %s\n\n", it.ID, text(it.Title))
		sb.WriteString(strip)
	}
	return []byte(sb.String())
}

func runFacts(r Run) string {
	return fmt.Sprintf("harness %s, app %s", orUnknown(r.HarnessCommit), orUnknown(r.AppVersion))
}

func redSince(b BulletHistory) string {
	if b.RedSince == nil {
		return "—"
	}
	return fmt.Sprintf("%s (%s), %s", when(*b.RedSince), orUnknown(b.RedSince.HarnessCommit), plural(b.RedRuns, "run", "runs"))
}

func stability(b BulletHistory) string {
	s := b.Stability()
	switch {
	case s < 0:
		return "— (no two comparable runs)"
	case b.Flaky():
		return fmt.Sprintf("⚠ flaky: %d%% (%d of %d comparable pairs flipped)", s, b.Flips, b.Comparable)
	default:
		return fmt.Sprintf("%d%%", s)
	}
}

func wasMark(s string) string {
	if s == missing {
		return "not in that run"
	}
	return Mark(s)
}

func resultMark(r string) string {
	switch r {
	case "DONE":
		return "✅"
	case "NOT DONE":
		return "❌"
	case "NOT CHECKED":
		return "⚠"
	default:
		return "⏸"
	}
}

func orUnknown(s string) string {
	if s == "" {
		return "unknown"
	}
	return s
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// text makes a line of prose safe for Markdown without HTML entities: a "<" that could
// open a tag is escaped with a backslash.
func text(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	return strings.ReplaceAll(s, "<", `\<`)
}

// cell is text that can sit in a table cell.
func cell(s string) string { return strings.ReplaceAll(text(s), "|", `\|`) }
