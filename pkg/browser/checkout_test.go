package browser_test

import (
	"bytes"
	"context"
	"database/sql"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"

	"github.com/smokeproof/smokeproof/fixtures/embeddb"
	"github.com/smokeproof/smokeproof/fixtures/shop"
	fixturesql "github.com/smokeproof/smokeproof/fixtures/sql"
	"github.com/smokeproof/smokeproof/pkg/browser"
)

// referenceShop serves the reference shop (fixtures/shop) over a fresh embedded
// database, migrated and seeded, with the given fault switches on.
func referenceShop(t testing.TB, faults string) (webBase string, db *sql.DB) {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	srv, err := embeddb.Start(ctx, embeddb.Options{})
	if err != nil {
		t.Fatalf("start the embedded database: %v", err)
	}
	t.Cleanup(func() { _ = srv.Close() })
	db, err = sql.Open("mysql", srv.DSN(""))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	fs, err := shop.ParseFaults(faults)
	if err != nil {
		t.Fatal(err)
	}
	if err := fixturesql.Migrate(ctx, db, fs.MigrateOptions()...); err != nil {
		t.Fatalf("migrate: %v", err)
	}
	if err := fixturesql.Seed(ctx, db); err != nil {
		t.Fatalf("seed: %v", err)
	}
	app, err := shop.New(shop.Config{DB: db, Mailer: shop.LogMailer{Path: filepath.Join(t.TempDir(), "laravel.log")}, Faults: fs})
	if err != nil {
		t.Fatal(err)
	}
	web := httptest.NewServer(app.Handler())
	t.Cleanup(web.Close)
	return web.URL, db
}

// tomatoes is the seed's first product: Organic Tomatoes, 3.50 €/kg, stock 100.
const tomatoes = 1

func flow(webBase string) browser.CheckoutFlow {
	return browser.CheckoutFlow{
		WebBase: webBase, Email: fixturesql.Consumer1.Email, Password: fixturesql.Consumer1.Password,
		ProductID: tomatoes, Quantity: 2, Shipping: "PICKUP", Notes: "ring twice",
	}
}

func stepsOf(shots []browser.Shot) string {
	var s []string
	for _, sh := range shots {
		if !bytes.HasPrefix(sh.PNG, []byte("\x89PNG\r\n\x1a\n")) {
			s = append(s, sh.Step+"(not a PNG)")
			continue
		}
		s = append(s, sh.Step)
	}
	return strings.Join(s, ", ")
}

func TestCheckout(t *testing.T) {
	needBrowser(t)
	webBase, db := referenceShop(t, "")
	b := startBrowser(t)
	f := flow(webBase)
	var announced []string
	f.OnStep = func(step string) { announced = append(announced, step) }
	res, err := b.Checkout(context.Background(), f)
	if err != nil {
		t.Fatalf("Checkout: %v", err)
	}
	if got := strings.Join(announced, ", "); got != stepsOf(res.Shots) {
		t.Errorf("OnStep announced %q, screenshots of %q", got, stepsOf(res.Shots))
	}
	if got, want := stepsOf(res.Shots), "sign in, product page, cart, checkout, confirmation"; got != want {
		t.Errorf("screenshots of %q, want %q", got, want)
	}
	if len(res.CartRows) != 1 || res.CartRows[0].ProductID != "1" || res.CartRows[0].Quantity != "2" || res.CartRows[0].Subtotal != "7.00" || res.CartTotal != "7.00" {
		t.Errorf("cart = %+v, total %q; want one row of 2 × product 1 at 7.00", res.CartRows, res.CartTotal)
	}
	// 7.00 + 10 % tax, picked up: 7.70.
	if res.OrderID == "" || res.OrderTotal != "7.70" || res.OrderStatus != "pending" || len(res.OrderItems) != 1 || res.OrderItems[0].ProductID != "1" {
		t.Errorf("confirmation = id %q, total %q, status %q, items %+v", res.OrderID, res.OrderTotal, res.OrderStatus, res.OrderItems)
	}
	if !strings.HasSuffix(res.ConfirmedURL, "/orders/"+res.OrderID) {
		t.Errorf("confirmed at %s, want /orders/%s", res.ConfirmedURL, res.OrderID)
	}
	var notes, shipping string
	if err := db.QueryRow("SELECT COALESCE(notes, ''), shipping_method FROM orders WHERE id = ?", res.OrderID).Scan(&notes, &shipping); err != nil {
		t.Fatalf("read order %s: %v", res.OrderID, err)
	}
	if notes != "ring twice" || shipping != "PICKUP" {
		t.Errorf("order row has notes %q, shipping %q; want the form's", notes, shipping)
	}
	var pages []string
	for _, p := range res.Pages {
		pages = append(pages, p.Method+" "+p.Path+" "+strconv.Itoa(p.Status))
		if p.Status == 200 && p.Bytes == 0 {
			t.Errorf("page %s %s: 0 bytes", p.Method, p.Path)
		}
	}
	want := "GET /auth/login 200, POST /auth/login 303, GET / 200, GET /products/1 200, POST /cart 303, GET /cart?added=1 200, GET /checkout 200, POST /checkout 303, GET /orders/" + res.OrderID + " 200"
	if got := strings.Join(pages, ", "); got != want {
		t.Errorf("pages:\n got %s\nwant %s", got, want)
	}
}

