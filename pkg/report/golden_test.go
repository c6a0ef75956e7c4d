package report_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/internal/golden"
	"github.com/smokeproof/smokeproof/pkg/report"
)

var fixture struct {
	once    sync.Once
	reports []types.Report
	err     error
	took    time.Duration
}

// fixtureReports compiles testdata/fixturesuite and runs it through the real Ginkgo
// CLI, once per test binary, and returns its JSON report, normalised: times, durations
// and the suite path are fixed so the documents can be compared byte for byte.
func fixtureReports(t *testing.T) []types.Report {
	t.Helper()
	if testing.Short() {
		t.Skip("runs the fixture suite through the Ginkgo CLI; skipped with -short")
	}
	fixture.once.Do(func() {
		// Read the fixture's sources so `go test` re-runs when they change.
		srcs, _ := filepath.Glob("testdata/fixturesuite/*.go")
		for _, s := range srcs {
			if _, err := os.ReadFile(s); err != nil {
				fixture.err = err
				return
			}
		}
		dir, err := os.MkdirTemp("", "report-fixture-")
		if err != nil {
			fixture.err = err
			return
		}
		defer os.RemoveAll(dir)
		// Compile outside the source tree: a concurrent `ginkgo -r` compiles
		// testdata/fixturesuite in place, and two builds of one binary would race.
		bin := filepath.Join(dir, "fixturesuite.test")
		var log bytes.Buffer
		build := exec.Command("go", "test", "-c", "-o", bin, "./testdata/fixturesuite")
		build.Stdout, build.Stderr = &log, &log
		start := time.Now()
		if err := build.Run(); err != nil {
			fixture.err = &fixtureError{log: log.String(), err: err}
			return
		}
		out := filepath.Join(dir, "report.json")
		cmd := exec.Command("go", "tool", "ginkgo", "--seed=1", "--no-color",
			"--label-filter=!writes", "--json-report="+out, bin)
		cmd.Env = append(os.Environ(), "SMOKEPROOF_FIXTURE=1")
		cmd.Stdout, cmd.Stderr = &log, &log
		_ = cmd.Run() // the fixture fails on purpose; the report is what matters
		fixture.took = time.Since(start)
		if _, err := os.Stat(out); err != nil {
			fixture.err = &fixtureError{log: log.String(), err: err}
			return
		}
		fixture.reports, fixture.err = report.ReadReports(out)
	})
	if fixture.err != nil {
		t.Fatalf("run the fixture suite: %v", fixture.err)
	}
	t.Logf("fixture suite ran through the Ginkgo CLI in %s", fixture.took.Round(time.Millisecond))
	return normalise(fixture.reports)
}

type fixtureError struct {
	log string
	err error
}

func (e *fixtureError) Error() string { return e.err.Error() + "\nginkgo output:\n" + e.log }

// normalise fixes everything that changes from run to run.
func normalise(in []types.Report) []types.Report {
	start := time.Date(2026, 11, 26, 7, 0, 12, 0, time.UTC)
	out := make([]types.Report, len(in))
	for i, r := range in {
		r.StartTime, r.EndTime, r.RunTime = start, start.Add(6400*time.Millisecond), 6400*time.Millisecond
		r.SuitePath = "/repo/pkg/report/testdata/fixturesuite"
		specs := make(types.SpecReports, len(r.SpecReports))
		for j, s := range r.SpecReports {
			s.StartTime, s.EndTime = start, start.Add(812*time.Millisecond)
			s.RunTime = 812 * time.Millisecond
			specs[j] = s
		}
		r.SpecReports = specs
		out[i] = r
	}
	return out
}

