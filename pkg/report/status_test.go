package report_test

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/report"
)

const (
	flow  = "dod:CHECKOUT-SMOKE.flow"
	api   = "dod:CHECKOUT-SMOKE.api-201"
	db    = "dod:CHECKOUT-SMOKE.db-order-row"
	email = "dod:CHECKOUT-SMOKE.email"
	co    = "dod:CHECKOUT-SMOKE"
)

func mustBuild(t *testing.T, reports ...types.Report) *report.Run {
	t.Helper()
	run, err := report.Build(reports...)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	return run
}

func item(t *testing.T, run *report.Run, id string) *report.ItemResult {
	t.Helper()
	for i := range run.Items {
		if run.Items[i].Item.ID == id {
			return &run.Items[i]
		}
	}
	t.Fatalf("item %s not in the run (items: %d)", id, len(run.Items))
	return nil
}

func expect(t *testing.T, it *report.ItemResult, key string, status report.Status, reason string) {
	t.Helper()
	b, ok := it.Bullet(key)
	if !ok {
		t.Fatalf("no bullet %s in %s", key, it.Item.ID)
	}
	if b.Status != status || b.Reason != reason {
		t.Errorf("%s = %s %q, want %s %q", b.Bullet.ID(), b.Status, b.Reason, status, reason)
	}
}

// allPassed is the checkout suite with one passing spec per checked bullet.
func allPassed() []types.SpecReport {
	return []types.SpecReport{
		spec("places an order", passed, labels(co, flow, api)),
		spec("writes the order row", passed, labels(co, db)),
		spec("mails the buyer", passed, labels(co, email)),
	}
}

func TestEveryCheckedBulletPassedIsDone(t *testing.T) {
	run := mustBuild(t, suite("checkout", facts(), allPassed()...))
	it := item(t, run, "CHECKOUT-SMOKE")
	for _, key := range []string{"flow", "api-201", "db-order-row", "email", "document", "no-blocking-bugs"} {
		expect(t, it, key, report.Passed, "")
	}
	if it.Result != report.Done || run.Result() != report.Done {
		t.Errorf("result = %s (run %s), want DONE", it.Result, run.Result())
	}
	if !run.OK() || len(run.Failed()) != 0 {
		t.Errorf("OK() = %v, Failed() = %d bullets; want a clean run", run.OK(), len(run.Failed()))
	}
	doc := document(t, run, "docs/TESTS/CHECKOUT-SMOKE.md")
	mustContain(t, doc, "| Result | ✅ DONE — 6 of 6 checkable bullets proven (4 by specs, 1 derived, 1 by this document) |")
}

func TestAFailedSpecFailsItsBulletAndTheDerivedOne(t *testing.T) {
	specs := allPassed()
	specs[2] = spec("mails the buyer", failed, labels(co, email),
		failedWith("no message to the buyer within 10 s\nExpected\n    <int>: 0\nto equal\n    <int>: 1"))
	run := mustBuild(t, suite("checkout", facts(), specs...))
	it := item(t, run, "CHECKOUT-SMOKE")
	expect(t, it, "email", report.Failed, "no message to the buyer within 10 s")
	expect(t, it, "no-blocking-bugs", report.Failed, "blocked by: Email verification: Confirmation email sent (or logged)")
	expect(t, it, "document", report.Passed, "")
	if it.Result != report.NotDone || it.Reason != "Email verification: Confirmation email sent (or logged) — no message to the buyer within 10 s" {
		t.Errorf("result = %s %q", it.Result, it.Reason)
	}
	var ids []string
	for _, b := range run.Failed() {
		ids = append(ids, b.Bullet.ID())
	}
	if strings.Join(ids, ",") != "CHECKOUT-SMOKE.email,CHECKOUT-SMOKE.no-blocking-bugs" {
		t.Errorf("Failed() = %v", ids)
	}
	doc := document(t, run, "docs/TESTS/CHECKOUT-SMOKE.md")
	mustContain(t, doc, "| Result | ❌ NOT DONE — 4 of 6 checkable bullets proven · 2 failed |")
	mustContain(t, doc, "| First failure | Email verification: Confirmation email sent (or logged) — no message to the buyer within 10 s |")
	mustContain(t, doc, "SMOKE_TARGET=containers go tool ginkgo --label-filter='dod: containsAny {CHECKOUT-SMOKE.email}' ./suites/checkout")
	mustContain(t, doc, "Failure** in `It` at `suites/checkout/checkout_test.go:99`")
}

