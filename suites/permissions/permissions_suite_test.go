// Package permissions proves the PRODUCER-PERMISSIONS item: ProductPolicy over the
// role × ownership matrix, the producer dashboard (API and real browser), the admin
// override and the refusals of everyone else.
package permissions_test

import (
	_ "embed"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/suite"
)

//go:embed item.json
var item []byte

func TestPermissions(t *testing.T) { suite.Run(t, item) }
