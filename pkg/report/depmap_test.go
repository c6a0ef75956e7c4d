package report_test

import (
	"strings"
	"testing"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/internal/golden"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/report"
)

const depmapDoc = "docs/PRODUCT/DATA-DEPENDENCY-MAP.md"

// at fixes a spec's location, so documents do not depend on the order tests run in.
func at(file string, line int) specOpt {
	return func(sp *types.SpecReport) {
		sp.LeafNodeLocation = types.CodeLocation{FileName: "/home/ci/src/smokeproof/" + file, LineNumber: line}
	}
}

func rows(title string, cols []string, values ...[]string) evidence.Record {
	return evidence.Record{Kind: evidence.KindRows, Title: title, Rows: &evidence.Rows{Query: "SELECT … FROM information_schema…", Columns: cols, Values: values}}
}

var fkColumns = []string{"TABLE_NAME", "COLUMN_NAME", "REFERENCED_TABLE_NAME", "REFERENCED_COLUMN_NAME", "DELETE_RULE"}

// shopFKs are the reference shop's foreign keys, as dbcheck.ForeignKeys reads them.
func shopFKs(except ...string) evidence.Record {
	all := [][]string{
		{"cart_items", "product_id", "products", "id", "CASCADE"},
		{"cart_items", "user_id", "users", "id", "CASCADE"},
		{"notifications", "user_id", "users", "id", "CASCADE"},
		{"order_items", "order_id", "orders", "id", "CASCADE"},
		{"order_items", "producer_id", "producers", "id", "NO ACTION"},
		{"order_items", "product_id", "products", "id", "RESTRICT"},
		{"order_notifications", "order_id", "orders", "id", "CASCADE"},
		{"orders", "user_id", "users", "id", "NO ACTION"},
		{"producers", "user_id", "users", "id", "CASCADE"},
		{"products", "producer_id", "producers", "id", "NO ACTION"},
	}
	var keep [][]string
	for _, v := range all {
		if !contains(except, v[0]+"."+v[1]) {
			keep = append(keep, v)
		}
	}
	return rows("foreign keys", fkColumns, keep...)
}

func contains(list []string, s string) bool {
	for _, l := range list {
		if l == s {
			return true
		}
	}
	return false
}

// depmapSuite is the depmap suite's report: both specs passed (unless the chain spec is
// given another state) with what they read from information_schema.
func depmapSuite(f *evidence.RunFacts, chainState types.SpecState, fks evidence.Record) types.Report {
	const dm = "dod:DATA-DEPENDENCY-MAP"
	var chainOpts []specOpt
	if chainState == failed {
		chainOpts = append(chainOpts, failedWith("the chain Products → Producers → Users/roles is broken in the schema"))
	}
	chainOpts = append(chainOpts, at("suites/depmap/depmap_test.go", 30), withSteps("reading the foreign keys from information_schema", "checking every link of the chain"),
		withEvidence(fks, rows("role column of users", []string{"COLUMN_NAME", "COLUMN_TYPE"}, []string{"role", "enum('admin','producer','consumer')"})))
	return suite("depmap", f,
		spec("Data dependency map finds the chain products → producers → users", chainState, labels(dm, dm+".chain", "db"), chainOpts...),
		spec("Data dependency map reads every table and foreign key", passed, labels(dm, dm+".current-state", "db"),
			at("suites/depmap/depmap_test.go", 46),
			withEvidence(
				rows("schema tables", []string{"TABLE_NAME"}, []string{"cart_items"}, []string{"notifications"}, []string{"order_items"}, []string{"order_notifications"}, []string{"orders"},
					[]string{"personal_access_tokens"}, []string{"producers"}, []string{"products"}, []string{"users"}),
				rows("schema key columns", []string{"TABLE_NAME", "COLUMN_NAME", "DATA_TYPE", "COLUMN_KEY"},
					[]string{"cart_items", "id", "bigint", "PRI"}, []string{"cart_items", "user_id", "bigint", "MUL"}, []string{"cart_items", "product_id", "bigint", "MUL"},
					[]string{"notifications", "id", "bigint", "PRI"}, []string{"notifications", "user_id", "bigint", "MUL"},
					[]string{"order_items", "id", "bigint", "PRI"}, []string{"order_items", "order_id", "bigint", "MUL"}, []string{"order_items", "product_id", "bigint", "MUL"}, []string{"order_items", "producer_id", "bigint", "MUL"},
					[]string{"order_notifications", "id", "bigint", "PRI"}, []string{"order_notifications", "order_id", "bigint", "MUL"},
					[]string{"orders", "id", "bigint", "PRI"}, []string{"orders", "user_id", "bigint", "MUL"}, []string{"orders", "status", "enum", "MUL"},
					[]string{"personal_access_tokens", "id", "bigint", "PRI"}, []string{"personal_access_tokens", "token", "char", "UNI"},
					[]string{"producers", "id", "bigint", "PRI"}, []string{"producers", "user_id", "bigint", "MUL"}, []string{"producers", "slug", "varchar", "UNI"},
					[]string{"products", "id", "bigint", "PRI"}, []string{"products", "producer_id", "bigint", "MUL"}, []string{"products", "slug", "varchar", "UNI"},
					[]string{"users", "id", "bigint", "PRI"}, []string{"users", "email", "varchar", "UNI"}),
				fks,
			)),
	)
}

