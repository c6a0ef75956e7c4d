package main

import (
	"bytes"
	"context"
	"database/sql"
	"encoding/json"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/smokeproof/smokeproof/fixtures/shop"
	fixturesql "github.com/smokeproof/smokeproof/fixtures/sql"
)

// selftest is `shop selftest [--junit FILE|-]`: the shop's own contract checks,
// run in-process (no network) against a fresh, migrated and seeded scratch
// database on SHOP_DB_DSN's server with the SHOP_FAULTS switches on, as
// `php artisan test` would be run in the app's container. It returns an error
// when a check fails.
func selftest(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	junit := ""
	for i := 0; i < len(args); i++ {
		switch a := args[i]; {
		case a == "--junit" || a == "-junit":
			if i+1 >= len(args) {
				return usageError{"--junit needs a file name, or - for standard output."}
			}
			junit = args[i+1]
			i++
		case strings.HasPrefix(a, "--junit="):
			junit = strings.TrimPrefix(a, "--junit=")
		default:
			return usageError{fmt.Sprintf("shop selftest takes only --junit FILE|- (got %q).", a)}
		}
	}
	if strings.HasPrefix(junit, "--") {
		return usageError{fmt.Sprintf("--junit needs a file name, or - for standard output (got %q).", junit)}
	}
	faults, err := shop.ParseFaults(getenv("SHOP_FAULTS"))
	if err != nil {
		return usageError{"SHOP_FAULTS has an " + err.Error()}
	}
	db, where, cleanup, err := scratchDatabase(ctx, getenv)
	if err != nil {
		return err
	}
	defer cleanup()
	if err := fixturesql.Migrate(ctx, db, faults.MigrateOptions()...); err != nil {
		return fmt.Errorf("migrate the self-test database: %w", err)
	}
	if err := fixturesql.Seed(ctx, db); err != nil {
		return fmt.Errorf("seed the self-test database: %w", err)
	}
	box := &memMailbox{}
	s, err := shop.New(shop.Config{DB: db, Mailer: box, Faults: faults, Version: buildVersion(), Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		return err
	}
	st := &selfTester{ctx: ctx, h: s.Handler(), db: db, mail: box, faults: faults, tokens: map[string]string{}}
	start := time.Now()
	results := st.run()
	elapsed := time.Since(start)

	summary := stdout
	if junit == "-" {
		summary = stderr
	}
	failed := 0
	for _, r := range results {
		mark := "ok  "
		if r.err != nil {
			mark = "FAIL"
			failed++
		}
		fmt.Fprintf(summary, "%s %s (%s)\n", mark, r.name, r.took.Round(time.Millisecond))
		if r.err != nil {
			fmt.Fprintf(summary, "     %v\n", r.err)
		}
	}
	fmt.Fprintf(summary, "shop selftest: %d checks, %d failed, against %s, faults %q\n", len(results), failed, where, faults.String())
	if junit != "" {
		if err := writeJUnit(junit, stdout, results, elapsed); err != nil {
			return err
		}
	}
	if failed > 0 {
		return fmt.Errorf("%d of %d self-test checks failed", failed, len(results))
	}
	return nil
}

// scratchDatabase creates a fresh empty database beside SHOP_DB_DSN's, on the
// same server, and returns it with the cleanup that drops it. (An in-memory
// database would pull go-mysql-server into the FROM-scratch image, 10 MB → 63 MB;
// point SHOP_DB_DSN at fixtures/embeddb for a run without MariaDB.)
func scratchDatabase(ctx context.Context, getenv func(string) string) (db *sql.DB, where string, cleanup func(), err error) {
	name := "shop_selftest_" + strconv.FormatInt(time.Now().UnixNano(), 36)
	cfg, err := loadConfig(getenv)
	if err != nil {
		return nil, "", nil, err
	}
	admin, err := openDB(ctx, cfg)
	if err != nil {
		return nil, "", nil, err
	}
	if _, err := admin.ExecContext(ctx, "CREATE DATABASE `"+name+"` CHARACTER SET utf8mb4 COLLATE utf8mb4_unicode_ci"); err != nil {
		_ = admin.Close()
		return nil, "", nil, fmt.Errorf("create the scratch database %s on %s (the SHOP_DB_DSN user needs CREATE and DROP): %w", name, cfg.dsn.Addr, err)
	}
	scratch := cfg.dsn.Clone()
	scratch.DBName = name
	connector, err := mysql.NewConnector(scratch)
	if err != nil {
		_ = admin.Close()
		return nil, "", nil, fmt.Errorf("connect to the scratch database: %w", err)
	}
	db = sql.OpenDB(connector)
	cleanup = func() {
		_ = db.Close()
		dctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
		defer cancel()
		_, _ = admin.ExecContext(dctx, "DROP DATABASE IF EXISTS `"+name+"`")
		_ = admin.Close()
	}
	return db, "scratch database " + name + " on " + cfg.dsn.Addr, cleanup, nil
}

// memMailbox captures the confirmations the shop sends.
type memMailbox struct {
	mu   sync.Mutex
	msgs []shop.Message
}

func (m *memMailbox) Send(_ context.Context, msg shop.Message) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.msgs = append(m.msgs, msg)
	return nil
}

