package target_test

import (
	"context"
	"io"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/browser"
	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/target"
)

// ownedDriver is a target that allows everything, so only the browser is left out.
type ownedDriver struct{}

func (ownedDriver) Capabilities(config.Config) target.Capabilities {
	return target.Capabilities{Owned: true, Writes: true, Destructive: true, StopDB: true}
}

func (ownedDriver) Open(context.Context, config.Config, io.Writer) (*target.Opened, error) {
	return &target.Opened{}, nil
}

func init() { target.Register("browser-test", ownedDriver{}) }

func TestAMissingBrowserIsLeftOutUnderAutoOnly(t *testing.T) {
	t.Setenv("PATH", t.TempDir()) // no browser anywhere
	t.Setenv("CHROME_PATH", "")
	for mode, want := range map[string]string{
		"auto":    browser.NotFoundReason,
		"require": "", // the spec runs and breaks (⚠), naming the install command
		"on":      "",
		"off":     "browser disabled (SMOKE_BROWSER=off)",
	} {
		ex, err := target.Exclusions(config.Config{Target: "browser-test", Browser: mode})
		if err != nil {
			t.Fatal(err)
		}
		got := ""
		for _, e := range ex {
			if e.Label == "browser" {
				got = e.Reason
			}
		}
		if got != want {
			t.Errorf("SMOKE_BROWSER=%s: browser exclusion %q, want %q", mode, got, want)
		}
	}
}
