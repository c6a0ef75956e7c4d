package report_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"unicode"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/report"
)

func document(t *testing.T, run *report.Run, path string) string {
	t.Helper()
	docs, err := run.Documents()
	if err != nil {
		t.Fatalf("Documents: %v", err)
	}
	for _, d := range docs {
		if d.Path == path {
			return string(d.Body)
		}
	}
	t.Fatalf("no document %s", path)
	return ""
}

func mustContain(t *testing.T, doc, want string) {
	t.Helper()
	if !strings.Contains(doc, want) {
		t.Errorf("document lacks %q\n--- document ---\n%s", want, doc)
	}
}

// githubSlug is GitHub's heading anchor, written here independently of the package.
func githubSlug(heading string) string {
	heading = strings.NewReplacer("`", "", `\`, "", "&lt;", "<").Replace(heading)
	var b strings.Builder
	for _, r := range strings.ToLower(strings.TrimSpace(heading)) {
		if r == ' ' {
			b.WriteRune('-')
		} else if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

var (
	headingRE = regexp.MustCompile(`(?m)^#{1,6} (.+)$`)
	linkRE    = regexp.MustCompile(`\]\(#([^)]*)\)`)
)

// TestEveryLinkReachesAHeading renders every document of the fixture run and checks
// that each in-page link names an anchor GitHub would give one of its headings.
func TestEveryLinkReachesAHeading(t *testing.T) {
	run := mustBuild(t, fixtureReports(t)...)
	docs, err := run.Documents()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range docs {
		anchors := map[string]bool{}
		seen := map[string]int{}
		for _, m := range headingRE.FindAllStringSubmatch(string(d.Body), -1) {
			s := githubSlug(m[1])
			if n, dup := seen[s]; dup {
				seen[s] = n + 1
				s = s + "-" + string(rune('0'+n+1))
			} else {
				seen[s] = 0
			}
			anchors[s] = true
		}
		links := linkRE.FindAllStringSubmatch(string(d.Body), -1)
		if len(links) == 0 && d.Path != report.CoveragePath { // the coverage document is tables, no in-page links
			t.Errorf("%s has no in-page link", d.Path)
		}
		for _, l := range links {
			if !anchors[l[1]] {
				t.Errorf("%s links to #%s, which no heading has", d.Path, l[1])
			}
		}
	}
	products := document(t, run, "docs/TESTS/PRODUCTS-LIST.md")
	// The title and the bullet share their text: the bullet's heading is the second.
	mustContain(t, products, "[details ↓](#products-list-verification-1)")
}

func TestTableCellsAreEscaped(t *testing.T) {
	run := mustBuild(t, suite("checkout", facts(), spec("writes the order row", passed, labels(co, db), withEvidence(evidence.Record{
		Kind: evidence.KindRows, Rows: &evidence.Rows{
			Query: "SELECT notes FROM orders WHERE id = ?", Args: []string{"17"},
			Columns: []string{"notes"}, Values: [][]string{{"leave at door | ring twice\nthanks <3"}},
		},
	}))))
	doc := document(t, run, "docs/TESTS/CHECKOUT-SMOKE.md")
	mustContain(t, doc, "| leave at door \\| ring twice thanks \\<3 |")
}

func TestProdFactsPage(t *testing.T) {
	pf := []string{"dod:PROD-FACTS", "dod:PROD-FACTS.prod-facts"}
	fact := func(name, status string, ok bool) evidence.Record {
		return evidence.Record{Kind: evidence.KindFact, Fact: &evidence.Fact{Name: name, Status: status, Millis: 12.5, Details: "database: failed", OK: ok}}
	}
	healthy := mustBuild(t, suite("prodfacts", facts(), spec("measures", passed, pf,
		withEvidence(fact("GET /api/health", "200", true), fact("content: login form", "200", true)))))
	doc := document(t, healthy, "docs/OPS/PROD-FACTS-LAST.md")
	mustContain(t, doc, "# PROD FACTS - Last Check\n")
	mustContain(t, doc, "**Last Updated**: 2026-11-26 07:00:12 UTC")
	mustContain(t, doc, "**Status**: ✅ ALL SYSTEMS OPERATIONAL")
	mustContain(t, doc, "## Endpoint Status\n\n| Endpoint | Status | Time | Details |\n|---|---|---|---|\n| GET /api/health | ✅ 200 | 12 ms | database: failed |\n")
	mustContain(t, doc, "## Content Verification\n\n| Check | Status | Time | Details |\n|---|---|---|---|\n| login form | ✅ 200 |")

	sick := mustBuild(t, suite("prodfacts", facts(), spec("measures", failed, pf, failedWith("health said 503"),
		withEvidence(fact("GET /api/health", "503", false)))))
	doc = document(t, sick, "docs/OPS/PROD-FACTS-LAST.md")
	mustContain(t, doc, "**Status**: ❌ ISSUES DETECTED\n\n- GET /api/health: 503 — database: failed\n\n## Endpoint Status")
	mustContain(t, doc, "| GET /api/health | ❌ 503 |")

	unchecked := mustBuild(t, suite("prodfacts", facts(evidence.Exclusion{Label: "live-only", Reason: "needs a live target"}),
		spec("measures", skipped, append(pf, "live-only"))))
	mustContain(t, document(t, unchecked, "docs/OPS/PROD-FACTS-LAST.md"), "**Status**: ⏸ NOT CHECKED — not run on this target: needs a live target")
}

func TestPermissionsMatrix(t *testing.T) {
	cell := func(caller, action string, expected, observed int) evidence.Record {
		return evidence.Record{Kind: evidence.KindCell, Cell: &evidence.Cell{Caller: caller, Action: action, Expected: expected, Observed: observed}}
	}
	pp := []string{"dod:PRODUCER-PERMISSIONS", "dod:PRODUCER-PERMISSIONS.policy"}
	run := mustBuild(t, suite("permissions", facts(), spec("enforces ownership", failed, pp, failedWith("B updated A's product"),
		withEvidence(
			cell("admin", "delete other's", 204, 204),
			cell("support agent", "update own", 403, 403),
			cell("producer B", "update other's", 403, 200),
			cell("anonymous", "create", 401, 401),
			cell("producer A", "update own", 200, 200),
			cell("producer A", "publish", 200, 200),
		))))
	doc := document(t, run, "docs/FEATURES/PRODUCER-PERMISSIONS.md")
	mustContain(t, doc, "| caller | create | update own | update other's | delete other's | publish |\n")
	mustContain(t, doc, "| **anonymous** | ✅ 401 | — | — | — | — |\n| **producer A** | — | ✅ 200 | — | — | ✅ 200 |\n| **producer B** | — | — | ❌ 200 (expected 403) | — | — |\n| **admin** | — | — | — | ✅ 204 | — |\n| **support agent** | — | ✅ 403 | — | — | — |\n")
	mustContain(t, doc, "   - producer B · update other's: got 200, expected 403\n   - reproduce: `SMOKE_TARGET=containers go tool ginkgo --label-filter='dod: containsAny {PRODUCER-PERMISSIONS.policy}' ./suites/permissions`")
	mustContain(t, doc, "## The rules checked")
	mustContain(t, doc, "| admin tried | result | detail |\n|---|---|---|\n| delete other's | ✅ 204 | — |")
}

func TestReproduceNamesTheFaults(t *testing.T) {
	f := facts()
	f.Faults = "skip-email,slow db"
	run := mustBuild(t, suite("checkout", f, spec("mails the buyer", failed, labels(co, email), failedWith("no mail"))))
	mustContain(t, document(t, run, "docs/TESTS/CHECKOUT-SMOKE.md"),
		"SMOKE_TARGET=containers SHOP_FAULTS='skip-email,slow db' go tool ginkgo --label-filter='dod: containsAny {CHECKOUT-SMOKE.email}' ./suites/checkout\n")
}

func TestProofJSON(t *testing.T) {
	shot := evidence.Record{Kind: evidence.KindScreenshot, File: &evidence.File{Path: "evidence/cart.png", MediaType: "image/png", Bytes: 2048, SHA256: "abc123"}}
	specs := allPassed()
	specs[0] = spec("places an order", passed, labels(co, flow, api), withEvidence(shot))
	run := mustBuild(t, suite("checkout", facts(), specs...))
	raw, err := run.Proof()
	if err != nil {
		t.Fatal(err)
	}
	s := string(raw)
	if !strings.HasPrefix(s, "{\n  \"schema_version\": 1,\n  \"harness\": \"smokeproof 0.1.0 (abc1234)\",\n  \"harness_commit\": \"abc1234\",\n  \"target\": {\n    \"name\": \"containers\",") || !strings.HasSuffix(s, "}\n") {
		t.Errorf("proof.json does not start with the schema version, harness and target, or lacks the final newline:\n%s", s)
	}
	var p struct {
		Result string `json:"result"`
		Items  []struct {
			Document string `json:"document"`
			Bullets  []struct {
				ID     string `json:"id"`
				Status string `json:"status"`
				Specs  []struct {
					DurationMS    int64 `json:"duration_ms"`
					EvidenceFiles []struct {
						Path, SHA256 string
					} `json:"evidence_files"`
				} `json:"specs"`
			} `json:"bullets"`
		} `json:"items"`
	}
	if err := json.Unmarshal(raw, &p); err != nil {
		t.Fatalf("proof.json is not JSON: %v", err)
	}
	if p.Result != "DONE" || len(p.Items) != 1 || p.Items[0].Document != "docs/TESTS/CHECKOUT-SMOKE.md" {
		t.Fatalf("proof = %+v", p)
	}
	b := p.Items[0].Bullets[0]
	if b.ID != "CHECKOUT-SMOKE.flow" || b.Status != "passed" || b.Specs[0].DurationMS != 250 ||
		len(b.Specs[0].EvidenceFiles) != 1 || b.Specs[0].EvidenceFiles[0].SHA256 != "abc123" {
		t.Errorf("first bullet = %+v", b)
	}
	again, _ := run.Proof()
	if string(again) != s {
		t.Error("Proof is not deterministic")
	}
}

func TestWriteAllWritesDocumentsAndProof(t *testing.T) {
	dir := t.TempDir()
	stale := filepath.Join(dir, "docs", "TESTS", "CHECKOUT-SMOKE.md")
	if err := os.MkdirAll(filepath.Dir(stale), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(stale, []byte("hand-written"), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := report.WriteAll(dir, suite("checkout", facts(), allPassed()...)); err != nil {
		t.Fatalf("WriteAll: %v", err)
	}
	var files []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			files = append(files, filepath.ToSlash(rel))
		}
		return nil
	})
	if strings.Join(files, " ") != "docs/TESTS/CHECKOUT-SMOKE.md docs/TESTS/CONTRACT-COVERAGE.md proof.json" {
		t.Errorf("files = %v, want the document, the contract coverage and proof.json only (no temporary files)", files)
	}
	body, _ := os.ReadFile(stale)
	if !strings.HasPrefix(string(body), "# Checkout flow smoke test\n") {
		t.Errorf("the document was not replaced: %.60q", body)
	}
}

