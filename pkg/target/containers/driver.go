package containers

import (
	"context"
	"fmt"
	"io"

	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcexec "github.com/testcontainers/testcontainers-go/exec"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/target"
)

func init() { target.Register("containers", Driver{}) }

// Driver is the containers target's driver: throwaway database, mail catcher and app
// containers the harness starts and removes.
type Driver struct{}

// Capabilities implements target.Driver.
func (Driver) Capabilities(cfg config.Config) target.Capabilities {
	return target.Capabilities{Owned: true, Writes: cfg.WritesAllowed(true), Destructive: true, StopDB: true}
}

// Open implements target.Driver. The accounts come from the configuration
// (SMOKE_ACCOUNTS and the SMOKE_*_EMAIL variables); when none is set and the app is the
// reference shop, the app container is asked for its seed accounts (`/shop accounts`).
func (Driver) Open(ctx context.Context, cfg config.Config, progress io.Writer) (*target.Opened, error) {
	r, err := newRun(cfg, progress)
	if err != nil {
		return &target.Opened{Stop: r.stop}, err
	}
	e, err := r.open(ctx)
	if err != nil {
		return &target.Opened{Stop: r.stop}, err
	}
	return &target.Opened{Endpoints: e, Stop: r.stop, Database: pauser{r.db}}, nil
}

// newRun makes a run from the configuration, validated; its stop is safe to call
// after an error.
func newRun(cfg config.Config, progress io.Writer) (*run, error) {
	r := &run{progress: progress}
	accts, err := target.LoadAccounts(nil, cfg.Accounts)
	if err != nil {
		return r, err
	}
	env, err := cfg.AppEnvMap()
	if err != nil {
		return r, err
	}
	r.opts = Options{
		DBImage: cfg.DBImage, AppImage: cfg.AppImage, MailImage: cfg.MailImage,
		AppPort: cfg.AppPort, AppHealth: cfg.AppHealth, AppEnv: env, AppMigrate: cfg.AppMigrate,
		AppRoutes: cfg.AppRoutes, AppTestCmd: cfg.AppTestCmd,
		Faults: cfg.Faults, StartupWait: cfg.StartupWait, Progress: progress, Accounts: accts,
	}.withDefaults()
	return r, r.opts.validate()
}

// pauser takes the database container away by pausing it: the app's connections hang
// and its health check times out, as with a database host that stopped answering. The
// mapped port stays, so the harness's own DSN works again after Start.
type pauser struct{ c testcontainers.Container }

func (p pauser) do(ctx context.Context, pause bool) error {
	if p.c == nil {
		return fmt.Errorf("the database container is not running")
	}
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return err
	}
	defer cli.Close()
	if pause {
		_, err = cli.ContainerPause(ctx, p.c.GetContainerID(), client.ContainerPauseOptions{})
	} else {
		_, err = cli.ContainerUnpause(ctx, p.c.GetContainerID(), client.ContainerUnpauseOptions{})
	}
	return err
}

// Stop pauses the database container.
func (p pauser) Stop(ctx context.Context) error { return p.do(ctx, true) }

// Start unpauses it.
func (p pauser) Start(ctx context.Context) error { return p.do(ctx, false) }

// accountsFromApp asks the reference shop's container for its seed accounts.
func accountsFromApp(ctx context.Context, app testcontainers.Container) (target.Accounts, error) {
	code, out, err := app.Exec(ctx, []string{"/shop", "accounts"}, tcexec.Multiplexed())
	if err != nil {
		return target.Accounts{}, fmt.Errorf("ask the reference shop for its accounts: %w", err)
	}
	data, err := io.ReadAll(out)
	if err != nil {
		return target.Accounts{}, err
	}
	if code != 0 {
		return target.Accounts{}, fmt.Errorf("/shop accounts exited %d: rebuild the shop image (make images) or set SMOKE_ACCOUNTS", code)
	}
	return target.ParseAccounts("the reference shop's accounts", data)
}
