package contract

import "testing"

func TestExemptionsNameRules(t *testing.T) {
	c := Marketplace()
	for _, e := range Exemptions() {
		if _, ok := c.Rule(e.Rule); !ok {
			t.Errorf("exemption names rule %q, which the contract does not have", e.Rule)
		}
		if e.Reason == "" {
			t.Errorf("exemption of %s gives no reason", e.Rule)
		}
	}
	if _, ok := Exempt("orders.show.other-404"); ok {
		t.Error("orders.show.other-404 is exempt, but a spec proves it")
	}
	if _, ok := Exempt("email.log-mailer"); !ok {
		t.Error("email.log-mailer is not exempt")
	}
}

func TestPendingRoutesAreRoutes(t *testing.T) {
	c := Marketplace()
	for id := range pendingRoutes {
		if _, ok := c.Route(id); !ok {
			t.Errorf("pending route %q is not a route of the contract", id)
		}
	}
	if _, ok := PendingRoute("orders.show"); ok {
		t.Error("orders.show is pending")
	}
}
