package contract

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Route is one route of the contract: an API endpoint or a server-rendered page.
type Route struct {
	ID     string // stable id, e.g. "orders.show"
	Method string // GET, POST, PATCH, DELETE
	Path   string // template with the API prefix, e.g. "/api/v1/orders/{id}"
	Web    bool   // a server-rendered page (session cookie), not the JSON API
	Who    string // who may call it and whose rows it touches, in words
	// Owned is the user-owned table ("orders", "cart_items", "products") whose one row,
	// named by the path's {id}, the route acts on; "" when it acts on no such row. Such a
	// route must be tried by a non-owner.
	Owned  string
	Expect map[Caller]Expect // the status each caller gets, as the contract states it
	Source string            // where the route is stated
}

// Expect is the status a caller gets on a route.
type Expect struct {
	// Status lists the statuses that prove the cell: seeing one of them is what the
	// cell is about (usually one; a redirect may be any of 302, 303, 307).
	Status []int
	// Also lists the other statuses the contract allows this caller (422 for a bad
	// body, 404 for a missing record, 409, 429), which exercise the cell without
	// proving it.
	Also []int
	// Optional marks a cell no spec has to try: the contract allows it, but it adds
	// nothing to the proof (another signed-in class on a route open to all).
	Optional bool
}

// Allows reports whether the contract allows status in this cell.
func (e Expect) Allows(status int) bool {
	return slices.Contains(e.Status, status) || slices.Contains(e.Also, status)
}

// Proves reports whether status is one that proves the cell.
func (e Expect) Proves(status int) bool { return slices.Contains(e.Status, status) }

// String returns the expectation as the document shows it: "404", "302|303|307",
// "201, 422 allowed".
func (e Expect) String() string {
	s := joinInts(e.Status, "|")
	if len(e.Also) > 0 {
		s += ", " + joinInts(e.Also, "/") + " allowed"
	}
	return s
}

func joinInts(v []int, sep string) string {
	parts := make([]string, len(v))
	for i, n := range v {
		parts[i] = strconv.Itoa(n)
	}
	return strings.Join(parts, sep)
}

// Where routes are stated.
const (
	srcAuth     = "contract: Authentication"
	srcProducts = "contract: Products"
	srcDash     = "contract: Producer dashboard"
	srcCart     = "contract: Cart"
	srcOrders   = "contract: Orders"
	srcHealth   = "contract: Health"
	srcWeb      = "contract: Web pages"
	srcCheckout = "issue 11 point 3: the browser checkout pages"
)

// redirect is what a page answers an anonymous caller it sends to /auth/login.
const redirect = "302|303|307"

