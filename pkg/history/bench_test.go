package history_test

import (
	"testing"

	"github.com/smokeproof/smokeproof/pkg/history"
)

// BenchmarkNightlyHistory measures what `proof --history` adds to a night: reading a
// folder of 60 nights and rendering HISTORY.md, the chart and every strip.
func BenchmarkNightlyHistory(b *testing.B) {
	dir := b.TempDir()
	base := nights()
	for i := 0; i < 60; i++ {
		n := base[i%len(base)]
		n.target = "containers"
		n.day = 1 + i // past the 30th, time.Date rolls over into December
		if i >= 30 {
			n.commit = "ccc3333"
		}
		if _, err := history.Add(dir, proofJSON(b, n)); err != nil {
			b.Fatal(err)
		}
	}
	b.ResetTimer()
	for b.Loop() {
		runs, err := history.Load(dir)
		if err != nil {
			b.Fatal(err)
		}
		h, err := history.New(runs, 0)
		if err != nil {
			b.Fatal(err)
		}
		_ = h.Markdown()
		_ = h.SVG()
	}
}
