package dod_test

import (
	"testing"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

func TestRegistryIDsAreUniqueAndResolvable(t *testing.T) {
	seen := map[string]bool{}
	for _, id := range dod.BulletIDs() {
		if seen[id] {
			t.Errorf("duplicate bullet id %s", id)
		}
		seen[id] = true
		b, ok := dod.Lookup(id)
		if !ok || b.ID() != id || b.Text == "" || b.How == "" {
			t.Errorf("bullet %s does not resolve to itself with text and how: %+v", id, b)
		}
	}
	if len(seen) < 10 {
		t.Fatalf("registry too small: %d bullets", len(seen))
	}
}

func TestCheckLabels(t *testing.T) {
	if err := dod.CheckLabels([]string{"dod:CHECKOUT-SMOKE", "dod:CHECKOUT-SMOKE.email", "writes"}); err != nil {
		t.Errorf("valid labels refused: %v", err)
	}
	for _, bad := range [][]string{
		{"dod:CHECKOUT-SMOKE", "dod:CHECKOUT-SMOKE.emial"},
		{"dod:CHECKOUT-SMOKE.email"},
		{"dod:NOPE"},
	} {
		if err := dod.CheckLabels(bad); err == nil {
			t.Errorf("labels %v accepted", bad)
		}
	}
}
