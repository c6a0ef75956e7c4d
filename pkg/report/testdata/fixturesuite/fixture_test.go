package fixturesuite_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

var _ = Describe("Checkout", Label("dod:CHECKOUT-SMOKE"), func() {
	It("places an order from the cart", Label("dod:CHECKOUT-SMOKE.flow", "dod:CHECKOUT-SMOKE.api-201"), func() {
		By("signing up a fresh consumer")
		exchange("anonymous", "POST", "/api/v1/auth/register", 201, 41.7,
			`{"name":"Smoke Buyer","email":"buyer+1@smoke.test","password":"consumer-secret-pw","password_confirmation":"consumer-secret-pw","role":"consumer"}`,
			`{"message":"Registered","user":{"id":31,"email":"buyer+1@smoke.test","role":"consumer"},"token":"12|abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMN","token_type":"Bearer"}`)
		By("adding two products to the cart")
		exchange("consumer (fresh)", "POST", "/api/v1/cart/items", 201, 12.3, `{"product_id":3,"quantity":2}`, `{"message":"Added","cart_item":{"id":7,"quantity":2}}`)
		exchange("consumer (fresh)", "POST", "/api/v1/cart/items", 201, 10.9, `{"product_id":5,"quantity":1}`, `{"message":"Added","cart_item":{"id":8,"quantity":1}}`)
		By("checking out")
		exchange("consumer (fresh)", "POST", "/api/v1/orders/checkout", 201, 63.0, `{"shipping_method":"HOME"}`,
			`{"message":"Order placed","order":{"id":17,"status":"pending","subtotal":"12.00","tax_amount":"1.20","shipping_amount":"5.00","total_amount":"18.20"}}`)
		By("reading the order back")
		exchange("consumer (fresh)", "GET", "/api/v1/orders/17", 200, 8.2, "", `{"id":17,"status":"pending","total_amount":"18.20","order_items":[{"product_id":3,"quantity":2},{"product_id":5,"quantity":1}]}`)
		Expect(17).To(BeNumerically(">", 0))
	})

	It("answers POST /api/v1/orders with 201", Label("dod:CHECKOUT-SMOKE.api-201"), func() {
		By("placing an order directly")
		exchange("consumer (fresh)", "POST", "/api/v1/orders", 201, 55.5, `{"items":[{"product_id":3,"quantity":1}]}`, `{"id":18,"status":"pending","total_amount":"9.40"}`)
	})

	It("writes the order row and one order_items row per product", Label("dod:CHECKOUT-SMOKE.db-order-row"), func() {
		By("reading the orders row for the returned id")
		record(evidence.Record{Kind: evidence.KindRows, Title: "orders row", Rows: &evidence.Rows{
			Query:   "SELECT id, user_id, status, subtotal, total_amount FROM orders WHERE id = ?",
			Args:    []string{"17"},
			Columns: []string{"id", "user_id", "status", "subtotal", "total_amount"},
			Values:  [][]string{{"17", "31", "pending", "12.00", "18.20"}},
		}})
		By("reading its order_items rows")
		record(evidence.Record{Kind: evidence.KindRows, Title: "order_items rows", Rows: &evidence.Rows{
			Query:   "SELECT product_id, producer_id, quantity, unit_price FROM order_items WHERE order_id = ? ORDER BY id",
			Args:    []string{"17"},
			Columns: []string{"product_id", "producer_id", "quantity", "unit_price"},
			Values:  [][]string{{"3", "1", "2", "4.50"}, {"5", "2", "1", "3.00"}},
		}})
	})

	It("never oversells under concurrent checkouts", Label("dod:CHECKOUT-SMOKE.db-order-row", "concurrency"), func() {
		Skip("needs at least 2 parallel processes (run with -p)")
	})

	It("mails exactly one confirmation to the buyer", Label("dod:CHECKOUT-SMOKE.email"), func() {
		By("waiting for a message to the buyer in the mail sink")
		record(evidence.Record{Kind: evidence.KindMail, Mail: &evidence.Mail{
			Source: "smtp-sink", To: "buyer+1@smoke.test", Count: 0, Millis: 10000,
		}})
		record(evidence.Record{Kind: evidence.KindNote, Note: "the sink held 2 messages, none to buyer+1@smoke.test"})
		Expect(0).To(Equal(1), "no message to the buyer within 10 s")
	})
})

