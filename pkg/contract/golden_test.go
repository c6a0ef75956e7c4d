package contract_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/internal/golden"
	"github.com/smokeproof/smokeproof/pkg/contract"
)

func goldenCoverage(t *testing.T) *contract.Coverage {
	b := contract.NewBuilder(contract.Marketplace())
	for _, s := range appSpecs() {
		if err := b.Add(s); err != nil {
			t.Fatal(err)
		}
	}
	b.AddApp(readApp(t, "laravel-routes.json"))
	return b.Build()
}

var goldenHeader = contract.Header{
	Run:     "2026-11-26 07:00:12 UTC · 6.4 s · 10 specs",
	Target:  "embedded · app shop (in-process) · db go-mysql-server 0.20.0 · mail smtp-sink",
	Harness: "smokeproof 0.1.0 (fixture)",
	Source:  "out/report.json",
}

func TestGoldenCoverageDocument(t *testing.T) {
	md := goldenCoverage(t).Markdown(goldenHeader)
	golden.Check(t, "CONTRACT-COVERAGE.md", md)
	// What a reader must find, whatever the golden file says (-update accepts anything).
	for _, want := range []string{
		"| Result | ❌ GAPS — ",
		"1 rule failed",
		"| ✅ | `orders.show.other-404` | Another user's order → 404. | `orders.show` | Orders another consumer's order is not found (`suites/checkout/privacy_test.go:12`) |",
		"| ❌ | `orders.create.201` | A direct order → 201 the order. | `orders.create` | ❌ **not exercised** — no spec claims it |",
		"| ❌ | `stock.no-oversell` |",
		"❌ **not exercised** — claimed by Checkout never oversells (`suites/checkout/oversell_test.go:9`) — skipped",
		"❌ 200 (expected 403, 422 allowed)",
		"❌ **not exercised** (expected 403, 422 allowed)",
		"| ❌ **not exercised** | `POST /api/v1/orders` `orders.create` | 0 |",
		"| ❌ | `GET\\|HEAD /api/v1/orders/{order}/invoice` | `GET /api/v1/orders/1/invoice` | ❌ 200 (expected 401) |",
		"Rendered by smokeproof from `out/report.json`",
	} {
		if !strings.Contains(string(md), want) {
			t.Errorf("the document lacks %q", want)
		}
	}
}

func TestGoldenProofSection(t *testing.T) {
	p := goldenCoverage(t).Proof()
	data, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	golden.Check(t, "contract-proof.json", append(data, '\n'))
	if bytes.Contains(data, []byte("null")) {
		t.Error("proof.json's contract section holds a null: slices must be empty, never null")
	}
	if p.Result != "gaps" || len(p.Gaps) == 0 || p.App == nil || len(p.Rules) != len(contract.Marketplace().Rules) {
		t.Errorf("proof: result %q, %d gaps, app %v, %d rules", p.Result, len(p.Gaps), p.App != nil, len(p.Rules))
	}
}

func TestACompleteRunRendersCovered(t *testing.T) {
	cov := build(t, complete(contract.Marketplace()))
	md := string(cov.Markdown(contract.Header{}))
	if !strings.Contains(md, "| Result | ✅ COVERED — every rule") || strings.Contains(md, "not exercised** (expected") || strings.Contains(md, "not exercised** —") || strings.Contains(md, "| ❌") {
		t.Errorf("a complete run does not render as covered:\n%s", md[:600])
	}
	if p := cov.Proof(); p.Result != "covered" || len(p.Gaps) != 0 {
		t.Errorf("proof of a complete run: %q, %d gaps", p.Result, len(p.Gaps))
	}
}
