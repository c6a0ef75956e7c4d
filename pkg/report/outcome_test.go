package report_test

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/report"
)

// inNode moves a spec's failure into a setup node, as Ginkgo reports a failing
// BeforeEach.
func inNode(n types.NodeType) func(*types.SpecReport) {
	return func(sp *types.SpecReport) {
		sp.Failure.FailureNodeContext = types.FailureNodeAtTopLevel
		sp.Failure.FailureNodeType = n
	}
}

func TestOutcomes(t *testing.T) {
	for _, tc := range []struct {
		name   string
		state  types.SpecState
		msg    string
		node   types.NodeType
		status report.Status
		reason string
	}{
		{"an assertion about the app", types.SpecStateFailed, "status 403, want 200", 0, report.Failed, "status 403, want 200"},
		{"a failing BeforeEach", types.SpecStateFailed, "log in as producer-a: status 500", types.NodeTypeBeforeEach, report.Broken, "its BeforeEach failed: log in as producer-a: status 500"},
		{"an unreachable target", types.SpecStateFailed, `Get "http://127.0.0.1:8080/api/health": dial tcp 127.0.0.1:8080: connect: connection refused`, 0, report.Broken, "the harness could not reach what it checks (connection refused): Get"},
		{"a timeout", types.SpecStateTimedout, "A spec timeout occurred", 0, report.Broken, "the spec timed out: A spec timeout occurred"},
		{"a panic", types.SpecStatePanicked, "Test Panicked", 0, report.Broken, "the spec panicked: Test Panicked"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			opts := []specOpt{failedWith(tc.msg)}
			if tc.node != 0 {
				opts = append(opts, inNode(tc.node))
			}
			run := mustBuild(t, suite("checkout", facts(), spec("places an order", tc.state, labels(co, flow), opts...)))
			it := item(t, run, "CHECKOUT-SMOKE")
			b, _ := it.Bullet("flow")
			if b.Status != tc.status || !strings.HasPrefix(b.Reason, tc.reason) {
				t.Errorf("flow = %s %q, want %s %q…", b.Status, b.Reason, tc.status, tc.reason)
			}
			wantResult := map[report.Status]report.Result{report.Failed: report.NotDone, report.Broken: report.NotChecked}[tc.status]
			if it.Result != wantResult {
				t.Errorf("item result %s, want %s", it.Result, wantResult)
			}
			doc := document(t, run, "docs/TESTS/CHECKOUT-SMOKE.md")
			if tc.status == report.Broken {
				mustContain(t, doc, "⚠ **Broken**, the harness could not check it — "+tc.reason)
				mustContain(t, doc, "| Could not check | ")
			}
		})
	}
	// A failure and a breakage in one item: the item is NOT DONE, the run too.
	run := mustBuild(t, suite("checkout", facts(),
		spec("places an order", types.SpecStateFailed, labels(co, flow), failedWith("status 403, want 200")),
		spec("mails the buyer", types.SpecStateTimedout, labels(co, email), failedWith("A spec timeout occurred"))))
	if it := item(t, run, "CHECKOUT-SMOKE"); it.Result != report.NotDone || run.Result() != report.NotDone {
		t.Errorf("failed and broken: item %s, run %s; want NOT DONE", it.Result, run.Result())
	}
	if len(run.Failed()) != 2 || len(run.Broken()) != 1 { // flow and the derived no-blocking-bugs failed
		t.Errorf("Failed() = %d, Broken() = %d; want 2 and 1", len(run.Failed()), len(run.Broken()))
	}
}
