package report

import (
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// Broken is the status of a bullet the harness could not check: ⚠. Its specs broke
// rather than failed: the suite's setup failed, the target could not be reached, the
// browser was missing, a spec panicked, timed out or was interrupted. It goes to
// whoever runs the job, not to the app's developers.
const Broken Status = "broken"

// NotChecked is the verdict on an item (or the run) where nothing failed but some
// bullet is ⚠ broken.
const NotChecked Result = "NOT CHECKED"

// environmentErrors are failure messages that say the harness could not reach what it
// checks (the target, its database, its mail catcher or a browser), not that the app
// misbehaved.
var environmentErrors = []string{
	"connection refused",
	"no such host",
	"connection reset by peer",
	"network is unreachable",
	"i/o timeout",
	"context deadline exceeded",
	"executable file not found",
	"chromium not found",
	"not an executable browser",
}

// brokenReason says why a spec that did not pass broke rather than failed, "" when it
// failed an assertion about the app (or did not fail at all):
//   - a panic, a timeout, an interrupt or an abort;
//   - a failure outside the It itself (BeforeEach, JustBeforeEach, AfterEach, a
//     DeferCleanup): setting up or cleaning up, not the check;
//   - a failure whose message says the target or a tool could not be reached.
func brokenReason(sp *types.SpecReport) string {
	switch {
	case sp.State.Is(types.SpecStatePanicked):
		return "the spec panicked"
	case sp.State.Is(types.SpecStateTimedout):
		return "the spec timed out"
	case sp.State.Is(types.SpecStateInterrupted):
		return "the run was interrupted"
	case sp.State.Is(types.SpecStateAborted):
		return "the run was aborted"
	case !sp.State.Is(types.SpecStateFailed):
		return ""
	}
	if sp.Failure.FailureNodeContext != types.FailureNodeIsLeafNode && sp.Failure.FailureNodeType != types.NodeTypeInvalid &&
		!sp.Failure.FailureNodeType.Is(types.NodeTypeIt) {
		return "its " + sp.Failure.FailureNodeType.String() + " failed"
	}
	msg := strings.ToLower(sp.Failure.Message)
	for _, e := range environmentErrors {
		if strings.Contains(msg, e) {
			return "the harness could not reach what it checks (" + e + ")"
		}
	}
	return ""
}

// IsBroken reports whether the spec broke (⚠) rather than failed (❌) or passed.
func (s *SpecResult) IsBroken() bool { return s.Failure != nil && s.Failure.Broken != "" }

// Broken returns every ⚠ bullet of the run, item by item in registry order.
func (r *Run) Broken() []BulletStatus {
	var out []BulletStatus
	for _, it := range r.Items {
		for _, b := range it.Bullets {
			if b.Status == Broken {
				out = append(out, b)
			}
		}
	}
	return out
}
