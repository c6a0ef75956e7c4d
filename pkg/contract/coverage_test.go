package contract_test

import (
	"fmt"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// x is one exchange as market.Client records it: the caller's name, class and rows
// mark, the method and the path below the API base.
func x(caller, class, rows, method, path string, status int) evidence.HTTP {
	return evidence.HTTP{Caller: caller, CallerClass: class, Rows: rows, Method: method, Path: path, Status: status, Millis: 3.2}
}

const (
	cons  = evidence.ClassConsumer
	prod  = evidence.ClassProducer
	anon  = evidence.ClassAnonymous
	other = evidence.RowsOther
)

// runSpecs is a small run: what the suites record today, plus one spec of each kind
// of trouble.
func runSpecs() []contract.Spec {
	return []contract.Spec{
		{Name: "Checkout places an order from the cart", State: "passed", Location: "suites/checkout/order_test.go:40",
			Rules: []string{"orders.checkout.201", "email.exactly-one"},
			Exchanges: []evidence.HTTP{
				x("consumer (fresh)", cons, "", "POST", "/v1/cart/items", 201),
				x("consumer (fresh)", cons, "", "POST", "/v1/orders/checkout", 201),
				x("consumer (fresh)", cons, evidence.RowsOwn, "GET", "/v1/orders/41", 200),
				{Caller: "consumer (fresh)", CallerClass: cons, Method: "GET", Path: "/v1/orders/41", Error: "connection reset"}, // no status: ignored
			}},
		{Name: "Orders another consumer's order is not found", State: "passed", Location: "suites/checkout/privacy_test.go:12",
			Rules: []string{"orders.show.other-404"},
			Exchanges: []evidence.HTTP{
				x("consumer (other)", cons, other, "GET", "/v1/orders/41", 404),
				x("anonymous", anon, "", "GET", "/v1/orders/41", 401),
			}},
		{Name: "Producer permissions producer B: update other's → 403", State: "failed", Location: "suites/permissions/matrix_test.go:74",
			Rules: []string{"products.update.not-owner-403-row-unchanged", "products.update.not-owner-403-row-unchanged"},
			Exchanges: []evidence.HTTP{
				x("producer B", prod, other, "PATCH", "/v1/products/3", 200),
			}},
		{Name: "Producer permissions producer A: update own → 200", State: "passed", Location: "suites/permissions/matrix_test.go:74",
			Rules: []string{"products.update.200"},
			Exchanges: []evidence.HTTP{
				{Caller: "producer A", Method: "PATCH", Path: "/v1/products/5", Status: 200}, // recorded before classes: guessed
			}},
		{Name: "Producer permissions consumer: update other's → 403", State: "passed", Location: "suites/permissions/matrix_test.go:74",
			Rules: []string{"policy.update-owner-or-admin"},
			Exchanges: []evidence.HTTP{
				x("consumer", cons, "", "PATCH", "/v1/products/5", 403), // unmarked: a consumer owns no product
			}},
		{Name: "Health says ok", State: "passed", Location: "suites/prodfacts/facts_test.go:20",
			Rules: []string{"health.200-ok"},
			Exchanges: []evidence.HTTP{
				x("anonymous", anon, "", "GET", "/health", 200),
				x("anonymous", anon, "", "GET", "/v1/secret-admin", 404),
				x("ops robot", "", "", "GET", "/v1/orders", 200),
			}},
		{Name: "Checkout never oversells", State: "skipped", Location: "suites/checkout/oversell_test.go:9",
			Rules: []string{"stock.no-oversell"}},
		{Name: "Cart rejects zero quantity", State: "passed", Location: "suites/checkout/cart_test.go:30",
			Rules: []string{"cart.update.422"},
			Exchanges: []evidence.HTTP{
				x("consumer (other)", cons, other, "PATCH", "/v1/cart/items/7", 422),
			}},
		{Name: "Login page answers", State: "passed", Location: "suites/auth/web_test.go:10",
			Rules: []string{"register.no-admin"}, // claims a rule about a route it never called
			Exchanges: []evidence.HTTP{
				x("anonymous", anon, "", "GET", "/auth/login", 200),
			}},
	}
}

func build(t *testing.T, specs []contract.Spec) *contract.Coverage {
	t.Helper()
	b := contract.NewBuilder(contract.Marketplace())
	for _, s := range specs {
		if err := b.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	return b.Build()
}

func cellOf(t *testing.T, cov *contract.Coverage, route string, c contract.Caller) contract.Cell {
	t.Helper()
	for _, rc := range cov.Routes {
		if rc.Route.ID == route {
			cell, _ := rc.Cell(c)
			return cell
		}
	}
	t.Fatalf("no route %s", route)
	return contract.Cell{}
}

func TestCoverageCellsFromRecordedExchanges(t *testing.T) {
	cov := build(t, runSpecs())
	cases := []struct {
		route    string
		caller   contract.Caller
		state    string
		observed string
	}{
		{"orders.show", contract.Consumer, contract.CellProven, "200"},
		{"orders.show", contract.ConsumerOther, contract.CellProven, "404"},
		{"orders.show", contract.Anonymous, contract.CellProven, "401"},
		{"orders.show", contract.ProducerOther, contract.CellOptional, ""},
		{"orders.checkout", contract.Consumer, contract.CellProven, "201"},
		{"orders.checkout", contract.Producer, contract.CellNotExercised, ""},
		{"products.update", contract.ProducerOther, contract.CellMismatch, "200"},
		{"products.update", contract.Producer, contract.CellProven, "200"},      // guessed from "producer A"
		{"products.update", contract.ConsumerOther, contract.CellProven, "403"}, // unmarked consumer on a product
		{"cart.update", contract.ConsumerOther, contract.CellUnproven, "422"},
		{"health", contract.Anonymous, contract.CellProven, "200"},
		{"web.auth.login", contract.Anonymous, contract.CellProven, "200"},
	}
	for _, tc := range cases {
		c := cellOf(t, cov, tc.route, tc.caller)
		var got []string
		for _, o := range c.Observed {
			got = append(got, fmt.Sprint(o.Status))
		}
		if c.State != tc.state || strings.Join(got, ",") != tc.observed {
			t.Errorf("%s × %s: state %q observed %v, want %q %q", tc.route, tc.caller, c.State, got, tc.state, tc.observed)
		}
	}
	if c := cellOf(t, cov, "orders.show", contract.ConsumerOther); !reflect.DeepEqual(c.Observed[0].Specs, []string{"Orders another consumer's order is not found"}) {
		t.Errorf("the cell does not name the spec that saw it: %+v", c.Observed)
	}
	if cov.Exchanges != 13 || cov.Specs != 9 {
		t.Errorf("counted %d exchanges in %d specs, want 13 in 9 (the transport error is not an answer)", cov.Exchanges, cov.Specs)
	}
	wantStrays := []contract.Stray{
		{Method: "GET", Path: "/api/v1/orders", Caller: "ops robot", Reason: "unknown caller class", Count: 1, Specs: []string{"Health says ok"}},
		{Method: "GET", Path: "/api/v1/secret-admin", Caller: "anonymous", Reason: "no route of the contract", Count: 1, Specs: []string{"Health says ok"}},
	}
	if !reflect.DeepEqual(cov.Strays, wantStrays) {
		t.Errorf("strays = %+v", cov.Strays)
	}
}

func TestRuleStates(t *testing.T) {
	cov := build(t, runSpecs())
	want := map[string]string{
		"orders.checkout.201":                         contract.RuleProven,
		"email.exactly-one":                           contract.RuleProven,
		"products.update.not-owner-403-row-unchanged": contract.RuleFailed,
		"stock.no-oversell":                           contract.RuleNotRun,
		"orders.create.201":                           contract.RuleNoSpec,
		"health.db-down-503":                          contract.RuleNoSpec,
	}
	for _, r := range cov.Rules {
		if w, ok := want[r.Rule.ID]; ok && r.State != w {
			t.Errorf("rule %s: %s, want %s", r.Rule.ID, r.State, w)
		}
		if r.Rule.ID == "products.update.not-owner-403-row-unchanged" && len(r.Specs) != 1 {
			t.Errorf("a rule claimed twice by one spec lists it %d times", len(r.Specs))
		}
	}
}

func TestGapsNameWhatIsUnproven(t *testing.T) {
	gaps := build(t, runSpecs()).Gaps()
	has := func(kind, subject string) bool {
		for _, g := range gaps {
			if g.Kind == kind && g.Subject == subject {
				return true
			}
		}
		return false
	}
	for _, want := range []struct{ kind, subject string }{
		{contract.GapRuleNoSpec, "orders.create.201"},
		{contract.GapRuleNotRun, "stock.no-oversell"},
		{contract.GapHollowClaim, "register.no-admin"},
		{contract.GapRouteNotExercised, "orders.create"},
		{contract.GapRouteNotExercised, "cart.remove"},
		{contract.GapNoNonOwner, "cart.remove"},
		{contract.GapNoNonOwner, "products.delete"},
		{contract.GapCellNotExercised, "orders.checkout × producer"},
		{contract.GapCellUnproven, "cart.update × consumer-other"},
		{contract.GapCellMismatch, "products.update × producer-other"},
	} {
		if !has(want.kind, want.subject) {
			t.Errorf("no gap %s: %s", want.kind, want.subject)
		}
	}
	for _, not := range []struct{ kind, subject string }{
		{contract.GapRuleNoSpec, "products.update.not-owner-403-row-unchanged"}, // failed is a finding, not a gap
		{contract.GapRouteNotExercised, "orders.show"},
		{contract.GapNoNonOwner, "orders.show"},
		{contract.GapNoNonOwner, "products.update"},
		{contract.GapNoNonOwner, "cart.update"},
		{contract.GapCellNotExercised, "orders.show × producer-other"}, // optional
		{contract.GapHollowClaim, "orders.checkout.201"},
	} {
		if has(not.kind, not.subject) {
			t.Errorf("unexpected gap %s: %s", not.kind, not.subject)
		}
	}
	for _, g := range gaps {
		if g.Kind == contract.GapCellMismatch && !strings.Contains(g.Detail, "observed 200 in Producer permissions producer B") {
			t.Errorf("mismatch detail does not name the status and the spec: %s", g)
		}
	}
}

func TestCoverageIsDeterministic(t *testing.T) {
	specs := runSpecs()
	a := build(t, specs)
	rev := slices.Clone(specs)
	slices.Reverse(rev)
	b := build(t, rev)
	if !reflect.DeepEqual(a.Gaps(), b.Gaps()) || !reflect.DeepEqual(a.Rules, b.Rules) || !reflect.DeepEqual(a.Routes, b.Routes) || !reflect.DeepEqual(a.Strays, b.Strays) {
		t.Fatal("the coverage depends on the order specs were added")
	}
	if string(a.Markdown(contract.Header{})) != string(b.Markdown(contract.Header{})) {
		t.Fatal("the document depends on the order specs were added")
	}
}

func TestAddRefusesUnknownRuleClaims(t *testing.T) {
	b := contract.NewBuilder(contract.Marketplace())
	err := b.Add(contract.Spec{Name: "typo", State: "passed", Rules: []string{"orders.show.other-404", "orders.show.othr-404"}})
	if err == nil || !strings.Contains(err.Error(), `spec "typo" claims rule "orders.show.othr-404", which the contract does not have`) {
		t.Fatalf("got %v", err)
	}
	cov := b.Build()
	for _, r := range cov.Rules {
		if r.Rule.ID == "orders.show.other-404" && len(r.Specs) != 1 {
			t.Error("the known claim of a spec with an unknown one was dropped")
		}
	}
}

func TestRulesFromLabels(t *testing.T) {
	got := contract.RulesFromLabels([]string{"dod:CHECKOUT-SMOKE", "rule:orders.show.other-404", "writes", "rule:", "rule:stock.no-oversell"})
	if !reflect.DeepEqual(got, []string{"orders.show.other-404", "stock.no-oversell"}) {
		t.Fatalf("got %v", got)
	}
}

// complete is a run that proves everything: each rule claimed by a passing spec that
// calls the rule's routes, and every required cell tried with a status that proves it.
func complete(c *contract.Contract) []contract.Spec {
	var specs []contract.Spec
	for _, r := range c.Routes {
		s := contract.Spec{Name: "exercises " + r.ID, State: "passed", Location: "suites/x_test.go:1"}
		for _, caller := range contract.Callers() {
			e, ok := r.Expect[caller]
			if !ok || e.Optional {
				continue
			}
			rows := ""
			if caller.Other() {
				rows = evidence.RowsOther
			}
			s.Exchanges = append(s.Exchanges, x(string(caller), caller.Class(), rows, r.Method, strings.ReplaceAll(r.Path, "{id}", "7"), e.Status[0]))
		}
		for _, rule := range c.Rules {
			if slices.Contains(rule.Routes, r.ID) {
				s.Rules = append(s.Rules, rule.ID)
			}
		}
		specs = append(specs, s)
	}
	var free []string
	for _, rule := range c.Rules {
		if len(rule.Routes) == 0 {
			free = append(free, rule.ID)
		}
	}
	return append(specs, contract.Spec{Name: "reads the schema", State: "passed", Rules: free})
}

func TestACompleteRunHasNoGapsAndEachHoleIsFound(t *testing.T) {
	c := contract.Marketplace()
	if gaps := build(t, complete(c)).Gaps(); len(gaps) != 0 {
		t.Fatalf("a complete run has %d gaps, first: %s", len(gaps), gaps[0])
	}
	holes := []struct {
		name    string
		change  func([]contract.Spec) []contract.Spec
		kind    string
		subject string
	}{
		{"a spec fails", func(s []contract.Spec) []contract.Spec { s[0].State = "failed"; return s }, "", ""},
		{"a spec is skipped", func(s []contract.Spec) []contract.Spec {
			for i := range s {
				if s[i].Name == "reads the schema" {
					s[i].State = "skipped"
				}
			}
			return s
		}, contract.GapRuleNotRun, "schema.tables-and-keys"},
		{"the non-owner never tries orders.show", func(s []contract.Spec) []contract.Spec {
			return dropExchanges(s, func(h evidence.HTTP) bool { return h.Path == "/api/v1/orders/7" && h.Rows == other })
		}, contract.GapNoNonOwner, "orders.show"},
		{"only an anonymous caller tries another's order", func(s []contract.Spec) []contract.Spec {
			s = dropExchanges(s, func(h evidence.HTTP) bool { return h.Path == "/api/v1/orders/7" && h.Rows == other })
			s[0].Exchanges = append(s[0].Exchanges, x("anonymous", anon, other, "GET", "/v1/orders/7", 401))
			return s
		}, contract.GapNoNonOwner, "orders.show"},
		{"a producer is let into checkout", func(s []contract.Spec) []contract.Spec {
			return setStatus(s, func(h evidence.HTTP) bool {
				return h.Path == "/api/v1/orders/checkout" && h.CallerClass == prod
			}, 201)
		}, contract.GapCellMismatch, "orders.checkout × producer"},
		{"a 500 where the contract says 404", func(s []contract.Spec) []contract.Spec {
			return setStatus(s, func(h evidence.HTTP) bool {
				return h.Path == "/api/v1/cart/items/7" && h.Method == "DELETE" && h.Rows == other
			}, 500)
		}, contract.GapCellMismatch, "cart.remove × consumer-other"},
		{"nobody calls healthz", func(s []contract.Spec) []contract.Spec {
			return dropExchanges(s, func(h evidence.HTTP) bool { return h.Path == "/api/healthz" })
		}, contract.GapRouteNotExercised, "healthz"},
	}
	for _, h := range holes {
		gaps := build(t, h.change(complete(c))).Gaps()
		if h.kind == "" {
			if len(gaps) != 0 {
				t.Errorf("%s: a failed spec is a finding, not a gap, got %v", h.name, gaps)
			}
			continue
		}
		found := false
		for _, g := range gaps {
			found = found || (g.Kind == h.kind && g.Subject == h.subject)
		}
		if !found {
			t.Errorf("%s: no gap %s %s in %v", h.name, h.kind, h.subject, gaps)
		}
	}
}

func dropExchanges(specs []contract.Spec, drop func(evidence.HTTP) bool) []contract.Spec {
	for i := range specs {
		specs[i].Exchanges = slices.DeleteFunc(specs[i].Exchanges, drop)
	}
	return specs
}

func setStatus(specs []contract.Spec, pick func(evidence.HTTP) bool, status int) []contract.Spec {
	for i := range specs {
		for j, h := range specs[i].Exchanges {
			if pick(h) {
				specs[i].Exchanges[j].Status = status
			}
		}
	}
	return specs
}

func TestGapsOfFiltersByKind(t *testing.T) {
	cov := build(t, runSpecs())
	got := cov.GapsOf(contract.GapCellMismatch, contract.GapHollowClaim)
	var subjects []string
	for _, g := range got {
		subjects = append(subjects, g.Kind+" "+g.Subject)
	}
	want := []string{"claim without exchange register.no-admin", "cell observed ≠ expected products.update × producer-other"}
	if !reflect.DeepEqual(subjects, want) {
		t.Fatalf("GapsOf = %v, want %v", subjects, want)
	}
	if n := len(cov.GapsOf()); n != 0 {
		t.Fatalf("GapsOf() with no kinds = %d gaps", n)
	}
}
