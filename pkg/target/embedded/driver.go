package embedded

import (
	"context"
	"io"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/target"
)

func init() { target.Register("embedded", Driver{}) }

// Driver is the embedded target's driver: the reference shop, go-mysql-server and an
// SMTP sink in this process. The harness owns all of it.
type Driver struct{}

// Capabilities implements target.Driver.
func (Driver) Capabilities(cfg config.Config) target.Capabilities {
	return target.Capabilities{Owned: true, Writes: cfg.WritesAllowed(true), Destructive: true, StopDB: true}
}

// Open implements target.Driver.
func (Driver) Open(ctx context.Context, cfg config.Config, _ io.Writer) (*target.Opened, error) {
	return open(ctx, Options{Faults: cfg.Faults, Version: config.Version})
}
