package embedded

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/smokeproof/smokeproof/fixtures/embeddb"
	"github.com/smokeproof/smokeproof/fixtures/shop"
	fixturesql "github.com/smokeproof/smokeproof/fixtures/sql"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/mailbox"
	"github.com/smokeproof/smokeproof/pkg/target"

	_ "github.com/go-sql-driver/mysql" // the embedded database speaks the MySQL protocol
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
		return target.Endpoints{}, stop, err
	}
	var timings []evidence.Timing
	lap := func(name string, start time.Time) {
		timings = append(timings, evidence.Timing{Name: name, Millis: float64(time.Since(start).Microseconds()) / 1000})
	}

	t0 := time.Now()
	srv, err := embeddb.Start(ctx, embeddb.Options{})
	if err != nil {
		return target.Endpoints{}, stop, fmt.Errorf("start the embedded database: %w", err)
	}
	stops = append(stops, srv.Close)
	db, err := sql.Open("mysql", srv.DSN(""))
	if err != nil {
		return target.Endpoints{}, stop, fmt.Errorf("open the embedded database: %w", err)
	}
	stops = append(stops, db.Close)
	lap("database", t0)

	t1 := time.Now()
	if err := fixturesql.Migrate(ctx, db, faults.MigrateOptions()...); err != nil {
		return target.Endpoints{}, stop, fmt.Errorf("migrate the embedded database: %w", err)
	}
	if err := fixturesql.Seed(ctx, db); err != nil {
		return target.Endpoints{}, stop, fmt.Errorf("seed the embedded database: %w", err)
	}
	lap("schema and seed", t1)

	t2 := time.Now()
	sink, err := mailbox.StartSink(ctx, "127.0.0.1:0")
	if err != nil {
		return target.Endpoints{}, stop, fmt.Errorf("start the SMTP sink: %w", err)
	}
	stops = append(stops, sink.Close)
	sinkURL, closeView, err := serve(sinkView(sink))
	if err != nil {
		return target.Endpoints{}, stop, fmt.Errorf("serve the mail sink view: %w", err)
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
		return target.Endpoints{}, stop, fmt.Errorf("start the reference shop: %w", err)
	}
	webBase, closeShop, err := serve(app.Handler())
	if err != nil {
		return target.Endpoints{}, stop, fmt.Errorf("serve the reference shop: %w", err)
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
	return e, stop, nil
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

// sinkView serves GET /messages?to=&order_id=&since=: the sink's matching messages as JSON.
func sinkView(src mailbox.Source) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/messages" {
			http.NotFound(w, r)
			return
		}
		q := mailbox.Query{To: r.URL.Query().Get("to"), OrderID: r.URL.Query().Get("order_id")}
		if since, err := time.Parse(time.RFC3339Nano, r.URL.Query().Get("since")); err == nil {
			q.Since = since
		}
		msgs, err := src.Messages(r.Context(), q)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(msgs)
	})
}

// SinkSource returns a mail source reading the sink view at baseURL (the part of a
// "sink:<url>" mail spec after the colon).
func SinkSource(baseURL string, hc *http.Client) mailbox.Source {
	return sinkSource{url: strings.TrimRight(baseURL, "/") + "/messages", hc: hc}
}

type sinkSource struct {
	url string
	hc  *http.Client
}

func (s sinkSource) Name() string { return "smtp-sink" }

func (s sinkSource) Messages(ctx context.Context, q mailbox.Query) ([]mailbox.Message, error) {
	v := url.Values{"to": {q.To}, "order_id": {q.OrderID}}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.UTC().Format(time.RFC3339Nano))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"?"+v.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read the mail sink: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read the mail sink: status %d", resp.StatusCode)
	}
	var out []mailbox.Message
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("decode the mail sink: %w", err)
	}
	return out, nil
}