// forOrder returns how many messages carry X-Order-Id id, and their recipients.
func (m *memMailbox) forOrder(id int64) (int, []string) {
	m.mu.Lock()
	defer m.mu.Unlock()
	var to []string
	for _, msg := range m.msgs {
		if msg.Headers["X-Order-Id"] == strconv.FormatInt(id, 10) {
			to = append(to, msg.To)
		}
	}
	return len(to), to
}

// checkResult is one self-test check's outcome.
type checkResult struct {
	name string
	took time.Duration
	err  error
}

// selfTester drives the shop's handler in-process.
type selfTester struct {
	ctx    context.Context
	h      http.Handler
	db     *sql.DB
	mail   *memMailbox
	faults shop.Faults
	tokens map[string]string
}

// reply is a decoded JSON answer.
type reply struct {
	status int
	body   map[string]any
}

func (r reply) str(k string) string {
	v, _ := r.body[k].(string)
	return v
}

func (r reply) num(k string) int64 {
	n, _ := r.body[k].(json.Number)
	v, _ := n.Int64()
	return v
}

func (st *selfTester) call(method, path, token string, body any) reply {
	var rdr io.Reader
	if body != nil {
		b, _ := json.Marshal(body)
		rdr = bytes.NewReader(b)
	}
	req := httptest.NewRequest(method, path, rdr).WithContext(st.ctx)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("Content-Type", "application/json")
	if token != "" {
		req.Header.Set("Authorization", "Bearer "+token)
	}
	rec := httptest.NewRecorder()
	st.h.ServeHTTP(rec, req)
	out := reply{status: rec.Code, body: map[string]any{}}
	dec := json.NewDecoder(rec.Body)
	dec.UseNumber()
	_ = dec.Decode(&out.body)
	return out
}

// login returns a bearer token of a seeded account.
func (st *selfTester) login(a fixturesql.Account) (string, error) {
	if t, ok := st.tokens[a.Email]; ok {
		return t, nil
	}
	r := st.call("POST", "/api/v1/auth/login", "", map[string]any{"email": a.Email, "password": a.Password})
	if r.status != 200 || r.str("token") == "" {
		return "", fmt.Errorf("login of %s answered %d", a.Email, r.status)
	}
	st.tokens[a.Email] = r.str("token")
	return r.str("token"), nil
}

func (st *selfTester) one(query string, args ...any) (int64, error) {
	var n int64
	if err := st.db.QueryRowContext(st.ctx, query, args...).Scan(&n); err != nil {
		return 0, fmt.Errorf("%s: %w", query, err)
	}
	return n, nil
}

func (st *selfTester) productID(slug string) (int64, error) {
	return st.one("SELECT id FROM products WHERE slug = ?", slug)
}

// status fails unless r has the status.
func status(r reply, want int, what string) error {
	if r.status != want {
		return fmt.Errorf("%s answered %d, want %d", what, r.status, want)
	}
	return nil
}

