package checkout_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

// webBuyer registers a fresh consumer through the register form, which signs it in:
// the returned page client carries its session.
func webBuyer(ctx SpecContext, who string) *market.Web {
	GinkgoHelper()
	web := spec.Web().As(who)
	email := fmt.Sprintf("page-%d-%d@smoke.test", time.Now().UnixNano(), GinkgoParallelProcess())
	password := fmt.Sprintf("page-pass-%d", time.Now().UnixNano()%1e9)
	spec.Secret(password)
	resp, err := web.PostForm(ctx, "/auth/register", url.Values{"name": {"Page Buyer"}, "email": {email},
		"password": {password}, "password_confirmation": {password}, "role": {"consumer"}})
	Expect(err).NotTo(HaveOccurred())
	Expect(resp).To(spec.HaveStatus(303), "register %s through the form", who)
	return web
}

var orderIDOnPage = regexp.MustCompile(`data-testid="order-id"[^>]*>\s*#?(\d+)\s*<`)

var _ = Describe("Checkout pages", func() {
	It("the pages ask for a sign-in, then add to cart, check out and confirm the order; another buyer's confirmation is 404", spec.DoD("CHECKOUT-SMOKE.flow"), spec.Rules("web.checkout-flow", "web.order-other-404"), spec.Writes, spec.NeedsDB, func(ctx SpecContext) {
		By("signed out, every checkout page redirects to the sign-in")
		anon := spec.Web()
		for _, r := range []struct{ method, path string }{{"GET", "/cart"}, {"POST", "/cart"}, {"GET", "/checkout"}, {"POST", "/checkout"}, {"GET", "/orders/1"}} {
			var resp *market.Response
			var err error
			if r.method == "GET" {
				resp, err = anon.Get(ctx, r.path)
			} else {
				resp, err = anon.PostForm(ctx, r.path, url.Values{})
			}
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(302, 303, 307), "%s %s signed out", r.method, r.path)
			Expect(resp.Header.Get("Location")).To(ContainSubstring("/auth/login"))
		}

		buyer := webBuyer(ctx, "consumer (page buyer)")
		first, _ := twoProducts(ctx)
		By(fmt.Sprintf("the product page %d has the add-to-cart form", first.ID))
		resp, err := buyer.Get(ctx, fmt.Sprintf("/products/%d", first.ID))
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(string(resp.Body)).To(ContainSubstring(`data-testid="add-to-cart-form"`))

		By("adding 2 to the cart through the form")
		resp, err = buyer.PostForm(ctx, "/cart", url.Values{"product_id": {strconv.FormatInt(first.ID, 10)}, "quantity": {"2"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(303))
		resp, err = buyer.Get(ctx, "/cart")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(string(resp.Body)).To(ContainSubstring(fmt.Sprintf(`data-product-id="%d"`, first.ID)), "the cart page lists the product")

		By("checking out")
		resp, err = buyer.Get(ctx, "/checkout")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		resp, err = buyer.PostForm(ctx, "/checkout", url.Values{"shipping_method": {"PICKUP"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(303))
		confirmation := resp.Header.Get("Location")
		Expect(confirmation).To(MatchRegexp(`/orders/\d+$`))

		By("the confirmation page names the order, and the database has it")
		resp, err = buyer.Get(ctx, confirmation)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		m := orderIDOnPage.FindStringSubmatch(string(resp.Body))
		Expect(m).NotTo(BeNil(), "the confirmation page shows data-testid=order-id")
		id, _ := strconv.ParseInt(m[1], 10, 64)
		items, err := spec.DB().OrderItems(ctx, id)
		Expect(err).NotTo(HaveOccurred())
		Expect(items.Values).To(HaveLen(1), "order %d has one line in order_items", id)
		Expect(items.Get(0, "quantity")).To(Equal("2"))

		By("another buyer gets 404 on that confirmation page")
		other := webBuyer(ctx, "consumer (another page buyer)").OnOthersRows()
		resp, err = other.Get(ctx, confirmation)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(404))
	})
})
