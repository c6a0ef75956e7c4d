package containers

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"maps"
	"net"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tclog "github.com/testcontainers/testcontainers-go/log"
	"github.com/testcontainers/testcontainers-go/modules/mailpit"
	"github.com/testcontainers/testcontainers-go/modules/mariadb"
	"github.com/testcontainers/testcontainers-go/modules/mysql"
	"github.com/testcontainers/testcontainers-go/network"
	"github.com/testcontainers/testcontainers-go/wait"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/target"
)

// RunLabel is the label every container and the network of one Open carry, with
// Options.RunID as its value (next to testcontainers' own org.testcontainers=true).
const RunLabel = "org.smokeproof.run"

// Defaults used for the zero value of the matching Options field (the same as
// pkg/config's defaults).
const (
	DefaultDBImage     = "smokeproof/mariadb:local"
	DefaultAppImage    = "smokeproof/shop:local"
	DefaultMailImage   = "smokeproof/mailpit:local"
	DefaultAppPort     = 8080
	DefaultAppHealth   = "/api/health"
	DefaultStartupWait = 60 * time.Second
)

// referenceShop is the repository of the reference shop's image: an app image from it
// is the reference shop, whose seeded accounts and fault switches the driver knows.
const referenceShop = "smokeproof/shop"

const (
	dbAlias   = "db"   // the database's name on the private network
	mailAlias = "mail" // Mailpit's name on the private network
	appAlias  = "app"  // the app's name on the private network
	dbPort    = "3306/tcp"
	smtpPort  = "1025"
	mailHTTP  = "8025/tcp"
	dbName    = "marketplace"
	dbUser    = "shop"
	// stopWait bounds the whole teardown; it runs on its own context because the
	// run's context may already be cancelled (SIGINT).
	stopWait = 60 * time.Second
	// logLines is how many of a failed container's last log lines an error shows.
	logLines = 15
)

// Options configure the containers target. A zero field takes its Default*.
type Options struct {
	DBImage   string // SMOKE_DB_IMAGE: a mariadb-family image when the name contains "mariadb", PostgreSQL when it contains "postgres", else mysql-family
	AppImage  string // SMOKE_APP_IMAGE: the app under test
	MailImage string // SMOKE_MAIL_IMAGE: a Mailpit image (SMTP 1025, HTTP 8025)

	AppPort   int    // SMOKE_APP_PORT: port the app listens on inside its container
	AppHealth string // SMOKE_APP_HEALTH: path answering 200 once the app is ready
	// AppEnv (SMOKE_APP_ENV) is extra environment for the app. It wins over what the
	// driver sets: the reference shop's SHOP_DB_DSN, SHOP_MAILER=smtp, SHOP_SMTP_HOST,
	// SHOP_SMTP_PORT, SHOP_ADDR, SHOP_MIGRATE=1 and SHOP_FAULTS, and the same in
	// Laravel's names: DB_HOST=db, DB_PORT, DB_DATABASE, DB_USERNAME, DB_PASSWORD,
	// MAIL_MAILER=smtp, MAIL_HOST=mail, MAIL_PORT=1025.
	AppEnv map[string]string
	// AppMigrate (SMOKE_APP_MIGRATE) is run inside the app container once it is ready,
	// like `docker exec`: split on spaces, or run with /bin/sh -c when it holds quotes or
	// shell operators. "" runs nothing.
	AppMigrate string
	// AppRoutes (SMOKE_APP_ROUTES) and AppTestCmd (SMOKE_APP_TEST_CMD): see appinfo.go.
	AppRoutes  string
	AppTestCmd string
	Faults     string // SHOP_FAULTS for the app container (the reference shop refuses an unknown switch)
	// Accounts are the smoke accounts; when zero and the app is the reference shop, the
	// app container is asked for its seed accounts.
	Accounts target.Accounts

	StartupWait time.Duration // SMOKE_STARTUP_WAIT: how long each container (and AppMigrate) may take
	Progress    io.Writer     // one line per step with its elapsed time; nil writes nothing
	RunID       string        // value of RunLabel on everything started; "" picks a random one
}

func (o Options) withDefaults() Options {
	def := func(s *string, d string) {
		if strings.TrimSpace(*s) == "" {
			*s = d
		}
	}
	def(&o.DBImage, DefaultDBImage)
	def(&o.AppImage, DefaultAppImage)
	def(&o.MailImage, DefaultMailImage)
	def(&o.AppHealth, DefaultAppHealth)
	if o.AppPort == 0 {
		o.AppPort = DefaultAppPort
	}
	if o.StartupWait <= 0 {
		o.StartupWait = DefaultStartupWait
	}
	if o.RunID == "" {
		o.RunID = randomHex(6)
	}
	return o
}

