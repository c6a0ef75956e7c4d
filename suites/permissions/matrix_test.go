package permissions_test

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
	"github.com/smokeproof/smokeproof/pkg/target"
)

// The callers and actions of the matrix, named as the document shows them.
const (
	anonymous = "anonymous"
	consumer  = "consumer"
	producerA = "producer A"
	producerB = "producer B"
	noProfile = "producer without profile"
	admin     = "admin"

	create      = "create"
	read        = "read"
	updateOwn   = "update own"
	updateOther = "update other's"
	deleteOwn   = "delete own"
	deleteOther = "delete other's"
	dashboard   = "dashboard"
)

// cell is one caller attempting one action, the status the contract expects, and the
// DoD bullet the cell proves.
type cell struct {
	caller, action string
	expect         int
	bullet         string
}

const (
	policy   = "PRODUCER-PERMISSIONS.policy"
	override = "PRODUCER-PERMISSIONS.admin-override"
	authz    = "PRODUCER-PERMISSIONS.authz-coverage"
	dash     = "PRODUCER-PERMISSIONS.dashboard"
)

// matrix is the role × ownership matrix as data: one spec per cell. "Other's" is a
// product of producer A for everyone but producer A, for whom it is producer B's.
var matrix = []cell{
	{anonymous, create, 401, authz}, {anonymous, read, 200, authz}, {anonymous, updateOther, 401, authz}, {anonymous, deleteOther, 401, authz}, {anonymous, dashboard, 401, authz},
	{consumer, create, 403, authz}, {consumer, read, 200, authz}, {consumer, updateOther, 403, authz}, {consumer, deleteOther, 403, authz}, {consumer, dashboard, 403, authz},
	{producerA, create, 201, policy}, {producerA, read, 200, policy}, {producerA, updateOwn, 200, policy}, {producerA, updateOther, 403, policy}, {producerA, deleteOwn, 204, policy}, {producerA, deleteOther, 403, policy}, {producerA, dashboard, 200, dash},
	{producerB, create, 201, policy}, {producerB, read, 200, policy}, {producerB, updateOwn, 200, policy}, {producerB, updateOther, 403, policy}, {producerB, deleteOwn, 204, policy}, {producerB, deleteOther, 403, policy}, {producerB, dashboard, 200, dash},
	{noProfile, create, 403, authz}, {noProfile, read, 200, authz}, {noProfile, updateOther, 403, authz}, {noProfile, deleteOther, 403, authz}, {noProfile, dashboard, 403, authz},
	{admin, create, 201, override}, {admin, read, 200, override}, {admin, updateOther, 200, override}, {admin, deleteOther, 204, override}, {admin, dashboard, 403, authz},
}

var _ = Describe("ProductPolicy matrix", func() {
	for _, c := range matrix {
		labels := []any{spec.DoD(c.bullet), spec.Rules(rulesOf(c)...)}
		switch c.action {
		case create, updateOwn, updateOther, deleteOwn, deleteOther:
			// A delete only ever targets the product the spec itself created, so it
			// writes but destroys nothing that was there before.
			labels = append(labels, spec.Writes)
		case read:
			labels = append(labels, spec.Writes) // reads a product the spec creates
		}
		It(fmt.Sprintf("%s: %s → %d", c.caller, c.action, c.expect), append(labels, func(ctx SpecContext) {
			run(ctx, c)
		})...)
	}
})

