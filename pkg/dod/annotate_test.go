package dod_test

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

func TestMatchSeedPlanItems(t *testing.T) {
	p, _ := mustParse(t, "NEXT-7D.md")
	got := map[string]string{}
	for _, s := range p.Sections {
		for _, it := range s.Items {
			if reg, ok := dod.Match(it); ok {
				got[it.Title] = reg.ID
			}
		}
	}
	want := map[string]string{
		"Bootstrap OPS state management system": "OPS-STATE",
		"Producer permissions audit":            "PRODUCER-PERMISSIONS",
		"Checkout flow smoke test":              "CHECKOUT-SMOKE",
		"Products list verification":            "PRODUCTS-LIST",
		"Auth routes verification":              "AUTH-ROUTES",
		"Data dependency roadmap":               "DATA-DEPENDENCY-MAP",
	}
	if fmt.Sprint(got) != fmt.Sprint(want) {
		t.Errorf("matched %v\nwant    %v", got, want)
	}
	if _, ok := dod.Match(dod.PlanItem{Title: "  checkout FLOW smoke test "}); !ok {
		t.Error("title match is not case-insensitive and trimmed")
	}
	if _, ok := dod.Match(dod.PlanItem{Title: ""}); ok {
		t.Error("an empty title matched an item")
	}
}

func TestEveryCheckablePlanBulletMatchesItsRegistryBullet(t *testing.T) {
	p, _ := mustParse(t, "NEXT-7D.md")
	covered := map[string]string{} // bullet id → plan text
	var uncovered []string
	for _, s := range p.Sections {
		for _, it := range s.Items {
			reg, ok := dod.Match(it)
			if !ok {
				continue
			}
			for _, pb := range it.DoD {
				b, ok := dod.MatchBullet(reg, pb.Text)
				if !ok {
					uncovered = append(uncovered, reg.ID+": "+pb.Text)
					continue
				}
				if prev, dup := covered[b.ID()]; dup {
					t.Errorf("%s matched twice: %q and %q", b.ID(), prev, pb.Text)
				}
				covered[b.ID()] = pb.Text
			}
		}
	}
	for _, id := range []string{"CHECKOUT-SMOKE", "PRODUCER-PERMISSIONS", "DATA-DEPENDENCY-MAP", "OPS-STATE"} {
		it, _ := dod.LookupItem(id)
		for _, b := range it.Bullets {
			if _, ok := covered[b.ID()]; !ok {
				t.Errorf("registry bullet %s (%q) matches no plan bullet", b.ID(), b.Text)
			}
		}
	}
	// Every bullet of the plan's items is covered by a declared bullet now.
	if len(uncovered) > 0 {
		t.Errorf("plan bullets no declared bullet covers: %q", uncovered)
	}
}

func TestMatchBulletNormalises(t *testing.T) {
	checkout, _ := dod.LookupItem("CHECKOUT-SMOKE")
	for text, key := range map[string]string{
		"  EMAIL verification:   confirmation email sent (or logged). ": "email",
		"Manual test: Add product -> Cart -> Checkout -> Order created": "flow",
		"Manual test: Add product→Cart→Checkout→Order created":          "flow",
		"Document test: docs/TESTS/CHECKOUT-SMOKE.md":                   "document",
		"**No blocking bugs found**":                                    "no-blocking-bugs",
		"[x] API verification: POST /api/orders returns 201 or 200":     "api-201",
	} {
		b, ok := dod.MatchBullet(checkout, text)
		if !ok || b.Key != key {
			t.Errorf("MatchBullet(%q) = %s, %v; want %s", text, b.ID(), ok, key)
		}
	}
	for _, text := range []string{
		"Stakeholder agreement on priority",
		"Email verification: Confirmation email sent",
		"API verification: POST /api/orders returns 201",
		"",
	} {
		if b, ok := dod.MatchBullet(checkout, text); ok {
			t.Errorf("MatchBullet(%q) = %s, want no match", text, b.ID())
		}
	}
}

// seedResults is a run's outcome for some registry bullets.
var seedResults = map[string]dod.Result{
	"CHECKOUT-SMOKE.flow":         {Status: dod.StatusPassed, Link: "docs/TESTS/CHECKOUT-SMOKE.md#manual-test", When: "2026-11-26 07:00 UTC"},
	"CHECKOUT-SMOKE.email":        {Status: dod.StatusFailed, Reason: "no message to the buyer\nwithin 10 s", Link: "docs/TESTS/CHECKOUT-SMOKE.md#email-verification", When: "2026-11-26 07:00 UTC"},
	"CHECKOUT-SMOKE.db-order-row": {Status: dod.StatusNotRun, Reason: "no database on this target", When: "2026-11-26 07:00 UTC"},
	"PRODUCTS-LIST.products-list": {Status: dod.StatusPassed, Link: "docs/TESTS/PRODUCTS-LIST.md#products-list-verification", When: "2026-11-26 07:00 UTC"},
	"OPS-STATE.prod-facts-last":   {Status: dod.StatusPassed, Link: "docs/OPS/OPS-STATE.md#docsopsprod-facts-lastmd-created-and-populated", When: "2026-11-25 23:10 UTC"},
}

