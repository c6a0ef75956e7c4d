package contract_test

import (
	"fmt"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// bigRun is a run the size of a full suite tree on containers: 400 specs of 25
// exchanges each, over every route and caller.
func bigRun(c *contract.Contract) []contract.Spec {
	var specs []contract.Spec
	callers := contract.Callers()
	for i := range 400 {
		s := contract.Spec{Name: fmt.Sprintf("spec %03d", i), State: "passed", Location: fmt.Sprintf("suites/x_test.go:%d", i)}
		for j := range 25 {
			r := c.Routes[(i+j)%len(c.Routes)]
			caller := callers[(i*7+j)%len(callers)]
			rows := ""
			if caller.Other() {
				rows = evidence.RowsOther
			}
			path := r.Path
			if r.Web {
				path = fmt.Sprintf("%s?page=%d", path, j)
			}
			s.Exchanges = append(s.Exchanges, evidence.HTTP{Caller: string(caller), CallerClass: caller.Class(), Rows: rows, Method: r.Method, Path: path, Status: 200})
		}
		s.Rules = []string{c.Rules[i%len(c.Rules)].ID}
		specs = append(specs, s)
	}
	return specs
}

// BenchmarkMatch is one exchange matched to its route.
func BenchmarkMatch(b *testing.B) {
	c := contract.Marketplace()
	for b.Loop() {
		if id, ok := c.Match("GET", "/v1/orders/41?expand=items"); !ok || id != "orders.show" {
			b.Fatal(id)
		}
	}
}

// BenchmarkBuildAndRender is the coverage of a 10 000-exchange run, its gaps and its
// document.
func BenchmarkBuildAndRender(b *testing.B) {
	c := contract.Marketplace()
	specs := bigRun(c)
	for b.Loop() {
		bl := contract.NewBuilder(c)
		for _, s := range specs {
			if err := bl.Add(s); err != nil {
				b.Fatal(err)
			}
		}
		cov := bl.Build()
		if len(cov.Markdown(contract.Header{})) == 0 {
			b.Fatal("empty document")
		}
	}
}