func (o Options) validate() error {
	var errs []error
	if o.AppPort < 1 || o.AppPort > 65535 {
		errs = append(errs, fmt.Errorf("SMOKE_APP_PORT=%d is not a port: set the port the app listens on inside its container, e.g. 8080", o.AppPort))
	}
	if !strings.HasPrefix(o.AppHealth, "/") {
		errs = append(errs, fmt.Errorf("SMOKE_APP_HEALTH=%q is not a path: set the app's health path, e.g. /api/health", o.AppHealth))
	}
	return errors.Join(errs...)
}

// Open starts a private network, the database and Mailpit (in parallel), then the app
// wired to both by alias, runs AppMigrate when set, and returns the endpoints the
// harness uses (all on 127.0.0.1 mapped ports) plus a stop function. The stop function
// removes the app, Mailpit, the database and the network, in that order, then anything
// else carrying the run's label; it uses its own context, so it works after ctx is
// cancelled. Call it even when Open fails: it removes what was started. Calling it
// again does nothing.
//
// Open fails within seconds, with one sentence naming the fix, when Docker does not
// answer, an image is not on this machine, TESTCONTAINERS_RYUK_DISABLED is set to
// something other than true, or a container exits or is not ready within StartupWait
// (the error then ends with the container's last log lines).
func Open(ctx context.Context, opts Options) (target.Endpoints, func() error, error) {
	r := &run{opts: opts.withDefaults(), progress: opts.Progress}
	if err := r.opts.validate(); err != nil {
		return target.Endpoints{}, r.stop, err
	}
	e, err := r.open(ctx)
	if err != nil {
		return target.Endpoints{}, r.stop, err
	}
	return e, r.stop, nil
}

// run is one Open: what it started, in start order, and its timings.
type run struct {
	opts     Options
	progress io.Writer

	mu      sync.Mutex // guards progress writes (the database and Mailpit start in parallel)
	stopMu  sync.Mutex // makes stop safe to call from a signal handler and a cleanup at once
	started []started  // torn down in reverse order
	swept   bool       // whether stop sweeps the run's label (once Docker answered)
	stopped bool
	timings []evidence.Timing

	// What openShared started, for openApp.
	sharedTime time.Duration // how long openShared took
	nw         *testcontainers.DockerNetwork
	common     []testcontainers.ContainerCustomizer
	password   string
	db, mail   testcontainers.Container // the database is paused by Opened.Database
}

type started struct {
	what   string
	remove func(context.Context) error
}

func (r *run) open(ctx context.Context) (target.Endpoints, error) {
	if err := r.openShared(ctx); err != nil {
		return target.Endpoints{}, err
	}
	e, app, err := r.openApp(ctx, r.opts.Faults)
	r.addContainer("app", app)
	return e, err
}