// annotateFile parses data and annotates it, failing the test on error.
func annotateFile(t *testing.T, data []byte, results map[string]dod.Result) []byte {
	t.Helper()
	p, err := dod.ParsePlan("NEXT-7D.md", data)
	if err != nil {
		t.Fatal(err)
	}
	out, err := dod.Annotate(data, p, results)
	if err != nil {
		t.Fatal(err)
	}
	return out
}

func TestAnnotateSeedPlan(t *testing.T) {
	_, data := mustParse(t, "NEXT-7D.md")
	out := annotateFile(t, data, seedResults)
	lines := strings.Split(string(out), "\n")
	orig := strings.Split(string(data), "\n")
	if len(lines) != len(orig) {
		t.Fatalf("annotated plan has %d lines, the plan %d", len(lines), len(orig))
	}
	const m = " <!-- smokeproof --> "
	want := map[string]string{ // original line → its annotation
		"  - Manual test: Add product → Cart → Checkout → Order created":                       "✅ [proof](docs/TESTS/CHECKOUT-SMOKE.md#manual-test) 2026-11-26",
		"  - Email verification: Confirmation email sent (or logged)":                          "❌ no message to the buyer within 10 s — [proof](docs/TESTS/CHECKOUT-SMOKE.md#email-verification) 2026-11-26",
		"  - Database verification: Order record exists":                                       "⏸ not run: no database on this target — 2026-11-26",
		"  - API verification: POST /api/orders returns 201 or 200":                            "⏸ not run: no result in this run",
		"  - No blocking bugs found":                                                           "⏸ not run: no result in this run",
		"  - Backend policy verification: ProductPolicy enforces producer_id ownership":        "⏸ not run: no result in this run",
		"  - `docs/OPS/PROD-FACTS-LAST.md` created and populated":                              "✅ [proof](docs/OPS/OPS-STATE.md#docsopsprod-facts-lastmd-created-and-populated) 2026-11-25",
		"  - `docs/OPS/STATE.md` created with CLOSED/STABLE/IN-PROGRESS/BLOCKED/NEXT sections": "⏸ not run: no result in this run",
		"  - All files committed and merged to main":                                           "⏸ not run: no result in this run",
		"- Products list verification (2025-12-19) - STABLE ✓":                                 "✅ [proof](docs/TESTS/PRODUCTS-LIST.md#products-list-verification) 2026-11-26",
		"- Auth routes verification (2025-12-19) - STABLE ✓":                                   "⏸ not run: no result in this run",
		"  - Create `docs/PRODUCT/DATA-DEPENDENCY-MAP.md`":                                     "⏸ not run: no result in this run",
		"  - Missing pieces: what needs to be built":                                           "⏸ not run: no result in this run",
		"  - Stakeholder agreement on priority":                                                "✍ manual",
	}
	annotated := 0
	for i, l := range lines {
		if !strings.Contains(l, "<!-- smokeproof -->") {
			if l != orig[i] {
				t.Errorf("line %d changed without an annotation: %q", i+1, l)
			}
			continue
		}
		annotated++
		if strings.Count(l, "<!-- smokeproof -->") != 1 {
			t.Errorf("line %d carries several annotations: %q", i+1, l)
		}
		if w, ok := want[orig[i]]; ok && l != orig[i]+m+w {
			t.Errorf("line %d\n got %q\nwant %q", i+1, l, orig[i]+m+w)
		}
	}
	for l := range want {
		if !strings.Contains(string(out), l+m) {
			t.Errorf("line %q is not annotated", l)
		}
	}
	// Checkout 6 + permissions 6 + data dependency map 6 + bootstrap 5 + products list
	// + auth routes.
	if annotated != 25 {
		t.Errorf("%d lines annotated, want 25", annotated)
	}
	for _, l := range []string{"- PROD monitoring workflows (MON1 + prod-smoke) (2025-12-19) - Active ✅", "- SSH/fail2ban hardening (2025-12-19) - CLOSED ✅", "### 4) Checkout flow smoke test"} {
		if !strings.Contains(string(out), l+"\n") {
			t.Errorf("line %q of an item the registry does not prove was annotated", l)
		}
	}
}