// permissionsSuite is a permissions run: policy and authorization passed, the dashboard
// failed, the admin override left out because writes were not allowed.
func permissionsSuite(f *evidence.RunFacts) types.Report {
	const pp = "dod:PRODUCER-PERMISSIONS"
	return suite("permissions", f,
		spec("ProductPolicy lets a producer update only its own products", passed, labels(pp, pp+".policy"), at("suites/permissions/matrix_test.go", 70)),
		spec("refuses consumers and anonymous callers", passed, labels(pp, pp+".authz-coverage"), at("suites/permissions/matrix_test.go", 80)),
		spec("lists exactly the producer's own products in the dashboard API", failed, labels(pp, pp+".dashboard"), at("suites/permissions/ownership_test.go", 68),
			failedWith("the dashboard of producer A lists product 7 of producer B")),
		spec("lets the admin edit and delete products of two producers", skipped, labels(pp, pp+".admin-override", "writes"), at("suites/permissions/ownership_test.go", 40)),
	)
}

func writesExcluded() *evidence.RunFacts {
	return facts(evidence.Exclusion{Label: "writes", Reason: "writes not allowed on this target"})
}

func TestGoldenDataDependencyMap(t *testing.T) {
	f := writesExcluded()
	run := mustBuild(t, depmapSuite(f, passed, shopFKs()), permissionsSuite(f))
	run.ReportFiles = []string{"reports/depmap.json", "reports/permissions.json"}
	doc := document(t, run, depmapDoc)
	golden.Check(t, "DATA-DEPENDENCY-MAP.md", []byte(doc))

	// What the golden file must say, checked independently of it (-update accepts
	// whatever the renderer writes).
	links := run.Links()
	policy := "../../" + links["PRODUCER-PERMISSIONS.policy"]
	for _, want := range []string{
		"| ✅ | Document: Products → Producers → Permissions → Dashboard → Admin | 1 spec |",
		"| ✍ | Stakeholder agreement on priority | manual | for people to confirm |",
		// The chain, each link with what holds it and the bullets of this run.
		`n0["Products"] -->|"✅ products.producer_id → producers.id"| n1["Producers"]`,
		`n3["Permissions"] -->|"❌ own products only"| n4["Dashboard"]`,
		`n4["Dashboard"] -->|"⏸ admin override"| n5["Admin"]`,
		"| 1 | ✅ Products → Producers | every product belongs to one producer | ✅ foreign key `products.producer_id → producers.id` (on delete NO ACTION) | ✅ [`PRODUCER-PERMISSIONS.policy`](" + policy + ") 1 spec<br>⏸ `PRODUCTS-LIST.products-list` — not in this run: its suite (`suites/catalog`) did not run |",
		"| 2 | ❌ Producers → Users / roles |",
		"| ✅ foreign key `producers.user_id → users.id` (on delete CASCADE) |",
		"❌ [`PRODUCER-PERMISSIONS.dashboard`](../../docs/FEATURES/PRODUCER-PERMISSIONS.md#frontend-verification-dashboard-only-shows-producers-own-products) 1 spec — the dashboard of producer A lists product 7 of producer B",
		"⏸ [`PRODUCER-PERMISSIONS.admin-override`](../../docs/FEATURES/PRODUCER-PERMISSIONS.md#admin-override-verification-admin-can-edit-any-product) 1 spec — not run on this target: writes not allowed on this target",
		// The schema read from information_schema.
		"9 tables and 10 foreign keys, read from `information_schema`",
		"  producers ||--o{ products : \"producer_id\"\n",
		"  users ||--o{ producers : \"user_id\"\n",
		"  products {\n    bigint id PK\n    bigint producer_id FK\n    varchar slug UK\n  }\n",
		"  personal_access_tokens {\n    bigint id PK\n    char token UK\n  }\n",
		"| ⏸ | `notifications.user_id → users.id` | CASCADE | — no spec of the harness exercises it |",
		"| ⏸ | `order_items.order_id → orders.id` | CASCADE | ⏸ `CHECKOUT-SMOKE.db-order-row` — not in this run: its suite (`suites/checkout`) did not run |",
		// The candidates for missing pieces, and what is left to people.
		"- ❌ chain link **Producers → Users / roles** — a spec that exercises it failed\n",
		"- ⏸ chain link **Dashboard → Admin** — no spec exercised it in this run\n",
		"- ⏸ `notifications.user_id → users.id` — no spec of the harness exercises it\n",
		"- · table `personal_access_tokens` — no foreign key joins it to the other tables\n",
		"- ✍ Stakeholder agreement on priority — decided by people; never shown as passed\n",
	} {
		mustContain(t, doc, want)
	}
	for _, not := range []string{"chain link **Products → Producers**", "`products.producer_id → producers.id` — no spec", "`orders.status"} {
		if strings.Contains(doc, not) {
			t.Errorf("document holds %q", not)
		}
	}
	// The links to the permissions document reach headings it has.
	perm := document(t, run, "docs/FEATURES/PRODUCER-PERMISSIONS.md")
	for _, id := range []string{"PRODUCER-PERMISSIONS.policy", "PRODUCER-PERMISSIONS.dashboard"} {
		_, anchor, _ := strings.Cut(links[id], "#")
		if !hasAnchor(perm, anchor) {
			t.Errorf("link %s: the permissions document has no heading with anchor %q", links[id], anchor)
		}
	}
}

