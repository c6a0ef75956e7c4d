package main

import (
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// TestCoverageGapsPending: with no spec at all every gap fails the check except the
// exempt rules and the routes only pending rules name; a route with a proven rule
// elsewhere is never pending.
func TestCoverageGapsPending(t *testing.T) {
	b := contract.NewBuilder(contract.Marketplace())
	if err := b.Add(contract.Spec{Name: "one", State: "passed", Rules: []string{"health.200-ok"},
		Exchanges: []evidence.HTTP{{Method: "GET", Path: "/api/health", Status: 200, CallerClass: evidence.ClassAnonymous}}}); err != nil {
		t.Fatal(err)
	}
	gaps, pending := coverageGaps(b.Build())
	if len(gaps) == 0 {
		t.Fatal("a run of one spec has no failing gap")
	}
	for _, g := range pending {
		route, _, _ := strings.Cut(g.Subject, " × ")
		if e, ok := contract.Exempt(g.Subject); ok {
			if g.Kind != contract.GapRuleNoSpec {
				t.Errorf("pending %s is a rule but of kind %s", e.Rule, g.Kind)
			}
			continue
		}
		if _, ok := contract.PendingRoute(route); !ok {
			t.Errorf("gap %s is pending, but its route is not a pending route", g)
		}
	}
	for _, g := range gaps {
		if g.Kind == contract.GapRuleNoSpec {
			if _, ok := contract.Exempt(g.Subject); ok {
				t.Errorf("exempt rule %s fails the check", g.Subject)
			}
		}
		route, _, _ := strings.Cut(g.Subject, " × ")
		if _, ok := contract.PendingRoute(route); ok {
			t.Errorf("gap %s of a pending route fails the check", g)
		}
	}
}