func TestAnnotateIsIdempotentAndReplaces(t *testing.T) {
	_, data := mustParse(t, "NEXT-7D.md")
	once := annotateFile(t, data, seedResults)
	if twice := annotateFile(t, once, seedResults); !bytes.Equal(twice, once) {
		t.Errorf("annotating twice changed the plan:\n%s", twice)
	}

	later := map[string]dod.Result{
		"CHECKOUT-SMOKE.email": {Status: dod.StatusPassed, Link: "docs/TESTS/CHECKOUT-SMOKE.md#email-verification", When: "2026-11-27 07:00 UTC"},
	}
	replaced := annotateFile(t, once, later)
	if fresh := annotateFile(t, data, later); !bytes.Equal(replaced, fresh) {
		t.Errorf("re-annotating an annotated plan differs from annotating the plan:\n%s\n---\n%s", replaced, fresh)
	}
	if strings.Contains(string(replaced), "no message to the buyer") || !strings.Contains(string(replaced), "(or logged) <!-- smokeproof --> ✅ [proof](docs/TESTS/CHECKOUT-SMOKE.md#email-verification) 2026-11-27\n") {
		t.Errorf("the old annotation was not replaced:\n%s", replaced)
	}
}

func TestStripRestoresEveryByte(t *testing.T) {
	_, seed := mustParse(t, "NEXT-7D.md")
	crlf := []byte(strings.ReplaceAll(string(seed), "\n", "\r\n"))
	trailing := []byte(strings.NewReplacer(
		"Order record exists\n", "Order record exists  \n",
		"(or logged)\n", "(or logged)\t \n",
		"- STABLE ✓\n", "- STABLE ✓ \n",
	).Replace(string(seed)))
	noFinalNewline := bytes.TrimRight(seed, "\n")
	wrapped := []byte(strings.Replace(string(seed), "  - Email verification: Confirmation email sent (or logged)\n",
		"  - Email verification: Confirmation email sent\r\n    (or logged)  \r\n", 1))
	for name, data := range map[string][]byte{
		"seed": seed, "crlf": crlf, "trailing spaces": trailing, "no final newline": noFinalNewline, "wrapped bullet": wrapped,
	} {
		t.Run(name, func(t *testing.T) {
			out := annotateFile(t, data, seedResults)
			if bytes.Equal(out, data) {
				t.Fatal("nothing was annotated")
			}
			if got := dod.Strip(out); !bytes.Equal(got, data) {
				t.Errorf("Strip(Annotate(plan)) differs from the plan:\n%q\n%q", got, data)
			}
			if got := dod.Strip(data); !bytes.Equal(got, data) {
				t.Errorf("Strip changed a plan without annotations")
			}
			if again := annotateFile(t, out, seedResults); !bytes.Equal(again, out) {
				t.Errorf("annotating twice is not byte-identical")
			}
		})
	}

	// The annotation of a wrapped bullet goes on its last line, before the CRLF.
	out := string(annotateFile(t, wrapped, seedResults))
	if !strings.Contains(out, "    (or logged)   <!-- smokeproof --> ❌ no message") || !strings.Contains(out, "2026-11-26\r\n") {
		t.Errorf("wrapped bullet annotated wrongly:\n%s", out)
	}
}

func TestAnnotateKeepsLongLinksWhole(t *testing.T) {
	// A link is never shortened like a reason: a cut link leads nowhere.
	link := "../out/docs/FEATURES/PRODUCER-PERMISSIONS.md#backend-policy-verification-productpolicy-enforces-producer_id-ownership"
	src := "## NEXT\n### 3) Producer permissions audit\n- **DoD**:\n  - Backend policy verification: ProductPolicy enforces producer_id ownership\n"
	out := annotateFile(t, []byte(src), map[string]dod.Result{
		"PRODUCER-PERMISSIONS.policy": {Status: dod.StatusPassed, Link: link + " <x>", When: "2026-11-26 07:00 UTC"},
	})
	want := "ownership <!-- smokeproof --> ✅ [proof](" + link + "%20%3Cx%3E) 2026-11-26\n"
	if !strings.HasSuffix(string(out), want) {
		t.Errorf("got\n%s\nwant it to end with\n%s", out, want)
	}
}

func TestAnnotateLeavesHeadingsAndCodeFencesAlone(t *testing.T) {
	// A heading keeps its anchor: a DONE item written as a heading is not annotated,
	// and neither is anything inside a code block.
	src := "## WIP\n**1) Checkout flow smoke test**\n- **DoD**:\n  - No blocking bugs found\n\n```\n  - No blocking bugs found <!-- smokeproof --> an example\n```\n" +
		"## DONE\n### Products list verification\n"
	out := annotateFile(t, []byte(src), nil)
	want := strings.Replace(src, "  - No blocking bugs found\n", "  - No blocking bugs found <!-- smokeproof --> ⏸ not run: no result in this run\n", 1)
	if string(out) != want {
		t.Errorf("got\n%s\nwant\n%s", out, want)
	}
	if got := string(dod.Strip(out)); got != src {
		t.Errorf("Strip touched the code block:\n%s", got)
	}
}

