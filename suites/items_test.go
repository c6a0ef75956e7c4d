package suites_test

import (
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/dod"
	_ "github.com/smokeproof/smokeproof/suites"
)

// Every bullet id an item names outside its own bullets (the dependency map's links
// and chain) is a declared, checked bullet; every item's suite is its folder.
func TestUnitDeclarationsNameCheckedBullets(t *testing.T) {
	items := dod.Items()
	if len(items) < 6 {
		t.Fatalf("%d items declared under suites/, want every suite's", len(items))
	}
	for _, it := range items {
		if dm := it.DependencyMap; dm != nil {
			var ids []string
			for _, bs := range dm.Links {
				ids = append(ids, bs...)
			}
			for _, st := range dm.Chain {
				ids = append(ids, st.Bullets...)
			}
			for _, id := range ids {
				b, ok := dod.Lookup(id)
				if !ok || b.Kind != dod.Checked {
					t.Errorf("%s names %s: declared %v, kind %q; a link must name a checked bullet", it.ID, id, ok, b.Kind)
				}
			}
		}
		if strings.ContainsAny(it.Suite, "/\\") {
			t.Errorf("%s: suite %q must be a folder name under suites/", it.ID, it.Suite)
		}
	}
}
