package spec_test

import (
	"testing"

	"github.com/smokeproof/smokeproof/pkg/browser"
	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

func TestAMissingBrowserIsLeftOutUnderAutoOnly(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no browser anywhere
	t.Setenv("CHROME_PATH", "")
	reason := func(mode string) string {
		for _, ex := range spec.Exclusions(config.Config{Target: "embedded", Browser: mode}) {
			if ex.Label == "browser" {
				return ex.Reason
			}
		}
		return ""
	}
	for mode, want := range map[string]string{
		"auto":    browser.NotFoundReason,
		"require": "", // the spec runs and breaks, naming the install command
		"on":      "",
		"off":     "browser disabled (SMOKE_BROWSER=off)",
	} {
		if got := reason(mode); got != want {
			t.Errorf("SMOKE_BROWSER=%s: browser exclusion %q, want %q", mode, got, want)
		}
	}
}