// openShared starts what does not depend on the app's fault switches: after checking
// Docker and the images, a private network, then the database and Mailpit in parallel.
// A pool (pool.go) shares them between fault passes.
func (r *run) openShared(ctx context.Context) error {
	o := r.opts
	t0 := time.Now()
	if err := disableRyuk(); err != nil {
		return err
	}
	// testcontainers would otherwise print a banner and a line per container step to
	// stderr, interleaved with Ginkgo's output; Progress gets one line per step instead
	// and errors carry the failing container's log lines.
	tclog.SetDefault(tclog.NewNoopLogger())

	api, err := checkDocker(ctx)
	if err != nil {
		return err
	}
	r.swept = true
	if err := checkImages(ctx, []image{{o.DBImage, "SMOKE_DB_IMAGE"}, {o.AppImage, "SMOKE_APP_IMAGE"}, {o.MailImage, "SMOKE_MAIL_IMAGE"}}); err != nil {
		return err
	}
	r.logf("docker answers (API %s), images present, in %s", api, since(t0))

	labels := map[string]string{RunLabel: o.RunID}
	nw, err := network.New(ctx, network.WithLabels(labels))
	if err != nil {
		return fmt.Errorf("create the containers' private network: %w", err)
	}
	r.add("network", nw.Remove)
	r.nw = nw
	r.common = []testcontainers.ContainerCustomizer{
		testcontainers.WithLabels(labels),
		testcontainers.WithLogger(tclog.NewNoopLogger()),
	}
	r.password = randomHex(12)

	var (
		wg              sync.WaitGroup
		db, mail        testcontainers.Container
		dbErr, mailErr  error
		dbTime, mailDur time.Duration
	)
	wg.Add(2)
	go func() {
		defer wg.Done()
		t := time.Now()
		db, dbErr = startDB(ctx, o, nw, r.common, r.password)
		dbTime = time.Since(t)
		if dbErr == nil {
			r.logf("database %s ready in %s", o.DBImage, dbTime.Round(100*time.Millisecond))
		}
	}()
	go func() {
		defer wg.Done()
		t := time.Now()
		mail, mailErr = startMail(ctx, o, nw, r.common)
		mailDur = time.Since(t)
		if mailErr == nil {
			r.logf("mail %s ready in %s", o.MailImage, mailDur.Round(100*time.Millisecond))
		}
	}()
	wg.Wait()
	// Registered before the error check, like the modules' own examples: a container
	// that started but never got ready is removed too.
	r.addContainer("database", db)
	r.addContainer("mail catcher", mail)
	r.db, r.mail = db, mail
	if dbErr != nil || mailErr != nil {
		var errs []error
		if dbErr != nil {
			errs = append(errs, notReady("database", o.DBImage, "check SMOKE_DB_IMAGE: it must be a mariadb or mysql image honouring the MARIADB_*/MYSQL_* variables, or a postgres image honouring POSTGRES_*", o.StartupWait, db, dbErr))
		}
		if mailErr != nil {
			errs = append(errs, notReady("mail", o.MailImage, "check SMOKE_MAIL_IMAGE: it must be a Mailpit image answering /readyz on port 8025", o.StartupWait, mail, mailErr))
		}
		return errors.Join(errs...)
	}
	r.lap("database", dbTime)
	r.lap("mail", mailDur)
	r.sharedTime = time.Since(t0)
	return nil
}

// openApp starts the app with SHOP_FAULTS=faults on the shared database and Mailpit,
// runs AppMigrate, and returns the endpoints and the app container (nil when none was
// created; the caller removes it, also on error). The start-up timings are the shared
// ones followed by this app's.
func (r *run) openApp(ctx context.Context, faults string) (target.Endpoints, testcontainers.Container, error) {
	o := r.opts
	o.Faults = faults
	shared := len(r.timings)
	defer func() { r.timings = r.timings[:shared] }()
	t := time.Now()
	app, err := startApp(ctx, o, r.nw, r.common, r.password)
	if err != nil {
		return target.Endpoints{}, app, notReady("app", o.AppImage, fmt.Sprintf("check SMOKE_APP_IMAGE, SMOKE_APP_PORT (%d), SMOKE_APP_HEALTH (%s) and SMOKE_APP_ENV", o.AppPort, o.AppHealth), o.StartupWait, app, err)
	}
	r.lap("app", time.Since(t))
	r.logf("app %s ready in %s", o.AppImage, since(t))

	if o.AppMigrate != "" {
		t := time.Now()
		if err := migrate(ctx, app, o.AppMigrate, o.StartupWait); err != nil {
			return target.Endpoints{}, app, err
		}
		r.lap("migrate", time.Since(t))
		r.logf("migrate %q done in %s", o.AppMigrate, since(t))
	}

	e, err := r.endpoints(ctx, r.db, r.mail, app, r.password)
	if err != nil {
		return target.Endpoints{}, app, err
	}
	e.Facts.Faults = faults
	if err := r.appInfo(ctx, app, r.password, &e); err != nil {
		return target.Endpoints{}, app, err
	}
	r.lap("total", time.Since(t)+r.sharedTime)
	e.Facts.Startup = slices.Clone(r.timings)
	r.logf("ready in %s total", (time.Since(t) + r.sharedTime).Round(100*time.Millisecond))
	return e, app, nil
}

// startDB runs the database with the mariadb module when the image name says mariadb,
// else with the mysql module. It returns the container (nil when none was created)
// with any error.
func startDB(ctx context.Context, o Options, nw *testcontainers.DockerNetwork, common []testcontainers.ContainerCustomizer, password string) (testcontainers.Container, error) {
	if isPostgres(o.DBImage) { // postgres.go
		return startPostgres(ctx, o, nw, common, password)
	}
	opts := slices.Concat(common, []testcontainers.ContainerCustomizer{
		network.WithNetwork([]string{dbAlias}, nw),
		// Keeps the module's own wait strategy (its "port: 3306 ..." log line) and bounds it.
		testcontainers.WithAdditionalWaitStrategyAndDeadline(o.StartupWait),
	})
	if isMariaDB(o.DBImage) {
		c, err := mariadb.Run(ctx, o.DBImage, slices.Concat(opts, []testcontainers.ContainerCustomizer{
			mariadb.WithDatabase(dbName), mariadb.WithUsername(dbUser), mariadb.WithPassword(password),
		})...)
		if c == nil {
			return nil, err
		}
		return c, err
	}
	c, err := mysql.Run(ctx, o.DBImage, slices.Concat(opts, []testcontainers.ContainerCustomizer{
		mysql.WithDatabase(dbName), mysql.WithUsername(dbUser), mysql.WithPassword(password),
	})...)
	if c == nil {
		return nil, err
	}
	return c, err
}

