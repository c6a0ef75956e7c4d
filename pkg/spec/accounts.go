package spec

import (
	"context"
	"fmt"
	"sync/atomic"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/smokeproof/smokeproof/pkg/market"
)

var consumerSeq atomic.Int64

// Buyer returns a consumer to shop as, with an empty cart. On targets the harness owns
// (embedded, containers) it registers a fresh consumer, so specs never share a cart;
// on live it signs in as the smoke consumer account and empties its cart, because a
// live site only ever sees the dedicated smoke accounts.
func Buyer(ctx context.Context) (*market.Client, market.User) {
	GinkgoHelper()
	t := T()
	if t.Kind == "live" {
		c := SignIn(ctx, "consumer (smoke account)", t.Accounts.Consumer)
		emptyCart(ctx, c)
		u, resp, err := c.Profile(ctx)
		if err != nil || resp.Status != 200 {
			Fail(fmt.Sprintf("read the smoke consumer's profile: %v %v", err, resp))
		}
		return c, u
	}
	n := consumerSeq.Add(1)
	email := fmt.Sprintf("buyer-%d-%d-%d@smoke.test", time.Now().UnixNano(), GinkgoParallelProcess(), n)
	password := fmt.Sprintf("buyer-pass-%d-%d", time.Now().UnixNano()%1e9, n)
	Secret(password)
	a, resp, err := API().Register(ctx, market.Registration{Name: "Smoke Buyer", Email: email, Password: password, PasswordConfirmation: password, Role: "consumer"})
	if err != nil {
		Fail(err.Error())
	}
	if resp.Status != 201 || a.Token == "" {
		Fail(fmt.Sprintf("register a fresh consumer: expected 201 with a token, got %s", resp))
	}
	Secret(a.Token)
	return API().As("consumer (fresh)", a.Token), a.User
}

func emptyCart(ctx context.Context, c *market.Client) {
	cart, _, err := c.Cart(ctx)
	if err != nil {
		return
	}
	for _, it := range cart.Items {
		c.Do(ctx, "DELETE", fmt.Sprintf("/v1/cart/items/%d", it.ID), nil, nil)
	}
}
