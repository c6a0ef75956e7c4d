package report_test

import (
	"fmt"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/report"
)

// Build reads a suite's report and decides every DoD bullet of the items it ran; the
// CLI renders the documents with Documents or WriteAll and takes its exit code from
// Failed.
func ExampleBuild() {
	facts := evidence.RunFacts{Target: "embedded", Excluded: []evidence.Exclusion{{Label: "writes", Reason: "writes not allowed on this target"}}}
	rep := types.Report{
		SuitePath: "/src/smokeproof/suites/catalog",
		StartTime: time.Date(2026, 11, 26, 7, 0, 0, 0, time.UTC),
		SpecReports: types.SpecReports{
			{
				LeafNodeType:  types.NodeTypeSynchronizedBeforeSuite,
				State:         types.SpecStatePassed,
				ReportEntries: types.ReportEntries{{Name: evidence.RunEntryName, Value: types.WrapEntryValue(facts)}},
			},
			{
				LeafNodeType:   types.NodeTypeIt,
				LeafNodeText:   "lists active products",
				LeafNodeLabels: []string{"dod:PRODUCTS-LIST", "dod:PRODUCTS-LIST.products-list"},
				State:          types.SpecStatePassed,
			},
			{
				LeafNodeType:   types.NodeTypeIt,
				LeafNodeText:   "registers a user",
				LeafNodeLabels: []string{"dod:AUTH-ROUTES", "dod:AUTH-ROUTES.auth-routes", "writes"},
				State:          types.SpecStateSkipped, // left out by --label-filter='!writes'
			},
		},
	}
	run, err := report.Build(rep)
	if err != nil {
		fmt.Println(err)
		return
	}
	for _, it := range run.Items {
		fmt.Println(it.Item.ID, it.Result)
		for _, b := range it.Bullets {
			line := "  " + b.Status.Mark() + " " + b.Bullet.Text
			if b.Reason != "" {
				line += " — " + b.Reason
			}
			fmt.Println(line)
		}
	}
	fmt.Println("failed bullets:", len(run.Failed()))
	// Output:
	// AUTH-ROUTES INCOMPLETE
	//   ⏸ Auth routes verification — not run on this target: writes not allowed on this target
	// PRODUCTS-LIST DONE
	//   ✅ Products list verification
	// failed bullets: 0
}

// KillMatrix flags a fault switch that turns nothing red: some spec cannot fail.
func ExampleKillMatrix() {
	md := report.KillMatrix([]report.KillRow{
		{Fault: "skip-email", Killed: []string{"CHECKOUT-SMOKE.email"}, Expected: []string{"CHECKOUT-SMOKE.email"}},
		{Fault: "noop"},
	})
	for _, line := range strings.Split(string(md), "\n") {
		if strings.HasPrefix(line, "| Result") || strings.HasPrefix(line, "| `") {
			fmt.Println(line)
		}
	}
	// Output:
	// | Result | ❌ 1 of 2 switches flagged |
	// | `skip-email` | ✅ | ✅ red | — |
	// | `noop` | ❌ kills nothing | · | — |
}