func TestAnnotateRefusesBadInput(t *testing.T) {
	_, data := mustParse(t, "NEXT-7D.md")
	p, err := dod.ParsePlan("NEXT-7D.md", data)
	if err != nil {
		t.Fatal(err)
	}
	edited := bytes.Replace(data, []byte("\n## NEXT"), []byte("\n\n## NEXT"), 1)
	for name, tc := range map[string]struct {
		data    []byte
		plan    *dod.Plan
		results map[string]dod.Result
		want    string
	}{
		"plan of other bytes": {edited, p, nil, "parsed from other bytes"},
		"no plan":             {data, nil, nil, "no plan given"},
		"unknown bullet":      {data, p, map[string]dod.Result{"CHECKOUT-SMOKE.emial": {Status: dod.StatusPassed}}, `"CHECKOUT-SMOKE.emial" names no registered bullet`},
		"unknown status":      {data, p, map[string]dod.Result{"CHECKOUT-SMOKE.email": {Status: "ok"}}, `has status "ok"`},
	} {
		t.Run(name, func(t *testing.T) {
			out, err := dod.Annotate(tc.data, tc.plan, tc.results)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Errorf("got %d bytes, %v; want an error containing %q", len(out), err, tc.want)
			}
		})
	}
}

func ExampleAnnotate() {
	plan := []byte(`## NEXT (ordered, max 3)

### 4) Checkout flow smoke test
- **DoD**:
  - API verification: POST /api/orders returns 201 or 200
  - Email verification: Confirmation email sent (or logged)
  - Stakeholder sign-off
`)
	p, err := dod.ParsePlan("docs/NEXT-7D.md", plan)
	if err != nil {
		fmt.Println(err)
		return
	}
	out, err := dod.Annotate(plan, p, map[string]dod.Result{
		"CHECKOUT-SMOKE.api-201": {Status: dod.StatusPassed, Link: "TESTS/CHECKOUT-SMOKE.md#api-verification", When: "2026-11-26 07:00 UTC"},
		"CHECKOUT-SMOKE.email":   {Status: dod.StatusFailed, Reason: "no message to the buyer within 10 s", Link: "TESTS/CHECKOUT-SMOKE.md#email-verification", When: "2026-11-26 07:00 UTC"},
	})
	if err != nil {
		fmt.Println(err)
		return
	}
	fmt.Print(string(out))
	fmt.Println(bytes.Equal(dod.Strip(out), plan))
	// Output:
	// ## NEXT (ordered, max 3)
	//
	// ### 4) Checkout flow smoke test
	// - **DoD**:
	//   - API verification: POST /api/orders returns 201 or 200 <!-- smokeproof --> ✅ [proof](TESTS/CHECKOUT-SMOKE.md#api-verification) 2026-11-26
	//   - Email verification: Confirmation email sent (or logged) <!-- smokeproof --> ❌ no message to the buyer within 10 s — [proof](TESTS/CHECKOUT-SMOKE.md#email-verification) 2026-11-26
	//   - Stakeholder sign-off <!-- smokeproof --> ✍ manual
	// true
}

// FuzzAnnotateStrip checks, for any plan without annotations, that Strip gives back
// the plan's bytes and that annotating is idempotent.
func FuzzAnnotateStrip(f *testing.F) {
	f.Add(string(readFile(f, "NEXT-7D.md")))
	f.Add(string(readFile(f, "STATE.md")))
	f.Add("## WIP\r\n**1) Checkout flow smoke test**\r\n- **DoD**:\r\n  - No blocking bugs found  \r\n    wrapped\r")
	f.Fuzz(func(t *testing.T, src string) {
		if strings.Contains(src, dod.AnnotationMarker) {
			t.Skip()
		}
		p, err := dod.ParsePlan("f.md", []byte(src))
		if err != nil {
			t.Skip()
		}
		out, err := dod.Annotate([]byte(src), p, seedResults)
		if err != nil {
			t.Fatal(err)
		}
		if got := dod.Strip(out); string(got) != src {
			t.Fatalf("Strip(Annotate(x)) != x\n%q\n%q", got, src)
		}
		p2, err := dod.ParsePlan("f.md", out)
		if err != nil {
			t.Fatalf("annotated plan does not parse: %v", err)
		}
		again, err := dod.Annotate(out, p2, seedResults)
		if err != nil || !bytes.Equal(again, out) {
			t.Fatalf("annotating twice: %v\n%q\n%q", err, again, out)
		}
	})
}

func readFile(f *testing.F, name string) []byte {
	data, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		f.Fatal(err)
	}
	return data
}
