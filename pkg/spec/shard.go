package spec

import (
	"os"
	"testing"

	. "github.com/onsi/ginkgo/v2"

	"github.com/smokeproof/smokeproof/pkg/shard"
)

// runShard registers, before every other BeforeEach, the skip of each spec that
// belongs to another shard when SMOKE_SHARD=i/n is set (`smokeproof run --shard i/n`).
// A spec's shard is a hash of its suite and full text (pkg/shard), so every process
// and every machine agrees on it; `smokeproof proof` merges the shards' reports.
func runShard(t *testing.T, suite string) {
	t.Helper()
	raw := os.Getenv(shard.Env)
	if raw == "" {
		return
	}
	s, err := shard.Parse(raw)
	if err != nil {
		t.Fatalf("smokeproof: %s=%q: %v", shard.Env, raw, err)
	}
	BeforeEach(func() {
		if !s.Owns(shard.Key(suite, CurrentSpecReport().FullText())) {
			Skip(s.SkipMessage())
		}
	})
}
