package checkout_test

import (
	"context"
	"fmt"
	"regexp"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/dbcheck"
	"github.com/smokeproof/smokeproof/pkg/dbdsn"
	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

// Another user's orders and cart items: neither readable, changeable nor deletable,
// never listed, and their database rows unchanged afterwards.
var _ = Describe("Other users' orders and cart items", func() {
	It("answers 404 to another consumer's order, never lists it and leaves its row unchanged", spec.DoD("CHECKOUT-SMOKE.flow"), spec.Rules("orders.show.other-404", "orders.list.own-only", "errors.404-shape"), spec.Writes, spec.NeedsDB, Serial, func(ctx SpecContext) {
		needTwoConsumers()
		owner, _ := spec.Buyer(ctx)
		other, _ := spec.Buyer(ctx)
		first, second := twoProducts(ctx)

		By("letting the owner and the other consumer place one order each")
		theirs, resp, err := owner.PlaceOrder(ctx, []market.Line{{ProductID: first.ID, Quantity: 1}}, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(201))
		mine, resp, err := other.PlaceOrder(ctx, []market.Line{{ProductID: second.ID, Quantity: 1}}, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(201))
		before := orderRows(ctx, theirs.ID)

		By(fmt.Sprintf("asking for the owner's order %d as the other consumer", theirs.ID))
		_, resp, err = other.OnOthersRows().Order(ctx, theirs.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(404), "another user's order is not found")
		Expect(resp.Message).To(Equal("Order not found"))

		By("listing the other consumer's orders")
		var list struct {
			Orders []market.Order `json:"orders"`
		}
		resp, err = other.Do(ctx, "GET", "/v1/orders", nil, &list)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(list.Orders).NotTo(BeEmpty(), "the other consumer's own order is listed")
		for _, o := range list.Orders {
			Expect(o.ID).NotTo(Equal(theirs.ID), "the list shows another user's order %d", theirs.ID)
			Expect(o.UserID).To(Equal(mine.UserID), "the list shows order %d of user %d", o.ID, o.UserID)
		}

		By("reading the owner's order rows again")
		Expect(orderRows(ctx, theirs.ID)).To(Equal(before), "order %d changed", theirs.ID)
	})

	It("answers 404 to changing or removing another consumer's cart item, never lists it and leaves its row unchanged", spec.DoD("CHECKOUT-SMOKE.flow"), spec.Rules("cart.update.other-404", "cart.remove.other-404", "cart.list.own-only", "errors.404-shape"), spec.Writes, spec.NeedsDB, Serial, func(ctx SpecContext) {
		needTwoConsumers()
		owner, _ := spec.Buyer(ctx)
		other, _ := spec.Buyer(ctx)
		first, second := twoProducts(ctx)

		By("filling both carts")
		Expect(owner.AddToCart(ctx, first.ID, 2)).To(spec.HaveStatus(201))
		Expect(other.AddToCart(ctx, second.ID, 1)).To(spec.HaveStatus(201))
		cart, resp, err := owner.Cart(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(cart.Items).To(HaveLen(1))
		item := cart.Items[0].ID
		before := cartRow(ctx, item)
		Expect(before).NotTo(BeEmpty())

		path := fmt.Sprintf("/v1/cart/items/%d", item)
		By("changing the owner's cart item as the other consumer")
		resp, err = other.OnOthersRows().Do(ctx, "PATCH", path, map[string]int{"quantity": 7}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(404), "another user's cart item is not found")
		Expect(resp.Message).To(Equal("Cart item not found"))
		By("removing the owner's cart item as the other consumer")
		resp, err = other.OnOthersRows().Do(ctx, "DELETE", path, nil, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(404), "another user's cart item is not found")

		By("listing the other consumer's cart")
		theirs, resp, err := other.Cart(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(theirs.Items).NotTo(BeEmpty(), "the other consumer's own item is listed")
		for _, it := range theirs.Items {
			Expect(it.ID).NotTo(Equal(item), "the cart lists another user's item %d", item)
		}

		By("reading the owner's cart item row again")
		Expect(cartRow(ctx, item)).To(Equal(before), "cart item %d changed", item)
	})

	It("updates and removes its own cart items, adds to a line and refuses bad quantities and products", spec.DoD("CHECKOUT-SMOKE.flow"), spec.Rules("cart.update.200", "cart.update.422", "cart.remove.200", "cart.add.accumulates", "cart.one-row-per-product", "cart.add.422-product", "cart.add.422-quantity", "cart.no-reservation"), spec.Writes, spec.NeedsDB, Serial, func(ctx SpecContext) {
		buyer, _ := spec.Buyer(ctx)
		first, _ := twoProducts(ctx)
		stock, err := spec.DB().Stock(ctx, first.Slug)
		Expect(err).NotTo(HaveOccurred())

		By("adding the same product twice")
		Expect(buyer.AddToCart(ctx, first.ID, 1)).To(spec.HaveStatus(201))
		Expect(buyer.AddToCart(ctx, first.ID, 2)).To(spec.HaveStatus(201))
		cart, _, err := buyer.Cart(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(cart.Items).To(HaveLen(1), "one cart row per product")
		Expect(cart.Items[0].Quantity).To(Equal(3), "adding again adds to the quantity")
		Expect(spec.DB().Stock(ctx, first.Slug)).To(Equal(stock), "the cart reserves no stock")

		By("refusing a missing product and bad quantities")
		Expect(buyer.AddToCart(ctx, 987654321, 1)).To(spec.HaveStatus(422))
		resp, err := buyer.AddToCart(ctx, first.ID, 0)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422))
		Expect(resp.Errors).To(HaveKey("quantity"))
		resp, err = buyer.AddToCart(ctx, first.ID, 101)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422))
		By(fmt.Sprintf("refusing more than the stock of %d, counting the 3 already in the cart", stock))
		Expect(stock-2).To(BeNumerically("<=", 100), "the product's stock %d can be exceeded with one add of at most 100", stock)
		resp, err = buyer.AddToCart(ctx, first.ID, stock-2)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422), "adding %d to the 3 in the cart exceeds the stock of %d", stock-2, stock)
		Expect(resp.Errors).To(HaveKey("quantity"))

		path := fmt.Sprintf("/v1/cart/items/%d", cart.Items[0].ID)
		By("changing its own item")
		resp, err = buyer.Do(ctx, "PATCH", path, map[string]int{"quantity": 2}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		resp, err = buyer.Do(ctx, "PATCH", path, map[string]int{"quantity": 0}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422))
		cart, _, err = buyer.Cart(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(cart.Items).To(HaveLen(1))
		Expect(cart.Items[0].Quantity).To(Equal(2))

		By("removing its own item")
		resp, err = buyer.Do(ctx, "DELETE", path, nil, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		cart, _, err = buyer.Cart(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(cart.Items).To(BeEmpty())
	})
})

var _ = Describe("Who may order", func() {
	It("answers 403 to a producer and to a producer without profile on both order routes, and takes an admin's order", spec.DoD("CHECKOUT-SMOKE.api-201"), spec.Rules("orders.producer-403"), spec.Writes, Serial, func(ctx SpecContext) {
		accts := spec.T().Accounts
		first, _ := twoProducts(ctx)
		line := []market.Line{{ProductID: first.ID, Quantity: 1}}
		for _, who := range []struct {
			name   string
			client *market.Client
			want   int
		}{
			{"producer A", spec.SignIn(ctx, "producer A", accts.ProducerA), 403},
			{"producer without profile", spec.SignIn(ctx, "producer without profile", accts.ProducerNoProfile), 403},
			{"admin", spec.SignIn(ctx, "admin", accts.Admin), 201},
		} {
			By(who.name + " posts a direct order")
			_, resp, err := who.client.PlaceOrder(ctx, line, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(who.want), "%s on POST /api/v1/orders", who.name)
			By(who.name + " checks out its cart")
			Expect(spec.EmptyCart(ctx, who.client)).To(Succeed())
			Expect(who.client.AddToCart(ctx, first.ID, 1)).To(spec.HaveStatus(201))
			_, resp, err = who.client.Checkout(ctx, "")
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(who.want), "%s on POST /api/v1/orders/checkout", who.name)
			Expect(spec.EmptyCart(ctx, who.client)).To(Succeed())
		}
	})

	It("refuses orders of missing or inactive products, over stock and of an empty cart with 422", spec.DoD("CHECKOUT-SMOKE.api-201"), spec.Rules("orders.create.422-items", "orders.create.422-stock", "orders.checkout.422-cart", "orders.checkout.422-products", "orders.checkout.422-stock", "errors.422-shape"), spec.Writes, Serial, func(ctx SpecContext) {
		needTwoConsumers() // a rival buyer takes the stock
		producer := spec.SignIn(ctx, "producer A", spec.T().Accounts.ProducerA)
		p := productWithStock(ctx, producer, 2)
		buyer, _ := spec.Buyer(ctx)

		By("checking out an empty cart")
		_, resp, err := buyer.Checkout(ctx, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422))
		Expect(resp.Errors).To(HaveKey("cart"))

		By("ordering a product that does not exist")
		_, resp, err = buyer.PlaceOrder(ctx, []market.Line{{ProductID: 987654321, Quantity: 1}}, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422))
		Expect(resp.Message).NotTo(BeEmpty())

		By("ordering more than the stock directly")
		_, resp, err = buyer.PlaceOrder(ctx, []market.Line{{ProductID: p.ID, Quantity: 3}}, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422))
		Expect(resp.Errors).To(HaveKey("stock"))

		By("checking out a cart the stock no longer covers")
		Expect(buyer.AddToCart(ctx, p.ID, 2)).To(spec.HaveStatus(201))
		rival, _ := spec.Buyer(ctx)
		_, resp, err = rival.PlaceOrder(ctx, []market.Line{{ProductID: p.ID, Quantity: 1}}, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(201))
		_, resp, err = buyer.Checkout(ctx, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422))
		Expect(resp.Errors).To(HaveKey("stock"))

		By("checking out a cart whose product was taken off sale")
		_, resp, err = producer.UpdateProduct(ctx, p.ID, market.ProductInput{IsActive: market.Ptr(false)})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		_, resp, err = buyer.Checkout(ctx, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422))
		Expect(resp.Errors).To(HaveKey("products"))

		By("ordering the inactive product directly")
		_, resp, err = buyer.PlaceOrder(ctx, []market.Line{{ProductID: p.ID, Quantity: 1}}, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422))
		Expect(resp.Errors).To(HaveKey("items"))
	})

	It("answers 409 to deleting a product that has order lines and keeps the product and the lines", spec.DoD("CHECKOUT-SMOKE.db-order-row"), spec.Rules("delete-product-with-lines-409", "order-items.restrict"), spec.Writes, spec.NeedsDB, Serial, func(ctx SpecContext) {
		producer := spec.SignIn(ctx, "producer A", spec.T().Accounts.ProducerA)
		p := productWithStock(ctx, producer, 5)
		buyer, _ := spec.Buyer(ctx)
		order, resp, err := buyer.PlaceOrder(ctx, []market.Line{{ProductID: p.ID, Quantity: 1}}, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(201))
		lines, err := spec.DB().OrderItems(ctx, order.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(lines.Values).To(HaveLen(1))

		By(fmt.Sprintf("deleting product %d, which order %d holds", p.ID, order.ID))
		resp, err = producer.DeleteProduct(ctx, p.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(409), "a product with order lines cannot be deleted")

		By("reading the product and the order lines again")
		row, err := spec.DB().Product(ctx, p.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(row.Values).To(HaveLen(1), "the product row is kept")
		after, err := spec.DB().OrderItems(ctx, order.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(after).To(Equal(lines), "the order lines are kept unchanged")
	})
})

// productWithStock creates a fresh active product with the given stock as the given
// producer.
func productWithStock(ctx context.Context, producer *market.Client, stock int) market.Product {
	GinkgoHelper()
	slug := fmt.Sprintf("order-check-%d-%d", time.Now().UnixNano(), GinkgoParallelProcess())
	p, resp, err := producer.CreateProduct(ctx, market.ProductInput{Name: market.Ptr("Order check " + slug), Slug: market.Ptr(slug), Price: market.Ptr("1.50"), Stock: market.Ptr(stock)})
	Expect(err).NotTo(HaveOccurred())
	Expect(resp).To(spec.HaveStatus(201))
	return p
}

// orderRows returns the order's row and its items as one string.
func orderRows(ctx context.Context, id int64) string {
	GinkgoHelper()
	row, err := spec.DB().Order(ctx, id)
	Expect(err).NotTo(HaveOccurred())
	Expect(row.Values).To(HaveLen(1), "order %d has a row", id)
	items, err := spec.DB().OrderItems(ctx, id)
	Expect(err).NotTo(HaveOccurred())
	Expect(items.Values).NotTo(BeEmpty(), "order %d has items", id)
	return fmt.Sprint(row.Values, items.Values)
}

// cartRow returns the cart item's row as one string ("" when it does not exist).
func cartRow(ctx context.Context, id int64) string {
	GinkgoHelper()
	t, err := spec.DB().Query(ctx, fmt.Sprintf("cart_items row %d", id), "SELECT id, user_id, product_id, quantity FROM cart_items WHERE id = ?", id)
	Expect(err).NotTo(HaveOccurred())
	if len(t.Values) == 0 {
		return ""
	}
	return fmt.Sprint(t.Values[0])
}

var _ = Describe("Order notification rows", func() {
	It("writes one notifications row and one order_notifications row per order, kept unique per order, recipient and event", spec.DoD("CHECKOUT-SMOKE.email"), spec.Rules("email.notifications-row", "email.order-notifications-row", "email.retry-never-twice"), spec.Writes, spec.NeedsDB, Serial, func(ctx SpecContext) {
		buyer, user := spec.Buyer(ctx)
		first, _ := twoProducts(ctx)
		order, resp, err := buyer.PlaceOrder(ctx, []market.Line{{ProductID: first.ID, Quantity: 1}}, "")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(201))
		db := spec.DB()

		By(fmt.Sprintf("reading the order_notifications rows of order %d", order.ID))
		var sent dbcheck.Table
		Eventually(func(g Gomega) {
			t, err := db.OrderNotifications(ctx, order.ID)
			g.Expect(err).NotTo(HaveOccurred())
			g.Expect(t.Values).To(HaveLen(1), "one order_notifications row for order %d", order.ID)
			sent = t
		}).WithContext(ctx).WithTimeout(spec.Settings().MailWait).WithPolling(100 * time.Millisecond).Should(Succeed())
		Expect(sent.Get(0, "recipient_type")).To(Equal("consumer"))
		Expect(sent.Get(0, "recipient_email")).To(Equal(user.Email))
		Expect(sent.Get(0, "event")).To(Equal("order_placed"))

		By("reading the buyer's notifications rows of this order")
		n, err := db.Query(ctx, "notifications of the buyer", "SELECT user_id, type, payload FROM notifications WHERE user_id = ?", user.ID)
		Expect(err).NotTo(HaveOccurred())
		// The buyer may have older orders (the one smoke consumer of a live site): keep
		// the rows whose payload names this order.
		orderKey := regexp.MustCompile(fmt.Sprintf(`"order_id":\s*%d\b`, order.ID))
		var mine []int
		for i := range n.Values {
			if orderKey.MatchString(n.Get(i, "payload")) {
				mine = append(mine, i)
			}
		}
		Expect(mine).To(HaveLen(1), "one notifications row for order %d", order.ID)
		Expect(n.Get(mine[0], "type")).To(Equal("order_placed"))
		Expect(n.Get(mine[0], "payload")).To(ContainSubstring(order.TotalAmount))

		By("reading the unique key that keeps a retry from mailing twice")
		uniqueKeys := `SELECT INDEX_NAME, COLUMN_NAME FROM information_schema.STATISTICS
			 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = 'order_notifications' AND NON_UNIQUE = 0 AND INDEX_NAME <> 'PRIMARY'
			 ORDER BY INDEX_NAME, SEQ_IN_INDEX`
		if dbdsn.IsPostgres(spec.T().DB) {
			uniqueKeys = `SELECT i.relname AS "INDEX_NAME", a.attname AS "COLUMN_NAME"
			 FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid JOIN pg_class t ON t.oid = x.indrelid
			 JOIN pg_attribute a ON a.attrelid = t.oid AND a.attnum = ANY(x.indkey)
			 WHERE t.relname = 'order_notifications' AND x.indisunique AND NOT x.indisprimary
			 ORDER BY i.relname, a.attnum`
		}
		idx, err := db.Query(ctx, "unique keys of order_notifications", uniqueKeys)
		Expect(err).NotTo(HaveOccurred())
		cols := map[string][]string{}
		for i := range idx.Values {
			cols[idx.Get(i, "INDEX_NAME")] = append(cols[idx.Get(i, "INDEX_NAME")], idx.Get(i, "COLUMN_NAME"))
		}
		Expect(cols).To(ContainElement(ContainElements("order_id", "recipient_email", "event")), "order_notifications has a unique key over order, recipient and event")
	})
})

