package containers

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/target"
)

// OpenPool implements target.PoolDriver: the network, the database and Mailpit are
// started once; each pass (Open) starts the app with its fault switches on a fresh
// database — dropped and created again, so a pass that migrated a broken schema
// leaves nothing to the next — and an empty mailbox. Passes of one pool run one after
// another, so the health spec may pause the database of its own pass.
func (Driver) OpenPool(ctx context.Context, cfg config.Config, progress io.Writer) (target.Pool, error) {
	r, err := newRun(cfg, progress)
	if err != nil {
		return &pool{r: r}, err
	}
	p := &pool{r: r}
	return p, r.openShared(ctx)
}

type pool struct {
	r      *run
	mu     sync.Mutex // one pass at a time
	passes int
}

// Open starts one pass's app; its Stop removes the app only and must be called before
// the next Open (the pool holds one pass at a time).
func (p *pool) Open(ctx context.Context, faults string) (*target.Opened, error) {
	p.mu.Lock()
	if p.passes > 0 {
		t := time.Now()
		if err := p.fresh(ctx); err != nil {
			p.mu.Unlock()
			return &target.Opened{Stop: func() error { return nil }}, err
		}
		p.r.logf("fresh database and empty mailbox in %s", since(t))
	}
	p.passes++
	e, app, err := p.r.openApp(ctx, faults)
	var once sync.Once
	stop := func() error {
		var err error
		once.Do(func() {
			defer p.mu.Unlock()
			if app == nil {
				return
			}
			sctx, cancel := context.WithTimeout(context.Background(), stopWait)
			defer cancel()
			if err = app.Terminate(sctx, testcontainers.StopTimeout(0)); isNotFound(err) {
				err = nil
			}
		})
		return err
	}
	return &target.Opened{Endpoints: e, Stop: stop, Database: pauser{p.r.db}}, err
}

// Stop removes everything the pool started.
func (p *pool) Stop() error { return p.r.stop() }

// fresh drops and creates the marketplace database (PostgreSQL: its public schema)
// and deletes every message in Mailpit.
func (p *pool) fresh(ctx context.Context) error {
	r := p.r
	// A pass stopped while its database was paused (an interrupted health spec) would
	// leave it so; unpausing a running container only fails, harmlessly.
	_ = pauser{r.db}.Start(ctx)
	addr, err := hostPort(ctx, r.db, dbPortOf(r.opts.DBImage))
	if err != nil {
		return fmt.Errorf("find the database's mapped port: %w", err)
	}
	dsn, stmts := fmt.Sprintf("root:%s@tcp(%s)/", r.password, addr), []string{"DROP DATABASE IF EXISTS " + dbName, "CREATE DATABASE " + dbName}
	if isPostgres(r.opts.DBImage) {
		// The database's owner is its superuser (POSTGRES_USER).
		dsn, stmts = harnessDSN(r.opts.DBImage, r.password, addr), []string{"DROP SCHEMA public CASCADE", "CREATE SCHEMA public"}
	}
	db, err := target.OpenDB(ctx, dsn, false)
	if err != nil {
		return fmt.Errorf("connect to the database to give the next pass a fresh one: %w", err)
	}
	defer db.Close()
	for _, s := range stmts {
		if _, err := db.ExecContext(ctx, s); err != nil {
			return fmt.Errorf("give the next pass a fresh database (%s): %w", s, err)
		}
	}
	mailAddr, err := hostPort(ctx, r.mail, mailHTTP)
	if err != nil {
		return fmt.Errorf("find Mailpit's mapped port: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodDelete, "http://"+mailAddr+"/api/v1/messages", nil)
	if err != nil {
		return err
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		return fmt.Errorf("empty Mailpit for the next pass: %w", err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("empty Mailpit for the next pass: %s", resp.Status)
	}
	return nil
}