func TestAnAssertionFailsAndEveryOtherFailureStateBreaks(t *testing.T) {
	run := mustBuild(t, suite("checkout", facts(), spec("places an order", types.SpecStateFailed, labels(co, flow), failedWith("boom"))))
	expect(t, item(t, run, "CHECKOUT-SMOKE"), "flow", report.Failed, "boom")
	for state, why := range map[types.SpecState]string{
		types.SpecStatePanicked:    "the spec panicked",
		types.SpecStateTimedout:    "the spec timed out",
		types.SpecStateInterrupted: "the run was interrupted",
		types.SpecStateAborted:     "the run was aborted",
	} {
		run := mustBuild(t, suite("checkout", facts(), spec("places an order", state, labels(co, flow), failedWith("boom"))))
		it := item(t, run, "CHECKOUT-SMOKE")
		expect(t, it, "flow", report.Broken, why+": boom")
		if it.Result != report.NotChecked || run.Result() != report.NotChecked || run.OK() || len(run.Broken()) != 1 {
			t.Errorf("%s: item %s, run %s, OK %v; want NOT CHECKED and not OK", state, it.Result, run.Result(), run.OK())
		}
	}
}

func TestBareGomegaMessageIsJoinedIntoOneLine(t *testing.T) {
	run := mustBuild(t, suite("checkout", facts(),
		spec("answers 201", failed, labels(co, api), failedWith("Expected\n    <int>: 500\nto equal\n    <int>: 201"))))
	expect(t, item(t, run, "CHECKOUT-SMOKE"), "api-201", report.Failed, "Expected <int>: 500 to equal <int>: 201")
	doc := document(t, run, "docs/TESTS/CHECKOUT-SMOKE.md")
	// In a table cell the angle brackets must not turn into HTML tags.
	mustContain(t, doc, "— Expected \\<int>: 500 to equal \\<int>: 201 |")
}

func TestFilteredSpecGetsTheFirstMatchingExclusion(t *testing.T) {
	f := facts(
		evidence.Exclusion{Label: "writes", Reason: "writes not allowed on this target"},
		evidence.Exclusion{Label: "browser", Reason: "browser disabled (SMOKE_BROWSER=off)"},
	)
	run := mustBuild(t, suite("checkout", f,
		spec("places an order", skipped, labels(co, flow, "browser", "writes")),
		spec("writes the order row", skipped, labels(co, db, "browser")),
	))
	it := item(t, run, "CHECKOUT-SMOKE")
	expect(t, it, "flow", report.NotRun, "not run on this target: writes not allowed on this target")
	expect(t, it, "db-order-row", report.NotRun, "not run on this target: browser disabled (SMOKE_BROWSER=off)")
	expect(t, it, "email", report.NotRun, "not run: no spec ran")
	expect(t, it, "document", report.NotRun, "not run: no spec of this item ran, so this document proves nothing yet")
	expect(t, it, "no-blocking-bugs", report.NotRun, "not proven: waiting for Manual test: Add product → Cart → Checkout → Order created")
	if it.Result != report.Incomplete {
		t.Errorf("result = %s, want INCOMPLETE", it.Result)
	}
	doc := document(t, run, "docs/TESTS/CHECKOUT-SMOKE.md")
	mustContain(t, doc, "| Excluded | `writes`: writes not allowed on this target (1 spec); `browser`: browser disabled (SMOKE_BROWSER=off) (1 spec) |")
}

