package contract_test

import (
	"fmt"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// A run's specs go into a Builder; the coverage says what is proven and what is not.
func Example() {
	c := contract.Marketplace()
	b := contract.NewBuilder(c)
	err := b.Add(contract.Spec{
		Name:     "Orders another consumer's order is not found",
		State:    "passed",
		Location: "suites/checkout/privacy_test.go:12",
		Rules:    contract.RulesFromLabels([]string{"dod:CHECKOUT-SMOKE", "rule:orders.show.other-404"}),
		Exchanges: []evidence.HTTP{
			// As market.Client records them: the path below the API base, the caller's
			// class, and the rows mark of a client made with OnOthersRows.
			{Caller: "consumer (fresh)", CallerClass: evidence.ClassConsumer, Method: "GET", Path: "/v1/orders/41", Status: 200},
			{Caller: "consumer (other)", CallerClass: evidence.ClassConsumer, Rows: evidence.RowsOther, Method: "GET", Path: "/v1/orders/41", Status: 404},
		},
	})
	if err != nil {
		fmt.Println(err)
	}
	cov := b.Build()

	for _, r := range cov.Rules {
		if r.Rule.ID == "orders.show.other-404" {
			fmt.Println(r.Rule.ID, "→", r.State, "by", r.Specs[0].Name)
		}
	}
	for _, rc := range cov.Routes {
		if rc.Route.ID != "orders.show" {
			continue
		}
		for _, caller := range []contract.Caller{contract.Anonymous, contract.Consumer, contract.ConsumerOther} {
			cell, _ := rc.Cell(caller)
			fmt.Printf("%s × %s: expected %s, %s\n", rc.Route.ID, caller, cell.Expect, cell.State)
		}
	}
	id, _ := c.Match("GET", "/api/v1/orders/7?expand=items")
	fmt.Println("GET /api/v1/orders/7?expand=items →", id)
	fmt.Println(len(cov.Gaps()) > 0, "gaps: this run proves one rule of", len(c.Rules))
	// Output:
	// orders.show.other-404 → proven by Orders another consumer's order is not found
	// orders.show × anonymous: expected 401, not exercised
	// orders.show × consumer: expected 200, 404 allowed, proven
	// orders.show × consumer-other: expected 404, proven
	// GET /api/v1/orders/7?expand=items → orders.show
	// true gaps: this run proves one rule of 127
}

// The app's route list, in the shape of Laravel's `php artisan route:list --json`.
func ExampleParseAppRoutes() {
	routes, err := contract.ParseAppRoutes([]byte(`[
		{"method":"GET|HEAD","uri":"api/v1/orders/{order}","name":"orders.show","action":"OrderController@show","middleware":["api","auth:sanctum"]},
		{"method":"GET|HEAD","uri":"api/v1/public/products","name":"products.index","action":"PublicProductController@index","middleware":["api"]}
	]`))
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, r := range contract.AuthRoutes(routes) {
		fmt.Println(r, "→ an anonymous", r.ProbeMethod(), r.ProbePath(), "must get 401")
	}
	// Output:
	// GET|HEAD /api/v1/orders/{order} → an anonymous GET /api/v1/orders/1 must get 401
}
