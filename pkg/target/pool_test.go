package target_test

import (
	"context"
	"io"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/target"
)

// faultDriver records the fault switches it was opened with.
type faultDriver struct{ opened *[]string }

func (faultDriver) Capabilities(config.Config) target.Capabilities {
	return target.Capabilities{Owned: true, StopDB: true}
}

func (d faultDriver) Open(_ context.Context, cfg config.Config, _ io.Writer) (*target.Opened, error) {
	*d.opened = append(*d.opened, cfg.Faults)
	return &target.Opened{}, nil
}

var poolOpened []string

func init() { target.Register("pool-test", faultDriver{&poolOpened}) }

// A driver without a pool of its own gets every pass opened afresh, with the pass's
// switches and what Open sets on a target.
func TestOpenPoolOpensEveryPassAfreshWithoutAPoolDriver(t *testing.T) {
	p, err := target.OpenPool(context.Background(), config.Config{Target: "pool-test", Faults: "ignored"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer p.Stop()
	for _, f := range []string{"wrong-tax", ""} {
		o, err := p.Open(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		if o.Kind != "pool-test" || !o.Caps.StopDB {
			t.Errorf("pass %q: kind %q caps %+v", f, o.Kind, o.Caps)
		}
		o.Stop()
	}
	if len(poolOpened) != 2 || poolOpened[0] != "wrong-tax" || poolOpened[1] != "" {
		t.Errorf("opened with faults %q, want [wrong-tax \"\"]", poolOpened)
	}
	if _, err := target.OpenPool(context.Background(), config.Config{Target: "nope"}, nil); err == nil {
		t.Error("a pool of an unknown target opened")
	}
}
