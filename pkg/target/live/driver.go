package live

import (
	"context"
	"fmt"
	"io"
	"os"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/target"
)

func init() { target.Register("live", Driver{}) }

// Driver is the live target's driver: a deployed site the harness does not own.
type Driver struct{}

// Capabilities implements target.Driver: writes only when allowed explicitly, never
// destructive, the database is never taken away, unsafe methods are guarded.
func (Driver) Capabilities(cfg config.Config) target.Capabilities {
	return target.Capabilities{Writes: cfg.WritesAllowed(false), Guarded: true}
}

// Open implements target.Driver.
func (Driver) Open(ctx context.Context, cfg config.Config, _ io.Writer) (*target.Opened, error) {
	e, stop, err := Open(ctx, Options{
		BaseURL: cfg.BaseURL, APIURL: cfg.APIURL, WebURL: cfg.WebURL, DSN: cfg.DBDSN,
		Mail: cfg.Mail, AccountsFile: cfg.Accounts, Timeout: cfg.HTTPTimeout,
	})
	if err == nil && cfg.AppRoutes != "" {
		// On a deployed site the route list is a file (route:list --json or OpenAPI):
		// there is no container to ask.
		data, rerr := os.ReadFile(cfg.AppRoutes)
		if rerr != nil {
			return &target.Opened{Stop: stop}, fmt.Errorf("SMOKE_APP_ROUTES=%s cannot be read (%v): on live it must be a file, e.g. the output of php artisan route:list --json", cfg.AppRoutes, rerr)
		}
		e.AppRoutes = string(data)
	}
	return &target.Opened{Endpoints: e, Stop: stop}, err
}
