package report_test

import (
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

func screenshot(step, path string, bytes int64, sum string) evidence.Record {
	return evidence.Record{Kind: evidence.KindScreenshot, Title: step, File: &evidence.File{Path: path, MediaType: "image/png", Bytes: bytes, SHA256: sum}}
}

// TestScreenshotStrip: consecutive screenshots of a spec render as one strip, in
// recorded order, linked relative to the document; other evidence between them (here an
// HTTP exchange) does not break the run, a file that is not an image does.
func TestScreenshotStrip(t *testing.T) {
	page := evidence.Record{Kind: evidence.KindHTTP, HTTP: &evidence.HTTP{Caller: "consumer (browser)", Method: "GET", Path: "/cart", Status: 200}}
	specs := allPassed()
	specs[0] = spec("checks out in a browser", passed, labels(co, flow), withEvidence(
		screenshot("sign in", "evidence/co-1-sign-in.png", 30000, "aaaaaaaaaaaaaaaa"),
		page,
		screenshot("product page", "evidence/co-2-product.png", 2048, "bbbbbbbbbbbbbbbb"),
		screenshot("cart | [x]", "evidence/co-3-cart.png", 512, "cccc"),
		evidence.Record{Kind: evidence.KindNote, Title: "log", File: &evidence.File{Path: "evidence/co.log", MediaType: "text/plain", Bytes: 10, SHA256: "dddd"}},
		screenshot("confirmation", "evidence/co-4-confirmation.png", 4096, "eeee"),
	))
	doc := document(t, mustBuild(t, suite("checkout", facts(), specs...)), "docs/TESTS/CHECKOUT-SMOKE.md")
	want := "**Screenshots** — 3 steps in order; click one for the full page\n\n" +
		"| 1 · sign in | 2 · product page | 3 · cart \\| [x] |\n" +
		"|---|---|---|\n" +
		"| [![sign in](../../evidence/co-1-sign-in.png)](../../evidence/co-1-sign-in.png) | [![product page](../../evidence/co-2-product.png)](../../evidence/co-2-product.png) | [![cart \\| \\[x\\]](../../evidence/co-3-cart.png)](../../evidence/co-3-cart.png) |\n" +
		"| 29.3 KB · `aaaaaaaaaaaa…` | 2.0 KB · `bbbbbbbbbbbb…` | 512 B · `cccc` |\n\n" +
		"File: [log](../../evidence/co.log) — text/plain · 10 B · sha256 `dddd`\n\n" +
		"![confirmation](../../evidence/co-4-confirmation.png)\n\n" +
		"*confirmation* — image/png · 4.0 KB · sha256 `eeee`\n"
	mustContain(t, doc, want)
	if n := strings.Count(doc, "**Screenshots**"); n != 1 {
		t.Errorf("%d strips, want 1 (a single screenshot is shown on its own)", n)
	}
}
