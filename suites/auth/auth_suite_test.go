// Package auth proves the AUTH-ROUTES item: register, login, profile, logout and the
// web login redirects behave as the contract says.
package auth_test

import (
	"testing"

	"github.com/smokeproof/smokeproof/pkg/suite"
)

func TestAuth(t *testing.T) { suite.Run(t, "auth", "Auth routes verification") }
