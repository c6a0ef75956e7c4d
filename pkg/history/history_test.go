package history_test

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/internal/golden"
	"github.com/smokeproof/smokeproof/pkg/history"
)

// night is one synthetic run: its facts and each bullet's status, "ITEM.key" → status.
type night struct {
	day      int
	commit   string
	app      string
	target   string
	statuses map[string]string
}

// proofJSON writes a proof.json in the shape pkg/report writes it (the fields the
// history reads, plus some it does not).
func proofJSON(t testing.TB, n night) []byte {
	t.Helper()
	type bullet struct {
		ID     string `json:"id"`
		Text   string `json:"text"`
		Kind   string `json:"kind"`
		Status string `json:"status"`
		Reason string `json:"reason"`
		Specs  []any  `json:"specs"`
	}
	type item struct {
		ID      string   `json:"id"`
		Title   string   `json:"title"`
		Result  string   `json:"result"`
		Reason  string   `json:"reason"`
		Bullets []bullet `json:"bullets"`
	}
	texts := map[string]string{
		"CHECKOUT-SMOKE.api-201":      "API verification: POST /api/orders returns 201 or 200",
		"CHECKOUT-SMOKE.email":        "Email verification: Confirmation email sent (or logged)",
		"CHECKOUT-SMOKE.flow":         "Manual test: Add product → cart → checkout → order created",
		"CHECKOUT-SMOKE.db-order-row": "DB verification: Order row exists with correct <user_id> | total",
		"CHECKOUT-SMOKE.stakeholder":  "Stakeholder agreement on priority",
		"PRODUCTS-LIST.api":           "GET /api/v1/public/products answers 200",
	}
	order := []string{"CHECKOUT-SMOKE.api-201", "CHECKOUT-SMOKE.email", "CHECKOUT-SMOKE.flow", "CHECKOUT-SMOKE.db-order-row", "CHECKOUT-SMOKE.stakeholder", "PRODUCTS-LIST.api"}
	var items []item
	for _, id := range order {
		st, ok := n.statuses[id]
		if !ok {
			continue
		}
		itemID, _, _ := strings.Cut(id, ".")
		if len(items) == 0 || items[len(items)-1].ID != itemID {
			items = append(items, item{ID: itemID, Title: strings.ToLower(itemID) + " title", Result: "DONE"})
		}
		reason := ""
		switch st {
		case history.Failed:
			reason = "no message to the buyer within 10 s"
			items[len(items)-1].Result = "NOT DONE"
		case history.Broken:
			reason = "suite setup failed: the database did not answer"
		case history.NotRun:
			reason = "not run: left out by --label-filter"
		}
		items[len(items)-1].Bullets = append(items[len(items)-1].Bullets, bullet{ID: id, Text: texts[id], Kind: "checked", Status: st, Reason: reason, Specs: []any{}})
	}
	result := "DONE"
	for _, it := range items {
		if it.Result != "DONE" {
			result = it.Result
		}
	}
	started := time.Date(2026, 11, n.day, 3, 30, 0, 0, time.UTC)
	p := map[string]any{
		"schema_version": 1,
		"harness":        "smokeproof 0.1.0 (" + n.commit + ")",
		"harness_commit": n.commit,
		"target":         map[string]any{"name": n.target, "app": "smokeproof/shop:local"},
		"app_version":    n.app,
		"started":        started.Format(time.RFC3339Nano),
		"result":         result,
		"items":          items,
	}
	raw, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	return raw
}

// nights: api-201 always green; email red since the app moved to 1.5.0; flow flapping
// with nothing changed; db-order-row broken last night; products not run on the first
// night and not in the run of the 24th; a live run in between that the containers
// history leaves out.
func nights() []night {
	s := func(api, email, flow, row, products string) map[string]string {
		m := map[string]string{
			"CHECKOUT-SMOKE.api-201": api, "CHECKOUT-SMOKE.email": email, "CHECKOUT-SMOKE.flow": flow,
			"CHECKOUT-SMOKE.db-order-row": row, "CHECKOUT-SMOKE.stakeholder": history.Manual,
		}
		if products != "" {
			m["PRODUCTS-LIST.api"] = products
		}
		return m
	}
	const p, f, b, n = history.Passed, history.Failed, history.Broken, history.NotRun
	return []night{
		{21, "aaa1111", "1.4.0", "containers", s(p, p, p, p, n)},
		{22, "aaa1111", "1.4.0", "containers", s(p, p, f, p, p)},
		{23, "aaa1111", "1.5.0", "containers", s(p, f, p, p, p)},
		{23, "aaa1111", "", "live", s(f, f, f, f, "")},
		{24, "aaa1111", "1.5.0", "containers", s(p, f, f, p, "")},
		{25, "bbb2222", "1.5.0", "containers", s(p, f, p, b, p)},
	}
}

