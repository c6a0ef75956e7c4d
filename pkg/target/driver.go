package target

import (
	"context"
	"fmt"
	"io"
	"sort"
	"strings"
	"sync"

	"github.com/smokeproof/smokeproof/pkg/browser"
	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// Capabilities say what the harness may do on a target. They are fields, never
// target-name checks: the suites and pkg/spec read them, and the labels a target rules
// out become a label filter with a reason (Exclusions).
type Capabilities struct {
	// Owned: the harness started the target and its data is throwaway, so a spec may
	// register fresh users and fire concurrent orders. A live site is not owned: specs
	// act only as the dedicated smoke accounts.
	Owned bool `json:"owned"`
	// Writes: specs labelled writes may create or change data.
	Writes bool `json:"writes"`
	// Destructive: specs labelled destructive may run (remove data they did not make,
	// degrade the target).
	Destructive bool `json:"destructive"`
	// StopDB: the harness can take the target's database away and give it back
	// (Opened.Database), to prove the app notices.
	StopDB bool `json:"stop_db"`
	// Guarded: the HTTP client refuses unsafe methods outside specs allowed to write,
	// and retries idempotent GETs (a production site).
	Guarded bool `json:"guarded"`
}

// Database lets the harness take the target's database away and bring it back. Only
// the process that opened the target holds it (Ginkgo process 1, where Serial specs run).
type Database interface {
	Stop(ctx context.Context) error
	Start(ctx context.Context) error
}

// Opened is a target opened by a driver in this process.
type Opened struct {
	Endpoints
	// Stop tears down what the driver started; never nil, safe to call once, also after
	// a failed Open.
	Stop func() error
	// Database is non-nil when Caps.StopDB.
	Database Database
}

// Driver is one kind of target. Drivers register themselves (Register) from their
// package's init, the go-cloud way; Open picks one by SMOKE_TARGET.
type Driver interface {
	// Capabilities says what the target will allow under cfg, before it is opened.
	Capabilities(cfg config.Config) Capabilities
	// Open starts or connects to the target. progress receives one line per long step.
	Open(ctx context.Context, cfg config.Config, progress io.Writer) (*Opened, error)
}

var drivers = struct {
	sync.RWMutex
	m map[string]Driver
}{m: map[string]Driver{}}

// Register makes a driver available under name. It panics on a duplicate name.
func Register(name string, d Driver) {
	drivers.Lock()
	defer drivers.Unlock()
	if _, dup := drivers.m[name]; dup {
		panic("target: driver " + name + " registered twice")
	}
	drivers.m[name] = d
}

// Drivers returns the registered driver names, sorted.
func Drivers() []string {
	drivers.RLock()
	defer drivers.RUnlock()
	names := make([]string, 0, len(drivers.m))
	for n := range drivers.m {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

func lookupDriver(name string) (Driver, error) {
	drivers.RLock()
	d, ok := drivers.m[name]
	drivers.RUnlock()
	if !ok {
		return nil, fmt.Errorf("SMOKE_TARGET=%q has no driver in this build: use one of %s", name, strings.Join(Drivers(), ", "))
	}
	return d, nil
}

// CapabilitiesOf returns what the configured target will allow.
func CapabilitiesOf(cfg config.Config) (Capabilities, error) {
	d, err := lookupDriver(cfg.Target)
	if err != nil {
		return Capabilities{}, err
	}
	return d.Capabilities(cfg), nil
}

// Open opens the configured target through its driver. The returned Opened's Stop is
// never nil, even on error.
func Open(ctx context.Context, cfg config.Config, progress io.Writer) (*Opened, error) {
	d, err := lookupDriver(cfg.Target)
	if err != nil {
		return &Opened{Stop: noop}, err
	}
	if progress == nil {
		progress = io.Discard
	}
	o, err := d.Open(ctx, cfg, progress)
	if o == nil {
		o = &Opened{}
	}
	if o.Stop == nil {
		o.Stop = noop
	}
	if err == nil {
		o.Caps = d.Capabilities(cfg)
		o.Kind = cfg.Target
	}
	return o, err
}

func noop() error { return nil }

// Exclusions returns the labels the configured target rules out, each with the reason
// the documents give for the specs it leaves out.
func Exclusions(cfg config.Config) ([]evidence.Exclusion, error) {
	caps, err := CapabilitiesOf(cfg)
	if err != nil {
		return nil, err
	}
	var ex []evidence.Exclusion
	// First: a spec that takes the database away matches this before "destructive".
	// It is not applicable where the harness cannot do it at all (a live site): it
	// neither proves nor blocks its bullet there, as TLS on plain http.
	if !caps.StopDB {
		ex = append(ex, evidence.Exclusion{Label: "stop-db", Reason: "not applicable: the harness cannot take this target's database away (it does so on embedded and containers)"})
	}
	if !caps.Writes {
		ex = append(ex, evidence.Exclusion{Label: "writes", Reason: "writes not allowed on this target (set SMOKE_ALLOW_WRITES=true to run them as the smoke accounts)"})
	}
	if !caps.Destructive {
		ex = append(ex, evidence.Exclusion{Label: "destructive", Reason: "destructive specs never run on a site the harness does not own"})
	}
	if !caps.Owned {
		if cfg.DBDSN == "" {
			ex = append(ex, evidence.Exclusion{Label: "db", Reason: "no database access on this target (set SMOKE_DB_DSN, opened read-only)"})
		}
		if cfg.Mail == "none" {
			ex = append(ex, evidence.Exclusion{Label: "mail", Reason: "no mail source on this target (set SMOKE_MAIL)"})
		}
	}
	switch {
	case !cfg.BrowserOn():
		ex = append(ex, evidence.Exclusion{Label: "browser", Reason: "browser disabled (SMOKE_BROWSER=off)"})
	case !cfg.BrowserRequired() && browser.Missing():
		// SMOKE_BROWSER=auto: not run by choice, with a hint; require breaks the spec instead.
		ex = append(ex, evidence.Exclusion{Label: "browser", Reason: browser.NotFoundReason})
	}
	return ex, nil
}
