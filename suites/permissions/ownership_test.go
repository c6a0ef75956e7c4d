package permissions_test

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/browser"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

var _ = Describe("Ownership", func() {
	It("sets a producer's own producer_id on create and never lets it be re-assigned", spec.DoD(policy), spec.Rules("products.create.producer-id-own", "products.update.producer-id-ignored"), spec.Writes, func(ctx SpecContext) {
		a := spec.SignIn(ctx, producerA, spec.T().Accounts.ProducerA)
		own := productOf(ctx, producerA)
		other := productOf(ctx, producerB)
		Expect(own.ProducerID).NotTo(Equal(other.ProducerID), "producers A and B have different profiles")

		By("creating a product while claiming producer B's id")
		p, resp, err := a.CreateProduct(ctx, market.ProductInput{Name: market.Ptr(uniqueName("claims B")), Price: market.Ptr("1.00"), ProducerID: market.Ptr(other.ProducerID)})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(201))
		Expect(p.ProducerID).To(Equal(own.ProducerID), "the product belongs to producer A whatever the body says")

		By("re-assigning an own product to producer B")
		_, resp, err = a.UpdateProduct(ctx, own.ID, market.ProductInput{ProducerID: market.Ptr(other.ProducerID), Name: market.Ptr(uniqueName("still A's"))})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		after, resp, err := spec.API().PublicProduct(ctx, own.ID)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(after.ProducerID).To(Equal(own.ProducerID), "producer_id in an update is ignored")
	})

	// It deletes only the products it created.
	It("lets the admin edit and delete products of two different producers", spec.DoD(override), spec.Rules("products.admin-any", "products.update.200", "products.delete.204"), spec.Writes, func(ctx SpecContext) {
		adm := spec.SignIn(ctx, admin, spec.T().Accounts.Admin)
		for _, owner := range []string{producerA, producerB} {
			p := productOf(ctx, owner)
			By(fmt.Sprintf("admin renames %s's product %d", owner, p.ID))
			name := uniqueName("renamed by admin")
			updated, resp, err := adm.UpdateProduct(ctx, p.ID, market.ProductInput{Name: &name})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(200), "admin updates %s's product", owner)
			Expect(updated.Name).To(Equal(name))
			Expect(updated.ProducerID).To(Equal(p.ProducerID), "the owner stays")
			By(fmt.Sprintf("admin deletes %s's product %d", owner, p.ID))
			resp, err = adm.DeleteProduct(ctx, p.ID)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(204), "admin deletes %s's product", owner)
			Expect(rowOf(ctx, p.ID)).To(BeEmpty(), "the product is gone")
		}
	})

	It("answers 403 Producer profile not found, never 500, to a producer without profile", spec.DoD(authz), spec.Rules("producer.no-profile-403", "producer-products.no-profile-403", "producer.no-profile-never-500"), func(ctx SpecContext) {
		np := spec.SignIn(ctx, noProfile, spec.T().Accounts.ProducerNoProfile)
		_, resp, err := np.ProducerProducts(ctx, market.ListQuery{})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(403))
		Expect(resp.Message).To(Equal("Producer profile not found"))
		spec.Note("%s", authzCoverage())
	})

	// Serial: other specs create and delete producer A's products while they run.
	It("lists exactly the producer's own products in the dashboard API", spec.DoD(dash), spec.Rules("producer-products.200", "producer-products.own-only", "producer-products.status-filter"), spec.NeedsDB, Serial, func(ctx SpecContext) {
		for _, who := range []string{producerA, producerB} {
			By("reading the dashboard API as " + who)
			c := spec.SignIn(ctx, who, accountOf(who))
			page, resp, err := c.ProducerProducts(ctx, market.ListQuery{Status: "all", PerPage: 100})
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(200))
			got := make([]string, len(page.Data))
			for i, p := range page.Data {
				got[i] = strconv.FormatInt(p.ID, 10)
			}
			sort.Strings(got)
			By("reading " + who + "'s products from the database")
			want, err := spec.DB().ProductIDsOf(ctx, accountOf(who).Email)
			Expect(err).NotTo(HaveOccurred())
			sort.Strings(want)
			Expect(got).To(Equal(want), "the dashboard of %s lists exactly its own products (active and inactive)", who)
		}
	})

	It("shows a signed-in producer exactly its own products in a real browser", spec.DoD(dash), spec.Browser, Serial, func(ctx SpecContext) {
		t := spec.T()
		By("listing producer A's own products through the API")
		a := spec.SignIn(ctx, producerA, t.Accounts.ProducerA)
		page, resp, err := a.ProducerProducts(ctx, market.ListQuery{Status: "all", PerPage: 100})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		own := map[string]bool{}
		for _, p := range page.Data {
			Expect(p.ProducerID).To(Equal(page.Data[0].ProducerID), "the dashboard API mixes producers")
			own[strconv.FormatInt(p.ID, 10)] = true
		}

		By("starting headless Chromium")
		exe, err := browser.Find()
		Expect(err).NotTo(HaveOccurred())
		b, err := browser.Start(ctx, browser.Options{ExecPath: exe})
		Expect(err).NotTo(HaveOccurred())
		DeferCleanup(b.Close)

		By("signing in as producer A at /auth/login")
		Expect(b.SignIn(ctx, t.WebBase, t.Accounts.ProducerA.Email, t.Accounts.ProducerA.Password)).To(Succeed())
		By("reading the rows of /producer/dashboard")
		rows, err := b.DashboardRows(ctx, t.WebBase)
		Expect(err).NotTo(HaveOccurred())
		png, err := b.Screenshot(ctx)
		Expect(err).NotTo(HaveOccurred())
		_, err = spec.SaveFile(evidence.KindScreenshot, "producer-a-dashboard.png", "image/png", png)
		Expect(err).NotTo(HaveOccurred())

		shown := map[string]bool{}
		for _, r := range rows {
			shown[r.ProductID] = true
		}
		spec.Note("the dashboard page shows %d rows; producer A owns %d products", len(rows), len(own))
		Expect(shown).To(Equal(own), "the dashboard page lists exactly producer A's products")
	})
})

// authzCoverage says what proves "Authorization test coverage: existing tests pass":
// the specs labelled with that bullet and the contract rules they claim, from the
// same tables the specs are built from.
func authzCoverage() string {
	names := []string{"Ownership answers 403 Producer profile not found, never 500, to a producer without profile"}
	rules := []string{"producer.no-profile-403", "producer-products.no-profile-403", "producer.no-profile-never-500"}
	for _, c := range matrix {
		if c.bullet != authz {
			continue
		}
		names = append(names, fmt.Sprintf("ProductPolicy matrix %s: %s → %d", c.caller, c.action, c.expect))
		for _, r := range rulesOf(c) {
			if !slices.Contains(rules, r) {
				rules = append(rules, r)
			}
		}
	}
	sort.Strings(rules)
	return fmt.Sprintf("Authorization test coverage is proven by these %d specs of this run, each of which must pass: %s. The contract rules they prove: %s.",
		len(names), strings.Join(names, "; "), strings.Join(rules, ", "))
}
