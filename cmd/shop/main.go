package main

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"os/signal"
	"runtime/debug"
	"strconv"
	"strings"
	"syscall"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/smokeproof/smokeproof/fixtures/shop"
	fixturesql "github.com/smokeproof/smokeproof/fixtures/sql"
	"github.com/smokeproof/smokeproof/pkg/dbdsn"
)

// version is set at build time with -ldflags "-X main.version=..."; otherwise the
// module version, or "dev".
var version = ""

const usage = `shop — the smokeproof reference marketplace

Usage:
  shop serve      serve the marketplace API and web pages
  shop migrate    create the tables that do not exist yet, then exit
  shop seed       insert the seed world unless the admin user exists, then exit
  shop accounts   print the seed world's smoke accounts as SMOKE_ACCOUNTS lines, then exit
  shop routes [--json]
                  print every route the shop serves (--json: the shape of
                  Laravel's php artisan route:list --json); needs no database
  shop selftest [--junit FILE|-]
                  run the shop's own contract checks in-process against a fresh
                  scratch database on SHOP_DB_DSN's server (created, then
                  dropped; the user needs CREATE and DROP), with SHOP_FAULTS
                  on; --junit writes JUnit XML (- for stdout); exits 1 when a
                  check fails
  shop --help     show this help

Environment:
  SHOP_DB_DSN     DSN of the database (required): MySQL/MariaDB as
                  root:secret@tcp(127.0.0.1:3306)/marketplace, PostgreSQL as
                  postgres://app:secret@127.0.0.1:5432/marketplace or
                  host=127.0.0.1 user=app password=secret dbname=marketplace
  SHOP_ADDR       address to listen on (default 127.0.0.1:8080)
  SHOP_MAILER     smtp or log (default log)
  SHOP_SMTP_HOST  SMTP host for SHOP_MAILER=smtp (default 127.0.0.1)
  SHOP_SMTP_PORT  SMTP port for SHOP_MAILER=smtp (default 1025)
  SHOP_MAIL_LOG   log file for SHOP_MAILER=log (default storage/logs/laravel.log)
  SHOP_ENV        environment name in log-mailer records (default local)
  SHOP_FAULTS     comma-separated fault switches to turn on (default none):
                  %s
  SHOP_MIGRATE    1 makes serve migrate and seed before serving (default off)
  SHOP_DB_WAIT    seconds to wait for the database at start (default 30)

Exit status: 0 on success, 2 for a bad configuration, 1 for any other failure.
`

// usageError is a configuration mistake: exit status 2.
type usageError struct{ msg string }

func (e usageError) Error() string { return e.msg }

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Getenv, os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// run executes the command in args and returns the exit status.
func run(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) int {
	err := dispatch(ctx, args, getenv, stdout, stderr)
	if err == nil {
		return 0
	}
	msg := err.Error()
	if !strings.HasSuffix(msg, ".") {
		msg += "."
	}
	fmt.Fprintln(stderr, "shop: "+msg)
	var ue usageError
	if errors.As(err, &ue) {
		return 2
	}
	return 1
}

