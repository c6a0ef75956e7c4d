package history

import (
	"fmt"
	"strings"
)

// DefaultRuns is how many runs the strips, the tables and the chart show.
const DefaultRuns = 10

// History is the runs of one target, oldest first, the last of them the current run.
type History struct {
	Target string
	Runs   []Run // the last N runs of Target, oldest first
	All    int   // how many runs of Target the folder holds
	Others int   // runs of other targets, left out
}

// New keeps the runs of the newest run's target and the last n of them (DefaultRuns
// when n < 1). It returns an error when there is no run.
func New(runs []Run, n int) (*History, error) {
	if len(runs) == 0 {
		return nil, fmt.Errorf("no run in the history: add the current proof.json first")
	}
	if n < 1 {
		n = DefaultRuns
	}
	h := &History{Target: runs[len(runs)-1].Target}
	var mine []Run
	for _, r := range runs {
		if r.Target == h.Target {
			mine = append(mine, r)
		} else {
			h.Others++
		}
	}
	h.All = len(mine)
	if len(mine) > n {
		mine = mine[len(mine)-n:]
	}
	h.Runs = mine
	return h, nil
}

// Current is the newest run.
func (h *History) Current() Run { return h.Runs[len(h.Runs)-1] }

// Previous is the run before the newest one, and false when there is none.
func (h *History) Previous() (Run, bool) {
	if len(h.Runs) < 2 {
		return Run{}, false
	}
	return h.Runs[len(h.Runs)-2], true
}

// status returns the bullet's status in run r, "" when its item did not run.
func status(r Run, bulletID string) (Bullet, bool) {
	for _, it := range r.Items {
		for _, b := range it.Bullets {
			if b.ID == bulletID {
				return b, true
			}
		}
	}
	return Bullet{}, false
}

// verdict reports whether a status says something about the app: it ran and passed,
// failed or broke.
func verdict(s string) bool { return s == Passed || s == Failed || s == Broken }

func red(s string) bool { return s == Failed || s == Broken }

// Mark returns a status as its emoji: ✅ ❌ ⚠ ⏸ ✍, and "·" when the bullet was not in
// the run.
func Mark(s string) string {
	switch s {
	case Passed:
		return "✅"
	case Failed:
		return "❌"
	case Broken:
		return "⚠"
	case NotRun:
		return "⏸"
	case Manual:
		return "✍"
	default:
		return "·"
	}
}

// BulletHistory is one bullet of the current run over the history.
type BulletHistory struct {
	Item     string
	Bullet   Bullet   // as in the current run
	Statuses []string // per run of the history, oldest first; "" when not in the run
	// RedSince is the first run of the current red streak (runs where the bullet did not
	// run are skipped); RedRuns how many runs of the streak it failed or broke in. Zero
	// when the bullet is not red now.
	RedSince *Run
	RedRuns  int
	// Changes counts the state changes between consecutive runs that checked the
	// bullet; Flips those of them with the same app version and harness commit on both
	// sides (flaky); Comparable the consecutive pairs with the same app and harness.
	Changes, Flips, Comparable int
}

// Stability is the share of comparable consecutive runs (same app version, same harness
// commit) in which the bullet kept its state, in percent; -1 when no two comparable
// runs checked it.
func (b BulletHistory) Stability() int {
	if b.Comparable == 0 {
		return -1
	}
	return (b.Comparable - b.Flips) * 100 / b.Comparable
}

// Flaky reports whether the bullet changed state at least once with neither the app nor
// the harness changing.
func (b BulletHistory) Flaky() bool { return b.Flips > 0 }

// Bullets returns every bullet of the current run that is not manual, item by item, with
// its history.
func (h *History) Bullets() []BulletHistory {
	var out []BulletHistory
	for _, it := range h.Current().Items {
		for _, b := range it.Bullets {
			if b.Status == Manual {
				continue
			}
			out = append(out, h.bullet(it.ID, b))
		}
	}
	return out
}

func (h *History) bullet(item string, cur Bullet) BulletHistory {
	bh := BulletHistory{Item: item, Bullet: cur, Statuses: make([]string, len(h.Runs))}
	prev := -1 // the last run that checked the bullet
	for i, r := range h.Runs {
		b, ok := status(r, cur.ID)
		if !ok {
			continue
		}
		bh.Statuses[i] = b.Status
		if !verdict(b.Status) {
			continue
		}
		if prev >= 0 {
			p := h.Runs[prev]
			same := p.AppVersion == r.AppVersion && p.HarnessCommit == r.HarnessCommit
			changed := bh.Statuses[prev] != b.Status
			if same {
				bh.Comparable++
			}
			if changed {
				bh.Changes++
				if same {
					bh.Flips++
				}
			}
		}
		prev = i
	}
	if red(cur.Status) {
		for i := len(h.Runs) - 1; i >= 0; i-- {
			s := bh.Statuses[i]
			if !verdict(s) {
				continue
			}
			if !red(s) {
				break
			}
			bh.RedSince = &h.Runs[i]
			bh.RedRuns++
		}
	}
	return bh
}

// Change is a bullet whose state changed since the previous run.
type Change struct {
	Kind   string // "newly failing", "newly broken", "fixed", "not run any more", "newly proven"
	Item   string
	Bullet Bullet // as in the current run
	Was    string // its status in the previous run; "" when it was not in it
}

// Changes returns the bullets whose status differs from the previous run's, item by
// item, and those not in the previous run that are red now; nil when there is no
// previous run.
func (h *History) Changes() []Change {
	prev, ok := h.Previous()
	if !ok {
		return nil
	}
	var out []Change
	for _, it := range h.Current().Items {
		for _, b := range it.Bullets {
			was, inPrev := status(prev, b.ID)
			if was.Status == b.Status || b.Status == Manual || (!inPrev && !red(b.Status)) {
				continue // unchanged, or not in the previous run and not red now
			}
			c := Change{Item: it.ID, Bullet: b, Was: was.Status}
			switch {
			case b.Status == Failed:
				c.Kind = "newly failing"
			case b.Status == Broken:
				c.Kind = "newly broken"
			case b.Status == Passed && red(was.Status):
				c.Kind = "fixed"
			case b.Status == Passed:
				c.Kind = "newly proven"
			default:
				c.Kind = "not run any more"
			}
			out = append(out, c)
		}
	}
	return out
}

// PassRate returns, for item in run r, the share of its bullets that are not manual
// which passed, in percent; -1 when the item did not run or none of its bullets ran.
func PassRate(r Run, item string) int {
	for _, it := range r.Items {
		if it.ID != item {
			continue
		}
		total, passed, ran := 0, 0, 0
		for _, b := range it.Bullets {
			if b.Status == Manual {
				continue
			}
			total++
			if verdict(b.Status) {
				ran++
			}
			if b.Status == Passed {
				passed++
			}
		}
		if ran == 0 {
			return -1
		}
		return passed * 100 / total
	}
	return -1
}

// label is a run's column heading: "11-26 abc1234".
func label(r Run) string {
	parts := []string{}
	if !r.Started.IsZero() {
		parts = append(parts, r.Started.Format("01-02"))
	}
	c := r.HarnessCommit
	if c == "" {
		c = "?"
	}
	return strings.Join(append(parts, c), " ")
}

// when is a run's time for prose: "2026-11-26 07:00 UTC".
func when(r Run) string {
	if r.Started.IsZero() {
		return "an undated run"
	}
	return r.Started.Format("2006-01-02 15:04 UTC")
}