func TestReadReports(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "report.json")
	raw, _ := json.Marshal([]types.Report{suite("checkout", facts(), allPassed()...)})
	if err := os.WriteFile(good, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	reports, err := report.ReadReports(good)
	if err != nil || len(reports) != 1 {
		t.Fatalf("ReadReports = %d reports, %v", len(reports), err)
	}
	run, err := report.RenderFiles(filepath.Join(dir, "out"), good)
	if err != nil || !run.OK() || len(run.ReportFiles) != 1 || run.ReportFiles[0] != "../report.json" {
		t.Fatalf("RenderFiles = %+v, %v; want the report named relative to the output directory", run, err)
	}
	mustContain(t, document(t, run, "docs/TESTS/CHECKOUT-SMOKE.md"), "Rendered by smokeproof from `../report.json`")
	// proof.json carries the report's SHA-256, so proof verify can tell a changed report.
	proof, err := os.ReadFile(filepath.Join(dir, "out", "proof.json"))
	if err != nil {
		t.Fatal(err)
	}
	sum, err := report.FileSHA256(good)
	if err != nil || len(sum) != 64 {
		t.Fatalf("FileSHA256 = %q, %v", sum, err)
	}
	mustContain(t, string(proof), `"report_digests": [
    {
      "path": "../report.json",
      "sha256": "`+sum+`"`)
	if _, err := report.FileSHA256(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("FileSHA256(missing file) did not fail")
	}

	bad := filepath.Join(dir, "junit.xml")
	_ = os.WriteFile(bad, []byte("<testsuites/>"), 0o644)
	if _, err := report.ReadReports(bad); err == nil || !strings.Contains(err.Error(), "is not a Ginkgo JSON report") {
		t.Errorf("ReadReports(junit.xml) err = %v", err)
	}
	if _, err := report.ReadReports(filepath.Join(dir, "missing.json")); err == nil {
		t.Error("ReadReports(missing file) did not fail")
	}
}

func TestKillMatrixFlagsSwitchesThatKillTooLittle(t *testing.T) {
	md := string(report.KillMatrix([]report.KillRow{
		{Fault: "skip-email", Killed: []string{"CHECKOUT-SMOKE.email"}, Expected: []string{"CHECKOUT-SMOKE.email"}},
	}))
	mustContain(t, md, "| Result | ✅ every switch turned red what it must — 1 switch |")
	mustContain(t, md, "| `skip-email` | ✅ | ✅ red | — |")

	md = string(report.KillMatrix([]report.KillRow{
		{Fault: "noop", Expected: nil},
		{Fault: "half", Killed: []string{"CHECKOUT-SMOKE.email"}, Expected: []string{"CHECKOUT-SMOKE.email", "CHECKOUT-SMOKE.flow"}},
	}))
	mustContain(t, md, "| Result | ❌ 2 of 2 switches flagged |")
	mustContain(t, md, "| `noop` | ❌ kills nothing | · | · | — |")
	mustContain(t, md, "| `half` | ❌ stays green on `CHECKOUT-SMOKE.flow` | ❌ green | ✅ red | — |")
}
