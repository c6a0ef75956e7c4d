package spec

import (
	"slices"
	"testing"
)

func TestRulesLabels(t *testing.T) {
	got := Rules("orders.show.other-404", "stock.no-oversell")
	if !slices.Equal([]string(got), []string{"rule:orders.show.other-404", "rule:stock.no-oversell"}) {
		t.Errorf("Rules = %v", got)
	}
}

func TestRulesRefusesMalformedIDs(t *testing.T) {
	for _, id := range []string{"", "Orders.show", "orders/show", "orders show", "a,b", "-x", "x."} {
		func() {
			defer func() {
				if recover() == nil {
					t.Errorf("Rules(%q) did not panic", id)
				}
			}()
			Rules(id)
		}()
	}
	func() {
		defer func() {
			if recover() == nil {
				t.Error("Rules() without ids did not panic")
			}
		}()
		Rules()
	}()
}
