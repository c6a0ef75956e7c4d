package dod

import (
	"fmt"
	"sort"
	"strings"
)

// Kind says how a bullet is proven.
type Kind string

// The ways a bullet can be proven.
const (
	Checked  Kind = "checked"  // by the specs that carry its label
	Derived  Kind = "derived"  // by every other checked bullet of its item passing
	Document Kind = "document" // by the item's document being rendered from this run
	Manual   Kind = "manual"   // by a person; never shown as passed
)

// LabelKey is the Ginkgo label-set key of DoD labels.
const LabelKey = "dod"

// Bullet is one DoD bullet.
type Bullet struct {
	Item string // item id, e.g. "CHECKOUT-SMOKE"
	Key  string // bullet key within the item, e.g. "email"
	Text string // the plan's own wording
	Kind Kind
	How  string // how the harness proves it (from DOD-MAP.md)
}

// ID returns the bullet's stable id, "ITEM.key".
func (b Bullet) ID() string { return b.Item + "." + b.Key }

// Label returns the Ginkgo label that marks a spec as proving this bullet.
func (b Bullet) Label() string { return LabelKey + ":" + b.ID() }

// Item is one work-plan item whose DoD the harness proves.
type Item struct {
	ID        string // stable id, e.g. "CHECKOUT-SMOKE"
	Title     string // document title
	PlanTitle string // the item's title in the work plan, for attaching proof
	Document  string // the rendered document, relative to the output directory
	Suite     string // the suite under suites/ that proves it
	Bullets   []Bullet
}

// Label returns the Ginkgo label that marks a spec as belonging to this item.
func (it Item) Label() string { return LabelKey + ":" + it.ID }

// Bullet returns the item's bullet with the given key.
func (it Item) Bullet(key string) (Bullet, bool) {
	for _, b := range it.Bullets {
		if b.Key == key {
			return b, true
		}
	}
	return Bullet{}, false
}

func item(id, title, plan, doc, suite string, bullets ...Bullet) Item {
	for i := range bullets {
		bullets[i].Item = id
	}
	return Item{ID: id, Title: title, PlanTitle: plan, Document: doc, Suite: suite, Bullets: bullets}
}

var registry = []Item{
	item("CHECKOUT-SMOKE", "Checkout flow smoke test", "Checkout flow smoke test", "docs/TESTS/CHECKOUT-SMOKE.md", "checkout",
		Bullet{Key: "flow", Kind: Checked, Text: "Manual test: Add product → Cart → Checkout → Order created",
			How: "as a fresh consumer: add two products to the cart, POST /api/v1/orders/checkout, read the order back"},
		Bullet{Key: "api-201", Kind: Checked, Text: "API verification: POST /api/orders returns 201 or 200",
			How: "status of POST /api/v1/orders and of checkout; the body is an order with the contract's fields and totals"},
		Bullet{Key: "db-order-row", Kind: Checked, Text: "Database verification: Order record exists",
			How: "orders row for the returned id with the buyer, status pending and the totals; one order_items row per product with producer_id; stock decremented; concurrent checkouts never oversell"},
		Bullet{Key: "email", Kind: Checked, Text: "Email verification: Confirmation email sent (or logged)",
			How: "exactly one message to the buyer whose X-Order-Id and subject name the order, from the target's mail source"},
		Bullet{Key: "document", Kind: Document, Text: "Document test: `docs/TESTS/CHECKOUT-SMOKE.md`",
			How: "this document, rendered from the run's results"},
		Bullet{Key: "no-blocking-bugs", Kind: Derived, Text: "No blocking bugs found",
			How: "every other bullet of the item passed"},
	),
	item("PRODUCER-PERMISSIONS", "Producer permissions audit", "Producer permissions audit", "docs/FEATURES/PRODUCER-PERMISSIONS.md", "permissions",
		Bullet{Key: "policy", Kind: Checked, Text: "Backend policy verification: ProductPolicy enforces producer_id ownership",
			How: "the role × ownership matrix over update and delete (own → 200/204, other's → 403 with the row unchanged); create sets the producer's own id; producer_id cannot be re-assigned"},
		Bullet{Key: "dashboard", Kind: Checked, Text: "Frontend verification: Dashboard only shows producer's own products",
			How: "GET /api/v1/producer/products returns only own ids, and in headless Chromium the signed-in producer's dashboard lists exactly its own products"},
		Bullet{Key: "admin-override", Kind: Checked, Text: "Admin override verification: Admin can edit any product",
			How: "admin PATCH and DELETE on products of two different producers succeed"},
		Bullet{Key: "authz-coverage", Kind: Checked, Text: "Authorization test coverage: existing tests pass",
			How: "consumer and anonymous callers are refused (403/401); a producer without profile gets 403, never 500"},
		Bullet{Key: "document", Kind: Document, Text: "Document findings: `docs/FEATURES/PRODUCER-PERMISSIONS.md`",
			How: "this document: rules, the expected-vs-observed matrix, evidence, screenshot"},
		Bullet{Key: "no-user-facing-bugs", Kind: Derived, Text: "No user-facing bugs found",
			How: "every other bullet of the item passed"},
	),
	item("PRODUCTS-LIST", "Products list verification", "Products list verification", "docs/TESTS/PRODUCTS-LIST.md", "catalog",
		Bullet{Key: "products-list", Kind: Checked, Text: "Products list verification",
			How: "public list 200, paginated, active only, each item has its producer; inactive detail 404"},
	),
	item("AUTH-ROUTES", "Auth routes verification", "Auth routes verification", "docs/TESTS/AUTH-ROUTES.md", "auth",
		Bullet{Key: "auth-routes", Kind: Checked, Text: "Auth routes verification",
			How: "register/login/profile/logout per contract; /login → 307 /auth/login; bad credentials 401; revoked token 401; validation 422 shape"},
	),
	item("DATA-DEPENDENCY-MAP", "Data dependency map", "Data dependency roadmap", "docs/PRODUCT/DATA-DEPENDENCY-MAP.md", "depmap",
		Bullet{Key: "document", Kind: Document, Text: "Create `docs/PRODUCT/DATA-DEPENDENCY-MAP.md`",
			How: "this document, rendered from the target's schema and this run's results"},
		Bullet{Key: "chain", Kind: Checked, Text: "Document: Products → Producers → Permissions → Dashboard → Admin",
			How: "foreign keys read from information_schema: products.producer_id → producers.id and producers.user_id → users.id (roles live on users), each link shown with the specs that exercised it"},
		Bullet{Key: "current-state", Kind: Checked, Text: "Current state: what exists today",
			How: "every table and foreign key of the target's schema, read from information_schema"},
		Bullet{Key: "missing-pieces", Kind: Manual, Text: "Missing pieces: what needs to be built",
			How: "a person reads the map; links no spec exercised are listed as candidates"},
		Bullet{Key: "implementation-order", Kind: Manual, Text: "Implementation order: 1, 2, 3...",
			How: "decided by the team"},
		Bullet{Key: "stakeholder-agreement", Kind: Manual, Text: "Stakeholder agreement on priority",
			How: "decided by people; never shown as passed"},
	),
	item("PROD-FACTS", "PROD FACTS - Last Check", "Bootstrap OPS state management system", "docs/OPS/PROD-FACTS-LAST.md", "prodfacts",
		Bullet{Key: "prod-facts", Kind: Checked, Text: "`docs/OPS/PROD-FACTS-LAST.md` created and populated",
			How: "health (and its database field), products API, product pages, login redirect, TLS expiry where https — measured, then rendered"},
	),
}