// routeTable is every route, one line each: id, "METHOD path", the user-owned table
// whose {id} row it acts on, who may call it, and the expected status per caller.
//
// Expectations: caller=S1|S2,A1,A2 — S are the statuses that prove the cell, A the
// others the contract allows. "any" fills every signed-in own-rows caller not listed,
// "any-other" every other's-rows caller not listed; both are optional cells.
var routeTable = []struct{ id, route, owned, who, expect, source string }{
	{"health", "GET /api/health", "", "anyone", "anonymous=200,503 any=200,503", srcHealth},
	{"healthz", "GET /api/healthz", "", "anyone", "anonymous=200,503 any=200,503", srcHealth},

	{"auth.register", "POST /api/v1/auth/register", "", "anyone; creates a consumer or producer, never an admin", "anonymous=201,422", srcAuth},
	{"auth.login", "POST /api/v1/auth/login", "", "anyone", "anonymous=200,401,422,429", srcAuth},
	{"auth.logout", "POST /api/v1/auth/logout", "", "a signed-in user; revokes its own token", "anonymous=401 consumer=200 any=200", srcAuth},
	{"auth.profile", "GET /api/v1/auth/profile", "", "a signed-in user; reads itself", "anonymous=401 consumer=200 producer=200 any=200", srcAuth},

	{"public.products.list", "GET /api/v1/public/products", "", "anyone; active products only", "anonymous=200 any=200", srcProducts},
	{"public.products.show", "GET /api/v1/public/products/{id}", "", "anyone; an active product", "anonymous=200,404 any=200,404", srcProducts},
	{"products.create", "POST /api/v1/products", "", "a producer with a profile or an admin", "anonymous=401 consumer=403,422 producer=201,422 producer-no-profile=403,422 admin=201,422", srcProducts},
	{"products.update", "PATCH /api/v1/products/{id}", "products", "the owning producer or an admin", "anonymous=401 consumer-other=403,422 producer=200,404,422 producer-other=403,422 producer-no-profile=403,422 admin-other=200,404,422", srcProducts},
	{"products.delete", "DELETE /api/v1/products/{id}", "products", "the owning producer or an admin", "anonymous=401 consumer-other=403 producer=204,404,409 producer-other=403 producer-no-profile=403 admin-other=204,404,409", srcProducts},

	{"producer.products", "GET /api/v1/producer/products", "", "a producer with a profile; its own products only", "anonymous=401 consumer=403 producer=200 producer-no-profile=403 admin=403", srcDash},

	{"cart.list", "GET /api/v1/cart/items", "", "a signed-in user; its own cart only", "anonymous=401 consumer=200 any=200", srcCart},
	{"cart.add", "POST /api/v1/cart/items", "", "a signed-in user; its own cart", "anonymous=401 consumer=201,422 any=201,422", srcCart},
	{"cart.update", "PATCH /api/v1/cart/items/{id}", "cart_items", "the cart item's owner", "anonymous=401 consumer=200,404,422 consumer-other=404,422 any=200,404,422 any-other=404,422", srcCart},
	{"cart.remove", "DELETE /api/v1/cart/items/{id}", "cart_items", "the cart item's owner", "anonymous=401 consumer=200,404 consumer-other=404 any=200,404 any-other=404", srcCart},

	{"orders.create", "POST /api/v1/orders", "", "a consumer or an admin; writes the caller's order", "anonymous=401 consumer=201,422 producer=403,422 producer-no-profile=403,422 admin=201,422", srcOrders},
	{"orders.checkout", "POST /api/v1/orders/checkout", "", "a consumer or an admin; turns the caller's cart into an order", "anonymous=401 consumer=201,422 producer=403,422 producer-no-profile=403,422 admin=201,422", srcOrders},
	{"orders.list", "GET /api/v1/orders", "", "a signed-in user; its own orders only", "anonymous=401 consumer=200 any=200", srcOrders},
	{"orders.show", "GET /api/v1/orders/{id}", "orders", "the order's buyer", "anonymous=401 consumer=200,404 consumer-other=404 any=200,404 any-other=404", srcOrders},

	{"web.login", "GET /login", "", "anyone", "anonymous=307", srcWeb},
	{"web.register", "GET /register", "", "anyone", "anonymous=307", srcWeb},
	{"web.auth.login", "GET /auth/login", "", "anyone", "anonymous=200 any=200", srcWeb},
	{"web.auth.login.submit", "POST /auth/login", "", "anyone; starts a session", "anonymous=303,401,422,429", srcWeb},
	{"web.products", "GET /products", "", "anyone; active products only", "anonymous=200 any=200", srcWeb},
	{"web.products.show", "GET /products/{id}", "", "anyone; an active product", "anonymous=200,404 any=200,404", srcWeb},
	{"web.producer.dashboard", "GET /producer/dashboard", "", "the signed-in producer; its own products only", "anonymous=" + redirect + " producer=200", srcWeb},
	{"web.my.products", "GET /my/products", "", "the signed-in producer; its own products only", "anonymous=" + redirect + " producer=200", srcWeb},
	{"web.producer.products", "GET /producer/products", "", "anyone; redirects to /my/products", "anonymous=307 any=307", srcWeb},

	{"web.cart", "GET /cart", "", "the signed-in buyer; its own cart", "anonymous=" + redirect + " consumer=200", srcCheckout},
	{"web.cart.add", "POST /cart", "", "the signed-in buyer; the product page's add-to-cart form", "anonymous=" + redirect + " consumer=302|303,422", srcCheckout},
	{"web.checkout", "GET /checkout", "", "the signed-in buyer", "anonymous=" + redirect + " consumer=200", srcCheckout},
	{"web.checkout.submit", "POST /checkout", "", "the signed-in buyer; places the order", "anonymous=" + redirect + " consumer=302|303,422", srcCheckout},
	{"web.orders.show", "GET /orders/{id}", "orders", "the order's buyer; the confirmation page", "anonymous=" + redirect + " consumer=200,404 consumer-other=404", srcCheckout},
}

