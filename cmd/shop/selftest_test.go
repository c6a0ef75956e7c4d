package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/fixtures/embeddb"
	"github.com/smokeproof/smokeproof/fixtures/shop"
)

func TestRoutesJSONIsLaravelRouteList(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"routes", "--json"}, envOf(nil), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	var got []map[string]any
	if err := json.Unmarshal(out.Bytes(), &got); err != nil {
		t.Fatalf("not JSON: %v\n%s", err, out.String())
	}
	want := shop.LaravelRoutes()
	if len(got) != len(want) || len(got) == 0 {
		t.Fatalf("%d routes printed, want %d", len(got), len(want))
	}
	seen := map[string]bool{}
	for i, r := range got {
		for _, k := range []string{"domain", "method", "uri", "name", "action", "middleware"} {
			if _, ok := r[k]; !ok {
				t.Errorf("route %d has no %q: %v", i, k, r)
			}
		}
		if r["method"] != want[i].Method || r["uri"] != want[i].URI {
			t.Errorf("route %d is %v %v, want %s %s", i, r["method"], r["uri"], want[i].Method, want[i].URI)
		}
		seen[r["method"].(string)+" "+r["uri"].(string)] = true
	}
	for _, must := range []string{"GET|HEAD api/v1/cart/items", "POST api/v1/orders/checkout", "GET|HEAD api/v1/orders/{id}", "GET|HEAD cart", "POST checkout", "GET|HEAD orders/{id}", "GET|HEAD /"} {
		if !seen[must] {
			t.Errorf("%s is not listed", must)
		}
	}
	for _, r := range got {
		if r["uri"] == "api/v1/cart/items" && !reflect.DeepEqual(r["middleware"], []any{"api", "auth:sanctum"}) {
			t.Errorf("cart middleware %v", r["middleware"])
		}
		if r["uri"] == "orders/{id}" && !reflect.DeepEqual(r["middleware"], []any{"web", "auth"}) {
			t.Errorf("order page middleware %v", r["middleware"])
		}
	}
	out.Reset()
	if code := run(context.Background(), []string{"routes"}, envOf(nil), &out, &errb); code != 0 || !strings.Contains(out.String(), "api/v1/orders/{id}") {
		t.Errorf("shop routes: exit %d\n%s", code, out.String())
	}
}

type junitDoc struct {
	Tests    int `xml:"tests,attr"`
	Failures int `xml:"failures,attr"`
	Suites   []struct {
		Cases []struct {
			Name    string `xml:"name,attr"`
			Failure *struct {
				Message string `xml:"message,attr"`
			} `xml:"failure"`
		} `xml:"testcase"`
	} `xml:"testsuite"`
}

func readJUnit(t *testing.T, b []byte) junitDoc {
	t.Helper()
	var d junitDoc
	if err := xml.Unmarshal(b, &d); err != nil {
		t.Fatalf("not JUnit XML: %v\n%s", err, b)
	}
	if len(d.Suites) != 1 || len(d.Suites[0].Cases) != d.Tests || d.Tests < 10 {
		t.Fatalf("JUnit with %d tests in %d suites: %s", d.Tests, len(d.Suites), b)
	}
	return d
}

// selftestEnv returns SHOP_* settings naming a database on an embedded server of
// the test's own, plus extra.
func selftestEnv(t *testing.T, extra map[string]string) map[string]string {
	t.Helper()
	srv, err := embeddb.Start(context.Background(), embeddb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	env := map[string]string{"SHOP_DB_DSN": srv.DSN(""), "SHOP_DB_WAIT": "5"}
	for k, v := range extra {
		env[k] = v
	}
	return env
}

func TestSelftestPassesAndWritesJUnit(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"selftest", "--junit", "-"}, envOf(selftestEnv(t, nil)), &out, &errb); code != 0 {
		t.Fatalf("exit %d\nstdout %s\nstderr %s", code, out.String(), errb.String())
	}
	if d := readJUnit(t, out.Bytes()); d.Failures != 0 {
		t.Errorf("%d failures on a clean shop", d.Failures)
	}
	if !strings.Contains(errb.String(), "0 failed") {
		t.Errorf("summary: %s", errb.String())
	}
}