func folder(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	for _, n := range nights() {
		if _, err := history.Add(dir, proofJSON(t, n)); err != nil {
			t.Fatalf("Add: %v", err)
		}
	}
	return dir
}

func build(t *testing.T, dir string) *history.History {
	t.Helper()
	runs, err := history.Load(dir)
	if err != nil {
		t.Fatalf("Load: %v", err)
	}
	h, err := history.New(runs, 0)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return h
}

func TestHistoryMatchesTheGoldenFiles(t *testing.T) {
	h := build(t, folder(t))
	golden.Check(t, "HISTORY.md", h.Markdown())
	golden.Check(t, "strip-CHECKOUT-SMOKE.md", []byte(h.Strip("CHECKOUT-SMOKE")))
	golden.Check(t, "history.svg", h.SVG())
}

func TestHistoryFindsRedFlakyAndChangedBullets(t *testing.T) {
	h := build(t, folder(t))
	if len(h.Runs) != 5 || h.Others != 1 || h.Target != "containers" {
		t.Fatalf("history holds %d runs of %q and %d others; want 5 containers runs and the live one left out", len(h.Runs), h.Target, h.Others)
	}
	byID := map[string]history.BulletHistory{}
	for _, b := range h.Bullets() {
		byID[b.Bullet.ID] = b
	}
	if _, ok := byID["CHECKOUT-SMOKE.stakeholder"]; ok {
		t.Errorf("a manual bullet has a history")
	}
	email := byID["CHECKOUT-SMOKE.email"]
	if email.RedSince == nil || email.RedSince.Started.Day() != 23 || email.RedRuns != 3 {
		t.Errorf("email red since %+v for %d runs; want the 23rd, 3 runs", email.RedSince, email.RedRuns)
	}
	// Red since the app changed: one state change, not a flip.
	if email.Changes != 1 || email.Flips != 0 || email.Flaky() {
		t.Errorf("email: %d changes, %d flips; want 1 change when the app version changed and no flip", email.Changes, email.Flips)
	}
	flow := byID["CHECKOUT-SMOKE.flow"]
	// p f | p f | p: 22 with the same app and harness as 21 (flip), 23 the app changed,
	// 24 same as 23 (flip), 25 the harness changed.
	if flow.Changes != 4 || flow.Flips != 2 || flow.Comparable != 2 || !flow.Flaky() || flow.Stability() != 0 {
		t.Errorf("flow: %d changes, %d flips of %d comparable, stability %d; want 4, 2 of 2, 0", flow.Changes, flow.Flips, flow.Comparable, flow.Stability())
	}
	if flow.RedSince != nil {
		t.Errorf("flow passed last night but is red since %v", flow.RedSince.Started)
	}
	api := byID["CHECKOUT-SMOKE.api-201"]
	if api.Changes != 0 || api.Stability() != 100 {
		t.Errorf("api-201: %d changes, stability %d; want 0 and 100", api.Changes, api.Stability())
	}
	row := byID["CHECKOUT-SMOKE.db-order-row"]
	if row.RedSince == nil || row.RedSince.Started.Day() != 25 || row.RedRuns != 1 {
		t.Errorf("db-order-row red since %+v; want last night", row.RedSince)
	}

	var got []string
	for _, c := range h.Changes() {
		got = append(got, c.Kind+" "+c.Bullet.ID+" was "+c.Was)
	}
	want := []string{"fixed CHECKOUT-SMOKE.flow was failed", "newly broken CHECKOUT-SMOKE.db-order-row was passed"}
	if strings.Join(got, "; ") != strings.Join(want, "; ") {
		t.Errorf("changes since the previous run:\n got %q\nwant %q", got, want)
	}
}

