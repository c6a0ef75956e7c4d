package catalog_test

import (
	"fmt"
	"sort"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

var listed = spec.DoD("PRODUCTS-LIST.products-list")

var _ = Describe("Public product list", func() {
	It("answers 200 with a paginator, per_page defaulting to 15 and capped at 100", listed, spec.Rules("public-list.200-paginator", "public-list.per-page-default-15", "public-list.per-page-cap-100", "paging.no-overlap", "api.json"), func(ctx SpecContext) {
		api := spec.API()
		By("reading the first page with the defaults")
		page, resp, err := api.PublicProducts(ctx, market.ListQuery{})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(resp.Header.Get("Content-Type")).To(HavePrefix("application/json"))
		Expect(page.CurrentPage).To(Equal(1))
		Expect(page.PerPage).To(Equal(15))
		Expect(page.Total).To(BeNumerically(">", 0), "the catalogue is not empty")

		// Two a page, so even a small catalogue has several pages whose seams can overlap.
		By("paging through the whole list with per_page=2")
		seen := map[int64]int{}
		var total, pages int
		for n := 1; ; n++ {
			pg, resp, err := api.PublicProducts(ctx, market.ListQuery{PerPage: 2, Page: n, Sort: "name"})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(200))
			Expect(pg.PerPage).To(Equal(2))
			Expect(pg.CurrentPage).To(Equal(n))
			Expect(pg.LastPage).To(Equal((pg.Total+1)/2), "last_page = ⌈total / per_page⌉")
			if n == 1 {
				total = pg.Total
				Expect(pg.Data).NotTo(BeEmpty(), "the first page of a non-empty catalogue holds products")
				Expect(pg.LastPage).To(BeNumerically(">", 1), "the catalogue fills more than one page of 2: there is a seam to check")
			}
			Expect(len(pg.Data)).To(BeNumerically("<=", 2))
			for _, p := range pg.Data {
				Expect(seen).NotTo(HaveKey(p.ID), "product %d is on page %d and on page %d: pages overlap", p.ID, seen[p.ID], n)
				seen[p.ID] = n
			}
			pages = n
			if n >= pg.LastPage || n >= 200 {
				break
			}
		}
		Expect(seen).To(HaveLen(total), "the %d pages hold every one of the %d products once", pages, total)

		By("asking for 1000 per page")
		big, resp, err := api.PublicProducts(ctx, market.ListQuery{PerPage: 1000})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(big.PerPage).To(Equal(100), "per_page is capped at 100")
	})

	It("lists active products only, whatever the query asks", listed, spec.Rules("public-list.active-only-any-query", "policy.view-active-anyone"), func(ctx SpecContext) {
		api := spec.API()
		By("listing /v1/public/products without a query")
		base, resp, err := api.PublicProducts(ctx, market.ListQuery{PerPage: 100})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(base.Data).NotTo(BeEmpty(), "the public list is empty: nothing to check the query against")
		other := base.Data[0].ProducerID
		// Known parameters of other lists (the dashboard's status), guessed ones, and a
		// producer_id: none may add a product the plain list does not have.
		for _, q := range []string{"?status=all", "?status=inactive", "?is_active=0", "?is_active=false", "?include_inactive=1", "?with_inactive=true", "?active=0", "?all=1", "?trashed=with",
			fmt.Sprintf("?producer_id=%d", other), fmt.Sprintf("?producer_id=%d&status=all&include_inactive=1", other)} {
			By("listing /v1/public/products" + q)
			var page market.Page[market.Product]
			resp, err := api.Do(ctx, "GET", "/v1/public/products"+q+"&per_page=100", nil, &page)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(200))
			Expect(page.Total).To(BeNumerically("<=", base.Total), "query %q widens the list: total %d, without it %d", q, page.Total, base.Total)
			for _, p := range page.Data {
				Expect(p.IsActive.Bool()).To(BeTrue(), "product %d %q listed with is_active=false (query %q)", p.ID, p.Name, q)
			}
		}
	})

	It("never shows the products the database holds as inactive, in the list or the detail", listed, spec.Rules("public-list.active-only-any-query", "public-show.inactive-or-missing-404"), spec.NeedsDB, func(ctx SpecContext) {
		By("reading the inactive products from the database")
		inactive, err := spec.DB().Query(ctx, "inactive products", "SELECT id, slug FROM products WHERE is_active = FALSE ORDER BY id")
		Expect(err).NotTo(HaveOccurred())
		if len(inactive.Values) == 0 {
			Skip("the target has no inactive product to look for")
		}
		By("listing every page of the public list")
		seen := map[string]bool{}
		for page := 1; ; page++ {
			p, resp, err := spec.API().PublicProducts(ctx, market.ListQuery{PerPage: 100, Page: page})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(200))
			for _, it := range p.Data {
				seen[strconv.FormatInt(it.ID, 10)] = true
			}
			if page >= p.LastPage || len(p.Data) == 0 {
				break
			}
		}
		for i := range inactive.Values {
			id := inactive.Get(i, "id")
			Expect(seen).NotTo(HaveKey(id), "inactive product %s (%s) is in the public list", id, inactive.Get(i, "slug"))
			By("asking for inactive product " + id + " directly")
			n, _ := strconv.ParseInt(id, 10, 64)
			_, resp, err := spec.API().PublicProduct(ctx, n)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(404), "the detail of an inactive product is 404")
		}
	})

	It("gives every product its producer", listed, spec.Rules("public-list.item-shape", "money.two-decimals"), func(ctx SpecContext) {
		page, resp, err := spec.API().PublicProducts(ctx, market.ListQuery{PerPage: 100})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(page.Data).NotTo(BeEmpty(), "the public list is empty: no product to check")
		for _, p := range page.Data {
			Expect(p.Producer).NotTo(BeNil(), "product %d %q has no producer", p.ID, p.Name)
			Expect(p.Producer.ID).To(Equal(p.ProducerID), "product %d: producer.id = producer_id", p.ID)
			Expect(p.Producer.Name).NotTo(BeEmpty())
			Expect(p.Producer.Slug).NotTo(BeEmpty())
			Expect(p.Slug).NotTo(BeEmpty())
			Expect(p.Price).To(MatchRegexp(`^\d+\.\d{2}$`), "price is a string with two decimals")
		}
	})

	It("serves the detail of an active product and sorts by price", listed, spec.Rules("public-show.200", "public-show.inactive-or-missing-404", "public-list.search-sort", "errors.404-shape"), func(ctx SpecContext) {
		page, resp, err := spec.API().PublicProducts(ctx, market.ListQuery{PerPage: 100, Sort: "price", Dir: "asc"})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(page.Data).NotTo(BeEmpty())
		prices := make([]float64, len(page.Data))
		for i, p := range page.Data {
			prices[i], _ = strconv.ParseFloat(p.Price, 64)
		}
		Expect(sort.Float64sAreSorted(prices)).To(BeTrue(), "sort=price&dir=asc gives ascending prices: %v", prices)

		first := page.Data[0]
		By(fmt.Sprintf("reading the detail of product %d", first.ID))
		p, resp, err := spec.API().PublicProduct(ctx, first.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(p.ID).To(Equal(first.ID))
		Expect(p.Name).To(Equal(first.Name))
		Expect(p.Producer).NotTo(BeNil())

		By("asking for a product that does not exist")
		_, resp, err = spec.API().PublicProduct(ctx, 987654321)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(404))
	})
})