// Items returns every registered item, in registry order.
func Items() []Item {
	out := make([]Item, len(registry))
	copy(out, registry)
	return out
}

// LookupItem returns the item with the given id.
func LookupItem(id string) (Item, bool) {
	for _, it := range registry {
		if it.ID == id {
			return it, true
		}
	}
	return Item{}, false
}

// Lookup returns the bullet with the given id ("ITEM.key").
func Lookup(id string) (Bullet, bool) {
	itemID, key, ok := strings.Cut(id, ".")
	if !ok {
		return Bullet{}, false
	}
	it, ok := LookupItem(itemID)
	if !ok {
		return Bullet{}, false
	}
	return it.Bullet(key)
}

// MustBullet returns the bullet with the given id and panics when there is none; for
// spec trees, where an unknown id is a programming error caught before the run.
func MustBullet(id string) Bullet {
	b, ok := Lookup(id)
	if !ok {
		panic(fmt.Sprintf("dod: no bullet %q in the registry (known: %s)", id, strings.Join(BulletIDs(), ", ")))
	}
	return b
}

// BulletIDs returns every bullet id, sorted.
func BulletIDs() []string {
	var ids []string
	for _, it := range registry {
		for _, b := range it.Bullets {
			ids = append(ids, b.ID())
		}
	}
	sort.Strings(ids)
	return ids
}

// BulletsOf returns the bullet ids named by a spec's labels: every `dod:ITEM.key` label.
func BulletsOf(labels []string) []string {
	var ids []string
	for _, l := range labels {
		v, ok := strings.CutPrefix(l, LabelKey+":")
		if ok && strings.Contains(v, ".") {
			ids = append(ids, v)
		}
	}
	return ids
}

// CheckLabels returns an error naming every `dod:` label that is not in the registry,
// and every bullet label that lacks its item label.
func CheckLabels(labels []string) error {
	var bad []string
	has := map[string]bool{}
	for _, l := range labels {
		has[l] = true
	}
	for _, l := range labels {
		v, ok := strings.CutPrefix(l, LabelKey+":")
		if !ok {
			continue
		}
		if itemID, _, isBullet := strings.Cut(v, "."); isBullet {
			if _, known := Lookup(v); !known {
				bad = append(bad, fmt.Sprintf("%q is not a registered bullet", l))
			} else if !has[LabelKey+":"+itemID] {
				bad = append(bad, fmt.Sprintf("%q lacks its item label %q", l, LabelKey+":"+itemID))
			}
		} else if _, known := LookupItem(v); !known {
			bad = append(bad, fmt.Sprintf("%q is not a registered item", l))
		}
	}
	if len(bad) > 0 {
		return fmt.Errorf("DoD labels not in the registry: %s", strings.Join(bad, "; "))
	}
	return nil
}
