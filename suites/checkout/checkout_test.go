package checkout_test

import (
	"context"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/mailbox"
	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

// Specs that shop as spec.Buyer are Serial: on live every buyer is the one smoke
// consumer, whose cart parallel specs would share.
var _ = Describe("Checkout", func() {
	It("adds two products to the cart, checks out and reads the order back", spec.DoD("CHECKOUT-SMOKE.flow", "CHECKOUT-SMOKE.api-201"), spec.Rules("orders.checkout.201", "orders.checkout.empties-cart", "cart.add.201", "cart.list.200", "orders.show.200", "orders.shape", "orders.subtotal", "orders.tax", "orders.shipping", "orders.total", "money.two-decimals", "timestamps.rfc3339"), spec.Writes, Serial, func(ctx SpecContext) {
		buyer, user := spec.Buyer(ctx)
		first, second := twoProducts(ctx)

		By(fmt.Sprintf("adding 2 × %s and 1 × %s to the cart", first.Name, second.Name))
		Expect(buyer.AddToCart(ctx, first.ID, 2)).To(spec.HaveStatus(201))
		Expect(buyer.AddToCart(ctx, second.ID, 1)).To(spec.HaveStatus(201))
		cart, resp, err := buyer.Cart(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(cart.Items).To(HaveLen(2), "the cart holds the two products")

		By("checking out with home delivery")
		order, resp, err := buyer.Checkout(ctx, "HOME")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(201, 200))
		expectOrder(order, user, "HOME", line{first, 2}, line{second, 1})

		By("reading the order back")
		again, resp, err := buyer.Order(ctx, order.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(again.ID).To(Equal(order.ID))
		Expect(again.TotalAmount).To(Equal(order.TotalAmount))

		By("checking that the cart was emptied")
		cart, _, err = buyer.Cart(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(cart.Items).To(BeEmpty(), "checkout empties the cart")
	})

	It("POST /api/v1/orders returns 201 with the order and its totals", spec.DoD("CHECKOUT-SMOKE.api-201"), spec.Rules("orders.create.201", "orders.shape", "orders.subtotal", "orders.tax", "orders.shipping", "orders.total"), spec.Writes, Serial, func(ctx SpecContext) {
		buyer, user := spec.Buyer(ctx)
		first, second := twoProducts(ctx)

		By("posting a direct order for pick-up")
		order, resp, err := buyer.PlaceOrder(ctx, []market.Line{{ProductID: first.ID, Quantity: 3}, {ProductID: second.ID, Quantity: 1}}, "PICKUP")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(201, 200))
		expectOrder(order, user, "PICKUP", line{first, 3}, line{second, 1})
	})

	// One spec for both routes, so that they share the window in which a second
	// confirmation must not arrive (the window is wall time; the checks are per order).
	It("sends exactly one confirmation e-mail to the buyer for an order through each route ("+routeNames()+")", spec.DoD("CHECKOUT-SMOKE.email"), spec.Rules("email.exactly-one", "email.headers", "email.body"), spec.Writes, spec.NeedsMail, Serial, func(ctx SpecContext) {
		buyer, user := spec.Buyer(ctx)
		first, _ := twoProducts(ctx)
		since := time.Now().Add(-time.Second)
		src := spec.T().Mail
		// All orders first, then the mail: each search waits for its message and a short
		// settle, and the later ones find theirs already there.
		var orders []market.Order
		for _, route := range orderRoutes {
			By("placing an order through " + route.name)
			order, resp := route.place(ctx, buyer, market.Line{ProductID: first.ID, Quantity: 1})
			Expect(resp).To(spec.HaveStatus(201, 200), "the order through %s", route.name)
			orders = append(orders, order)
		}
		var queries []mailbox.Query
		for i, route := range orderRoutes {
			order := orders[i]
			By(fmt.Sprintf("looking for the confirmation of order %d (%s) to %s in the %s", order.ID, route.name, user.Email, src.Name()))
			id := strconv.FormatInt(order.ID, 10)
			q := mailbox.Query{To: user.Email, OrderID: id, Since: since}
			start := time.Now()
			msgs, err := mailbox.Find(ctx, src, q, spec.Settings().MailWait)
			Expect(err).NotTo(HaveOccurred(), "the confirmation of the order through %s", route.name)
			spec.Record(msgs[0].Evidence(len(msgs), time.Since(start)))
			Expect(msgs).To(HaveLen(1), "exactly one confirmation for order %d (%s)", order.ID, route.name)
			Expect(msgs[0].OrderID).To(Equal(id), "X-Order-Id names the order")
			if src.Name() != mailbox.SourceNotifications {
				Expect(msgs[0].To).To(ContainSubstring(user.Email), "the confirmation goes to the buyer")
				Expect(msgs[0].Subject).To(Equal("Order confirmation #"+id), "the subject names the order")
				Expect(msgs[0].Text).To(ContainSubstring(id), "the body names the order")
				Expect(msgs[0].Text).To(ContainSubstring(order.TotalAmount), "the body names the total")
			}
			queries = append(queries, q)
		}

		window := spec.Settings().MailWindow
		if window <= 0 {
			spec.Note("one confirmation per order (%d orders) within 150 ms of the first; SMOKE_MAIL_WINDOW=0s: not watched for a later second one", len(queries))
			return
		}
		By(fmt.Sprintf("checking no second confirmation arrives for any of the orders for %s", window))
		Consistently(func(g Gomega) {
			for _, q := range queries {
				again, err := src.Messages(ctx, q)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(again).To(HaveLen(1), "exactly one confirmation for order %s", q.OrderID)
			}
		}).WithContext(ctx).WithTimeout(window).WithPolling(100 * time.Millisecond).Should(Succeed())
		spec.Note("one confirmation per order (%d orders), and still one after %s (SMOKE_MAIL_WINDOW)", len(queries), window)
	})

	// Every route that creates an order is held to the same bullets: the order row and
	// its items, the stock and no oversell (exactly one e-mail: the spec above).
	for _, route := range orderRoutes {
		// Serial: the stock comparison must not see other specs' orders of the same products.
		It("writes the order, its items and the stock to the database ("+route.name+")", spec.DoD("CHECKOUT-SMOKE.db-order-row"), spec.Rules("orders.atomic", "order-items.producer-id", "stock.decremented"), spec.Writes, spec.NeedsDB, Serial, func(ctx SpecContext) {
			buyer, user := spec.Buyer(ctx)
			first, second := twoProducts(ctx)
			db := spec.DB()

			By("reading the stock before the order")
			before1, err := db.Stock(ctx, first.Slug)
			Expect(err).NotTo(HaveOccurred())
			before2, err := db.Stock(ctx, second.Slug)
			Expect(err).NotTo(HaveOccurred())

			By("ordering 2 × " + first.Name + " and 1 × " + second.Name + " through " + route.name)
			order, resp := route.place(ctx, buyer, market.Line{ProductID: first.ID, Quantity: 2}, market.Line{ProductID: second.ID, Quantity: 1})
			Expect(resp).To(spec.HaveStatus(201, 200))

			By(fmt.Sprintf("reading orders row %d", order.ID))
			row, err := db.Order(ctx, order.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(row.Values).To(HaveLen(1), "an orders row exists for order %d", order.ID)
			Expect(row.Get(0, "buyer")).To(Equal(user.Email))
			Expect(row.Get(0, "status")).To(Equal("pending"))
			Expect(row.Get(0, "payment_status")).To(Equal("pending"))
			Expect(row.Get(0, "subtotal")).To(Equal(order.Subtotal))
			Expect(row.Get(0, "tax_amount")).To(Equal(order.TaxAmount))
			Expect(row.Get(0, "total_amount")).To(Equal(order.TotalAmount))

			By("reading its order_items rows")
			items, err := db.OrderItems(ctx, order.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(items.Values).To(HaveLen(2), "one order_items row per product")
			for i := range items.Values {
				pid := items.Get(i, "product_id")
				want := first
				if pid == strconv.FormatInt(second.ID, 10) {
					want = second
				}
				Expect(pid).To(Equal(strconv.FormatInt(want.ID, 10)))
				Expect(items.Get(i, "producer_id")).To(Equal(strconv.FormatInt(want.ProducerID, 10)), "order_items.producer_id of %s", want.Name)
				Expect(items.Get(i, "unit_price")).To(Equal(want.Price))
			}

			By("reading the stock after the order")
			Expect(db.Stock(ctx, first.Slug)).To(Equal(before1-2), "stock of %s decremented by 2", first.Name)
			Expect(db.Stock(ctx, second.Slug)).To(Equal(before2-1), "stock of %s decremented by 1", second.Name)
		})

		It("never sells more than the stock under concurrent orders ("+route.name+")", spec.DoD("CHECKOUT-SMOKE.db-order-row"), spec.Rules("stock.no-oversell"), spec.Writes, spec.Destructive, spec.NeedsDB, func(ctx SpecContext) {
			const stock, buyers = 3, 8
			By(fmt.Sprintf("creating a product with stock %d as producer A", stock))
			producer := spec.SignIn(ctx, "producer A", spec.T().Accounts.ProducerA)
			slug := fmt.Sprintf("oversell-check-%d-%d", time.Now().UnixNano(), GinkgoParallelProcess())
			p, resp, err := producer.CreateProduct(ctx, market.ProductInput{Name: market.Ptr("Oversell check " + slug), Slug: market.Ptr(slug), Price: market.Ptr("2.00"), Stock: market.Ptr(stock)})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(201))

			By(fmt.Sprintf("letting %d fresh consumers order one each through %s at the same moment", buyers, route.name))
			clients := make([]*market.Client, buyers)
			for i := range clients {
				clients[i], _ = spec.Buyer(ctx)
				if route.cart {
					Expect(clients[i].AddToCart(ctx, p.ID, 1)).To(spec.HaveStatus(201), "the cart reserves nothing: every buyer can add the product")
				}
			}
			statuses := make([]*market.Response, buyers)
			var wg sync.WaitGroup
			gate := make(chan struct{})
			for i, c := range clients {
				wg.Add(1)
				go func() {
					defer GinkgoRecover()
					defer wg.Done()
					<-gate
					statuses[i] = route.send(ctx, c, market.Line{ProductID: p.ID, Quantity: 1})
				}()
			}
			close(gate)
			wg.Wait()

			created, refused := 0, 0
			for _, r := range statuses {
				switch {
				case r.Status == 201 || r.Status == 200:
					created++
				case r.Status == 422 && len(r.Errors["stock"]) > 0:
					refused++
				default:
					Fail(fmt.Sprintf("a concurrent order got %s, expected 201 or 422 stock", r))
				}
			}
			spec.Note("%s: %d orders created, %d refused with 422 stock", route.name, created, refused)
			if spec.T().Kind == "embedded" {
				spec.Note("embedded target: go-mysql-server runs the shop's transactions, so this shows the shop's answers, the final stock and the order lines, " +
					"but go-mysql-server does not lock rows (SELECT … FOR UPDATE) or isolate transactions as MariaDB does: it cannot show that competing transactions are serialized. " +
					"The containers target runs the same spec on MariaDB.")
			}
			Expect(created).To(Equal(stock), "exactly as many orders as the stock")
			Expect(refused).To(Equal(buyers - stock))

			By("reading the stock and the order lines in the database")
			Expect(spec.DB().Stock(ctx, slug)).To(Equal(0))
			lines, err := spec.DB().Query(ctx, "order lines of "+slug, "SELECT COUNT(*) AS lines_sold, COALESCE(SUM(quantity),0) AS units_sold FROM order_items WHERE product_id = ?", p.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(lines.Get(0, "units_sold")).To(Equal(strconv.Itoa(stock)))
		})
	}
})

// orderRoute is one route that creates an order.
type orderRoute struct {
	name string
	cart bool // the route orders what is in the caller's cart
}

// orderRoutes are the API routes that create an order (the browser checkout page is
// the checkout suite's browser spec).
var orderRoutes = []orderRoute{
	{name: "POST /api/v1/orders/checkout", cart: true},
	{name: "POST /api/v1/orders"},
}

// routeNames lists the order routes for a spec's name.
func routeNames() string {
	var names []string
	for _, r := range orderRoutes {
		names = append(names, r.name)
	}
	return strings.Join(names, " and ")
}

// place orders lines through the route (for checkout: adds them to the cart first)
// and returns the order and the response.
func (r orderRoute) place(ctx context.Context, buyer *market.Client, lines ...market.Line) (market.Order, *market.Response) {
	GinkgoHelper()
	if r.cart {
		for _, l := range lines {
			Expect(buyer.AddToCart(ctx, l.ProductID, l.Quantity)).To(spec.HaveStatus(201))
		}
		order, resp, err := buyer.Checkout(ctx, "")
		Expect(err).NotTo(HaveOccurred())
		return order, resp
	}
	order, resp, err := buyer.PlaceOrder(ctx, lines, "")
	Expect(err).NotTo(HaveOccurred())
	return order, resp
}

// send sends the order request alone (the cart is already filled), for the concurrent
// spec.
func (r orderRoute) send(ctx context.Context, buyer *market.Client, lines ...market.Line) *market.Response {
	GinkgoHelper()
	var resp *market.Response
	var err error
	if r.cart {
		_, resp, err = buyer.Checkout(ctx, "")
	} else {
		_, resp, err = buyer.PlaceOrder(ctx, lines, "")
	}
	Expect(err).NotTo(HaveOccurred())
	return resp
}

type line struct {
	p   market.Product
	qty int
}

// twoProducts picks two active products in stock from different producers when the
// catalogue has them (found by listing, never by id, so it works on any target).
func twoProducts(ctx context.Context) (market.Product, market.Product) {
	GinkgoHelper()
	page, resp, err := spec.API().PublicProducts(ctx, market.ListQuery{PerPage: 100, Sort: "name"})
	Expect(err).NotTo(HaveOccurred())
	Expect(resp).To(spec.HaveStatus(200))
	var candidates []market.Product
	for _, p := range page.Data {
		if p.IsActive.Bool() && p.Stock >= 10 && !strings.HasPrefix(p.Slug, "oversell-check") {
			candidates = append(candidates, p)
		}
	}
	Expect(len(candidates)).To(BeNumerically(">=", 2), "the catalogue needs two active products with stock ≥ 10")
	first := candidates[0]
	for _, p := range candidates[1:] {
		if p.ProducerID != first.ProducerID {
			return first, p
		}
	}
	return first, candidates[1]
}

// expectOrder checks an order body against the contract: fields, lines and totals.
func expectOrder(o market.Order, buyer market.User, shipping string, lines ...line) {
	GinkgoHelper()
	Expect(o.ID).To(BeNumerically(">", 0), "the order has an id")
	Expect(o.UserID).To(Equal(buyer.ID), "the order belongs to the buyer")
	Expect(o.Status).To(Equal("pending"))
	Expect(o.PaymentStatus).To(Equal("pending"))
	Expect(o.ShippingMethod).To(Equal(shipping))
	Expect(o.Currency).To(Equal("EUR"))
	Expect(o.Items).To(HaveLen(len(lines)), "one order line per product")
	var subtotal int64
	for _, l := range lines {
		price := cents(l.p.Price)
		subtotal += price * int64(l.qty)
		var found bool
		for _, it := range o.Items {
			if it.ProductID == l.p.ID {
				found = true
				Expect(it.Quantity).To(Equal(l.qty))
				Expect(it.UnitPrice).To(Equal(l.p.Price), "unit price of %s is the price at purchase", l.p.Name)
				Expect(it.ProducerID).To(Equal(l.p.ProducerID), "order line of %s names its producer", l.p.Name)
			}
		}
		Expect(found).To(BeTrue(), "the order has a line for %s", l.p.Name)
	}
	tax := (subtotal*10 + 50) / 100
	shippingAmount := int64(500)
	if shipping == "PICKUP" {
		shippingAmount = 0
	}
	Expect(o.Subtotal).To(Equal(money(subtotal)), "subtotal = Σ unit price × quantity")
	Expect(o.TaxAmount).To(Equal(money(tax)), "tax = 10 %% of the subtotal, half-up")
	Expect(o.ShippingAmount).To(Equal(money(shippingAmount)), "shipping for %s", shipping)
	Expect(o.TotalAmount).To(Equal(money(subtotal+tax+shippingAmount)), "total = subtotal + tax + shipping")
}

func cents(s string) int64 {
	whole, frac, _ := strings.Cut(s, ".")
	w, err := strconv.ParseInt(whole, 10, 64)
	Expect(err).NotTo(HaveOccurred(), "price %q", s)
	frac = (frac + "00")[:2]
	f, err := strconv.ParseInt(frac, 10, 64)
	Expect(err).NotTo(HaveOccurred(), "price %q", s)
	return w*100 + f
}

func money(c int64) string { return fmt.Sprintf("%d.%02d", c/100, c%100) }