// run performs one cell and records it as evidence.
func run(ctx context.Context, c cell) {
	GinkgoHelper()
	caller := as(ctx, c.caller)
	if c.action == updateOther || c.action == deleteOther {
		caller = caller.OnOthersRows() // the coverage puts these calls in the other's-rows column
	}
	var observed int
	var detail string
	switch c.action {
	case create:
		in := market.ProductInput{Name: market.Ptr(uniqueName("created by " + c.caller)), Price: market.Ptr("4.20"), Stock: market.Ptr(5)}
		if c.caller == admin {
			a := productOf(ctx, producerA)
			in.ProducerID = market.Ptr(a.ProducerID)
		}
		p, resp, err := caller.CreateProduct(ctx, in)
		Expect(err).NotTo(HaveOccurred())
		observed = resp.Status
		if resp.OK() {
			detail = fmt.Sprintf("product %d, producer_id %d", p.ID, p.ProducerID)
		}
	case read:
		p := productOf(ctx, producerA)
		_, resp, err := caller.PublicProduct(ctx, p.ID)
		Expect(err).NotTo(HaveOccurred())
		observed = resp.Status
	case updateOwn, updateOther:
		victim := victimFor(ctx, c)
		before := rowOf(ctx, victim.ID)
		_, resp, err := caller.UpdateProduct(ctx, victim.ID, market.ProductInput{Name: market.Ptr(uniqueName("renamed by " + c.caller)), Price: market.Ptr("9.99")})
		Expect(err).NotTo(HaveOccurred())
		observed = resp.Status
		after := rowOf(ctx, victim.ID)
		if resp.OK() {
			Expect(after).NotTo(Equal(before), "an allowed update changes the row")
			detail = "row changed"
		} else {
			Expect(after).To(Equal(before), "%s was refused (%d) but product %d changed", c.caller, resp.Status, victim.ID)
			detail = "row unchanged"
		}
	case deleteOwn, deleteOther:
		victim := victimFor(ctx, c)
		resp, err := caller.DeleteProduct(ctx, victim.ID)
		Expect(err).NotTo(HaveOccurred())
		observed = resp.Status
		gone := rowOf(ctx, victim.ID) == ""
		if resp.OK() {
			Expect(gone).To(BeTrue(), "an allowed delete removes the row")
			detail = "row deleted"
		} else {
			Expect(gone).To(BeFalse(), "%s was refused (%d) but product %d is gone", c.caller, resp.Status, victim.ID)
			detail = "row still there"
		}
	case dashboard:
		page, resp, err := caller.ProducerProducts(ctx, market.ListQuery{Status: "all", PerPage: 100})
		Expect(err).NotTo(HaveOccurred())
		observed = resp.Status
		if resp.OK() {
			detail = fmt.Sprintf("%d products listed", len(page.Data))
		} else if c.caller == noProfile {
			Expect(resp.Message).To(Equal("Producer profile not found"))
		}
	}
	spec.Record(evidence.Record{Kind: evidence.KindCell, Cell: &evidence.Cell{Caller: c.caller, Action: c.action, Expected: c.expect, Observed: observed, Detail: detail}})
	Expect(observed).NotTo(Equal(http.StatusInternalServerError), "%s: %s answered 500", c.caller, c.action)
	Expect(observed).To(Equal(c.expect), "%s: %s", c.caller, c.action)
}

// as returns a client calling as the named caller.
func as(ctx context.Context, caller string) *market.Client {
	GinkgoHelper()
	accts := spec.T().Accounts
	switch caller {
	case anonymous:
		return spec.API()
	case consumer:
		return spec.SignIn(ctx, caller, accts.Consumer)
	case producerA:
		return spec.SignIn(ctx, caller, accts.ProducerA)
	case producerB:
		return spec.SignIn(ctx, caller, accts.ProducerB)
	case noProfile:
		return spec.SignIn(ctx, caller, accts.ProducerNoProfile)
	case admin:
		return spec.SignIn(ctx, caller, accts.Admin)
	}
	Fail("unknown caller " + caller)
	return nil
}

func accountOf(caller string) target.Account {
	if caller == producerB {
		return spec.T().Accounts.ProducerB
	}
	return spec.T().Accounts.ProducerA
}