// TestSelftestCatchesFaults: a shop with a defect fails its own test command.
func TestSelftestCatchesFaults(t *testing.T) {
	for fault, check := range map[shop.Fault]string{
		shop.FaultOrderReadNoOwnerCheck: "another consumer can neither read nor list the order",
		shop.FaultDirectOrderSkipsEmail: "POST /api/v1/orders holds the same bullets as checkout",
		shop.FaultWebCheckoutNoOrder:    "the browser checkout: add-to-cart form, cart, checkout, confirmation",
	} {
		t.Run(string(fault), func(t *testing.T) {
			file := filepath.Join(t.TempDir(), "junit.xml")
			var out, errb bytes.Buffer
			code := run(context.Background(), []string{"selftest", "--junit", file}, envOf(selftestEnv(t, map[string]string{"SHOP_FAULTS": string(fault)})), &out, &errb)
			if code != 1 || !strings.Contains(errb.String(), "self-test checks failed") {
				t.Errorf("exit %d, stderr %q; want 1 and the count of failed checks", code, errb.String())
			}
			b, err := os.ReadFile(file)
			if err != nil {
				t.Fatal(err)
			}
			failed := map[string]bool{}
			for _, c := range readJUnit(t, b).Suites[0].Cases {
				if c.Failure != nil {
					failed[c.Name] = true
				}
			}
			if !failed[check] {
				t.Errorf("%q did not fail; failed: %v", check, failed)
			}
		})
	}
}

// TestSelftestUsesAScratchDatabase runs against SHOP_DB_DSN's server and leaves
// the configured database untouched.
func TestSelftestUsesAScratchDatabase(t *testing.T) {
	ctx := context.Background()
	srv, err := embeddb.Start(ctx, embeddb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	admin, err := sql.Open("mysql", srv.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	defer admin.Close()
	if _, err := admin.Exec("CREATE DATABASE IF NOT EXISTS marketplace"); err != nil {
		t.Fatal(err)
	}
	var out, errb bytes.Buffer
	if code := run(ctx, []string{"selftest"}, envOf(map[string]string{"SHOP_DB_DSN": srv.DSN("marketplace"), "SHOP_DB_WAIT": "5"}), &out, &errb); code != 0 {
		t.Fatalf("exit %d\n%s\n%s", code, out.String(), errb.String())
	}
	if !strings.Contains(out.String(), "scratch database shop_selftest_") {
		t.Errorf("summary does not name the scratch database: %s", out.String())
	}
	rows, err := admin.Query("SHOW DATABASES")
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	for rows.Next() {
		var name string
		if err := rows.Scan(&name); err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(name, "shop_selftest_") {
			t.Errorf("scratch database %s was left behind", name)
		}
	}
	var tables int
	if err := admin.QueryRow("SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = 'marketplace'").Scan(&tables); err != nil || tables != 0 {
		t.Errorf("the configured database got %d tables (%v), want it untouched", tables, err)
	}
}

// BenchmarkSelftest measures one whole `shop selftest` (scratch database,
// migrate, seed, every check, drop) against an embedded server: the cost of the
// app test command per kill-matrix pass.
func BenchmarkSelftest(b *testing.B) {
	srv, err := embeddb.Start(context.Background(), embeddb.Options{})
	if err != nil {
		b.Fatal(err)
	}
	defer srv.Close()
	env := envOf(map[string]string{"SHOP_DB_DSN": srv.DSN(""), "SHOP_DB_WAIT": "5"})
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{"selftest"}, env, &out, &errb); code != 0 {
			b.Fatalf("exit %d: %s%s", code, out.String(), errb.String())
		}
	}
}