// run runs every check in order; later checks build on the orders of earlier ones.
func (st *selfTester) run() []checkResult {
	var out []checkResult
	var firstOrder int64
	checks := []struct {
		name string
		fn   func() error
	}{
		{"health answers ok with the database up", func() error {
			r := st.call("GET", "/api/health", "", nil)
			if r.status != 200 || r.str("status") != "ok" || r.str("database") != "connected" {
				return fmt.Errorf("health answered %d %v", r.status, r.body)
			}
			return nil
		}},
		{"every auth:sanctum route answers 401 without a token", func() error {
			var bad []string
			for _, rt := range shop.Routes() {
				if strings.Join(rt.Middleware, ",") != "api,auth:sanctum" {
					continue
				}
				p := strings.ReplaceAll(rt.Path, "{id}", "1")
				if r := st.call(rt.Method, p, "", nil); r.status != 401 {
					bad = append(bad, fmt.Sprintf("%s %s → %d", rt.Method, p, r.status))
				}
			}
			if len(bad) > 0 {
				return fmt.Errorf("not 401: %s", strings.Join(bad, "; "))
			}
			return nil
		}},
		{"the public list shows only active products, whatever the query", func() error {
			for _, q := range []string{"", "&status=all", "&include_inactive=1", "&status=inactive"} {
				r := st.call("GET", "/api/v1/public/products?per_page=100"+q, "", nil)
				data, _ := r.body["data"].([]any)
				if r.status != 200 || (q == "" && len(data) == 0) {
					return fmt.Errorf("public list%s answered %d with %d items", q, r.status, len(data))
				}
				for _, it := range data {
					if m, _ := it.(map[string]any); m["is_active"] != true {
						return fmt.Errorf("public list%s shows inactive product %v", q, m["slug"])
					}
				}
			}
			return nil
		}},
		{"an inactive product's public detail is 404", func() error {
			id, err := st.productID("heirloom-carrots")
			if err != nil {
				return err
			}
			return status(st.call("GET", "/api/v1/public/products/"+strconv.FormatInt(id, 10), "", nil), 404, "the inactive product's detail")
		}},
		{"registering as admin is refused and the user JSON has no password", func() error {
			r := st.call("POST", "/api/v1/auth/register", "", map[string]any{"name": "Mallory", "email": "mallory@selftest.example", "password": "mallory-pass-1", "password_confirmation": "mallory-pass-1", "role": "admin"})
			if err := status(r, 422, "register as admin"); err != nil {
				return err
			}
			tok, err := st.login(fixturesql.Consumer1)
			if err != nil {
				return err
			}
			p := st.call("GET", "/api/v1/auth/profile", tok, nil)
			if u, _ := p.body["user"].(map[string]any); p.status != 200 || u == nil || u["password"] != nil {
				return fmt.Errorf("profile answered %d with user %v", p.status, u)
			}
			return nil
		}},
		{"checkout writes the order, decrements stock, empties the cart and mails once", func() error {
			tok, err := st.login(fixturesql.Consumer1)
			if err != nil {
				return err
			}
			basil, err := st.productID("fresh-basil")
			if err != nil {
				return err
			}
			before, err := st.one("SELECT stock FROM products WHERE id = ?", basil)
			if err != nil {
				return err
			}
			if err := status(st.call("POST", "/api/v1/cart/items", tok, map[string]any{"product_id": basil, "quantity": 2}), 201, "add to cart"); err != nil {
				return err
			}
			r := st.call("POST", "/api/v1/orders/checkout", tok, nil)
			if err := status(r, 201, "checkout"); err != nil {
				return err
			}
			o, _ := r.body["order"].(map[string]any)
			n, _ := o["id"].(json.Number)
			id, _ := n.Int64()
			return st.orderHolds(id, basil, 2, before, fixturesql.Consumer1.Email, func() error {
				if left, err := st.one("SELECT COUNT(*) FROM cart_items WHERE user_id = (SELECT id FROM users WHERE email = ?)", fixturesql.Consumer1.Email); err != nil || left != 0 {
					return fmt.Errorf("%d cart rows left after checkout (%v)", left, err)
				}
				firstOrder = id
				return nil
			})
		}},
		{"POST /api/v1/orders holds the same bullets as checkout", func() error {
			tok, err := st.login(fixturesql.Consumer1)
			if err != nil {
				return err
			}
			tomatoes, err := st.productID("organic-tomatoes")
			if err != nil {
				return err
			}
			before, err := st.one("SELECT stock FROM products WHERE id = ?", tomatoes)
			if err != nil {
				return err
			}
			r := st.call("POST", "/api/v1/orders", tok, map[string]any{"items": []any{map[string]any{"product_id": tomatoes, "quantity": 3}}})
			if err := status(r, 201, "direct order"); err != nil {
				return err
			}
			return st.orderHolds(r.num("id"), tomatoes, 3, before, fixturesql.Consumer1.Email, nil)
		}},
		{"another consumer can neither read nor list the order", func() error {
			if firstOrder == 0 {
				return errors.New("no order from the checkout check to look at")
			}
			tok, err := st.login(fixturesql.Consumer2)
			if err != nil {
				return err
			}
			if err := status(st.call("GET", "/api/v1/orders/"+strconv.FormatInt(firstOrder, 10), tok, nil), 404, "consumer 2 reads consumer 1's order"); err != nil {
				return err
			}
			r := st.call("GET", "/api/v1/orders", tok, nil)
			if list, _ := r.body["orders"].([]any); r.status != 200 || len(list) != 0 {
				return fmt.Errorf("consumer 2's order list answered %d with %d orders, want 200 and none", r.status, len(list))
			}
			return nil
		}},
		{"another consumer's cart item can neither be changed nor removed", func() error {
			c1, err := st.login(fixturesql.Consumer1)
			if err != nil {
				return err
			}
			c2, err := st.login(fixturesql.Consumer2)
			if err != nil {
				return err
			}
			milk, err := st.productID("raw-milk")
			if err != nil {
				return err
			}
			r := st.call("POST", "/api/v1/cart/items", c1, map[string]any{"product_id": milk, "quantity": 1})
			item, _ := r.body["cart_item"].(map[string]any)
			n, _ := item["id"].(json.Number)
			path := "/api/v1/cart/items/" + n.String()
			if err := status(st.call("PATCH", path, c2, map[string]any{"quantity": 2}), 404, "consumer 2 changes it"); err != nil {
				return err
			}
			if err := status(st.call("DELETE", path, c2, nil), 404, "consumer 2 removes it"); err != nil {
				return err
			}
			if q, err := st.one("SELECT quantity FROM cart_items WHERE id = ?", n.String()); err != nil || q != 1 {
				return fmt.Errorf("the item's quantity is %d (%v), want 1", q, err)
			}
			return nil
		}},
		{"the cart refuses more than the stock", func() error {
			tok, err := st.login(fixturesql.Consumer2)
			if err != nil {
				return err
			}
			low, err := st.productID(fixturesql.LowStockProduct)
			if err != nil {
				return err
			}
			return status(st.call("POST", "/api/v1/cart/items", tok, map[string]any{"product_id": low, "quantity": 50}), 422, "adding 50 of a low-stock product")
		}},
		{"a producer may not order", func() error {
			tok, err := st.login(fixturesql.ProducerA)
			if err != nil {
				return err
			}
			milk, err := st.productID("raw-milk")
			if err != nil {
				return err
			}
			return status(st.call("POST", "/api/v1/orders", tok, map[string]any{"items": []any{map[string]any{"product_id": milk, "quantity": 1}}}), 403, "a producer's order")
		}},
		{"ProductPolicy: another producer's product is neither changed nor deleted", func() error {
			tok, err := st.login(fixturesql.ProducerA)
			if err != nil {
				return err
			}
			cheese, err := st.productID("aged-cheese")
			if err != nil {
				return err
			}
			p := "/api/v1/products/" + strconv.FormatInt(cheese, 10)
			if err := status(st.call("PATCH", p, tok, map[string]any{"name": "Stolen"}), 403, "A updates B's product"); err != nil {
				return err
			}
			if err := status(st.call("DELETE", p, tok, nil), 403, "A deletes B's product"); err != nil {
				return err
			}
			if n, err := st.one("SELECT COUNT(*) FROM products WHERE id = ? AND name = 'Aged Cheese'", cheese); err != nil || n != 1 {
				return fmt.Errorf("producer B's product changed or gone (%v)", err)
			}
			own := "/api/v1/products/" + strconv.FormatInt(mustID(st.productID("organic-tomatoes")), 10)
			if err := status(st.call("PATCH", own, tok, map[string]any{"producer_id": mustID(st.one("SELECT id FROM producers WHERE slug = 'hill-top-dairy'"))}), 200, "A patches its own product"); err != nil {
				return err
			}
			if n, err := st.one("SELECT COUNT(*) FROM products p JOIN producers pr ON pr.id = p.producer_id WHERE p.slug = 'organic-tomatoes' AND pr.slug = 'green-valley-farm'"); err != nil || n != 1 {
				return fmt.Errorf("a producer re-assigned its product to another producer (%v)", err)
			}
			return nil
		}},
		{"a product with order lines is not deleted (409) and keeps its lines", func() error {
			tok, err := st.login(fixturesql.ProducerA)
			if err != nil {
				return err
			}
			basil, err := st.productID("fresh-basil")
			if err != nil {
				return err
			}
			if err := status(st.call("DELETE", "/api/v1/products/"+strconv.FormatInt(basil, 10), tok, nil), 409, "deleting an ordered product"); err != nil {
				return err
			}
			if n, err := st.one("SELECT COUNT(*) FROM order_items WHERE product_id = ?", basil); err != nil || n == 0 {
				return fmt.Errorf("the product's order lines are gone (%v)", err)
			}
			return nil
		}},
		{"a producer without profile gets 403 Producer profile not found", func() error {
			tok, err := st.login(fixturesql.ProducerNoProfile)
			if err != nil {
				return err
			}
			r := st.call("POST", "/api/v1/products", tok, map[string]any{"name": "Orphan", "price": "1.00"})
			if r.status != 403 || r.str("message") != "Producer profile not found" {
				return fmt.Errorf("create without profile answered %d %q", r.status, r.str("message"))
			}
			return status(st.call("GET", "/api/v1/producer/products", tok, nil), 403, "the dashboard API without profile")
		}},
		{"order totals: 10 % tax, shipping by method", func() error {
			tok, err := st.login(fixturesql.Consumer2)
			if err != nil {
				return err
			}
			cheese, err := st.productID("aged-cheese")
			if err != nil {
				return err
			}
			r := st.call("POST", "/api/v1/orders", tok, map[string]any{"items": []any{map[string]any{"product_id": cheese, "quantity": 1}}, "shipping_method": "COURIER"})
			got := r.str("subtotal") + " " + r.str("tax_amount") + " " + r.str("shipping_amount") + " " + r.str("total_amount")
			if r.status != 201 || got != "12.00 1.20 5.00 18.20" {
				return fmt.Errorf("order answered %d with totals %q, want 201 and 12.00 1.20 5.00 18.20", r.status, got)
			}
			return nil
		}},
		{"sign-in: a wrong password is refused and logout revokes the token", func() error {
			if err := status(st.call("POST", "/api/v1/auth/login", "", map[string]any{"email": fixturesql.Consumer2.Email, "password": "not-the-password"}), 401, "login with a wrong password"); err != nil {
				return err
			}
			r := st.call("POST", "/api/v1/auth/login", "", map[string]any{"email": fixturesql.Consumer2.Email, "password": fixturesql.Consumer2.Password})
			tok := r.str("token")
			if err := status(st.call("POST", "/api/v1/auth/logout", tok, nil), 200, "logout"); err != nil {
				return err
			}
			return status(st.call("GET", "/api/v1/auth/profile", tok, nil), 401, "the profile with the logged-out token")
		}},
		{"product policy: a consumer may not create, an admin may edit, the dashboard shows only own products", func() error {
			c, err := st.login(fixturesql.Consumer1)
			if err != nil {
				return err
			}
			if err := status(st.call("POST", "/api/v1/products", c, map[string]any{"name": "Consumer Jam", "price": "2.00"}), 403, "a consumer's create"); err != nil {
				return err
			}
			admin, err := st.login(fixturesql.Admin)
			if err != nil {
				return err
			}
			milk := mustID(st.productID("raw-milk"))
			if err := status(st.call("PATCH", "/api/v1/products/"+strconv.FormatInt(milk, 10), admin, map[string]any{"description": "checked by the admin"}), 200, "an admin's update"); err != nil {
				return err
			}
			a, err := st.login(fixturesql.ProducerA)
			if err != nil {
				return err
			}
			r := st.call("GET", "/api/v1/producer/products?per_page=100", a, nil)
			data, _ := r.body["data"].([]any)
			if r.status != 200 || len(data) == 0 {
				return fmt.Errorf("producer A's dashboard answered %d with %d products", r.status, len(data))
			}
			for _, it := range data {
				if m, _ := it.(map[string]any); fmt.Sprint(m["producer_id"]) != fmt.Sprint(mustID(st.one("SELECT id FROM producers WHERE slug = 'green-valley-farm'"))) {
					return fmt.Errorf("producer A's dashboard lists %v of producer %v", m["slug"], m["producer_id"])
				}
			}
			return nil
		}},
		{"the schema keeps products.producer_id → producers", func() error {
			n, err := st.one(`SELECT COUNT(*) FROM information_schema.KEY_COLUMN_USAGE
WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'products' AND COLUMN_NAME = 'producer_id' AND REFERENCED_TABLE_NAME = 'producers'`)
			if err != nil || n != 1 {
				return fmt.Errorf("%d foreign keys from products.producer_id to producers (%v), want 1", n, err)
			}
			return nil
		}},
		{"the browser checkout: add-to-cart form, cart, checkout, confirmation", st.webCheckout},
		{"concurrent checkouts never oversell", st.noOversell},
		{"the producer dashboard page lists only the producer's own products", func() error {
			cookie, err := st.webLogin(fixturesql.ProducerA)
			if err != nil {
				return err
			}
			code, _, body := st.page("GET", "/producer/dashboard", cookie, nil)
			if code != 200 || !strings.Contains(body, `data-testid="product-row"`) {
				return fmt.Errorf("the dashboard answered %d without product rows", code)
			}
			milk := mustID(st.productID("raw-milk"))
			if strings.Contains(body, `data-testid="product-row" data-product-id="`+strconv.FormatInt(milk, 10)+`"`) {
				return errors.New("producer A's dashboard lists producer B's Raw Milk")
			}
			return nil
		}},
		{"health answers 503 when the database cannot be reached", func() error {
			dead, err := sql.Open("mysql", "selftest@tcp(127.0.0.1:1)/none?timeout=1s")
			if err != nil {
				return err
			}
			defer dead.Close()
			s, err := shop.New(shop.Config{DB: dead, Mailer: &memMailbox{}, Faults: st.faults, Logger: slog.New(slog.DiscardHandler)})
			if err != nil {
				return err
			}
			rec := httptest.NewRecorder()
			s.Handler().ServeHTTP(rec, httptest.NewRequest("GET", "/api/health", nil).WithContext(st.ctx))
			if rec.Code != 503 {
				return fmt.Errorf("health with an unreachable database answered %d, want 503", rec.Code)
			}
			return nil
		}},
		{"public pages do not overlap", func() error {
			seen := map[string]bool{}
			for pg := 1; pg <= 3; pg++ {
				r := st.call("GET", "/api/v1/public/products?sort=name&per_page=2&page="+strconv.Itoa(pg), "", nil)
				data, _ := r.body["data"].([]any)
				if r.status != 200 || (pg == 1 && len(data) != 2) {
					return fmt.Errorf("page %d answered %d with %d items", pg, r.status, len(data))
				}
				for _, it := range data {
					id := fmt.Sprint(it.(map[string]any)["id"])
					if seen[id] {
						return fmt.Errorf("product %s appears on two pages", id)
					}
					seen[id] = true
				}
			}
			return nil
		}},
	}
	for _, c := range checks {
		start := time.Now()
		err := func() (err error) {
			defer func() {
				if v := recover(); v != nil {
					err = fmt.Errorf("panic: %v", v)
				}
			}()
			return c.fn()
		}()
		out = append(out, checkResult{name: c.name, took: time.Since(start), err: err})
	}
	return out
}

