// Package auth proves the AUTH-ROUTES item: register, login, profile, logout and the
// web login redirects behave as the contract says.
package auth_test

import (
	_ "embed"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/suite"
)

//go:embed item.json
var item []byte

func TestAuth(t *testing.T) { suite.Run(t, item) }