func TestGoldenDocuments(t *testing.T) {
	run, err := report.Build(fixtureReports(t)...)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	run.ReportFiles = []string{"out/report.json"}
	docs, err := run.Documents()
	if err != nil {
		t.Fatalf("Documents: %v", err)
	}
	// Items come in the order of their folders under suites/.
	want := []string{
		"docs/TESTS/AUTH-ROUTES.md",
		"docs/TESTS/PRODUCTS-LIST.md",
		"docs/TESTS/CHECKOUT-SMOKE.md",
		"docs/FEATURES/PRODUCER-PERMISSIONS.md",
		"docs/OPS/PROD-FACTS-LAST.md",
		"docs/TESTS/CONTRACT-COVERAGE.md",
	}
	var got []string
	for _, d := range docs {
		got = append(got, d.Path)
		golden.Check(t, filepath.Base(d.Path), d.Body)
	}
	if strings.Join(got, " ") != strings.Join(want, " ") {
		t.Errorf("documents = %v, want %v", got, want)
	}
	proof, err := run.Proof()
	if err != nil {
		t.Fatalf("Proof: %v", err)
	}
	golden.Check(t, "proof.json", proof)
}

func TestGoldenKillMatrix(t *testing.T) {
	const (
		flow  = "Checkout adds two products to the cart, checks out and reads the order back"
		mail  = "Checkout sends exactly one confirmation e-mail to the buyer"
		lock  = "Checkout never sells more than the stock under concurrent checkouts"
		tls   = "Prod facts TLS certificate expiry"
		row   = "Checkout writes the order, its items and the stock to the database"
		owner = "Permissions a producer cannot update another producer's product"
	)
	md := report.KillMatrix([]report.KillRow{
		{Fault: "skip-email", Killed: []string{"CHECKOUT-SMOKE.email"}, Expected: []string{"CHECKOUT-SMOKE.email"},
			Specs: map[string]report.SpecOutcome{flow: report.SpecGreen, mail: report.SpecRed, lock: report.SpecNotRun, row: report.SpecGreen}},
		{Fault: "policy-ignores-owner", Killed: []string{"PRODUCER-PERMISSIONS.policy", "PRODUCER-PERMISSIONS.admin-override"}, Expected: []string{"PRODUCER-PERMISSIONS.policy"},
			Specs: map[string]report.SpecOutcome{owner: report.SpecRed}},
		{Fault: "health-lies", Killed: nil, Expected: []string{"PROD-FACTS.prod-facts"},
			Specs: map[string]report.SpecOutcome{tls: report.SpecNotApplicable}},
		{Fault: "oversell", Killed: []string{"Checkout never oversells under concurrent checkouts"}, Expected: []string{"CHECKOUT-SMOKE.db-order-row"},
			Specs: map[string]report.SpecOutcome{flow: report.SpecGreen, mail: report.SpecGreen, lock: report.SpecRed, row: report.SpecGreen}},
	}, []report.KillSpec{
		{Name: flow, Location: "suites/checkout/checkout_test.go:22", Bullets: []string{"CHECKOUT-SMOKE.flow", "CHECKOUT-SMOKE.api-201"}},
		{Name: row, Location: "suites/checkout/checkout_test.go:65", Bullets: []string{"CHECKOUT-SMOKE.db-order-row"}},
		{Name: mail, Location: "suites/checkout/checkout_test.go:114", Bullets: []string{"CHECKOUT-SMOKE.email"}},
		{Name: lock, Location: "suites/checkout/checkout_test.go:139", Bullets: []string{"CHECKOUT-SMOKE.db-order-row"}},
		{Name: owner, Location: "suites/permissions/matrix_test.go:40", Bullets: []string{"PRODUCER-PERMISSIONS.policy"}},
		{Name: tls, Location: "suites/prodfacts/prodfacts_test.go:90", Bullets: []string{"PROD-FACTS.prod-facts"}, NotApplicable: "not applicable: the site is plain http"},
		{Name: "Prod facts only on containers", Location: "suites/prodfacts/prodfacts_test.go:99", Bullets: []string{"PROD-FACTS.prod-facts"}, NotRun: "not run on this target: containers only"},
	})
	golden.Check(t, "KILL-MATRIX.md", md)
	// The spec rows say what the matrix found, not only the switch rows.
	for _, want := range []string{
		"| Result | ❌ 2 of 7 specs without a killing switch; 2 of 4 switches flagged |",
		"| Checkout writes the order, its items and the stock to the database (`suites/checkout/checkout_test.go:65`) | ❌ no switch turns it red | — | `skip-email`, `oversell` | 2 passes whose suite did not run |",
		"| ➖ not applicable: the site is plain http |",
		"| Checkout never sells more than the stock under concurrent checkouts (`suites/checkout/checkout_test.go:139`) | ✅ killed | `oversell` | — | `skip-email`; 2 passes whose suite did not run |",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("KILL-MATRIX.md lacks %q", want)
		}
	}
	// The flow spec proves two bullets, so it is flagged under both.
	if n := strings.Count(string(md), "❌ no switch turns it red"); n != 3 {
		t.Errorf("KILL-MATRIX.md flags %d spec rows, want 3", n)
	}
}