var _ = Describe("Schema", func() {
	It("has the contract's tables and the foreign keys orders and their lines rest on, order lines restricting product deletes", spec.DoD("CHECKOUT-SMOKE.db-order-row"), spec.Rules("schema.tables-and-keys"), spec.NeedsDB, func(ctx SpecContext) {
		db := spec.DB()
		tables, err := db.Query(ctx, "schema tables",
			tablesQuery())
		Expect(err).NotTo(HaveOccurred())
		var names []string
		for i := range tables.Values {
			names = append(names, tables.Get(i, "tname"))
		}
		Expect(names).To(ContainElements("users", "producers", "products", "cart_items", "orders", "order_items", "personal_access_tokens", "notifications", "order_notifications"))

		fks, err := db.ForeignKeys(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(fks).NotTo(BeEmpty(), "the schema declares no foreign key")
		links := map[string]string{}
		for _, fk := range fks {
			links[fk.Table+"."+fk.Column+"→"+fk.RefTable+"."+fk.RefColumn] = fk.OnDelete
		}
		for _, want := range []string{
			"producers.user_id→users.id", "products.producer_id→producers.id",
			"cart_items.user_id→users.id", "cart_items.product_id→products.id",
			"orders.user_id→users.id", "order_items.order_id→orders.id",
			"order_items.product_id→products.id", "order_items.producer_id→producers.id",
			"notifications.user_id→users.id", "order_notifications.order_id→orders.id",
		} {
			Expect(links).To(HaveKey(want), "the schema has the foreign key %s", want)
		}
		rule := links["order_items.product_id→products.id"]
		if rule == "" || rule == "NULL" {
			spec.Note("the database hides the delete rule of order_items.product_id from this user; the 409 spec shows the lines are kept")
		} else {
			Expect(rule).To(BeElementOf("RESTRICT", "NO ACTION"), "order_items.product_id → products never deletes order history (order-items.restrict: the 409 spec)")
		}
	})
})

// needTwoConsumers ends the spec as not applicable where the harness cannot make a second
// consumer: a live site has only the one smoke consumer, and "another consumer's rows"
// would be the same user's.
func needTwoConsumers() {
	if !spec.T().Caps.Owned {
		spec.NotApplicable("needs two consumers: a live site has only the smoke consumer (SMOKE_CONSUMER_*), so another consumer's rows cannot be tried there")
	}
}

// tablesQuery lists the base tables of the target's own schema, on MySQL or PostgreSQL.
func tablesQuery() string {
	schema := "DATABASE()"
	if dbdsn.IsPostgres(spec.T().DB) {
		schema = "current_schema()"
	}
	return "SELECT TABLE_NAME AS tname FROM information_schema.TABLES WHERE TABLE_SCHEMA = " + schema + " AND TABLE_TYPE = 'BASE TABLE' ORDER BY 1"
}