func TestSkipReasonBecomesNotRunOnThisTarget(t *testing.T) {
	run := mustBuild(t, suite("checkout", facts(),
		spec("never oversells", skipped, labels(co, db, "concurrency"), failedWith("needs at least 2 parallel processes")),
		spec("continues after a failure", skipped, labels(co, flow), failedWith("Spec skipped because an earlier spec in an ordered container failed")),
	))
	it := item(t, run, "CHECKOUT-SMOKE")
	expect(t, it, "db-order-row", report.NotRun, "not run on this target: needs at least 2 parallel processes")
	expect(t, it, "flow", report.NotRun, "not run: an earlier spec in an ordered container failed")
}

func TestSkippedWithoutExclusionNamesTheLabelFilter(t *testing.T) {
	rep := suite("checkout", facts(), spec("places an order", skipped, labels(co, flow, "slow")))
	rep.SuiteConfig.LabelFilter = "!slow"
	run := mustBuild(t, rep)
	expect(t, item(t, run, "CHECKOUT-SMOKE"), "flow", report.NotRun, "not run: left out by --label-filter='!slow'")
}

func TestSomePassedSomeNotRunIsNotProven(t *testing.T) {
	run := mustBuild(t, suite("checkout", facts(),
		spec("writes the order row", passed, labels(co, db)),
		spec("never oversells", skipped, labels(co, db), failedWith("needs -p")),
	))
	expect(t, item(t, run, "CHECKOUT-SMOKE"), "db-order-row", report.NotRun, "1 of 2 specs passed; not run on this target: needs -p")
}

func TestManualBulletIsNeverPassed(t *testing.T) {
	reg := []dod.Item{{
		ID: "DATA-MAP", Title: "Data dependency map", Document: "docs/PRODUCT/DATA-MAP.md", Suite: "datamap",
		Bullets: []dod.Bullet{
			{Item: "DATA-MAP", Key: "links", Kind: dod.Checked, Text: "Products → Producers", How: "foreign keys"},
			{Item: "DATA-MAP", Key: "agreement", Kind: dod.Manual, Text: "Stakeholder agreement on priority"},
			{Item: "DATA-MAP", Key: "doc", Kind: dod.Document, Text: "Create `docs/PRODUCT/DATA-MAP.md`"},
			{Item: "DATA-MAP", Key: "ok", Kind: dod.Derived, Text: "No gaps found"},
		},
	}}
	run, err := report.BuildWith(reg, suite("datamap", facts(), spec("reads the foreign keys", passed, labels("dod:DATA-MAP", "dod:DATA-MAP.links"))))
	if err != nil {
		t.Fatal(err)
	}
	it := item(t, run, "DATA-MAP")
	expect(t, it, "agreement", report.Manual, "for people to confirm")
	expect(t, it, "links", report.Passed, "")
	expect(t, it, "ok", report.Passed, "")
	if it.Result != report.Done {
		t.Errorf("result = %s, want DONE (manual bullets are not checkable)", it.Result)
	}
	doc := document(t, run, "docs/PRODUCT/DATA-MAP.md")
	mustContain(t, doc, "| ✍ | Stakeholder agreement on priority | manual | for people to confirm |")
	mustContain(t, doc, "3 of 3 checkable bullets proven (1 by specs, 1 derived, 1 by this document) · 1 manual bullet for people |")
}

func TestSetupFailureBreaksTheBulletsItPrevented(t *testing.T) {
	rep := suite("checkout", nil)
	rep.SpecReports[0].State = types.SpecStateFailed
	rep.SpecReports[0].Failure = types.Failure{Message: "start the database: docker is not running"}
	run := mustBuild(t, rep)
	it := item(t, run, "CHECKOUT-SMOKE")
	expect(t, it, "email", report.Broken, "suite setup failed: start the database: docker is not running")
	expect(t, it, "no-blocking-bugs", report.NotRun, "not proven: waiting for Manual test: Add product → Cart → Checkout → Order created")
	if run.OK() || len(run.Problems) != 1 {
		t.Errorf("OK() = %v, Problems = %q; want the setup failure reported", run.OK(), run.Problems)
	}
	doc := document(t, run, "docs/TESTS/CHECKOUT-SMOKE.md")
	mustContain(t, doc, "| Suite problem | ⚠ checkout suite SynchronizedBeforeSuite failed: start the database: docker is not running |")
	mustContain(t, doc, "| Target | unknown (the suite recorded no run facts) |")
}