func dispatch(ctx context.Context, args []string, getenv func(string) string, stdout, stderr io.Writer) error {
	if len(args) == 0 {
		return usageError{"no command given: run shop serve, migrate, seed, accounts, routes or selftest (shop --help lists the settings)."}
	}
	switch args[0] {
	case "-h", "-help", "--help", "help":
		names := make([]string, 0, len(shop.AllFaults()))
		for _, f := range shop.AllFaults() {
			names = append(names, string(f))
		}
		fmt.Fprintf(stdout, usage, wrap(strings.Join(names, ", "), 62, "                  "))
		return nil
	case "routes":
		return printRoutes(args[1:], stdout)
	case "selftest":
		return selftest(ctx, args[1:], getenv, stdout, stderr)
	case "accounts":
		// The seed world's smoke accounts as a SMOKE_ACCOUNTS file, so a harness that
		// starts this image can ask it (docker exec /shop accounts) instead of knowing them.
		fmt.Fprint(stdout, fixturesql.AccountsEnv())
		return nil
	case "serve", "migrate", "seed":
	default:
		return usageError{fmt.Sprintf("unknown command %q: run shop serve, migrate, seed, accounts, routes or selftest.", args[0])}
	}
	if len(args) > 1 {
		return usageError{fmt.Sprintf("shop %s takes no arguments (got %q): configure it with SHOP_* environment variables.", args[0], strings.Join(args[1:], " "))}
	}
	cfg, err := loadConfig(getenv)
	if err != nil {
		return err
	}
	logger := slog.New(slog.NewTextHandler(stderr, nil))
	db, err := openDB(ctx, cfg)
	if err != nil {
		return err
	}
	defer db.Close()

	switch args[0] {
	case "migrate":
		if err := fixturesql.Migrate(ctx, db, cfg.faults.MigrateOptions()...); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "shop: migrated")
		return nil
	case "seed":
		if err := fixturesql.Seed(ctx, db); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "shop: seeded")
		return nil
	}
	if cfg.migrate {
		if err := fixturesql.Migrate(ctx, db, cfg.faults.MigrateOptions()...); err != nil {
			return err
		}
		if err := fixturesql.Seed(ctx, db); err != nil {
			return err
		}
	}
	return serve(ctx, cfg, db, logger)
}

// config is the resolved environment.
type config struct {
	dsn     *mysql.Config
	pgDSN   string // a PostgreSQL DSN instead of dsn (postgres.go)
	pgAddr  string
	addr    string
	mailer  shop.Mailer
	faults  shop.Faults
	env     string
	migrate bool
	dbWait  time.Duration
}

// loadConfig reads and validates every SHOP_* variable; mistakes are usageErrors.
func loadConfig(getenv func(string) string) (config, error) {
	var c config
	raw := strings.TrimSpace(getenv("SHOP_DB_DSN"))
	if raw == "" {
		return c, usageError{"SHOP_DB_DSN is not set: set it to the database's DSN, such as root:secret@tcp(127.0.0.1:3306)/marketplace."}
	}
	if dbdsn.KindOf(raw) == dbdsn.Postgres {
		return loadPostgres(c, raw, getenv) // postgres.go
	}
	return loadRest(c, raw, getenv)
}

// loadRest reads the MySQL DSN raw and every other SHOP_* variable.
func loadRest(c config, raw string, getenv func(string) string) (config, error) {
	dsn, err := mysql.ParseDSN(raw)
	if err != nil {
		return c, usageError{fmt.Sprintf("SHOP_DB_DSN is not a valid go-sql-driver DSN (%v): use the form user:password@tcp(host:port)/database.", err)}
	}
	if dsn.DBName == "" {
		return c, usageError{"SHOP_DB_DSN names no database: append /<database> after the address, such as @tcp(127.0.0.1:3306)/marketplace."}
	}
	if dsn.Params == nil {
		dsn.Params = map[string]string{}
	}
	if _, ok := dsn.Params["time_zone"]; !ok {
		dsn.Params["time_zone"] = "'+00:00'" // store and read timestamps in UTC
	}
	c.dsn = dsn
	return loadOthers(c, getenv)
}

