// Package catalog proves the PRODUCTS-LIST item: the public product list and detail.
package catalog_test

import (
	"testing"

	"github.com/smokeproof/smokeproof/pkg/spec"
)

func TestCatalog(t *testing.T) { spec.Run(t, "catalog", "Products list verification") }
