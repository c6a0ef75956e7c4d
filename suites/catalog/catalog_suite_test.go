// Package catalog proves the PRODUCTS-LIST item: the public product list and detail.
package catalog_test

import (
	"testing"

	"github.com/smokeproof/smokeproof/pkg/suite"
)

func TestCatalog(t *testing.T) { suite.Run(t, "catalog", "Products list verification") }
