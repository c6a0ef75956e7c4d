package contract

import (
	"fmt"
	"slices"
	"strings"
)

// Rule is one sentence of the contract the harness must prove.
type Rule struct {
	ID     string   // stable id, e.g. "orders.show.other-404"
	Kind   string   // RuleStatus, RuleNever, RuleOnly, RuleDefect or RuleBehaviour
	Text   string   // the contract's sentence, short
	Routes []string // the ids of the routes it concerns; empty for rules about tables or e-mail alone
}

// Rule kinds: what sort of sentence of the contract a rule is.
const (
	RuleStatus    = "status"    // a listed success or 4xx/409 case of a route
	RuleNever     = "never"     // something that must never happen
	RuleOnly      = "only"      // a restriction to some callers or rows
	RuleDefect    = "defect"    // "… is a defect"
	RuleBehaviour = "behaviour" // any other stated behaviour (shapes, totals, mail)
)

// Route groups a rule may name instead of listing routes.
const (
	groupBearer = "@bearer" // every API route that answers 401 to an anonymous caller
	groupAPI    = "@api"    // every API route
	groupOrder  = "@order"  // every route that creates an order
)

// ruleTable is every rule, one line each: id, kind, the routes (ids or groups,
// space-separated) and the sentence. Order follows the contract.
var ruleTable = []struct{ id, kind, routes, text string }{
	// General
	{"api.json", RuleBehaviour, groupAPI, "All API responses are JSON (Content-Type: application/json)."},
	{"money.two-decimals", RuleBehaviour, "public.products.list public.products.show orders.create orders.checkout orders.show cart.list", "Money is a string with two decimals and no thousands separator."},
	{"timestamps.rfc3339", RuleBehaviour, "public.products.show orders.show auth.profile", "Timestamps are RFC 3339 UTC."},
	// Errors
	{"errors.401-unauthenticated", RuleStatus, groupBearer, "No, unknown or revoked token on a protected route → 401 {\"message\":\"Unauthenticated.\"}."},
	{"errors.403-shape", RuleBehaviour, "products.update products.delete products.create", "Authenticated but not allowed by policy → 403 {\"message\":\"This action is unauthorized.\"} (or the specific message)."},
	{"errors.404-shape", RuleBehaviour, "public.products.show orders.show cart.update products.update", "A missing record, or another user's where the contract says so → 404 {\"message\":\"<Thing> not found\"}."},
	{"errors.422-shape", RuleBehaviour, "auth.register products.create cart.add orders.create", "Validation → 422 {\"message\":\"<first error>\",\"errors\":{field:[…]}}."},
	{"errors.429-retry-after", RuleStatus, "auth.login", "Rate limited → 429 {\"message\":\"Too Many Attempts.\"} with Retry-After."},
	{"errors.500-no-leak", RuleNever, groupAPI, "A 500 is {\"message\":\"Server Error\"}: never a stack trace, never SQL."},
	{"errors.validation-before-policy", RuleBehaviour, "products.create products.update", "Validation (422) is checked before the policy (403)."},
	// Roles and ownership
	{"users.role-enum", RuleOnly, "auth.register auth.profile", "users.role is one of consumer, producer, admin."},
	{"producer.no-profile-403", RuleStatus, "products.create producer.products", "A producer without a profile gets 403 \"Producer profile not found\" on producer-only actions."},
	{"producer.no-profile-never-500", RuleNever, "products.create products.update products.delete producer.products", "A producer without a profile never gets a 500."},
	{"policy.view-active-anyone", RuleOnly, "public.products.list public.products.show web.products web.products.show", "Anyone may view active products."},
	{"policy.create-producer-or-admin", RuleOnly, "products.create", "Creating a product needs role producer or admin."},
	{"policy.update-owner-or-admin", RuleOnly, "products.update", "Update is allowed to an admin for any product and to a producer only for its own; everyone else 403."},
	{"policy.delete-owner-or-admin", RuleOnly, "products.delete", "Delete is allowed to an admin for any product and to a producer only for its own; everyone else 403."},
	// Authentication
	{"register.201", RuleStatus, "auth.register", "Register → 201 {message,user,token,token_type:\"Bearer\"}."},
	{"register.422-bad-email", RuleStatus, "auth.register", "Register with a bad e-mail → 422."},
	{"register.422-duplicate-email", RuleStatus, "auth.register", "Register with a duplicate e-mail → 422."},
	{"register.422-short-password", RuleStatus, "auth.register", "Register with a password under 8 characters → 422."},
	{"register.422-unconfirmed-password", RuleStatus, "auth.register", "Register with an unconfirmed password → 422."},
	{"register.422-role", RuleStatus, "auth.register", "Register with a role not consumer or producer → 422."},
	{"register.no-admin", RuleNever, "auth.register", "Registering as admin is refused."},
	{"login.200", RuleStatus, "auth.login", "Login → 200, the same shape as register."},
	{"login.401-invalid", RuleStatus, "auth.login", "Login with wrong credentials → 401 {\"message\":\"Invalid credentials\"}."},
	{"login.422-missing", RuleStatus, "auth.login", "Login with missing fields → 422."},
	{"login.429-throttle", RuleStatus, "auth.login", "Login → 429 after 10 failed tries a minute per e-mail and IP."},
	{"logout.200", RuleStatus, "auth.logout", "Logout → 200 {\"message\":\"Logged out\"}."},
	{"logout.revokes-at-once", RuleBehaviour, "auth.logout auth.profile", "After logout that token is revoked at once (401)."},
	{"logout.401", RuleStatus, "auth.logout", "Logout without a token → 401."},
	{"profile.200", RuleStatus, "auth.profile", "Profile → 200 {\"user\":{…}}."},
	{"profile.401", RuleStatus, "auth.profile", "Profile without a token → 401."},
	{"user.never-password-hash", RuleNever, "auth.register auth.login auth.profile", "A user object is {id,name,email,role,created_at,updated_at}; never the password hash."},
	{"token.format", RuleBehaviour, "auth.register auth.login", "A token is \"<token id>|<40 random chars>\", sent as a Bearer token."},
	{"token.only-sha256-stored", RuleOnly, "auth.register auth.login", "Only a SHA-256 hex of the token's random part is stored."},
	{"password.bcrypt", RuleBehaviour, "auth.register auth.login", "Passwords are bcrypt hashes; $2y$ hashes written by Laravel verify too."},
	// Products: public
	{"public-list.200-paginator", RuleStatus, "public.products.list", "The public list → 200 paginator {current_page,data,per_page,total,last_page,from,to}."},
	{"public-list.per-page-default-15", RuleBehaviour, "public.products.list", "per_page defaults to 15."},
	{"public-list.per-page-cap-100", RuleBehaviour, "public.products.list", "per_page is capped at 100."},
	{"public-list.search-sort", RuleBehaviour, "public.products.list", "search, sort=name|price|created_at and dir=asc|desc shape the list."},
	{"public-list.active-only-any-query", RuleOnly, "public.products.list", "Only is_active=1 products ever appear, whatever the query says."},
	{"public-list.item-shape", RuleBehaviour, "public.products.list public.products.show", "An item is {id,producer_id,name,slug,description,price,unit,stock,is_active,producer:{id,name,slug},created_at,updated_at}."},
	{"paging.no-overlap", RuleNever, "public.products.list producer.products", "Pages of a list never overlap and together hold total items."},
	{"public-show.200", RuleStatus, "public.products.show", "The public product → 200 the item."},
	{"public-show.inactive-or-missing-404", RuleStatus, "public.products.show", "An inactive or missing public product → 404."},
	// Products: authenticated
	{"products.create.201", RuleStatus, "products.create", "Create → 201 {\"data\":product}."},
	{"products.create.422-name-price", RuleStatus, "products.create", "Create without a name or a price >= 0 → 422."},
	{"products.create.422-slug-unique", RuleStatus, "products.create", "Create with a slug already used → 422."},
	{"products.create.422-admin-producer-id", RuleStatus, "products.create", "An admin must send an existing producer_id → 422 otherwise."},
	{"products.create.consumer-403", RuleStatus, "products.create", "A consumer creating a product → 403."},
	{"products.create.no-profile-403", RuleStatus, "products.create", "A producer without a profile creating a product → 403."},
	{"products.update.200", RuleStatus, "products.update", "Update (any subset of the fields) → 200 {\"data\":product}."},
	{"products.update.not-owner-403-row-unchanged", RuleStatus, "products.update", "Update by neither the owner nor an admin → 403, row unchanged."},
	{"products.update.404", RuleStatus, "products.update", "Update of a missing product → 404."},
	{"products.update.422", RuleStatus, "products.update", "Update with invalid fields → 422."},
	{"products.delete.204", RuleStatus, "products.delete", "Delete → 204, empty body."},
	{"products.delete.not-owner-403-row-kept", RuleStatus, "products.delete", "Delete by neither the owner nor an admin → 403, row kept."},
	{"products.delete.404", RuleStatus, "products.delete", "Delete of a missing product → 404."},
	{"delete-product-with-lines-409", RuleStatus, "products.delete", "Deleting a product that has order lines → 409; order history is never deleted."},
	{"products.admin-any", RuleBehaviour, "products.update products.delete", "An admin may update and delete any product."},
	{"products.create.producer-id-own", RuleNever, "products.create", "A producer never chooses producer_id: on create it is its own profile id."},
	{"products.update.producer-id-ignored", RuleNever, "products.update", "A producer_id in an update body is ignored (no re-assigning a product)."},
	{"products.slug-derived", RuleBehaviour, "products.create", "A slug is derived from the name when absent."},
	// Producer dashboard
	{"producer-products.200", RuleStatus, "producer.products", "The dashboard API → 200 {data,current_page,per_page,total,last_page}."},
	{"producer-products.own-only", RuleOnly, "producer.products", "The dashboard API holds only the caller's own products, active and inactive."},
	{"producer-products.by-name", RuleBehaviour, "producer.products", "The dashboard API is ordered by name."},
	{"producer-products.status-filter", RuleBehaviour, "producer.products", "status=active|inactive|all filters the dashboard API."},
	{"producer-products.401", RuleStatus, "producer.products", "The dashboard API without a token → 401."},
	{"producer-products.no-profile-403", RuleStatus, "producer.products", "A user without a producer profile (consumer, admin) → 403 Producer profile not found."},
	// Cart
	{"cart.list.200", RuleStatus, "cart.list", "The cart → 200 {cart_items:[…],total_items,total_amount}."},
	{"cart.list.own-only", RuleOnly, "cart.list", "The cart lists only the caller's own items."},
	{"cart.401", RuleStatus, "cart.list cart.add cart.update cart.remove", "Every cart route without a token → 401."},
	{"cart.add.201", RuleStatus, "cart.add", "Add (quantity 1..100) → 201 {message,cart_item}."},
	{"cart.add.accumulates", RuleBehaviour, "cart.add", "Adding a product already in the cart adds to its quantity."},
	{"cart.add.422-product", RuleStatus, "cart.add", "Add with a missing or inactive product_id → 422."},
	{"cart.add.422-quantity", RuleStatus, "cart.add", "Add with a quantity outside 1..100, or over stock counting what is already in the cart → 422 quantity."},
	{"cart.update.200", RuleStatus, "cart.update", "Update a cart item → 200 {message,cart_item}."},
	{"cart.update.other-404", RuleStatus, "cart.update", "Update another user's cart item → 404."},
	{"cart.update.422", RuleStatus, "cart.update", "Update a cart item with a bad quantity → 422."},
	{"cart.remove.200", RuleStatus, "cart.remove", "Remove a cart item → 200 {message}."},
	{"cart.remove.other-404", RuleStatus, "cart.remove", "Remove another user's cart item → 404."},
	{"cart.one-row-per-product", RuleOnly, "cart.add", "One cart row per (user, product)."},
	{"cart.no-reservation", RuleNever, "cart.add", "The cart reserves no stock."},
	// Orders
	{"orders.create.201", RuleStatus, "orders.create", "A direct order → 201 the order."},
	{"orders.create.422-items", RuleStatus, "orders.create", "A direct order with a missing or inactive product → 422 items."},
	{"orders.create.422-stock", RuleStatus, "orders.create", "A direct order over stock → 422 stock."},
	{"orders.checkout.201", RuleStatus, "orders.checkout", "Checkout → 201 {message,order} built from the caller's cart."},
	{"orders.checkout.empties-cart", RuleBehaviour, "orders.checkout cart.list", "Checkout empties the cart in the same transaction."},
	{"orders.checkout.422-cart", RuleStatus, "orders.checkout", "Checkout of an empty cart → 422 cart."},
	{"orders.checkout.422-products", RuleStatus, "orders.checkout", "Checkout with an inactive product → 422 products."},
	{"orders.checkout.422-stock", RuleStatus, "orders.checkout", "Checkout over stock → 422 stock."},
	{"orders.producer-403", RuleOnly, "orders.create orders.checkout", "Only consumers and admins place orders: a producer gets 403 on both paths."},
	{"orders.list.own-only", RuleOnly, "orders.list", "The order list → 200 {orders:[…]}, own orders only."},
	{"orders.show.200", RuleStatus, "orders.show", "An own order → 200 the order."},
	{"orders.show.other-404", RuleStatus, "orders.show", "Another user's order → 404."},
	{"orders.shape", RuleBehaviour, "orders.create orders.checkout orders.show", "An order is {id,user_id,status:\"pending\",payment_status:\"pending\",shipping_method,currency:\"EUR\",…,order_items:[…]}."},
	{"orders.subtotal", RuleBehaviour, groupOrder, "subtotal = Σ unit_price × quantity, at the price at purchase time."},
	{"orders.tax", RuleBehaviour, groupOrder, "tax_amount = 10 % of subtotal, rounded half-up to the cent."},
	{"orders.shipping", RuleBehaviour, groupOrder, "shipping_amount is 5.00 for HOME (the default) and COURIER, 0.00 for PICKUP."},
	{"orders.total", RuleBehaviour, groupOrder, "total_amount = subtotal + tax_amount + shipping_amount."},
	{"orders.atomic", RuleBehaviour, groupOrder, "An order is written whole (order row, one order_items row per product with its producer_id, stock decremented) or not at all."},
	{"order-items.producer-id", RuleBehaviour, groupOrder, "Each order_items row carries its product's producer_id."},
	{"stock.decremented", RuleBehaviour, groupOrder, "Placing an order decrements each product's stock."},
	{"stock.no-oversell", RuleNever, groupOrder, "Concurrent checkouts never sell more than the stock."},
	// Order confirmation e-mail
	{"email.exactly-one", RuleOnly, groupOrder, "After the order commits the buyer gets exactly one e-mail."},
	{"email.headers", RuleBehaviour, groupOrder, "To: the buyer; Subject: Order confirmation #<order id>; X-Order-Id: <order id>."},
	{"email.body", RuleBehaviour, groupOrder, "The text body names the order id and total_amount."},
	{"email.log-mailer", RuleBehaviour, groupOrder, "The log mailer writes one Laravel log record followed by the whole RFC 5322 message."},
	{"email.notifications-row", RuleBehaviour, groupOrder, "A notifications row (user_id, type order_placed, payload {order_id,total_amount}) is written."},
	{"email.order-notifications-row", RuleBehaviour, groupOrder, "An order_notifications row (order_id, consumer, recipient_email, order_placed, sent_at) is written."},
	{"email.retry-never-twice", RuleNever, groupOrder, "order_notifications is unique per (order, recipient, event): a retry never mails twice."},
	// Health
	{"health.200-ok", RuleStatus, "health healthz", "Health → 200 {status:\"ok\",database:\"connected\",timestamp,version}."},
	{"health.db-down-503", RuleDefect, "health healthz", "Database unreachable → 503 {status:\"degraded\",database:\"failed\"}; ok while it is down is a defect."},
	// Web pages
	{"web.login-redirects", RuleStatus, "web.login web.register", "/login and /register → 307 to /auth/login and /auth/register."},
	{"web.login-form", RuleBehaviour, "web.auth.login", "/auth/login has login-form, login-email, login-password and login-submit."},
	{"web.login-failed-toast", RuleBehaviour, "web.auth.login.submit", "A failed login shows error-toast."},
	{"web.login-session", RuleBehaviour, "web.auth.login.submit", "POST /auth/login sets an HttpOnly, SameSite=Lax session cookie."},
	{"web.login-303-by-role", RuleStatus, "web.auth.login.submit", "POST /auth/login → 303 to /producer/dashboard for a producer, / otherwise."},
	{"web.products-active", RuleOnly, "web.products web.products.show", "/products and /products/{id} show active products only (product-card)."},
	{"web.dashboard-own-only", RuleOnly, "web.producer.dashboard web.my.products", "The dashboard pages show only the signed-in producer's own products (product-row)."},
	{"web.dashboard-signed-out-redirect", RuleStatus, "web.producer.dashboard web.my.products", "The dashboard pages redirect a signed-out visitor to /auth/login."},
	{"web.producer-products-redirect", RuleStatus, "web.producer.products", "/producer/products → 307 /my/products."},
	// Browser checkout (issue 11 point 3)
	{"web.checkout-flow", RuleBehaviour, "web.products.show web.cart.add web.cart web.checkout web.checkout.submit web.orders.show", "Product page → add to cart → cart → checkout → order confirmation, as a person does it."},
	{"web.order-other-404", RuleStatus, "web.orders.show", "Another user's order confirmation page → 404."},
	// Tables
	{"schema.tables-and-keys", RuleBehaviour, "", "The tables and foreign keys are the ones the contract lists (Laravel naming)."},
	{"order-items.restrict", RuleNever, "products.delete", "order_items.product_id → products is RESTRICT: order history is never deleted."},
}

