package main

import (
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/browser"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// permissionsRun writes out/reports/permissions.json: a permissions run whose
// dashboard spec (labelled browser) is in the given state, with the run facts' browser
// exclusion when excluded is set.
func permissionsRun(t *testing.T, dir string, dash types.SpecState, failure string, excluded bool) string {
	t.Helper()
	rep := reportOf(t, "permissions",
		It{name: "enforces ownership", bullets: []string{"PRODUCER-PERMISSIONS.policy"}, state: pass},
		It{name: "shows the producer its own products", bullets: []string{"PRODUCER-PERMISSIONS.dashboard"}, state: dash, failure: failure},
		It{name: "lets the admin edit any product", bullets: []string{"PRODUCER-PERMISSIONS.admin-override"}, state: pass},
		It{name: "refuses consumers", bullets: []string{"PRODUCER-PERMISSIONS.authz-coverage"}, state: pass},
	)
	rep.SpecReports[2].LeafNodeLabels = append(rep.SpecReports[2].LeafNodeLabels, "browser")
	if excluded {
		facts := evidence.RunFacts{Target: "embedded", App: "reference shop (in-process)", Harness: "smokeproof 0.1.0 (abc1234)", Started: started,
			Excluded: []evidence.Exclusion{{Label: "browser", Reason: browser.NotFoundReason}}}
		rep.SpecReports[0].ReportEntries = types.ReportEntries{entry(evidence.RunEntryName, facts)}
	}
	raw, err := json.Marshal([]types.Report{rep})
	if err != nil {
		t.Fatal(err)
	}
	out := filepath.Join(dir, "out")
	if err := os.MkdirAll(filepath.Join(out, "reports"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "reports", "permissions.json"), raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestNoChromiumUnderAutoIsNotRunWithAnInstallHint(t *testing.T) {
	out := permissionsRun(t, t.TempDir(), types.SpecStateSkipped, "", true)
	var stdout strings.Builder
	if err := summarize(out, nil, &stdout, false); err != nil {
		t.Fatalf("a run whose only gap is the missing browser failed: %v\n%s", err, stdout.String())
	}
	lines := strings.Split(strings.TrimSpace(stdout.String()), "\n")
	last := lines[len(lines)-1]
	if !strings.HasPrefix(last, "smokeproof: ⏸ PRODUCER-PERMISSIONS.dashboard was not run: no Chromium on this machine; to run the browser check too, install Chromium (") ||
		!strings.HasSuffix(last, "SMOKE_BROWSER=require makes a missing browser fail the run.") {
		t.Errorf("the summary does not end with the install hint:\n%s", stdout.String())
	}

	// proof renders the documents: the bullet is ⏸ with the reason, and exits 0 too.
	proofOut, stderr, code := cli(t, "proof", "--out", out, "--report", filepath.Join(out, "reports", "permissions.json"))
	if code != exitOK || !strings.HasSuffix(strings.TrimSpace(proofOut), "SMOKE_BROWSER=require makes a missing browser fail the run.") {
		t.Errorf("proof: exit %d, output does not end with the hint:\n%s%s", code, proofOut, stderr)
	}
	doc := string(readFile(t, filepath.Join(out, "docs", "FEATURES", "PRODUCER-PERMISSIONS.md")))
	if !strings.Contains(doc, "not run on this target: no Chromium on this machine") {
		t.Errorf("the document does not say why the dashboard check did not run:\n%s", doc)
	}
}

func TestNoChromiumUnderRequireBreaksTheRun(t *testing.T) {
	out := permissionsRun(t, t.TempDir(), types.SpecStateFailed, browser.ErrNotFound.Error(), false)
	var stdout strings.Builder
	err := summarize(out, nil, &stdout, false)
	var ee *exitError
	if err == nil || !errors.As(err, &ee) || ee.code != exitBroken {
		t.Fatalf("summarize = %v, want exit %d (broken)\n%s", err, exitBroken, stdout.String())
	}
	if !strings.Contains(stdout.String(), "⚠ PRODUCER-PERMISSIONS.dashboard — the harness could not reach what it checks (chromium not found): Chromium not found: install it with") {
		t.Errorf("output:\n%s", stdout.String())
	}
	if strings.Contains(stdout.String(), "…") {
		t.Errorf("a message was cut:\n%s", stdout.String())
	}
}
