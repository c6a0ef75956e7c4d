package permissions_test

import (
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

var _ = Describe("Another producer's product", func() {
	It("keeps another producer's inactive product unreadable, unchangeable, undeletable, out of every list and its row unchanged", spec.DoD(policy),
		spec.Rules("products.update.not-owner-403-row-unchanged", "products.delete.not-owner-403-row-kept", "public-show.inactive-or-missing-404", "producer-products.own-only", "public-list.active-only-any-query", "errors.403-shape"),
		spec.Writes, spec.NeedsDB, func(ctx SpecContext) {
			a := spec.SignIn(ctx, producerA, spec.T().Accounts.ProducerA)
			b := spec.SignIn(ctx, producerB, spec.T().Accounts.ProducerB)
			p := productOf(ctx, producerA)
			By(fmt.Sprintf("producer A takes its product %d off sale", p.ID))
			_, resp, err := a.UpdateProduct(ctx, p.ID, market.ProductInput{IsActive: market.Ptr(false)})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(200))
			before := rowOf(ctx, p.ID)
			Expect(before).NotTo(BeEmpty())

			other := b.OnOthersRows()
			By("producer B reads it")
			_, resp, err = b.PublicProduct(ctx, p.ID) // the public route names no owned row
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(404), "an inactive product is private to its owner")
			By("producer B changes it")
			_, resp, err = other.UpdateProduct(ctx, p.ID, market.ProductInput{Name: market.Ptr(uniqueName("taken by B")), IsActive: market.Ptr(true)})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(403))
			Expect(resp.Message).NotTo(BeEmpty(), "a 403 says why")
			By("producer B deletes it")
			resp, err = other.DeleteProduct(ctx, p.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(403))

			By("producer B lists its dashboard, every status")
			page, resp, err := b.ProducerProducts(ctx, market.ListQuery{Status: "all", PerPage: 100})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(200))
			Expect(page.Data).NotTo(BeEmpty(), "producer B's own products are listed")
			for _, q := range page.Data {
				Expect(q.ID).NotTo(Equal(p.ID), "producer B's dashboard lists producer A's product %d", p.ID)
				Expect(q.ProducerID).NotTo(Equal(p.ProducerID), "producer B's dashboard lists a product of producer A")
			}
			By("producer B asks the public list for producer A's products, inactive included")
			var pub market.Page[market.Product]
			resp, err = b.Do(ctx, "GET", "/v1/public/products?per_page=100&status=all&include_inactive=1&producer_id="+strconv.FormatInt(p.ProducerID, 10), nil, &pub)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(200))
			for _, q := range pub.Data {
				Expect(q.ID).NotTo(Equal(p.ID), "the public list shows the inactive product %d", p.ID)
			}

			By("reading the product row again")
			Expect(rowOf(ctx, p.ID)).To(Equal(before), "product %d changed", p.ID)
		})
})

var _ = Describe("Product validation", func() {
	It("validates products before the policy: 422 for a bad name, price, slug or producer_id, 404 for a missing product, slugs derived from names", spec.DoD(policy),
		spec.Rules("products.create.422-name-price", "products.create.422-slug-unique", "products.create.422-admin-producer-id", "products.update.404", "products.update.422", "products.delete.404", "products.slug-derived", "errors.validation-before-policy", "errors.422-shape", "errors.404-shape"),
		spec.Writes, func(ctx SpecContext) {
			accts := spec.T().Accounts
			a := spec.SignIn(ctx, producerA, accts.ProducerA)
			adm := spec.SignIn(ctx, admin, accts.Admin)
			cons := spec.SignIn(ctx, consumer, accts.Consumer)
			own := productOf(ctx, producerA)

			for _, c := range []struct {
				what  string
				field string
				in    market.ProductInput
			}{
				{"no name", "name", market.ProductInput{Price: market.Ptr("1.00")}},
				{"no price", "price", market.ProductInput{Name: market.Ptr(uniqueName("no price"))}},
				{"a negative price", "price", market.ProductInput{Name: market.Ptr(uniqueName("negative")), Price: market.Ptr("-1.00")}},
				{"a slug already used", "slug", market.ProductInput{Name: market.Ptr(uniqueName("same slug")), Price: market.Ptr("1.00"), Slug: market.Ptr(own.Slug)}},
			} {
				By("producer A creates a product with " + c.what)
				_, resp, err := a.CreateProduct(ctx, c.in)
				Expect(err).NotTo(HaveOccurred())
				Expect(resp).To(spec.HaveStatus(422), "create with %s", c.what)
				Expect(resp.Message).NotTo(BeEmpty())
				Expect(resp.Errors).To(HaveKey(c.field), "create with %s", c.what)
			}

			By("the admin creates a product without a producer_id, then with one that does not exist")
			_, resp, err := adm.CreateProduct(ctx, market.ProductInput{Name: market.Ptr(uniqueName("admin without producer")), Price: market.Ptr("1.00")})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(422))
			Expect(resp.Errors).To(HaveKey("producer_id"))
			_, resp, err = adm.CreateProduct(ctx, market.ProductInput{Name: market.Ptr(uniqueName("admin bad producer")), Price: market.Ptr("1.00"), ProducerID: market.Ptr(int64(987654321))})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(422))
			Expect(resp.Errors).To(HaveKey("producer_id"))

			By("a consumer creates a product without a name: validation comes before the policy")
			_, resp, err = cons.CreateProduct(ctx, market.ProductInput{Price: market.Ptr("1.00")})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(422), "validation (422) is checked before the policy (403)")

			By("producer A creates a product without a slug")
			name := uniqueName("Derived Slug")
			p, resp, err := a.CreateProduct(ctx, market.ProductInput{Name: market.Ptr(name), Price: market.Ptr("1.00")})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(201))
			DeferCleanup(func(ctx SpecContext) { a.DeleteProduct(ctx, p.ID) })
			Expect(p.Slug).To(HavePrefix("smoke-derived-slug-"), "the slug of %q is derived from the name", name)

			By("producer A updates its product with a negative price")
			_, resp, err = a.UpdateProduct(ctx, own.ID, market.ProductInput{Price: market.Ptr("-5.00")})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(422))
			Expect(resp.Errors).To(HaveKey("price"))

			By("producer A updates and deletes a product that does not exist")
			_, resp, err = a.UpdateProduct(ctx, 987654321, market.ProductInput{Name: market.Ptr("x")})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(404))
			Expect(resp.Message).To(Equal("Product not found"))
			resp, err = a.DeleteProduct(ctx, 987654321)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(404))
		})

})

