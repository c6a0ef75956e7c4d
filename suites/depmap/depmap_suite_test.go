// Package depmap proves the DATA-DEPENDENCY-MAP item: the chain Products → Producers →
// Users (and their roles) read from the foreign keys of the target's real schema, and
// the schema as it is today. pkg/report renders docs/PRODUCT/DATA-DEPENDENCY-MAP.md from
// what these specs read, with the specs of the other suites that exercised each link.
package depmap_test

import (
	_ "embed"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/suite"
)

//go:embed item.json
var item []byte

func TestDepmap(t *testing.T) { suite.Run(t, item) }