// startMail runs Mailpit with its module; it returns the container (nil when none was
// created) with any error.
func startMail(ctx context.Context, o Options, nw *testcontainers.DockerNetwork, common []testcontainers.ContainerCustomizer) (testcontainers.Container, error) {
	c, err := mailpit.Run(ctx, o.MailImage, slices.Concat(common, []testcontainers.ContainerCustomizer{
		network.WithNetwork([]string{mailAlias}, nw),
		testcontainers.WithAdditionalWaitStrategyAndDeadline(o.StartupWait),
	})...)
	if c == nil {
		return nil, err
	}
	return c, err
}

// startApp runs the app with the reference shop's environment contract (SHOP_*), the
// same settings in Laravel's names (DB_*, MAIL_*), then AppEnv, waiting for GET
// AppHealth to answer 200. It returns the container (nil when none
// was created) with any error.
func startApp(ctx context.Context, o Options, nw *testcontainers.DockerNetwork, common []testcontainers.ContainerCustomizer, password string) (testcontainers.Container, error) {
	port := strconv.Itoa(o.AppPort) + "/tcp"
	env := map[string]string{
		"SHOP_DB_DSN":    fmt.Sprintf("%s:%s@tcp(%s:3306)/%s?parseTime=true", dbUser, password, dbAlias, dbName),
		"SHOP_MAILER":    "smtp",
		"SHOP_SMTP_HOST": mailAlias,
		"SHOP_SMTP_PORT": smtpPort,
		"SHOP_ADDR":      "0.0.0.0:" + strconv.Itoa(o.AppPort),
		"SHOP_MIGRATE":   "1",
		"SHOP_FAULTS":    o.Faults,
		// The same in Laravel's names, so a Laravel image needs SMOKE_APP_ENV only for
		// its own settings (APP_KEY, DB_CONNECTION, ...).
		"DB_HOST":     dbAlias,
		"DB_PORT":     "3306",
		"DB_DATABASE": dbName,
		"DB_USERNAME": dbUser,
		"DB_PASSWORD": password,
		"MAIL_MAILER": "smtp",
		"MAIL_HOST":   mailAlias,
		"MAIL_PORT":   smtpPort,
	}
	if isPostgres(o.DBImage) { // postgres.go
		maps.Copy(env, postgresAppEnv(password))
	}
	maps.Copy(env, o.AppEnv)
	c, err := testcontainers.Run(ctx, o.AppImage, slices.Concat(common, []testcontainers.ContainerCustomizer{
		testcontainers.WithExposedPorts(port),
		testcontainers.WithEnv(env),
		network.WithNetwork([]string{appAlias}, nw),
		testcontainers.WithWaitStrategyAndDeadline(o.StartupWait,
			wait.ForHTTP(o.AppHealth).WithPort(port).
				WithStatusCodeMatcher(func(status int) bool { return status == 200 }).
				WithStartupTimeout(o.StartupWait)),
	})...)
	if c == nil {
		return nil, err
	}
	return c, err
}

