package report

import (
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// Status is the status of one DoD bullet.
type Status string

// The statuses of a bullet.
const (
	Passed Status = "passed"  // ✅ proven by this run
	Failed Status = "failed"  // ❌ disproven by this run
	NotRun Status = "not_run" // ⏸ not proven, for the reason given
	Manual Status = "manual"  // ✍ for people to confirm; never passed
)

// Mark returns the status as the emoji the documents use.
func (s Status) Mark() string {
	switch s {
	case Passed:
		return "✅"
	case Failed:
		return "❌"
	case Broken:
		return "⚠"
	case Manual:
		return "✍"
	default:
		return "⏸"
	}
}

// Result is the verdict on an item, or on the whole run.
type Result string

// The verdicts.
const (
	Done       Result = "DONE"       // every bullet that is not manual is ✅
	NotDone    Result = "NOT DONE"   // some bullet is ❌
	Incomplete Result = "INCOMPLETE" // nothing failed, something was not run
)

// Mark returns the verdict as the emoji the documents use.
func (r Result) Mark() string {
	switch r {
	case Done:
		return "✅"
	case NotDone:
		return "❌"
	case NotChecked:
		return "⚠"
	default:
		return "⏸"
	}
}

// Step is one By step of a spec.
type Step struct {
	Text   string
	Failed bool // the spec failed while this was its current step
}

// SpecFailure says how a spec failed.
type SpecFailure struct {
	Message  string // Ginkgo's failure message: for Gomega, expected vs observed
	Location string // file:line, relative to the repository
	Node     string // the node that failed: "It", "BeforeEach", ...
	Broken   string // why the spec broke (⚠) rather than failed (❌); "" for a failed assertion
}

// SpecResult is one It of the run, with what it recorded.
type SpecResult struct {
	Name     string // the spec's full text (containers and It)
	Suite    string // the suite description given to RunSpecs
	State    types.SpecState
	Duration time.Duration
	Labels   []string
	Location string // file:line of the It, relative to the repository
	Bullets  []string
	Steps    []Step
	Evidence []evidence.Record
	Failure  *SpecFailure // set when the spec failed
	Reason   string       // why it did not run, when it did not ("not run on this target: …")
}

// Ran reports whether the spec ran to a verdict (passed or failed).
func (s *SpecResult) Ran() bool {
	return s.State.Is(types.SpecStatePassed | types.SpecStateFailureStates)
}

// Mark returns the spec's state as an emoji.
func (s *SpecResult) Mark() string {
	switch {
	case s.State.Is(types.SpecStatePassed):
		return "✅"
	case s.IsBroken():
		return "⚠"
	case s.State.Is(types.SpecStateFailureStates):
		return "❌"
	default:
		return "⏸"
	}
}

// oneLine is the failure or skip reason in one short line.
func (s *SpecResult) oneLine() string {
	if s.Failure != nil {
		return oneLine(s.Failure.Message)
	}
	return s.Reason
}

// BulletStatus is one DoD bullet with its status in this run.
type BulletStatus struct {
	Bullet dod.Bullet
	Status Status
	Reason string        // one line; empty when passed
	Specs  []*SpecResult // the specs carrying the bullet's label, in source order
}

// ItemResult is one DoD item of the run: its verdict, bullets and specs.
type ItemResult struct {
	Item     dod.Item
	Result   Result
	Reason   string // for NOT DONE: the first failure, "<bullet> — <reason>"
	Bullets  []BulletStatus
	Specs    []*SpecResult // every spec of the item, in source order
	Facts    evidence.RunFacts
	Started  time.Time
	Duration time.Duration
	Problems []string // suite-level failures (setup, cleanup, interrupts) of its suites
}

// Bullet returns the status of the item's bullet with the given key.
func (it *ItemResult) Bullet(key string) (BulletStatus, bool) {
	for _, b := range it.Bullets {
		if b.Bullet.Key == key {
			return b, true
		}
	}
	return BulletStatus{}, false
}

// Run is the model of one smokeproof run: facts, and the items whose suite ran.
type Run struct {
	Facts    evidence.RunFacts
	Started  time.Time
	Duration time.Duration
	Items    []ItemResult
	Problems []string // suite-level failures of any suite
	// ReportFiles names the report files the run was read from, for the documents'
	// footers; RenderFiles sets it, callers of Build may.
	ReportFiles []string
	// Declared is every item declaration the run knows (carried by the reports, then
	// the process's registry), whether or not its suite ran.
	Declared []dod.Item
}

// Declaration returns the declared item with the given id.
func (r *Run) Declaration(id string) (dod.Item, bool) {
	for _, it := range r.Declared {
		if it.ID == id {
			return it, true
		}
	}
	return dod.Item{}, false
}

// Result returns the verdict over every item of the run.
func (r *Run) Result() Result {
	res := Done
	for _, it := range r.Items {
		switch it.Result {
		case NotDone:
			return NotDone
		case NotChecked:
			res = NotChecked
		case Incomplete:
			if res == Done {
				res = Incomplete
			}
		}
	}
	if len(r.Items) == 0 {
		return Incomplete
	}
	return res
}

// Failed returns every ❌ bullet of the run, item by item in registry order.
func (r *Run) Failed() []BulletStatus {
	var out []BulletStatus
	for _, it := range r.Items {
		for _, b := range it.Bullets {
			if b.Status == Failed {
				out = append(out, b)
			}
		}
	}
	return out
}

// OK reports whether nothing failed or broke: no ❌ or ⚠ bullet and no suite-level
// failure.
func (r *Run) OK() bool { return len(r.Failed()) == 0 && len(r.Broken()) == 0 && len(r.Problems) == 0 }
