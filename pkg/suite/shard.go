package suite

import (
	"os"
	"testing"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/shard"
)

// runShard registers, before every other BeforeEach, the skip of each spec that
// belongs to another shard when SMOKE_SHARD=i/n is set (`smokeproof run --shard i/n`).
// The shares come from shard.Plan over the suite's specs as Ginkgo's PreviewSpecs sees
// them (the user's label filter applied), so every process of every shard agrees and
// the shares are balanced; `smokeproof render` and `proof` merge the shards' reports.
// Call it before the suite's own setup nodes are registered.
func runShard(t *testing.T, suite, description string) {
	t.Helper()
	raw := os.Getenv(shard.Env)
	if raw == "" {
		return
	}
	s, err := shard.Parse(raw)
	if err != nil {
		t.Fatalf("smokeproof: %s=%q: %v", shard.Env, raw, err)
	}
	var keys []string
	for _, sp := range ginkgo.PreviewSpecs(description).SpecReports {
		if sp.LeafNodeType.Is(types.NodeTypeIt) && sp.State == types.SpecStatePassed {
			keys = append(keys, shard.Key(suite, sp.FullText()))
		}
	}
	plan := shard.Plan(suite, keys, s.Total)
	ginkgo.BeforeEach(func() {
		if !s.OwnsIn(plan, shard.Key(suite, ginkgo.CurrentSpecReport().FullText())) {
			ginkgo.Skip(s.SkipMessage())
		}
	})
}