// endpoints builds what the harness needs from the ready containers.
func (r *run) endpoints(ctx context.Context, db, mail, app testcontainers.Container, password string) (target.Endpoints, error) {
	o := r.opts
	dbAddr, err := hostPort(ctx, db, dbPortOf(o.DBImage)) // postgres.go
	if err != nil {
		return target.Endpoints{}, fmt.Errorf("find the database's mapped port: %w", err)
	}
	mailAddr, err := hostPort(ctx, mail, mailHTTP)
	if err != nil {
		return target.Endpoints{}, fmt.Errorf("find Mailpit's mapped port: %w", err)
	}
	appAddr, err := hostPort(ctx, app, strconv.Itoa(o.AppPort)+"/tcp")
	if err != nil {
		return target.Endpoints{}, fmt.Errorf("find the app's mapped port: %w", err)
	}
	dsn := harnessDSN(o.DBImage, password, dbAddr) // postgres.go
	version, err := dbVersion(ctx, dsn)
	if err != nil {
		return target.Endpoints{}, err
	}
	web := (&url.URL{Scheme: "http", Host: appAddr}).String()
	e := target.Endpoints{
		Kind:     "containers",
		APIBase:  web + "/api",
		WebBase:  web,
		DSN:      dsn,
		ReadOnly: true, // the harness only reads; the app owns the writes
		Mail:     "mailpit:" + (&url.URL{Scheme: "http", Host: mailAddr}).String(),
		Facts: evidence.RunFacts{
			Target:   "containers",
			App:      o.AppImage,
			Database: fmt.Sprintf("%s (%s)", o.DBImage, shortVersion(version)), // postgres.go
			Mail:     o.MailImage,
			Faults:   o.Faults,
		},
	}
	e.Accounts = o.Accounts
	if e.Accounts.IsZero() && isReferenceShop(o.AppImage) {
		a, err := accountsFromApp(ctx, app)
		if err != nil {
			return target.Endpoints{}, err
		}
		e.Accounts = a
	}
	// Without accounts the specs needing them report "not run" with the setting to fix.
	return e, nil
}

// dbVersion returns SELECT VERSION() of the database at dsn.
func dbVersion(ctx context.Context, dsn string) (string, error) {
	db, err := target.OpenDB(ctx, dsn, true)
	if err != nil {
		return "", err
	}
	defer db.Close()
	var v string
	if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v); err != nil {
		return "", fmt.Errorf("read the database version: %w", err)
	}
	return v, nil
}

// hostPort returns host:port where the harness reaches c's port, with "localhost"
// spelled 127.0.0.1 so that nothing tries IPv6 first.
func hostPort(ctx context.Context, c testcontainers.Container, port string) (string, error) {
	host, err := c.Host(ctx)
	if err != nil {
		return "", err
	}
	if host == "localhost" {
		host = "127.0.0.1"
	}
	p, err := c.MappedPort(ctx, port)
	if err != nil {
		return "", err
	}
	return net.JoinHostPort(host, p.Port()), nil
}

// add registers a teardown step.
func (r *run) add(what string, remove func(context.Context) error) {
	r.started = append(r.started, started{what, remove})
}

// addContainer registers c's removal; a nil c registers nothing.
func (r *run) addContainer(what string, c testcontainers.Container) {
	if c == nil {
		return
	}
	r.add(what+" container", func(ctx context.Context) error {
		// Throwaway containers: no grace period, the data goes with them.
		return c.Terminate(ctx, testcontainers.StopTimeout(0))
	})
}

// stop tears down what open started, then sweeps the run's label. It returns every
// failure joined, each naming what could not be removed.
func (r *run) stop() error {
	r.stopMu.Lock()
	defer r.stopMu.Unlock()
	if r.stopped {
		return nil
	}
	r.stopped = true
	ctx, cancel := context.WithTimeout(context.Background(), stopWait)
	defer cancel()
	t := time.Now()
	var errs []error
	for i := len(r.started) - 1; i >= 0; i-- {
		s := r.started[i]
		if err := s.remove(ctx); err != nil && !isNotFound(err) {
			errs = append(errs, fmt.Errorf("remove the %s: %w", s.what, err))
		}
	}
	if r.swept {
		if err := sweep(ctx, r.opts.RunID); err != nil {
			errs = append(errs, err)
		}
		r.logf("stopped and removed in %s", since(t))
	}
	r.started = nil
	return errors.Join(errs...)
}

func (r *run) lap(name string, d time.Duration) {
	r.timings = append(r.timings, evidence.Timing{Name: name, Millis: float64(d.Microseconds()) / 1000})
}

func (r *run) logf(format string, args ...any) {
	if r.progress == nil {
		return
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	fmt.Fprintf(r.progress, "containers: "+format+"\n", args...)
}

func since(t time.Time) time.Duration { return time.Since(t).Round(100 * time.Millisecond) }

// isMariaDB reports whether img names a MariaDB-family image.
func isMariaDB(img string) bool { return strings.Contains(strings.ToLower(img), "mariadb") }

// isReferenceShop reports whether img is an image of the reference shop (any tag).
func isReferenceShop(img string) bool {
	repo := img
	if i := strings.LastIndex(repo, ":"); i > strings.LastIndex(repo, "/") {
		repo = repo[:i]
	}
	repo = strings.TrimPrefix(repo, "docker.io/")
	return repo == referenceShop
}

func randomHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b) // crypto/rand.Read never fails
	return hex.EncodeToString(b)
}
