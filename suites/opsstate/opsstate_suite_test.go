// Package opsstate proves the OPS-STATE item, "Bootstrap OPS state management
// system": its bullets are facts about the team's repository (SMOKE_REPO, a path to a
// git checkout), not about the running site, so every spec reads files and git.
package opsstate_test

import (
	_ "embed"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/suite"
)

//go:embed item.json
var item []byte

func TestOpsState(t *testing.T) { suite.Run(t, item) }