// mustID panics on a failed id lookup; run turns the panic into a failure.
func mustID(id int64, err error) int64 {
	if err != nil {
		panic(err)
	}
	return id
}

// orderHolds checks the bullets every order path must meet: the order row and
// its line, stock decremented by qty, exactly one confirmation to the buyer.
func (st *selfTester) orderHolds(id, product, qty, stockBefore int64, buyer string, more func() error) error {
	if id < 1 {
		return errors.New("the answer carries no order id")
	}
	if n, err := st.one("SELECT COUNT(*) FROM orders o JOIN users u ON u.id = o.user_id WHERE o.id = ? AND u.email = ?", id, buyer); err != nil || n != 1 {
		return fmt.Errorf("order %d is not in the database for %s (%v)", id, buyer, err)
	}
	if n, err := st.one("SELECT COUNT(*) FROM order_items WHERE order_id = ? AND product_id = ? AND quantity = ?", id, product, qty); err != nil || n != 1 {
		return fmt.Errorf("order %d has no line of %d × product %d (%v)", id, qty, product, err)
	}
	if after, err := st.one("SELECT stock FROM products WHERE id = ?", product); err != nil || after != stockBefore-qty {
		return fmt.Errorf("stock went from %d to %d, want %d (%v)", stockBefore, after, stockBefore-qty, err)
	}
	if n, to := st.mail.forOrder(id); n != 1 || to[0] != buyer {
		return fmt.Errorf("%d confirmation e-mails for order %d (to %v), want exactly one to %s", n, id, to, buyer)
	}
	if more != nil {
		return more()
	}
	return nil
}

