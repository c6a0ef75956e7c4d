// Package permissions proves the PRODUCER-PERMISSIONS item: ProductPolicy over the
// role × ownership matrix, the producer dashboard (API and real browser), the admin
// override and the refusals of everyone else.
package permissions_test

import (
	"testing"

	"github.com/smokeproof/smokeproof/pkg/spec"
)

func TestPermissions(t *testing.T) { spec.Run(t, "permissions", "Producer permissions audit") }