func TestDataDependencyMapShowsAChainLinkMissingFromTheSchema(t *testing.T) {
	run := mustBuild(t, depmapSuite(facts(), failed, shopFKs("products.producer_id")))
	doc := document(t, run, depmapDoc)
	mustContain(t, doc, "| 1 | ❌ Products → Producers | every product belongs to one producer | ❌ no foreign key `products.producer_id → producers.id` in the schema |")
	mustContain(t, doc, `n0["Products"] -->|"❌ products.producer_id → producers.id"| n1["Producers"]`)
	mustContain(t, doc, "- ❌ chain link **Products → Producers** — its foreign key is missing from the schema\n")
	mustContain(t, doc, "9 tables and 9 foreign keys")
	if strings.Contains(doc, "producers ||--o{ products") {
		t.Error("the diagram shows a foreign key the schema does not have")
	}
	if it := item(t, run, "DATA-DEPENDENCY-MAP"); it.Result != report.NotDone {
		t.Errorf("result = %s, want NOT DONE", it.Result)
	}
}

func TestDataDependencyMapWithoutTheSchema(t *testing.T) {
	const dm = "dod:DATA-DEPENDENCY-MAP"
	f := facts(evidence.Exclusion{Label: "db", Reason: "no database access on this target (set SMOKE_DB_DSN, opened read-only)"})
	run := mustBuild(t, suite("depmap", f,
		spec("finds the chain", skipped, labels(dm, dm+".chain", "db"), at("suites/depmap/depmap_test.go", 30)),
		spec("reads every table", skipped, labels(dm, dm+".current-state", "db"), at("suites/depmap/depmap_test.go", 46)),
	))
	doc := document(t, run, depmapDoc)
	mustContain(t, doc, "⏸ The schema was not read in this run: not run on this target: no database access on this target (set SMOKE_DB_DSN, opened read-only), so the tables and foreign keys cannot be shown.")
	mustContain(t, doc, "| ⏸ foreign key `products.producer_id → producers.id`, not read in this run: not run on this target")
	mustContain(t, doc, "| ⏸ | Create `docs/PRODUCT/DATA-DEPENDENCY-MAP.md` | this document |")
	if strings.Contains(doc, "erDiagram") {
		t.Error("an ER diagram without a schema read")
	}
}

func TestLinksPointAtTheBulletSections(t *testing.T) {
	run := mustBuild(t, suite("checkout", facts(), allPassed()...), depmapSuite(facts(), passed, shopFKs()))
	links := run.Links()
	want := map[string]string{
		"CHECKOUT-SMOKE.email":                      "docs/TESTS/CHECKOUT-SMOKE.md#email-verification-confirmation-email-sent-or-logged",
		"CHECKOUT-SMOKE.flow":                       "docs/TESTS/CHECKOUT-SMOKE.md#manual-test-add-product--cart--checkout--order-created",
		"CHECKOUT-SMOKE.document":                   "docs/TESTS/CHECKOUT-SMOKE.md#definition-of-done",
		"CHECKOUT-SMOKE.no-blocking-bugs":           "docs/TESTS/CHECKOUT-SMOKE.md#definition-of-done",
		"DATA-DEPENDENCY-MAP.chain":                 depmapDoc + "#document-products--producers--permissions--dashboard--admin",
		"DATA-DEPENDENCY-MAP.stakeholder-agreement": depmapDoc + "#definition-of-done",
	}
	for id, w := range want {
		if links[id] != w {
			t.Errorf("Links()[%s] = %q, want %q", id, links[id], w)
		}
	}
	if _, ok := links["PRODUCER-PERMISSIONS.policy"]; ok {
		t.Error("a link for a bullet whose item is not in the run")
	}
	docs, err := run.Documents()
	if err != nil {
		t.Fatal(err)
	}
	for id, link := range links {
		path, anchor, _ := strings.Cut(link, "#")
		found := false
		for _, d := range docs {
			if d.Path == path {
				found = hasAnchor(string(d.Body), anchor)
			}
		}
		if !found {
			t.Errorf("Links()[%s] = %q: no such heading in the rendered documents", id, link)
		}
	}
}

// hasAnchor reports whether a document has a heading GitHub gives the anchor.
func hasAnchor(doc, anchor string) bool {
	seen := map[string]int{}
	for _, m := range headingRE.FindAllStringSubmatch(doc, -1) {
		s := githubSlug(m[1])
		if n, dup := seen[s]; dup {
			seen[s] = n + 1
			s = s + "-" + string(rune('0'+n+1))
		} else {
			seen[s] = 0
		}
		if s == anchor {
			return true
		}
	}
	return false
}
