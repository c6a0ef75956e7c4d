package spec

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/smokeproof/smokeproof/pkg/market"
)

var consumerSeq atomic.Int64

// Buyer returns a consumer to shop as, with an empty cart. On targets the harness owns
// (embedded, containers) it registers a fresh consumer, so specs never share a cart;
// elsewhere (live) it signs in as the smoke consumer account and empties its cart, because a
// live site only ever sees the dedicated smoke accounts.
func Buyer(ctx context.Context) (*market.Client, market.User) {
	ginkgo.GinkgoHelper()
	t := T()
	if !t.Caps.Owned {
		c := SignIn(ctx, "consumer (smoke account)", t.Accounts.Consumer)
		if err := EmptyCart(ctx, c); err != nil {
			ginkgo.Fail("empty the smoke consumer's cart before the spec: " + err.Error())
		}
		u, resp, err := c.Profile(ctx)
		if err != nil || resp.Status != 200 {
			ginkgo.Fail(fmt.Sprintf("read the smoke consumer's profile: %v %v", err, resp))
		}
		return c, u
	}
	n := consumerSeq.Add(1)
	email := fmt.Sprintf("buyer-%d-%d-%d@smoke.test", time.Now().UnixNano(), ginkgo.GinkgoParallelProcess(), n)
	password := fmt.Sprintf("buyer-pass-%d-%d", time.Now().UnixNano()%1e9, n)
	Secret(password)
	a, resp, err := API().Register(ctx, market.Registration{Name: "Smoke Buyer", Email: email, Password: password, PasswordConfirmation: password, Role: "consumer"})
	if err != nil {
		ginkgo.Fail(err.Error())
	}
	if resp.Status != 201 || a.Token == "" {
		ginkgo.Fail(fmt.Sprintf("register a fresh consumer: expected 201 with a token, got %s", resp))
	}
	Secret(a.Token)
	return API().As("consumer (fresh)", a.Token), a.User
}

// EmptyCart removes every item of c's cart; an answer other than 200 is an error.
func EmptyCart(ctx context.Context, c *market.Client) error {
	cart, resp, err := c.Cart(ctx)
	if err != nil {
		return err
	}
	if resp.Status != 200 {
		return fmt.Errorf("GET cart answered %s", resp)
	}
	for _, it := range cart.Items {
		r, err := c.Do(ctx, "DELETE", fmt.Sprintf("/v1/cart/items/%d", it.ID), nil, nil)
		if err != nil {
			return err
		}
		if r.Status != 200 {
			return fmt.Errorf("DELETE cart item %d answered %s", it.ID, r)
		}
	}
	return nil
}
