package target

import (
	"context"
	"io"

	"github.com/smokeproof/smokeproof/pkg/config"
)

// Pool opens one target after another that share what does not depend on the app's
// fault switches: the kill matrix opens a target per fault pass, and on containers the
// network, the database server and the mail catcher can stay while the app is started
// anew on a fresh database. Only one target of a pool is open at a time; use one pool
// per concurrent worker.
type Pool interface {
	// Open opens a target with SHOP_FAULTS=faults. Its Stop ends that pass only.
	Open(ctx context.Context, faults string) (*Opened, error)
	// Stop tears the pool down, with whatever pass is still open.
	Stop() error
}

// PoolDriver is a driver that shares part of its targets between passes.
type PoolDriver interface {
	Driver
	OpenPool(ctx context.Context, cfg config.Config, progress io.Writer) (Pool, error)
}

// OpenPool returns a pool for the configured target: the driver's own when it has one,
// else one that opens every pass from scratch. Stop is safe to call on the pool also
// after an error.
func OpenPool(ctx context.Context, cfg config.Config, progress io.Writer) (Pool, error) {
	d, err := lookupDriver(cfg.Target)
	if err != nil {
		return freshPool{}, err
	}
	if progress == nil {
		progress = io.Discard
	}
	if pd, ok := d.(PoolDriver); ok {
		p, err := pd.OpenPool(ctx, cfg, progress)
		if p == nil {
			p = freshPool{}
		}
		return labelled{p, d.Capabilities(cfg), cfg.Target}, err
	}
	return freshPool{cfg: cfg, progress: progress}, nil
}

// freshPool opens every pass with Open.
type freshPool struct {
	cfg      config.Config
	progress io.Writer
}

func (p freshPool) Open(ctx context.Context, faults string) (*Opened, error) {
	cfg := p.cfg
	cfg.Faults = faults
	return Open(ctx, cfg, p.progress)
}

func (freshPool) Stop() error { return nil }

// labelled sets what Open sets on every target of a driver's pool.
type labelled struct {
	Pool
	caps Capabilities
	kind string
}

func (l labelled) Open(ctx context.Context, faults string) (*Opened, error) {
	o, err := l.Pool.Open(ctx, faults)
	if o == nil {
		o = &Opened{}
	}
	if o.Stop == nil {
		o.Stop = noop
	}
	if err == nil {
		o.Caps, o.Kind = l.caps, l.kind
	}
	return o, err
}
