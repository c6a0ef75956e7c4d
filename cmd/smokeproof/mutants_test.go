package main

import (
	"bytes"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/report"
)

// A spec that proves a checked bullet and that no fault switch turns red fails the
// kill matrix (exit 1, naming it), even when every switch turned its bullets red; a
// spec that is not applicable on the target is no survivor.
func TestKillMatrixFailsOnSpecWithoutKiller(t *testing.T) {
	const (
		mail  = "Checkout sends exactly one confirmation e-mail to the buyer"
		twice = "Checkout sends no second e-mail"
		tls   = "Prod facts TLS certificate expiry"
	)
	rows := []report.KillRow{{
		Fault:    "no-confirmation-email",
		Killed:   []string{"CHECKOUT-SMOKE.email"},
		Expected: []string{"CHECKOUT-SMOKE.email"},
		Specs:    map[string]report.SpecOutcome{mail: report.SpecRed, twice: report.SpecGreen, tls: report.SpecNotApplicable},
	}}
	specs := []report.KillSpec{
		{Name: mail, Location: "suites/checkout/checkout_test.go:114", Bullets: []string{"CHECKOUT-SMOKE.email"}},
		{Name: twice, Location: "suites/checkout/checkout_test.go:130", Bullets: []string{"CHECKOUT-SMOKE.email"}},
		{Name: tls, Location: "suites/prodfacts/prodfacts_test.go:90", Bullets: []string{"PROD-FACTS.prod-facts"}, NotApplicable: "not applicable: plain http"},
	}
	dir := t.TempDir()
	var out bytes.Buffer
	err := writeKillMatrix(&out, dir, rows, specs, time.Second, false)
	var ee *exitError
	if !errors.As(err, &ee) || ee.code != exitFailed {
		t.Fatalf("writeKillMatrix = %v, want exit %d", err, exitFailed)
	}
	if !strings.Contains(ee.msg, `"`+twice+`" (suites/checkout/checkout_test.go:130)`) {
		t.Errorf("error %q does not name the spec without a killing switch", ee.msg)
	}
	if strings.Contains(ee.msg, mail) || strings.Contains(ee.msg, tls) {
		t.Errorf("error %q names a spec that was killed or not applicable", ee.msg)
	}
	if strings.Contains(ee.msg, "did not turn their bullets red") {
		t.Errorf("error %q blames a switch that turned its bullets red", ee.msg)
	}
	md, err := os.ReadFile(filepath.Join(dir, report.KillMatrixPath))
	if err != nil {
		t.Fatalf("no kill matrix written: %v", err)
	}
	if !strings.Contains(string(md), "❌ no switch turns it red") {
		t.Errorf("KILL-MATRIX.md does not flag the survivor:\n%s", md)
	}

	// Once a switch kills it, the matrix passes.
	rows = append(rows, report.KillRow{
		Fault:    "duplicate-confirmation-email",
		Killed:   []string{"CHECKOUT-SMOKE.email"},
		Expected: []string{"CHECKOUT-SMOKE.email"},
		Specs:    map[string]report.SpecOutcome{mail: report.SpecGreen, twice: report.SpecRed},
	})
	out.Reset()
	if err := writeKillMatrix(&out, dir, rows, specs, time.Second, false); err != nil {
		t.Errorf("writeKillMatrix with every spec killed = %v\n%s", err, out.String())
	}

	// The bullet-level check stays: a switch that leaves its bullet green fails too.
	rows = append(rows, report.KillRow{Fault: "wrong-tax", Expected: []string{"CHECKOUT-SMOKE.api-201"}, Specs: map[string]report.SpecOutcome{mail: report.SpecGreen}})
	err = writeKillMatrix(&out, dir, rows, specs, time.Second, false)
	if !errors.As(err, &ee) || !strings.Contains(ee.msg, "did not turn their bullets red: wrong-tax") {
		t.Errorf("writeKillMatrix with a weak switch = %v", err)
	}
}
