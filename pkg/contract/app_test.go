package contract_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

func readApp(t *testing.T, name string) []contract.AppRoute {
	t.Helper()
	data, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	routes, err := contract.ParseAppRoutes(data)
	if err != nil {
		t.Fatal(err)
	}
	return routes
}

func TestParseLaravelRouteList(t *testing.T) {
	routes := readApp(t, "laravel-routes.json")
	if len(routes) != 10 {
		t.Fatalf("%d routes", len(routes))
	}
	cases := []struct {
		i                int
		str, name, probe string
		method           string
		auth             bool
		middleware       []string
	}{
		{0, "GET|HEAD /", "", "/", "GET", false, []string{"web"}},
		{2, "GET|HEAD /api/v1/cart/items", "cart.index", "/api/v1/cart/items", "GET", true, []string{"api", "auth:sanctum"}},
		{4, "PUT|PATCH /api/v1/cart/items/{item}", "cart.update", "/api/v1/cart/items/1", "PUT", true, []string{"api", "auth:sanctum"}},
		{7, "POST /api/v1/orders/{order}/cancel", "orders.cancel", "/api/v1/orders/1/cancel", "POST", true, []string{"api", "auth:sanctum"}},
		{8, "GET|HEAD /api/v1/public/products/{product?}", "public.products", "/api/v1/public/products", "GET", false, []string{"api"}},
	}
	for _, tc := range cases {
		r := routes[tc.i]
		if r.String() != tc.str || r.Name != tc.name || r.ProbePath() != tc.probe || r.ProbeMethod() != tc.method || r.Auth() != tc.auth || !reflect.DeepEqual(r.Middleware, tc.middleware) {
			t.Errorf("route %d = %s name %q probe %s %s auth %v middleware %v", tc.i, r, r.Name, r.ProbeMethod(), r.ProbePath(), r.Auth(), r.Middleware)
		}
	}
	var auth []string
	for _, r := range contract.AuthRoutes(routes) {
		auth = append(auth, r.String())
	}
	want := []string{"GET|HEAD /api/v1/cart/items", "POST /api/v1/cart/items", "PUT|PATCH /api/v1/cart/items/{item}",
		"GET|HEAD /api/v1/orders/{order}", "GET|HEAD /api/v1/orders/{order}/invoice", "POST /api/v1/orders/{order}/cancel"}
	if !reflect.DeepEqual(auth, want) {
		t.Errorf("AuthRoutes = %v", auth)
	}
}

func TestParseOpenAPI(t *testing.T) {
	var got []string
	for _, r := range readApp(t, "openapi.json") {
		got = append(got, r.String()+" "+r.Name+" ["+strings.Join(r.Middleware, ",")+"]")
	}
	want := []string{
		"GET /api/health health []",
		"PATCH /api/v1/cart/items/{id} updateCartItem [auth:sanctum]",
		"DELETE /api/v1/cart/items/{id} removeCartItem [auth:apiKey,auth:sanctum]",
		"GET /api/v1/orders/{id} showOrder [auth:sanctum]",
		"GET /api/v1/public/products listProducts []",
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("got\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}

func TestParseAppRoutesRefusesBadInputWithOneSentence(t *testing.T) {
	cases := []struct{ in, want string }{
		{"", "the app's route list is empty"},
		{"GET /api/health", "is not JSON"},
		{"openapi: 3.0.3\npaths: {}", "is not JSON"},
		{`[{"method":"FETCH","uri":"api/x"}]`, `route 1 ("api/x") of the Laravel route list has method "FETCH"`},
		{`[{"method":"GET","uri":""}]`, "route 1 of the Laravel route list has no uri"},
		{`[{"method":"GET","uri":"x","middleware":42}]`, "middleware is neither a list of names nor a string"},
		{`[{"method":"GET","uri":"x"`, "read the Laravel route list"},
		{`{"swagger":"2.0","paths":{}}`, "not an OpenAPI 3 document"},
	}
	for _, tc := range cases {
		_, err := contract.ParseAppRoutes([]byte(tc.in))
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("ParseAppRoutes(%q) = %v, want an error containing %q", tc.in, err, tc.want)
		}
	}
}

// appSpecs are runSpecs plus a spec that finds a private route open to anyone.
func appSpecs() []contract.Spec {
	return append(runSpecs(), contract.Spec{Name: "Invoices are private", State: "failed", Location: "suites/checkout/invoice_test.go:8",
		Exchanges: []evidence.HTTP{x("anonymous", anon, "", "GET", "/v1/orders/41/invoice", 200)}})
}

func TestAppCoverage(t *testing.T) {
	b := contract.NewBuilder(contract.Marketplace())
	for _, s := range appSpecs() {
		if err := b.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	b.AddApp(readApp(t, "laravel-routes.json"))
	cov := b.Build()
	type row struct {
		contract  string
		exchanges int
		anon      string
	}
	want := map[string]row{
		"GET|HEAD /":                                  {"", 0, ""},
		"GET|HEAD /api/health":                        {"health", 1, ""},
		"GET|HEAD /api/v1/cart/items":                 {"cart.list", 0, contract.CellNotExercised},
		"POST /api/v1/cart/items":                     {"cart.add", 1, contract.CellNotExercised},
		"PUT|PATCH /api/v1/cart/items/{item}":         {"cart.update", 1, contract.CellNotExercised},
		"GET|HEAD /api/v1/orders/{order}":             {"orders.show", 3, contract.CellProven},
		"GET|HEAD /api/v1/orders/{order}/invoice":     {"", 1, contract.CellMismatch},
		"POST /api/v1/orders/{order}/cancel":          {"", 0, contract.CellNotExercised},
		"GET|HEAD /api/v1/public/products/{product?}": {"public.products.show", 0, ""},
		"GET|HEAD /sanctum/csrf-cookie":               {"", 0, ""},
	}
	for _, r := range cov.App.Routes {
		got := row{r.Contract, r.Exchanges, r.AnonymousState}
		if got != want[r.String()] {
			t.Errorf("%s: %+v, want %+v", r, got, want[r.String()])
		}
	}
	if !strings.Contains(strings.Join(cov.App.NotServed, " "), "orders.checkout") {
		t.Errorf("NotServed = %v", cov.App.NotServed)
	}
	var kinds []string
	for _, g := range cov.Gaps() {
		if g.Kind == contract.GapAppRouteUnexercised || g.Kind == contract.GapAppAuthNot401 {
			kinds = append(kinds, g.Kind+" "+g.Subject)
		}
	}
	wantGaps := []string{
		"app route never exercised GET|HEAD /",
		"app route never exercised GET|HEAD /api/v1/cart/items",
		"app route never exercised POST /api/v1/orders/{order}/cancel",
		"app route never exercised GET|HEAD /api/v1/public/products/{product?}",
		"app route never exercised GET|HEAD /sanctum/csrf-cookie",
		"auth route not proven 401 GET|HEAD /api/v1/cart/items",
		"auth route not proven 401 POST /api/v1/cart/items",
		"auth route not proven 401 PUT|PATCH /api/v1/cart/items/{item}",
		"auth route not proven 401 GET|HEAD /api/v1/orders/{order}/invoice",
		"auth route not proven 401 POST /api/v1/orders/{order}/cancel",
	}
	if !reflect.DeepEqual(kinds, wantGaps) {
		t.Errorf("app gaps:\n%s", strings.Join(kinds, "\n"))
	}
}