func buildRoutes() ([]Route, error) {
	out := make([]Route, 0, len(routeTable))
	seen := map[string]bool{}
	for _, row := range routeTable {
		method, path, ok := strings.Cut(row.route, " ")
		if !ok || method == "" || !strings.HasPrefix(path, "/") {
			return nil, fmt.Errorf("route %s: %q is not \"METHOD /path\"", row.id, row.route)
		}
		if seen[row.id] {
			return nil, fmt.Errorf("route id %s is used twice", row.id)
		}
		seen[row.id] = true
		exp, err := parseExpect(row.expect, row.owned != "")
		if err != nil {
			return nil, fmt.Errorf("route %s: %w", row.id, err)
		}
		if row.owned != "" && !strings.Contains(path, "{") {
			return nil, fmt.Errorf("route %s acts on one %s row but its path names no {id}", row.id, row.owned)
		}
		out = append(out, Route{ID: row.id, Method: method, Path: path, Web: !strings.HasPrefix(path, "/api/"),
			Who: row.who, Owned: row.owned, Expect: exp, Source: row.source})
	}
	return out, nil
}

// parseExpect reads "caller=S1|S2,A1 …" (see routeTable).
func parseExpect(s string, owned bool) (map[Caller]Expect, error) {
	out := map[Caller]Expect{}
	var anyOwn, anyOther *Expect
	for _, field := range strings.Fields(s) {
		name, spec, ok := strings.Cut(field, "=")
		if !ok {
			return nil, fmt.Errorf("expectation %q is not caller=status", field)
		}
		var e Expect
		for i, part := range strings.Split(spec, ",") {
			for _, alt := range strings.Split(part, "|") {
				n, err := strconv.Atoi(alt)
				if err != nil || n < 100 || n > 599 {
					return nil, fmt.Errorf("expectation %q: %q is not an HTTP status", field, alt)
				}
				if i == 0 {
					e.Status = append(e.Status, n)
				} else {
					e.Also = append(e.Also, n)
				}
			}
		}
		switch c := Caller(name); {
		case name == "any":
			e.Optional, anyOwn = true, &e
		case name == "any-other":
			e.Optional, anyOther = true, &e
		case !c.Valid():
			return nil, fmt.Errorf("expectation %q: unknown caller %q", field, name)
		case c.Other() && !owned:
			return nil, fmt.Errorf("expectation %q: the route acts on no user-owned row, so no caller acts on another's", field)
		default:
			if _, dup := out[c]; dup {
				return nil, fmt.Errorf("caller %s is given twice", c)
			}
			out[c] = e
		}
	}
	if anyOther != nil && !owned {
		return nil, fmt.Errorf("any-other given but the route acts on no user-owned row")
	}
	for _, c := range callers {
		if _, set := out[c]; set || c == Anonymous {
			continue
		}
		switch {
		case c.Other() && anyOther != nil:
			out[c] = *anyOther
		case !c.Other() && anyOwn != nil:
			out[c] = *anyOwn
		}
	}
	if _, ok := out[Anonymous]; !ok {
		return nil, fmt.Errorf("no expectation for the anonymous caller")
	}
	return out, nil
}
