package contract_test

import (
	"slices"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// Every route MARKETPLACE-API.md states, as it writes them, with the id it must get.
var contractRoutes = []struct{ method, path, id string }{
	{"GET", "/api/health", "health"},
	{"GET", "/api/healthz", "healthz"},
	{"POST", "/api/v1/auth/register", "auth.register"},
	{"POST", "/api/v1/auth/login", "auth.login"},
	{"POST", "/api/v1/auth/logout", "auth.logout"},
	{"GET", "/api/v1/auth/profile", "auth.profile"},
	{"GET", "/api/v1/public/products", "public.products.list"},
	{"GET", "/api/v1/public/products/{id}", "public.products.show"},
	{"POST", "/api/v1/products", "products.create"},
	{"PATCH", "/api/v1/products/{id}", "products.update"},
	{"DELETE", "/api/v1/products/{id}", "products.delete"},
	{"GET", "/api/v1/producer/products", "producer.products"},
	{"GET", "/api/v1/cart/items", "cart.list"},
	{"POST", "/api/v1/cart/items", "cart.add"},
	{"PATCH", "/api/v1/cart/items/{id}", "cart.update"},
	{"DELETE", "/api/v1/cart/items/{id}", "cart.remove"},
	{"POST", "/api/v1/orders", "orders.create"},
	{"POST", "/api/v1/orders/checkout", "orders.checkout"},
	{"GET", "/api/v1/orders", "orders.list"},
	{"GET", "/api/v1/orders/{id}", "orders.show"},
	{"GET", "/login", "web.login"},
	{"GET", "/register", "web.register"},
	{"GET", "/auth/login", "web.auth.login"},
	{"POST", "/auth/login", "web.auth.login.submit"},
	{"GET", "/products", "web.products"},
	{"GET", "/products/{id}", "web.products.show"},
	{"GET", "/producer/dashboard", "web.producer.dashboard"},
	{"GET", "/my/products", "web.my.products"},
	{"GET", "/producer/products", "web.producer.products"},
}

func TestEveryContractRouteIsDataWithItsID(t *testing.T) {
	c := contract.Marketplace()
	for _, want := range contractRoutes {
		r, ok := c.Route(want.id)
		if !ok {
			t.Errorf("%s %s: no route %q", want.method, want.path, want.id)
			continue
		}
		if r.Method != want.method || r.Path != want.path {
			t.Errorf("route %s is %s %s, the contract says %s %s", want.id, r.Method, r.Path, want.method, want.path)
		}
		if r.Web == strings.HasPrefix(r.Path, "/api/") {
			t.Errorf("route %s: Web = %v for %s", r.ID, r.Web, r.Path)
		}
		if r.Who == "" || r.Source == "" {
			t.Errorf("route %s says neither who may call it nor where it is stated", r.ID)
		}
	}
}

func TestRoutesOverUserOwnedRowsHaveANonOwnerCell(t *testing.T) {
	c := contract.Marketplace()
	owned := map[string]string{}
	for _, r := range c.Routes {
		if r.Owned == "" {
			continue
		}
		owned[r.ID] = r.Owned
		required := false
		for caller, e := range r.Expect {
			if caller.Other() && !e.Optional {
				required = true
			}
		}
		if !required {
			t.Errorf("route %s acts on one %s row but no non-owner cell is required", r.ID, r.Owned)
		}
	}
	want := map[string]string{
		"products.update": "products", "products.delete": "products", "cart.update": "cart_items",
		"cart.remove": "cart_items", "orders.show": "orders", "web.orders.show": "orders",
	}
	for id, table := range want {
		if owned[id] != table {
			t.Errorf("route %s owned = %q, want %q", id, owned[id], table)
		}
	}
	if len(owned) != len(want) {
		t.Errorf("owned routes %v, want %v", owned, want)
	}
}

func TestExpectedStatusesPerCallerReadFromTheContract(t *testing.T) {
	c := contract.Marketplace()
	cases := []struct {
		route    string
		caller   contract.Caller
		want     string // Expect.String(); "" when the contract says nothing
		optional bool
	}{
		{"orders.show", contract.Anonymous, "401", false},
		{"orders.show", contract.Consumer, "200, 404 allowed", false},
		{"orders.show", contract.ConsumerOther, "404", false},
		{"orders.show", contract.ProducerOther, "404", true},
		{"orders.show", contract.ProducerNoProfile, "200, 404 allowed", true},
		{"products.update", contract.ConsumerOther, "403, 422 allowed", false},
		{"products.update", contract.Consumer, "", false},
		{"products.update", contract.ProducerOther, "403, 422 allowed", false},
		{"products.update", contract.AdminOther, "200, 404/422 allowed", false},
		{"products.delete", contract.Producer, "204, 404/409 allowed", false},
		{"products.create", contract.ProducerNoProfile, "403, 422 allowed", false},
		{"producer.products", contract.Admin, "403", false},
		{"orders.checkout", contract.Producer, "403, 422 allowed", false},
		{"cart.update", contract.ConsumerOther, "404, 422 allowed", false},
		{"cart.remove", contract.AdminOther, "404", true},
		{"health", contract.Anonymous, "200, 503 allowed", false},
		{"auth.register", contract.Consumer, "", false},
		{"web.producer.dashboard", contract.Anonymous, "302|303|307", false},
		{"web.login", contract.Anonymous, "307", false},
		{"no.such.route", contract.Anonymous, "", false},
	}
	for _, tc := range cases {
		e, ok := c.Expected(tc.route, tc.caller)
		got := ""
		if ok {
			got = e.String()
		}
		if got != tc.want || (ok && e.Optional != tc.optional) {
			t.Errorf("%s × %s = %q optional %v, want %q optional %v", tc.route, tc.caller, got, e.Optional, tc.want, tc.optional)
		}
	}
}

func TestMatch(t *testing.T) {
	c := contract.Marketplace()
	cases := []struct{ method, path, want string }{
		{"GET", "/v1/orders/12", "orders.show"},            // as market records it
		{"GET", "/api/v1/orders/12?x=1", "orders.show"},    // prefix and query
		{"POST", "/v1/orders/checkout", "orders.checkout"}, // literal beats {id}
		{"POST", "/v1/orders", "orders.create"},
		{"GET", "/v1/orders", "orders.list"},
		{"GET", "/health", "health"},
		{"HEAD", "/api/healthz", "healthz"},
		{"GET", "http://127.0.0.1:8080/api/v1/public/products?page=2&per_page=100", "public.products.list"},
		{"get", "/v1/public/products/3", "public.products.show"},
		{"PATCH", "/v1/products/3", "products.update"},
		{"DELETE", "/v1/cart/items/9", "cart.remove"},
		{"GET", "/v1/cart/items/", "cart.list"},
		{"GET", "/products/5", "web.products.show"},
		{"GET", "/products", "web.products"},
		{"POST", "/auth/login", "web.auth.login.submit"},
		{"GET", "/orders/41", "web.orders.show"},
		{"POST", "/cart", "web.cart.add"},
		{"GET", "/v1/products/3", ""},      // no GET on the authenticated product
		{"PUT", "/v1/products/3", ""},      // the contract names PATCH only
		{"GET", "/v1/orders/12/items", ""}, // too deep
		{"GET", "/nowhere", ""},
	}
	for _, tc := range cases {
		got, ok := c.Match(tc.method, tc.path)
		if got != tc.want || ok != (tc.want != "") {
			t.Errorf("Match(%s, %s) = %q %v, want %q", tc.method, tc.path, got, ok, tc.want)
		}
	}
}

func TestRulesAreDataWithStableIDs(t *testing.T) {
	c := contract.Marketplace()
	// The rules the issue and the brief name: they must keep these ids.
	for _, id := range []string{
		"orders.show.other-404", "products.update.not-owner-403-row-unchanged", "health.db-down-503",
		"public-list.active-only-any-query", "register.no-admin", "orders.producer-403",
		"delete-product-with-lines-409", "email.exactly-one", "stock.no-oversell", "paging.no-overlap",
		"cart.update.other-404", "cart.remove.other-404", "products.delete.not-owner-403-row-kept",
		"errors.500-no-leak", "user.never-password-hash", "login.429-throttle",
	} {
		if _, ok := c.Rule(id); !ok {
			t.Errorf("no rule %q", id)
		}
	}
	kinds := map[string]int{}
	for _, r := range c.Rules {
		kinds[r.Kind]++
		if r.Text == "" || !strings.HasSuffix(r.Text, ".") {
			t.Errorf("rule %s: text %q is not a sentence", r.ID, r.Text)
		}
		for _, id := range r.Routes {
			if _, ok := c.Route(id); !ok {
				t.Errorf("rule %s names unknown route %s", r.ID, id)
			}
		}
	}
	for _, k := range []string{contract.RuleStatus, contract.RuleNever, contract.RuleOnly, contract.RuleDefect, contract.RuleBehaviour} {
		if kinds[k] == 0 {
			t.Errorf("no rule of kind %s", k)
		}
	}
	// Every route is the subject of some rule, so an exercised route proves something.
	for _, r := range c.Routes {
		found := false
		for _, rule := range c.Rules {
			found = found || slices.Contains(rule.Routes, r.ID)
		}
		if !found {
			t.Errorf("route %s is named by no rule", r.ID)
		}
	}
	// Groups expand: the 401 rule covers every bearer route and no public one.
	r, _ := c.Rule("errors.401-unauthenticated")
	if !slices.Contains(r.Routes, "orders.show") || !slices.Contains(r.Routes, "cart.add") || slices.Contains(r.Routes, "auth.login") || slices.Contains(r.Routes, "web.cart") {
		t.Errorf("errors.401-unauthenticated routes = %v", r.Routes)
	}
	r, _ = c.Rule("email.exactly-one")
	if !slices.Equal(r.Routes, []string{"orders.create", "orders.checkout", "web.checkout.submit"}) {
		t.Errorf("email.exactly-one routes = %v, want every route that creates an order", r.Routes)
	}
}

func TestMarketplaceReturnsACopy(t *testing.T) {
	a := contract.Marketplace()
	a.Routes[0].Expect[contract.Anonymous] = contract.Expect{Status: []int{999}}
	a.Rules[0].Routes[0] = "changed"
	b := contract.Marketplace()
	if e, _ := b.Expected(b.Routes[0].ID, contract.Anonymous); e.Proves(999) || b.Rules[0].Routes[0] == "changed" {
		t.Fatal("changing one copy changed the next")
	}
}

func TestCallerOf(t *testing.T) {
	cases := []struct {
		class, rows string
		want        contract.Caller
		ok          bool
	}{
		{evidence.ClassAnonymous, "", contract.Anonymous, true},
		{evidence.ClassAnonymous, evidence.RowsOther, contract.Anonymous, true},
		{evidence.ClassConsumer, "", contract.Consumer, true},
		{evidence.ClassConsumer, evidence.RowsOwn, contract.Consumer, true},
		{evidence.ClassConsumer, evidence.RowsOther, contract.ConsumerOther, true},
		{evidence.ClassProducer, evidence.RowsOther, contract.ProducerOther, true},
		{evidence.ClassProducerNoProfile, evidence.RowsOther, contract.ProducerNoProfile, true},
		{evidence.ClassAdmin, evidence.RowsOther, contract.AdminOther, true},
		{"robot", "", "", false},
	}
	for _, tc := range cases {
		got, ok := contract.CallerOf(tc.class, tc.rows)
		if got != tc.want || ok != tc.ok {
			t.Errorf("CallerOf(%q, %q) = %q %v, want %q %v", tc.class, tc.rows, got, ok, tc.want, tc.ok)
		}
		if ok && got.Class() != tc.class {
			t.Errorf("%s.Class() = %q, want %q", got, got.Class(), tc.class)
		}
	}
}