// JUnit XML, as Surefire and go-junit-report write it.
type junitSuites struct {
	XMLName  xml.Name     `xml:"testsuites"`
	Tests    int          `xml:"tests,attr"`
	Failures int          `xml:"failures,attr"`
	Time     string       `xml:"time,attr"`
	Suites   []junitSuite `xml:"testsuite"`
}

type junitSuite struct {
	Name      string      `xml:"name,attr"`
	Tests     int         `xml:"tests,attr"`
	Failures  int         `xml:"failures,attr"`
	Time      string      `xml:"time,attr"`
	Timestamp string      `xml:"timestamp,attr"`
	Cases     []junitCase `xml:"testcase"`
}

type junitCase struct {
	Classname string        `xml:"classname,attr"`
	Name      string        `xml:"name,attr"`
	Time      string        `xml:"time,attr"`
	Failure   *junitFailure `xml:"failure,omitempty"`
}

type junitFailure struct {
	Message string `xml:"message,attr"`
	Type    string `xml:"type,attr"`
	Text    string `xml:",chardata"`
}

func secs(d time.Duration) string { return strconv.FormatFloat(d.Seconds(), 'f', 3, 64) }

// writeJUnit writes the results as JUnit XML to path, or to stdout for "-".
func writeJUnit(path string, stdout io.Writer, results []checkResult, elapsed time.Duration) error {
	suite := junitSuite{Name: "shop selftest", Tests: len(results), Time: secs(elapsed), Timestamp: time.Now().UTC().Format("2006-01-02T15:04:05")}
	for _, r := range results {
		c := junitCase{Classname: "shop.selftest", Name: r.name, Time: secs(r.took)}
		if r.err != nil {
			suite.Failures++
			c.Failure = &junitFailure{Message: r.err.Error(), Type: "contract", Text: r.err.Error()}
		}
		suite.Cases = append(suite.Cases, c)
	}
	doc := junitSuites{Tests: suite.Tests, Failures: suite.Failures, Time: suite.Time, Suites: []junitSuite{suite}}
	b, err := xml.MarshalIndent(doc, "", "  ")
	if err != nil {
		return fmt.Errorf("encode JUnit XML: %w", err)
	}
	b = append([]byte(xml.Header), append(b, '\n')...)
	if path == "-" {
		_, err = stdout.Write(b)
	} else {
		err = os.WriteFile(path, b, 0o644)
	}
	if err != nil {
		return fmt.Errorf("write JUnit XML to %s: %w", path, err)
	}
	return nil
}