// TestFixtureStatuses checks the status rules on the real report, independently of the
// golden files (which -update would accept whatever they say).
func TestFixtureStatuses(t *testing.T) {
	run, err := report.Build(fixtureReports(t)...)
	if err != nil {
		t.Fatalf("Build: %v", err)
	}
	want := map[string]struct {
		status report.Status
		reason string
	}{
		"CHECKOUT-SMOKE.flow":                      {report.Passed, ""},
		"CHECKOUT-SMOKE.api-201":                   {report.Passed, ""},
		"CHECKOUT-SMOKE.db-order-row":              {report.NotRun, "1 of 2 specs passed; not run on this target: needs at least 2 parallel processes (run with -p)"},
		"CHECKOUT-SMOKE.email":                     {report.Failed, "no message to the buyer within 10 s"},
		"CHECKOUT-SMOKE.document":                  {report.Passed, ""},
		"CHECKOUT-SMOKE.no-blocking-bugs":          {report.Failed, "blocked by: Email verification: Confirmation email sent (or logged)"},
		"PRODUCER-PERMISSIONS.policy":              {report.Failed, "ProductPolicy let a producer update another producer's product"},
		"PRODUCER-PERMISSIONS.dashboard":           {report.Passed, ""},
		"PRODUCER-PERMISSIONS.admin-override":      {report.NotRun, "not run on this target: writes not allowed on this target"},
		"PRODUCER-PERMISSIONS.authz-coverage":      {report.Passed, ""},
		"PRODUCER-PERMISSIONS.no-user-facing-bugs": {report.Failed, "blocked by: Backend policy verification: ProductPolicy enforces producer_id ownership"},
		"PRODUCTS-LIST.products-list":              {report.Passed, ""},
		"AUTH-ROUTES.auth-routes":                  {report.NotRun, "not run on this target: writes not allowed on this target"},
		"PROD-FACTS.prod-facts":                    {report.Passed, ""},
	}
	results := map[string]report.Result{}
	seen := 0
	for _, it := range run.Items {
		results[it.Item.ID] = it.Result
		for _, b := range it.Bullets {
			w, ok := want[b.Bullet.ID()]
			if !ok {
				continue
			}
			seen++
			if b.Status != w.status || b.Reason != w.reason {
				t.Errorf("%s = %s %q, want %s %q", b.Bullet.ID(), b.Status, b.Reason, w.status, w.reason)
			}
		}
	}
	if seen != len(want) {
		t.Errorf("found %d of the %d bullets expected in the fixture's run", seen, len(want))
	}
	wantResults := map[string]report.Result{
		"CHECKOUT-SMOKE": report.NotDone, "PRODUCER-PERMISSIONS": report.NotDone,
		"PRODUCTS-LIST": report.Done, "AUTH-ROUTES": report.Incomplete, "PROD-FACTS": report.Done,
	}
	for id, w := range wantResults {
		if results[id] != w {
			t.Errorf("%s result = %q, want %q", id, results[id], w)
		}
	}
	if run.Facts.Target != "embedded" || len(run.Facts.Excluded) != 1 || run.Facts.Excluded[0].Label != "writes" {
		t.Errorf("run facts = %+v, want target embedded with the writes exclusion", run.Facts)
	}
	if got := len(run.Failed()); got != 4 {
		t.Errorf("Failed() has %d bullets, want 4", got)
	}
	if run.OK() {
		t.Error("OK() = true for a run with failures")
	}
	steps := 0
	for _, it := range run.Items {
		for _, s := range it.Specs {
			if s.Name == "Checkout places an order from the cart" {
				steps = len(s.Steps)
			}
		}
	}
	if steps != 4 {
		t.Errorf("the checkout flow spec has %d By steps, want 4", steps)
	}
}
