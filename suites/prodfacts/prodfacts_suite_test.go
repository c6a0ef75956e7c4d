// Package prodfacts proves the PROD-FACTS item: it measures the target the way the
// team's "PROD FACTS - Last Check" page describes it — health and its database field,
// the products API, the product pages, the login redirect and form, the TLS
// certificate of an https site — and checks the content a visitor sees. Each spec
// records one evidence.Fact before it asserts, so a failure still shows what was
// measured; the report renders the facts as docs/OPS/PROD-FACTS-LAST.md. Every spec
// only reads, so the suite runs in full on a live site with writes off.
package prodfacts_test

import (
	_ "embed"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/suite"
)

//go:embed item.json
var item []byte

func TestProdFacts(t *testing.T) { suite.Run(t, item) }
