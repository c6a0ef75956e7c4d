// Package checkout proves the CHECKOUT-SMOKE item: add products to the cart, check
// out, and find the order in the API, the database and the buyer's mailbox.
package checkout_test

import (
	_ "embed"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/suite"
)

//go:embed item.json
var item []byte

func TestCheckout(t *testing.T) { suite.Run(t, item) }