var _ = Describe("Dashboard", func() {
	It("orders the dashboard API by name", spec.DoD(dash), spec.Rules("producer-products.by-name"), func(ctx SpecContext) {
		a := spec.SignIn(ctx, producerA, spec.T().Accounts.ProducerA)
		page, resp, err := a.ProducerProducts(ctx, market.ListQuery{Status: "all", PerPage: 100})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(len(page.Data)).To(BeNumerically(">=", 2), "producer A needs two products to show an order")
		for i := 1; i < len(page.Data); i++ {
			Expect(strings.ToLower(page.Data[i-1].Name) <= strings.ToLower(page.Data[i].Name)).To(BeTrue(), "%q is listed before %q", page.Data[i-1].Name, page.Data[i].Name)
		}
	})

	It("sends a signed-out visitor of the dashboard pages to the login and /producer/products to /my/products", spec.DoD(dash), spec.Rules("web.dashboard-signed-out-redirect", "web.producer-products-redirect"), func(ctx SpecContext) {
		web := spec.Web()
		for _, path := range []string{"/producer/dashboard", "/my/products"} {
			By("GET " + path + " signed out")
			resp, err := web.Get(ctx, path)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(302, 303, 307))
			Expect(resp.Header.Get("Location")).To(ContainSubstring("/auth/login"))
		}
		By("GET /producer/products")
		resp, err := web.Get(ctx, "/producer/products")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(307))
		Expect(resp.Header.Get("Location")).To(HaveSuffix("/my/products"))
	})

	It("signs a producer in with a session cookie and shows exactly its own products on both dashboard pages", spec.DoD(dash), spec.Rules("web.login-session", "web.login-303-by-role", "web.dashboard-own-only"), Serial, func(ctx SpecContext) {
		t := spec.T()
		By("listing producer A's own products through the API")
		a := spec.SignIn(ctx, producerA, t.Accounts.ProducerA)
		page, resp, err := a.ProducerProducts(ctx, market.ListQuery{Status: "all", PerPage: 100})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(page.Data).NotTo(BeEmpty(), "producer A has products to show")
		own := map[string]bool{}
		for _, p := range page.Data {
			own[strconv.FormatInt(p.ID, 10)] = true
		}

		By("signing in as producer A at POST /auth/login")
		web := spec.Web()
		resp, err = web.PostForm(ctx, "/auth/login", url.Values{"email": {t.Accounts.ProducerA.Email}, "password": {t.Accounts.ProducerA.Password}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(303))
		Expect(resp.Header.Get("Location")).To(HaveSuffix("/producer/dashboard"), "a producer lands on its dashboard")
		cookie := strings.Join(resp.Header.Values("Set-Cookie"), "; ")
		Expect(cookie).To(ContainSubstring("HttpOnly"))
		Expect(cookie).To(ContainSubstring("SameSite=Lax"))

		signedIn := web.As("producer A (session)")
		for _, path := range []string{"/producer/dashboard", "/my/products"} {
			By("reading the rows of " + path)
			resp, err := signedIn.Get(ctx, path)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(200))
			shown := map[string]bool{}
			for _, m := range productRow.FindAllStringSubmatch(string(resp.Body), -1) {
				shown[m[1]] = true
			}
			Expect(shown).To(Equal(own), "%s lists exactly producer A's products", path)
		}

		By("signing in as the consumer: it lands on /")
		resp, err = spec.Web().PostForm(ctx, "/auth/login", url.Values{"email": {t.Accounts.Consumer.Email}, "password": {t.Accounts.Consumer.Password}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(303))
		Expect(resp.Header.Get("Location")).NotTo(ContainSubstring("/producer/"), "a consumer does not land on a dashboard")
	})
})

// productRow finds the product id of each dashboard row.
var productRow = regexp.MustCompile(`data-testid="product-row"[^>]*data-product-id="(\d+)"`)
