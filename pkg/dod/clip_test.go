package dod_test

import (
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

func TestClipNeverCutsASentence(t *testing.T) {
	hint := "Chromium not found: install it with `apt-get install -y --no-install-recommends chromium fonts-liberation`, or set SMOKE_BROWSER=off to leave the frontend check out."
	long := strings.Repeat("word ", 100)
	for _, tc := range []struct {
		in   string
		n    int
		want string
	}{
		{"short.", 50, "short."},
		{hint, 100, hint}, // one sentence longer than n: kept whole
		{"First sentence is here. Second sentence is quite a bit longer than the limit allows.", 50, "First sentence is here. …"},
		{long, 50, strings.TrimSpace(strings.Repeat("word ", 10)) + "…"}, // no sentence end: cut between words
	} {
		if got := dod.Clip(tc.in, tc.n); got != tc.want {
			t.Errorf("Clip(%.30q…) = %q, want %q", tc.in, got, tc.want)
		}
	}
}