func buildRules(routes []Route) ([]Rule, error) {
	ids := map[string]bool{}
	for _, r := range routes {
		ids[r.ID] = true
	}
	groups := map[string][]string{}
	for _, r := range routes {
		if r.Web {
			continue
		}
		groups[groupAPI] = append(groups[groupAPI], r.ID)
		if e, ok := r.Expect[Anonymous]; ok && e.Proves(401) {
			groups[groupBearer] = append(groups[groupBearer], r.ID)
		}
	}
	groups[groupOrder] = []string{"orders.create", "orders.checkout", "web.checkout.submit"}
	out := make([]Rule, 0, len(ruleTable))
	seen := map[string]bool{}
	for _, row := range ruleTable {
		if seen[row.id] {
			return nil, fmt.Errorf("rule id %s is used twice", row.id)
		}
		seen[row.id] = true
		if !slices.Contains([]string{RuleStatus, RuleNever, RuleOnly, RuleDefect, RuleBehaviour}, row.kind) {
			return nil, fmt.Errorf("rule %s: unknown kind %q", row.id, row.kind)
		}
		r := Rule{ID: row.id, Kind: row.kind, Text: row.text, Routes: []string{}}
		for _, ref := range strings.Fields(row.routes) {
			if g, ok := groups[ref]; ok {
				r.Routes = append(r.Routes, g...)
				continue
			}
			if !ids[ref] {
				return nil, fmt.Errorf("rule %s names unknown route %q", row.id, ref)
			}
			r.Routes = append(r.Routes, ref)
		}
		out = append(out, r)
	}
	return out, nil
}
