package embedded_test

import (
	"context"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/target/embedded"
)

// BenchmarkOpen measures the zero-setup target's start and stop: database, schema and
// seed, SMTP sink, shop.
func BenchmarkOpen(b *testing.B) {
	for b.Loop() {
		e, stop, err := embedded.Open(context.Background(), embedded.Options{})
		if err != nil {
			b.Fatal(err)
		}
		if e.APIBase == "" {
			b.Fatal("no API base")
		}
		if err := stop(); err != nil {
			b.Fatal(err)
		}
	}
}
