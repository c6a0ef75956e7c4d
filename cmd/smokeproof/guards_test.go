package main

import (
	"testing"

	"github.com/smokeproof/smokeproof/fixtures/shop"
	"github.com/smokeproof/smokeproof/pkg/dod"
)

// Every fault switch of the reference shop must be in the kill matrix, guarding
// registered, checked bullets: a switch outside it would prove nothing.
func TestGuardsCoverEveryFault(t *testing.T) {
	Guards := guards()
	for _, f := range shop.AllFaults() {
		bullets, ok := Guards[string(f)]
		if !ok || len(bullets) == 0 {
			t.Errorf("fault %s guards no bullet in the kill matrix", f)
		}
		for _, id := range bullets {
			if b, ok := dod.Lookup(id); !ok || b.Kind != dod.Checked {
				t.Errorf("fault %s guards %s, which is not a checked bullet of the registry", f, id)
			}
		}
	}
	if len(Guards) != len(shop.AllFaults()) {
		t.Errorf("the kill matrix has %d switches, the shop %d", len(Guards), len(shop.AllFaults()))
	}
}