var _ = Describe("Producer permissions", Label("dod:PRODUCER-PERMISSIONS"), func() {
	It("enforces ProductPolicy ownership on update and delete", Label("dod:PRODUCER-PERMISSIONS.policy"), func() {
		By("creating a product as producer A")
		cell("producer A", "create", 201, 201, "producer_id set to A's profile")
		cell("producer B", "create", 201, 201, "")
		By("updating and deleting as each caller")
		cell("producer A", "update own", 200, 200, "")
		cell("producer A", "update other's", 403, 403, "row unchanged")
		cell("producer B", "update own", 200, 200, "")
		cell("producer B", "update other's", 403, 200, "price changed 4.50 → 0.01")
		cell("producer A", "delete own", 204, 204, "")
		cell("producer A", "delete other's", 403, 403, "row kept")
		cell("admin", "update other's", 200, 200, "")
		exchange("producer B", "PATCH", "/api/v1/products/3", 200, 14.1, `{"price":"0.01"}`, `{"data":{"id":3,"producer_id":1,"price":"0.01"}}`)
		Expect("producer B updated producer A's product 3").To(BeEmpty(), "ProductPolicy let a producer update another producer's product")
	})

	It("refuses consumers, anonymous callers and producers without profile", Label("dod:PRODUCER-PERMISSIONS.authz-coverage"), func() {
		cell("anonymous", "create", 401, 401, "")
		cell("anonymous", "update other's", 401, 401, "")
		cell("consumer", "create", 403, 403, "")
		cell("consumer", "update other's", 403, 403, "")
		cell("consumer", "dashboard", 403, 403, "")
		cell("producer without profile", "create", 403, 403, `"Producer profile not found"`)
		cell("producer without profile", "dashboard", 403, 403, "")
	})

	It("lists only the producer's own products on the dashboard API", Label("dod:PRODUCER-PERMISSIONS.dashboard"), func() {
		exchange("producer A", "GET", "/api/v1/producer/products?status=all", 200, 9.6, "", `{"data":[{"id":1},{"id":2},{"id":3}],"total":3}`)
		cell("producer A", "dashboard", 200, 200, "3 own ids, none of B's")
	})

	It("shows only the producer's own products in the browser", Label("dod:PRODUCER-PERMISSIONS.dashboard", "browser"), func() {
		By("signing in as producer A in headless Chromium")
		By("reading the product rows of /producer/dashboard")
		record(evidence.Record{Kind: evidence.KindScreenshot, Title: "producer A's dashboard", File: &evidence.File{
			Path: "evidence/permissions-dashboard-producer-a.png", MediaType: "image/png", Bytes: 48213,
			SHA256: "3f1d6c0b7a2e9f8d5c4b3a29187f6e5d4c3b2a1908f7e6d5c4b3a2918f7e6d5c",
		}})
	})

	It("lets an admin edit and delete any producer's product", Label("dod:PRODUCER-PERMISSIONS.admin-override", "writes"), func() {
		cell("admin", "delete other's", 204, 204, "")
	})
})

var _ = Describe("Catalog", Label("dod:PRODUCTS-LIST"), func() {
	It("lists active products with their producer, paginated", Label("dod:PRODUCTS-LIST.products-list"), func() {
		By("reading page 1 of the public list")
		exchange("anonymous", "GET", "/api/v1/public/products?page=1", 200, 11.4, "",
			`{"current_page":1,"data":[{"id":1,"name":"Tomatoes","price":"3.50","is_active":1,"producer":{"id":1,"name":"Farm A","slug":"farm-a"}}],"per_page":15,"total":24,"last_page":2}`)
		By("reading the detail of an inactive product")
		exchange("anonymous", "GET", "/api/v1/public/products/9", 404, 3.1, "", `{"message":"Product not found"}`)
	})
})

var _ = Describe("Auth", Label("dod:AUTH-ROUTES"), func() {
	It("registers, logs in, reads the profile and logs out", Label("dod:AUTH-ROUTES.auth-routes", "writes"), func() {
		exchange("anonymous", "POST", "/api/v1/auth/register", 201, 40, "{}", "{}")
	})
})

var _ = Describe("Prod facts", Label("dod:PROD-FACTS"), func() {
	It("measures health, the products API, pages and TLS", Label("dod:PROD-FACTS.prod-facts"), func() {
		By("calling the health endpoint")
		fact("GET /api/health", "200", 12.5, "database: connected | version 1.4.2", true)
		By("reading the products API and pages")
		fact("GET /api/v1/public/products", "200", 21.0, "24 active products", true)
		fact("GET /login", "307", 2.2, "→ /auth/login", true)
		fact("TLS certificate", "n/a", 0, "target is http, no certificate to check", true)
		fact("content: product page", "200", 18.3, "`Tomatoes` with price 3.50 €", true)
		fact("content: login form", "200", 6.4, "login-form, login-email, login-password, login-submit present", true)
	})
})