// loadOthers reads every SHOP_* variable but the DSN.
func loadOthers(c config, getenv func(string) string) (config, error) {
	var err error
	c.addr = getenv("SHOP_ADDR")
	if c.addr == "" {
		c.addr = "127.0.0.1:8080"
	}
	if _, _, err := net.SplitHostPort(c.addr); err != nil {
		return c, usageError{fmt.Sprintf("SHOP_ADDR %q is not a host:port address: set it like 127.0.0.1:8080 or :8080.", c.addr)}
	}
	if c.mailer, err = shop.MailerFromEnv(getenv); err != nil {
		return c, usageError{err.Error()}
	}
	if c.faults, err = shop.ParseFaults(getenv("SHOP_FAULTS")); err != nil {
		return c, usageError{"SHOP_FAULTS has an " + err.Error()}
	}
	c.env = getenv("SHOP_ENV")
	switch m := strings.TrimSpace(getenv("SHOP_MIGRATE")); strings.ToLower(m) {
	case "", "0", "false", "no":
	case "1", "true", "yes":
		c.migrate = true
	default:
		return c, usageError{fmt.Sprintf("SHOP_MIGRATE %q is not a switch: set it to 1 to migrate and seed before serving, or leave it unset.", m)}
	}
	c.dbWait = 30 * time.Second
	if w := strings.TrimSpace(getenv("SHOP_DB_WAIT")); w != "" {
		n, err := strconv.Atoi(w)
		if err != nil || n < 0 {
			return c, usageError{fmt.Sprintf("SHOP_DB_WAIT %q is not a number of seconds: set it to a whole number such as 30.", w)}
		}
		c.dbWait = time.Duration(n) * time.Second
	}
	return c, nil
}

// openDB connects and waits up to cfg.dbWait for the database to answer.
func openDB(ctx context.Context, cfg config) (*sql.DB, error) {
	var connector driver.Connector
	addr := cfg.pgAddr
	var err error
	if cfg.pgDSN != "" {
		connector, err = postgresConnector(cfg) // postgres.go
	} else {
		connector, err = mysql.NewConnector(cfg.dsn)
		addr = cfg.dsn.Addr
	}
	if err != nil {
		return nil, usageError{fmt.Sprintf("SHOP_DB_DSN cannot be used (%v): check its parameters.", err)}
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(32)
	db.SetMaxIdleConns(16)
	db.SetConnMaxLifetime(5 * time.Minute)
	deadline := time.Now().Add(cfg.dbWait)
	for {
		pctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		err = db.PingContext(pctx)
		cancel()
		if err == nil {
			return db, nil
		}
		if ctx.Err() != nil || !time.Now().Before(deadline) {
			_ = db.Close()
			return nil, fmt.Errorf("the database at %s did not answer within %s (%v): check SHOP_DB_DSN and that the database is up", addr, cfg.dbWait, dbdsn.Redact(err.Error(), cfg.pgDSN))
		}
		select {
		case <-ctx.Done():
		case <-time.After(500 * time.Millisecond):
		}
	}
}

// serve runs the HTTP server until ctx ends, then shuts it down gracefully.
func serve(ctx context.Context, cfg config, db *sql.DB, logger *slog.Logger) error {
	s, err := shop.New(shop.Config{DB: db, Mailer: cfg.mailer, Faults: cfg.faults, Env: cfg.env, Version: buildVersion(), Logger: logger})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", cfg.addr)
	if err != nil {
		return fmt.Errorf("listen on %s (%v): set SHOP_ADDR to a free address", cfg.addr, err)
	}
	srv := &http.Server{Handler: s.Handler(), ReadHeaderTimeout: 10 * time.Second}
	logger.Info("shop listening", "addr", "http://"+ln.Addr().String(), "faults", cfg.faults.String(), "version", buildVersion())
	errc := make(chan error, 1)
	go func() { errc <- srv.Serve(ln) }()
	select {
	case err := <-errc:
		return fmt.Errorf("serve: %w", err)
	case <-ctx.Done():
	}
	sctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	if err := srv.Shutdown(sctx); err != nil {
		return fmt.Errorf("shut down: %w", err)
	}
	logger.Info("shop stopped")
	return nil
}

func buildVersion() string {
	if version != "" {
		return version
	}
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "dev"
}

// wrap breaks s at spaces into lines of at most width, indenting the following lines.
func wrap(s string, width int, indent string) string {
	var b strings.Builder
	line := 0
	for i, w := range strings.Fields(s) {
		if i > 0 {
			if line+1+len(w) > width {
				b.WriteString("\n" + indent)
				line = 0
			} else {
				b.WriteByte(' ')
				line++
			}
		}
		b.WriteString(w)
		line += len(w)
	}
	return b.String()
}
