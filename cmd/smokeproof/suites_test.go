package main

import (
	"os"
	"os/exec"
	"path/filepath"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/report"
)

// TestSuiteTree walks every suite's spec tree without running it (ginkgo --dry-run):
// spec names are unique, every spec proves a registered, checked bullet, and every
// checked bullet of the registry is proven by at least one spec; every rule label
// names a rule of the contract and every rule of the contract is claimed by a spec
// (spec.Rules) or listed in pkg/contract as not provable by a black-box spec.
func TestSuiteTree(t *testing.T) {
	if testing.Short() {
		t.Skip("builds every suite: skipped in -short mode")
	}
	root := filepath.Join("..", "..")
	dir := t.TempDir()
	cmd := exec.Command("go", "tool", "ginkgo", "--dry-run", "--no-color", "-r", "--json-report=tree.json", "--output-dir="+dir, "./suites")
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "SMOKE_OUT="+filepath.Join(dir, "out"))
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("ginkgo --dry-run: %v\n%s", err, out)
	}
	reports, err := report.ReadReports(filepath.Join(dir, "tree.json"))
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]string{}
	proven := map[string]bool{}
	cov := contract.NewBuilder(contract.Marketplace())
	for _, r := range reports {
		for _, sp := range r.SpecReports {
			if !sp.LeafNodeType.Is(types.NodeTypeIt) {
				continue
			}
			name := r.SuiteDescription + " / " + sp.FullText()
			if where, dup := seen[name]; dup {
				t.Errorf("spec name %q twice: %s and %s", name, where, sp.LeafNodeLocation)
			}
			seen[name] = sp.LeafNodeLocation.String()
			labels := sp.Labels()
			if err := dod.CheckLabels(labels); err != nil {
				t.Errorf("%s: %v", name, err)
			}
			ids := dod.BulletsOf(labels)
			if len(ids) == 0 {
				t.Errorf("%s proves no DoD bullet", name)
			}
			for _, id := range ids {
				proven[id] = true
			}
			if err := cov.Add(contract.Spec{Name: name, State: "passed", Location: sp.LeafNodeLocation.String(), Rules: contract.RulesFromLabels(labels)}); err != nil {
				t.Errorf("%s: %v", sp.LeafNodeLocation, err)
			}
		}
	}
	for _, it := range dod.Items() {
		for _, b := range it.Bullets {
			if b.Kind == dod.Checked && !proven[b.ID()] {
				t.Errorf("checked bullet %s has no spec", b.ID())
			}
		}
	}
	built := cov.Build()
	for _, g := range built.GapsOf(contract.GapRuleNoSpec) {
		if e, ok := contract.Exempt(g.Subject); ok {
			t.Logf("rule %s has no spec, exempt: %s", g.Subject, e.Reason)
			continue
		}
		t.Errorf("%s (claim it with spec.Rules in the spec that proves it)", g)
	}
	for _, r := range built.Rules {
		if _, ok := contract.Exempt(r.Rule.ID); ok && len(r.Specs) > 0 {
			t.Errorf("rule %s is exempt in pkg/contract but %s claims it: remove the exemption", r.Rule.ID, r.Specs[0].Name)
		}
	}
	if len(seen) < 60 {
		t.Errorf("only %d specs found: the dry run did not see every suite", len(seen))
	}
}
