package permissions_test

import (
	"fmt"
	"strconv"

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