func TestStripShowsEveryRunOfEachBullet(t *testing.T) {
	h := build(t, folder(t))
	strip := h.Strip("CHECKOUT-SMOKE")
	for _, want := range []string{
		"| Bullet | 11-21 aaa1111 | 11-22 aaa1111 | 11-23 aaa1111 | 11-24 aaa1111 | 11-25 bbb2222 | Red since | Stability |",
		"| Email verification: Confirmation email sent (or logged) | ✅ | ✅ | ❌ | ❌ | ❌ | 2026-11-23 03:30 UTC (aaa1111), 3 runs | 100% |",
		"| Manual test: Add product → cart → checkout → order created | ✅ | ❌ | ✅ | ❌ | ✅ | — | ⚠ flaky: 0% (2 of 2 comparable pairs flipped) |",
		`| DB verification: Order row exists with correct \<user_id> \| total | ✅ | ✅ | ✅ | ✅ | ⚠ |`,
	} {
		if !strings.Contains(strip, want) {
			t.Errorf("strip lacks %q:\n%s", want, strip)
		}
	}
	if strings.Contains(strip, "Stakeholder") || strings.Contains(strip, "&lt;") {
		t.Errorf("strip shows a manual bullet or an HTML entity:\n%s", strip)
	}
	if h.Strip("NO-SUCH-ITEM") != "" {
		t.Errorf("a strip for an item not in the run")
	}
	products := h.Strip("PRODUCTS-LIST")
	if !strings.Contains(products, "| GET /api/v1/public/products answers 200 | ⏸ | ✅ | ✅ | · | ✅ |") {
		t.Errorf("products strip:\n%s", products)
	}
}

func TestSVGIsAChartWithoutScript(t *testing.T) {
	svg := string(build(t, folder(t)).SVG())
	dec := xml.NewDecoder(strings.NewReader(svg))
	for {
		if _, err := dec.Token(); err == io.EOF {
			break
		} else if err != nil {
			t.Fatalf("the chart is not well-formed XML: %v", err)
		}
	}
	if strings.Contains(strings.ToLower(svg), "<script") || strings.Contains(svg, "javascript") {
		t.Errorf("the chart holds a script")
	}
	// CHECKOUT-SMOKE has 4 checked bullets: 3 of 4 passed on the 21st (flow failed on the
	// 22nd), so the 22nd is 75 %, amber.
	for _, want := range []string{`>75%</text>`, `>100%</text>`, `fill="#d4a72c"`, `>CHECKOUT-SMOKE</text>`, `>bbb2222</text>`} {
		if !strings.Contains(svg, want) {
			t.Errorf("chart lacks %s", want)
		}
	}
}

func TestAddTwiceKeepsOneFile(t *testing.T) {
	dir := t.TempDir()
	data := proofJSON(t, nights()[0])
	p1, err := history.Add(dir, data)
	if err != nil {
		t.Fatal(err)
	}
	p2, err := history.Add(dir, data)
	if err != nil || p1 != p2 || filepath.Base(p1) != "2026-11-21T033000Z-containers.json" {
		t.Fatalf("second Add = %q, %v; want the same file %q", p2, err, p1)
	}
	names, _ := filepath.Glob(filepath.Join(dir, "*"))
	if len(names) != 1 {
		t.Errorf("history folder holds %v", names)
	}
}

func TestLoadNamesAFileThatIsNotAProof(t *testing.T) {
	dir := folder(t)
	os.WriteFile(filepath.Join(dir, "notes.json"), []byte(`{"hello": 1}`), 0o644)
	_, err := history.Load(dir)
	if err == nil || !strings.Contains(err.Error(), "notes.json is not a smokeproof proof.json") {
		t.Errorf("Load = %v; want an error naming notes.json", err)
	}
	runs, err := history.Load(filepath.Join(dir, "nope"))
	if err != nil || len(runs) != 0 {
		t.Errorf("Load(missing folder) = %v, %v; want an empty history", runs, err)
	}
	if _, err := history.New(nil, 0); err == nil {
		t.Errorf("New(no runs) did not fail")
	}
}
