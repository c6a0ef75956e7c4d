// Package catalog proves the PRODUCTS-LIST item: the public product list and detail.
package catalog_test

import (
	_ "embed"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/suite"
)

//go:embed item.json
var item []byte

func TestCatalog(t *testing.T) { suite.Run(t, item) }