func TestOnlyItemsWhoseSuiteRanAreRendered(t *testing.T) {
	run := mustBuild(t, suite("checkout", facts(), allPassed()...))
	if len(run.Items) != 1 || run.Items[0].Item.ID != "CHECKOUT-SMOKE" {
		t.Fatalf("items = %d, want only CHECKOUT-SMOKE", len(run.Items))
	}
	docs, err := run.Documents()
	if err != nil || len(docs) != 2 || docs[0].Path != "docs/TESTS/CHECKOUT-SMOKE.md" || docs[1].Path != report.CoveragePath {
		t.Fatalf("Documents() = %d docs, %v", len(docs), err)
	}
}

func TestBuildErrors(t *testing.T) {
	other := facts()
	other.Target = "live"
	cases := map[string]struct {
		reports []types.Report
		want    string
	}{
		"no report":      {nil, "no Ginkgo report to render"},
		"unknown bullet": {[]types.Report{suite("checkout", facts(), spec("x", passed, labels(co, "dod:CHECKOUT-SMOKE.nope")))}, "DoD labels the registry does not know (dod:CHECKOUT-SMOKE.nope)"},
		"two targets":    {[]types.Report{suite("checkout", facts(), allPassed()...), suite("catalog", other)}, "different targets (containers and live)"},
		"bad evidence": {[]types.Report{suite("checkout", facts(), spec("x", passed, labels(co, flow), func(sp *types.SpecReport) {
			sp.ReportEntries = append(sp.ReportEntries, types.ReportEntry{Name: evidence.EntryName, Value: types.ReportEntryValue{AsJSON: `{"kind":`}})
		}))}, `read evidence of spec "x"`},
	}
	for name, c := range cases {
		_, err := report.Build(c.reports...)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want one containing %q", name, err, c.want)
		}
	}
}

func TestEvidenceAddedInProcessIsDecoded(t *testing.T) {
	// In a serial ReportAfterSuite the entries carry the raw value and no AsJSON.
	rec := evidence.Record{Kind: evidence.KindHTTP, HTTP: &evidence.HTTP{Method: "POST", Path: "/api/v1/orders", Status: 201, Millis: 55}}
	sp := spec("answers 201", passed, labels(co, api), withSteps("placing an order"))
	sp.ReportEntries = types.ReportEntries{{Name: evidence.EntryName, Value: types.WrapEntryValue(rec)}}
	rep := suite("checkout", nil, sp)
	rep.SpecReports[0].ReportEntries = types.ReportEntries{{Name: evidence.RunEntryName, Value: types.WrapEntryValue(*facts())}}
	run := mustBuild(t, rep)
	it := item(t, run, "CHECKOUT-SMOKE")
	if len(it.Specs) != 1 || len(it.Specs[0].Evidence) != 1 || it.Specs[0].Evidence[0].HTTP.Status != 201 {
		t.Fatalf("evidence not decoded: %+v", it.Specs)
	}
	if run.Facts.Target != "containers" {
		t.Errorf("run facts not decoded: %+v", run.Facts)
	}
}

func TestStepWhereTheSpecFailedIsMarked(t *testing.T) {
	sp := spec("mails the buyer", failed, labels(co, email), withSteps("checking out", "waiting for the mail", "reading the headers"), failedWith("no mail"))
	sp.Failure.TimelineLocation.Order = 25 // after step 2 (order 20), before step 3 (order 30)
	run := mustBuild(t, suite("checkout", facts(), sp))
	steps := item(t, run, "CHECKOUT-SMOKE").Specs[0].Steps
	if len(steps) != 3 || steps[0].Failed || !steps[1].Failed || steps[2].Failed {
		t.Errorf("steps = %+v, want the second marked failed", steps)
	}
	mustContain(t, document(t, run, "docs/TESTS/CHECKOUT-SMOKE.md"), "2. waiting for the mail ← ❌ failed here")
}
