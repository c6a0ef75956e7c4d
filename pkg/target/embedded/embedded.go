package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/smokeproof/smokeproof/fixtures/embeddb"
	"github.com/smokeproof/smokeproof/fixtures/shop"
	fixturesql "github.com/smokeproof/smokeproof/fixtures/sql"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/mailbox"
	"github.com/smokeproof/smokeproof/pkg/target"

	"github.com/go-sql-driver/mysql" // the embedded database speaks the MySQL protocol
)

// Options configure the embedded target.
type Options struct {
	Faults  string // SHOP_FAULTS for the shop; an unknown name is an error
	Version string // reported by the shop's health endpoint
}

// Open starts the embedded database, migrates and seeds it, starts the SMTP sink and
// the shop, and returns the endpoints plus a stop function that tears everything down
// (safe to call once; call it even when Open fails — it stops what was started).
func Open(ctx context.Context, opts Options) (target.Endpoints, func() error, error) {
	o, err := open(ctx, opts)
	return o.Endpoints, o.Stop, err
}

func open(ctx context.Context, opts Options) (*target.Opened, error) {
	var stops []func() error
	stop := func() error {
		var errs []error
		for i := len(stops) - 1; i >= 0; i-- {
			errs = append(errs, stops[i]())
		}
		stops = nil
		return errors.Join(errs...)
	}
	faults, err := shop.ParseFaults(opts.Faults)
	if err != nil {
		return &target.Opened{Stop: stop}, err
	}
	var timings []evidence.Timing
	lap := func(name string, start time.Time) {
		timings = append(timings, evidence.Timing{Name: name, Millis: float64(time.Since(start).Microseconds()) / 1000})
	}

	// The health spec takes the database away on purpose; the shop answers 503 and the
	// driver's own "bad connection" log lines would only clutter the run's output.
	_ = mysql.SetLogger(log.New(io.Discard, "", 0))
	t0 := time.Now()
	srv, err := embeddb.Start(ctx, embeddb.Options{})
	if err != nil {
		return &target.Opened{Stop: stop}, fmt.Errorf("start the embedded database: %w", err)
	}
	stops = append(stops, srv.Close)
	cut, err := newOutage(srv.Addr())
	if err != nil {
		return &target.Opened{Stop: stop}, fmt.Errorf("start the database relay: %w", err)
	}
	stops = append(stops, cut.Close)
	// The shop reaches its database through the relay the harness can cut.
	db, err := sql.Open("mysql", strings.Replace(srv.DSN(""), srv.Addr(), cut.Addr(), 1))
	if err != nil {
		return &target.Opened{Stop: stop}, fmt.Errorf("open the embedded database: %w", err)
	}
	stops = append(stops, db.Close)
	lap("database", t0)

	t1 := time.Now()
	if err := fixturesql.Migrate(ctx, db, faults.MigrateOptions()...); err != nil {
		return &target.Opened{Stop: stop}, fmt.Errorf("migrate the embedded database: %w", err)
	}
	if err := fixturesql.Seed(ctx, db); err != nil {
		return &target.Opened{Stop: stop}, fmt.Errorf("seed the embedded database: %w", err)
	}
	lap("schema and seed", t1)

	t2 := time.Now()
	sink, err := mailbox.StartSink(ctx, "127.0.0.1:0")
	if err != nil {
		return &target.Opened{Stop: stop}, fmt.Errorf("start the SMTP sink: %w", err)
	}
	stops = append(stops, sink.Close)
	sinkURL, closeView, err := serve(mailbox.SinkHandler(sink))
	if err != nil {
		return &target.Opened{Stop: stop}, fmt.Errorf("serve the mail sink view: %w", err)
	}
	stops = append(stops, closeView)

	app, err := shop.New(shop.Config{
		DB:      db,
		Mailer:  shop.SMTPMailer{Host: sink.Host(), Port: sink.Port()},
		Faults:  faults,
		Env:     "smoke",
		Version: opts.Version,
		Logger:  slog.New(slog.DiscardHandler),
	})
	if err != nil {
		return &target.Opened{Stop: stop}, fmt.Errorf("start the reference shop: %w", err)
	}
	webBase, closeShop, err := serve(app.Handler())
	if err != nil {
		return &target.Opened{Stop: stop}, fmt.Errorf("serve the reference shop: %w", err)
	}
	stops = append(stops, closeShop)
	lap("shop and mail sink", t2)

	acct := func(a fixturesql.Account) target.Account { return target.Account{Email: a.Email, Password: a.Password} }
	e := target.Endpoints{
		Kind:    "embedded",
		APIBase: webBase + "/api",
		WebBase: webBase,
		DSN:     srv.DSN(""),
		Mail:    "sink:" + sinkURL,
		Accounts: target.Accounts{
			Admin: acct(fixturesql.Admin), ProducerA: acct(fixturesql.ProducerA), ProducerB: acct(fixturesql.ProducerB),
			ProducerNoProfile: acct(fixturesql.ProducerNoProfile), Consumer: acct(fixturesql.Consumer1),
		},
		Facts: evidence.RunFacts{
			Target:   "embedded",
			App:      "reference shop (in-process)",
			Database: "go-mysql-server (in-process)",
			Mail:     "SMTP sink (in-process)",
			Faults:   faults.String(),
			Startup:  append(timings, evidence.Timing{Name: "total", Millis: float64(time.Since(t0).Microseconds()) / 1000}),
		},
	}
	routes, err := appRoutes()
	if err != nil {
		return &target.Opened{Stop: stop}, err
	}
	e.AppRoutes = routes
	return &target.Opened{Endpoints: e, Stop: stop, Database: cut}, nil
}

// serve serves h on a fresh loopback port and returns its base URL and a stop func.
func serve(h http.Handler) (string, func() error, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return "", nil, err
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	return "http://" + ln.Addr().String(), func() error {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		return hs.Shutdown(ctx)
	}, nil
}

// appRoutes is the reference shop's own route list, as `shop routes --json` prints it.
func appRoutes() (string, error) {
	var list []shop.LaravelRoute
	for _, r := range shop.Routes() {
		list = append(list, r.Laravel())
	}
	b, err := json.Marshal(list)
	return string(b), err
}
