package spec

import (
	"sort"
	"strings"

	"github.com/onsi/ginkgo/v2"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

// Safety labels say what a spec does to the target.
var (
	// Writes marks a spec that creates or changes data (orders, products, accounts).
	Writes = ginkgo.Label("writes")
	// Destructive marks a spec that deletes data or degrades the target; never run on live.
	Destructive = ginkgo.Label("destructive")
	// Browser marks a spec that drives headless Chromium.
	Browser = ginkgo.Label("browser")
	// NeedsDB marks a spec that reads the target's database.
	NeedsDB = ginkgo.Label("db")
	// NeedsMail marks a spec that reads the target's mail source.
	NeedsMail = ginkgo.Label("mail")
	// StopsDB marks a spec that takes the target's database away (StopDatabase); it
	// runs only where the harness owns the target, and must be ginkgo.Serial.
	StopsDB = ginkgo.Label("stop-db", "destructive")
)

// DoD returns the labels marking a spec as proving the given bullets ("ITEM.key"):
// `dod:ITEM` and `dod:ITEM.key` for each. The ids are checked against the item
// declarations before each spec runs (an unknown or unchecked bullet fails the spec)
// and by the suite-tree self-test (ginkgo --dry-run), so a typo never reaches a
// document.
func DoD(ids ...string) ginkgo.Labels {
	set := map[string]bool{}
	for _, id := range ids {
		item, _, _ := strings.Cut(id, ".")
		set[dod.LabelKey+":"+item] = true
		set[dod.LabelKey+":"+id] = true
	}
	out := make(ginkgo.Labels, 0, len(set))
	for l := range set {
		out = append(out, l)
	}
	sort.Strings(out)
	return out
}