// page sends a web request with the session cookie and returns the status, the
// Location header and the body.
func (st *selfTester) page(method, path, cookie string, form url.Values) (int, string, string) {
	var rdr io.Reader
	if form != nil {
		rdr = strings.NewReader(form.Encode())
	}
	req := httptest.NewRequest(method, path, rdr).WithContext(st.ctx)
	if form != nil {
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	}
	if cookie != "" {
		req.Header.Set("Cookie", cookie)
	}
	rec := httptest.NewRecorder()
	st.h.ServeHTTP(rec, req)
	return rec.Code, rec.Header().Get("Location"), rec.Body.String()
}

// webLogin signs a in through the login form and returns the session cookie.
func (st *selfTester) webLogin(a fixturesql.Account) (string, error) {
	req := httptest.NewRequest("POST", "/auth/login", strings.NewReader(url.Values{"email": {a.Email}, "password": {a.Password}}.Encode())).WithContext(st.ctx)
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	rec := httptest.NewRecorder()
	st.h.ServeHTTP(rec, req)
	for _, c := range rec.Result().Cookies() {
		if c.Value != "" {
			return c.Name + "=" + c.Value, nil
		}
	}
	return "", fmt.Errorf("the login form answered %d without a session cookie", rec.Code)
}

// webCheckout signs in through the login form and buys through the pages.
func (st *selfTester) webCheckout() error {
	cookie, err := st.webLogin(fixturesql.Consumer2)
	if err != nil {
		return err
	}
	milk, err := st.productID("raw-milk")
	if err != nil {
		return err
	}
	if code, _, body := st.page("GET", "/products/"+strconv.FormatInt(milk, 10), cookie, nil); code != 200 || !strings.Contains(body, `data-testid="add-to-cart-form"`) {
		return fmt.Errorf("the product page answered %d without the add-to-cart form", code)
	}
	if code, loc, _ := st.page("POST", "/cart", cookie, url.Values{"product_id": {strconv.FormatInt(milk, 10)}, "quantity": {"2"}}); code != 303 || !strings.HasPrefix(loc, "/cart") {
		return fmt.Errorf("the add-to-cart form answered %d to %q, want 303 to /cart", code, loc)
	}
	if code, _, body := st.page("GET", "/cart", cookie, nil); code != 200 || !strings.Contains(body, `data-testid="cart-row" data-product-id="`+strconv.FormatInt(milk, 10)+`"`) {
		return fmt.Errorf("the cart page answered %d without the product's cart-row", code)
	}
	before := mustID(st.one("SELECT stock FROM products WHERE id = ?", milk))
	code, loc, _ := st.page("POST", "/checkout", cookie, url.Values{"shipping_method": {"HOME"}})
	if code != 303 || !strings.HasPrefix(loc, "/orders/") {
		return fmt.Errorf("the checkout form answered %d to %q, want 303 to /orders/{id}", code, loc)
	}
	id, _ := strconv.ParseInt(strings.TrimPrefix(loc, "/orders/"), 10, 64)
	code, _, body := st.page("GET", loc, cookie, nil)
	if code != 200 || !strings.Contains(body, `data-testid="order-id">`+strconv.FormatInt(id, 10)+`<`) {
		return fmt.Errorf("the confirmation page answered %d without order-id %d", code, id)
	}
	return st.orderHolds(id, milk, 2, before, fixturesql.Consumer2.Email, nil)
}