// TestCheckoutFails: each broken step fails with the step's name and what was missing,
// and the screenshots taken up to it are kept.
func TestCheckoutFails(t *testing.T) {
	needBrowser(t)
	b := startBrowser(t)
	ctx := context.Background()
	for _, tc := range []struct {
		name, faults string
		change       func(*browser.CheckoutFlow)
		want         []string
		shots        string
	}{
		{"add ignored", "web-cart-add-ignored", nil,
			[]string{`step "cart"`, "shows cart-empty after adding 2 of product 1", "no cart-row with data-product-id 1"}, "sign in, product page, cart"},
		{"checkout crashes", "checkout-500", nil,
			[]string{`step "confirmation"`, "submitting checkout-form answered 500"}, "sign in, product page, cart, checkout, confirmation"},
		{"wrong password", "", func(f *browser.CheckoutFlow) { f.Password = "not-the-password" },
			[]string{`step "sign in"`, "error-toast"}, ""},
		{"missing product", "", func(f *browser.CheckoutFlow) { f.ProductID = 999 },
			[]string{`step "product page"`, "/products/999 answered 404"}, "sign in"},
		{"no such shipping", "", func(f *browser.CheckoutFlow) { f.Shipping = "DRONE" },
			[]string{`step "checkout"`, "checkout-shipping", "has no option DRONE"}, "sign in, product page, cart"},
		{"bad quantity", "", func(f *browser.CheckoutFlow) { f.Quantity = 0 },
			[]string{"checkout flow: the quantity must be at least 1, not 0"}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			webBase, _ := referenceShop(t, tc.faults)
			f := flow(webBase)
			if tc.change != nil {
				tc.change(&f)
			}
			res, err := b.Checkout(ctx, f)
			if err == nil {
				t.Fatal("Checkout succeeded")
			}
			for _, w := range tc.want {
				if !strings.Contains(err.Error(), w) {
					t.Errorf("err = %v\nwant it to contain %q", err, w)
				}
			}
			if strings.Contains(err.Error(), fixturesql.Consumer1.Password) || strings.Contains(err.Error(), "not-the-password") {
				t.Errorf("err = %v shows the password", err)
			}
			if got := stepsOf(res.Shots); got != tc.shots {
				t.Errorf("screenshots of %q, want %q", got, tc.shots)
			}
		})
	}
}

// BenchmarkCheckoutFlow measures the browser checkout as the checkout suite runs it:
// start a browser, sign in, buy through the pages (five screenshots), close. Each
// iteration orders 2 of the seed's tomatoes (stock 100), so run at most 50 of them.
func BenchmarkCheckoutFlow(b *testing.B) {
	needBrowser(b)
	webBase, _ := referenceShop(b, "")
	ctx := context.Background()
	var start, flowT, closeT time.Duration
	n := 0
	for b.Loop() {
		n++
		t0 := time.Now()
		br, err := browser.Start(ctx, browser.Options{})
		if err != nil {
			b.Fatal(err)
		}
		start += time.Since(t0)
		t0 = time.Now()
		if _, err := br.Checkout(ctx, flow(webBase)); err != nil {
			b.Fatal(err)
		}
		flowT += time.Since(t0)
		t0 = time.Now()
		if err := br.Close(); err != nil {
			b.Fatal(err)
		}
		closeT += time.Since(t0)
	}
	b.ReportMetric(float64(start.Milliseconds())/float64(n), "start-ms/op")
	b.ReportMetric(float64(flowT.Milliseconds())/float64(n), "flow-ms/op")
	b.ReportMetric(float64(closeT.Milliseconds())/float64(n), "close-ms/op")
}