// productOf creates a fresh active product owned by the named producer, so each spec
// works on rows no other spec touches.
func productOf(ctx context.Context, producer string) market.Product {
	GinkgoHelper()
	owner := spec.SignIn(ctx, producer+" (setup)", accountOf(producer))
	p, resp, err := owner.CreateProduct(ctx, market.ProductInput{Name: market.Ptr(uniqueName("fixture of " + producer)), Price: market.Ptr("3.00"), Stock: market.Ptr(10)})
	Expect(err).NotTo(HaveOccurred())
	Expect(resp).To(spec.HaveStatus(201), "setup: %s creates a product", producer)
	// Leave the target as it was (on a live site above all): the owner deletes the
	// product after the spec; a product the spec already deleted answers 404.
	DeferCleanup(func(ctx SpecContext) { owner.DeleteProduct(ctx, p.ID) })
	return p
}

// victimFor returns the product a cell acts on: the caller's own for "own", else a
// product of producer A (producer B's when the caller is producer A).
func victimFor(ctx context.Context, c cell) market.Product {
	GinkgoHelper()
	switch {
	case c.action == updateOwn || c.action == deleteOwn:
		return productOf(ctx, c.caller)
	case c.caller == producerA:
		return productOf(ctx, producerB)
	default:
		return productOf(ctx, producerA)
	}
}

// rowOf returns the product's row as one string ("" when it does not exist): from the
// database when the target gives access, else from the public API.
func rowOf(ctx context.Context, id int64) string {
	GinkgoHelper()
	if spec.T().DB != nil {
		t, err := spec.DB().Query(ctx, fmt.Sprintf("products row %d", id), "SELECT id, producer_id, name, price, stock, is_active FROM products WHERE id = ?", id)
		Expect(err).NotTo(HaveOccurred())
		if len(t.Values) == 0 {
			return ""
		}
		return fmt.Sprint(t.Values[0])
	}
	p, resp, err := spec.API().PublicProduct(ctx, id)
	Expect(err).NotTo(HaveOccurred())
	if resp.Status == 404 {
		return ""
	}
	return fmt.Sprint(p.ID, p.ProducerID, p.Name, p.Price, p.Stock)
}

func uniqueName(what string) string {
	return fmt.Sprintf("Smoke %s %s-%d", what, strconv.FormatInt(time.Now().UnixNano()%1e9, 36), GinkgoParallelProcess())
}

// rulesOf returns the contract rules a cell proves.
func rulesOf(c cell) []string {
	switch {
	case c.caller == anonymous && c.action != read:
		out := []string{"errors.401-unauthenticated"}
		if c.action == dashboard {
			out = append(out, "producer-products.401")
		}
		return out
	case c.action == read:
		return []string{"policy.view-active-anyone"}
	case c.action == create:
		switch c.caller {
		case consumer:
			return []string{"products.create.consumer-403", "policy.create-producer-or-admin", "errors.403-shape"}
		case noProfile:
			return []string{"products.create.no-profile-403", "producer.no-profile-403", "producer.no-profile-never-500"}
		}
		return []string{"products.create.201", "policy.create-producer-or-admin"}
	case c.action == updateOwn:
		return []string{"products.update.200", "policy.update-owner-or-admin"}
	case c.action == deleteOwn:
		return []string{"products.delete.204", "policy.delete-owner-or-admin"}
	case c.action == updateOther && c.caller == admin:
		return []string{"products.admin-any", "policy.update-owner-or-admin"}
	case c.action == deleteOther && c.caller == admin:
		return []string{"products.admin-any", "policy.delete-owner-or-admin"}
	case c.action == updateOther:
		out := []string{"products.update.not-owner-403-row-unchanged", "policy.update-owner-or-admin"}
		if c.caller == noProfile {
			out = append(out, "producer.no-profile-never-500")
		}
		return out
	case c.action == deleteOther:
		out := []string{"products.delete.not-owner-403-row-kept", "policy.delete-owner-or-admin"}
		if c.caller == noProfile {
			out = append(out, "producer.no-profile-never-500")
		}
		return out
	case c.action == dashboard && c.caller == noProfile:
		return []string{"producer-products.no-profile-403", "producer.no-profile-403"}
	case c.action == dashboard && (c.caller == producerA || c.caller == producerB):
		return []string{"producer-products.200"}
	}
	return []string{"producer-products.no-profile-403"} // a consumer's or an admin's dashboard
}