// noOversell has more buyers than stock check out at once.
func (st *selfTester) noOversell() error {
	const buyers, stock = 6, 2
	a, err := st.login(fixturesql.ProducerA)
	if err != nil {
		return err
	}
	r := st.call("POST", "/api/v1/products", a, map[string]any{"name": "Selftest Morels", "price": "9.00", "stock": stock})
	data, _ := r.body["data"].(map[string]any)
	n, _ := data["id"].(json.Number)
	product, _ := n.Int64()
	if r.status != 201 || product < 1 {
		return fmt.Errorf("creating the product answered %d", r.status)
	}
	tokens := make([]string, buyers)
	for i := range tokens {
		pw := "buyer-pass-" + strconv.Itoa(i) + "000"
		reg := st.call("POST", "/api/v1/auth/register", "", map[string]any{"name": "Buyer " + strconv.Itoa(i), "email": "buyer" + strconv.Itoa(i) + "@selftest.example", "password": pw, "password_confirmation": pw, "role": "consumer"})
		tokens[i] = reg.str("token")
		if err := status(st.call("POST", "/api/v1/cart/items", tokens[i], map[string]any{"product_id": product, "quantity": 1}), 201, "buyer "+strconv.Itoa(i)+" adds to cart"); err != nil {
			return err
		}
	}
	var wg sync.WaitGroup
	start := make(chan struct{})
	for _, tok := range tokens {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			st.call("POST", "/api/v1/orders/checkout", tok, nil)
		}()
	}
	close(start)
	wg.Wait()
	sold, err := st.one("SELECT COALESCE(SUM(quantity), 0) FROM order_items WHERE product_id = ?", product)
	if err != nil {
		return err
	}
	left, err := st.one("SELECT stock FROM products WHERE id = ?", product)
	if err != nil {
		return err
	}
	if sold != stock || left != 0 {
		return fmt.Errorf("%d sold of a stock of %d, %d left; want %d sold and 0 left", sold, stock, left, stock)
	}
	return nil
}
