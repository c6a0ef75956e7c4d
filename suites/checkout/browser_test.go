package checkout_test

import (
	"fmt"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/browser"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

// The plan's "Manual test" done as a person would: in Chromium, through the shop's
// pages, each step a screenshot; the order id read from the confirmation page is then
// looked up in the database.
var _ = Describe("Checkout in a browser", func() {
	It("adds a product to the cart, checks out and lands on the order confirmation in Chromium", spec.DoD("CHECKOUT-SMOKE.flow"), spec.Browser, spec.Writes, spec.NeedsDB, Serial, func(ctx SpecContext) {
		const quantity, shipping = 2, "HOME"
		buyer := spec.BuyerWithPassword(ctx)
		product, _ := twoProducts(ctx)

		By("starting headless Chromium")
		exe, err := browser.Find()
		Expect(err).NotTo(HaveOccurred())
		b, err := browser.Start(ctx, browser.Options{ExecPath: exe})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(b.Close)

		narration := map[string]string{
			browser.StepSignIn:       "signing in as " + buyer.Email + " through the form at /auth/login",
			browser.StepProduct:      fmt.Sprintf("opening the page of %s (/products/%d) and typing quantity %d", product.Name, product.ID, quantity),
			browser.StepCart:         "clicking add-to-cart-submit and reading the cart it lands on",
			browser.StepCheckout:     "following checkout-link and choosing " + shipping + " delivery",
			browser.StepConfirmation: "clicking checkout-submit and reading the order id from the confirmation page",
		}
		res, flowErr := b.Checkout(ctx, browser.CheckoutFlow{
			WebBase: spec.T().WebBase, Email: buyer.Email, Password: buyer.Password,
			ProductID: product.ID, Quantity: quantity, Shipping: shipping,
			OnStep: func(step string) { By(narration[step]) },
		})
		// The screenshots and pages are evidence whether or not the flow got through.
		for i, s := range res.Shots {
			_, err := spec.SaveScreenshot(s.Step, fmt.Sprintf("checkout-browser-%d-%s.png", i+1, s.Step), s.PNG)
			Expect(err).NotTo(HaveOccurred())
		}
		for _, p := range res.Pages {
			spec.Record(evidence.Record{Kind: evidence.KindHTTP, HTTP: &evidence.HTTP{
				Caller: "consumer (browser)", CallerClass: evidence.ClassConsumer,
				Method: p.Method, Path: p.Path, Status: p.Status, Millis: p.Millis, ResponseBytes: p.Bytes,
			}})
		}
		if flowErr != nil {
			Fail("the checkout flow in the browser failed at " + flowErr.Error())
		}
		Expect(res.Shots).To(HaveLen(5), "one screenshot per step")
		spec.Note("the confirmation page %s shows order %s, total %s, status %s", res.ConfirmedURL, res.OrderID, res.OrderTotal, res.OrderStatus)

		By("checking what the confirmation page shows")
		Expect(res.OrderStatus).To(Equal("pending"))
		Expect(res.OrderItems).To(HaveLen(1), "one order-item for the one product")
		Expect(res.OrderItems[0].ProductID).To(Equal(strconv.FormatInt(product.ID, 10)))
		subtotal := cents(product.Price) * quantity
		total := money(subtotal + (subtotal*10+50)/100 + 500)
		Expect(res.OrderTotal).To(Equal(total), "order-total = %d × %s + 10 %% tax + 5.00 home delivery", quantity, product.Price)

		id, err := strconv.ParseInt(res.OrderID, 10, 64)
		Expect(err).NotTo(HaveOccurred(), "order-id %q is a number", res.OrderID)
		By(fmt.Sprintf("finding order %d, read from the page, in the database", id))
		row, err := spec.DB().Order(ctx, id)
		Expect(err).NotTo(HaveOccurred())
		Expect(row.Values).To(HaveLen(1), "an orders row exists for the order id the page shows (%d)", id)
		Expect(row.Get(0, "buyer")).To(Equal(buyer.Email), "the order belongs to the consumer who signed in")
		Expect(row.Get(0, "shipping_method")).To(Equal(shipping))
		Expect(row.Get(0, "total_amount")).To(Equal(res.OrderTotal), "the database total is the page's")
		items, err := spec.DB().OrderItems(ctx, id)
		Expect(err).NotTo(HaveOccurred())
		Expect(items.Values).To(HaveLen(1), "one order_items row")
		Expect(items.Get(0, "product_id")).To(Equal(strconv.FormatInt(product.ID, 10)))
		Expect(items.Get(0, "quantity")).To(Equal(strconv.Itoa(quantity)))

		By("checking that the cart was emptied")
		cart, resp, err := buyer.Client.Cart(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(cart.Items).To(BeEmpty(), "checkout empties the cart")
		Expect(strings.TrimSpace(res.CartTotal)).NotTo(BeEmpty(), "the cart page showed cart-total")
	})
})
