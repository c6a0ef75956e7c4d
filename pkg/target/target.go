package target

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/mailbox"
	"github.com/smokeproof/smokeproof/pkg/market"
)

// Account is a smoke account on the target.
type Account struct {
	Email    string `json:"email"`
	Password string `json:"password"`
}

// Accounts are the accounts the suites sign in as. A zero Account means the target has
// none of that kind (specs needing it are reported as not run).
type Accounts struct {
	Admin             Account `json:"admin"`
	ProducerA         Account `json:"producer_a"`
	ProducerB         Account `json:"producer_b"`
	ProducerNoProfile Account `json:"producer_no_profile"`
	Consumer          Account `json:"consumer"`
}

// Secrets returns every password, for the redactor.
func (a Accounts) Secrets() []string {
	return []string{a.Admin.Password, a.ProducerA.Password, a.ProducerB.Password, a.ProducerNoProfile.Password, a.Consumer.Password}
}

// Endpoints is everything another Ginkgo process needs to use a target opened by
// process 1. It travels in memory between processes, never to disk.
type Endpoints struct {
	Kind     string   `json:"kind"`
	APIBase  string   `json:"api_base"` // e.g. http://127.0.0.1:43121/api
	WebBase  string   `json:"web_base"` // e.g. http://127.0.0.1:43121
	DSN      string   `json:"dsn,omitempty"`
	ReadOnly bool     `json:"read_only"`
	Mail     string   `json:"mail"` // mail source spec: mailpit:<url>, laravel-log:<path>, notifications-table, sink:<url>, none
	Accounts Accounts `json:"accounts"`
	// Sessions are bearer tokens (e-mail → token) the opener signed in with and
	// revokes when the target stops; specs use them instead of signing in again.
	Sessions map[string]string `json:"sessions,omitempty"`
	Caps     Capabilities      `json:"caps"`
	// AppRoutes is the app's own route list (Laravel route:list JSON or OpenAPI 3), ""
	// when the target does not tell.
	AppRoutes string `json:"app_routes,omitempty"`
	// AppTests is the outcome of the app's own test command, nil when it was not run.
	AppTests *AppTests         `json:"app_tests,omitempty"`
	Facts    evidence.RunFacts `json:"facts"`
}

// AppTests is what the app's own test command (SMOKE_APP_TEST_CMD) did.
type AppTests struct {
	Command  string `json:"command"`
	ExitCode int    `json:"exit_code"`
	JUnit    string `json:"junit"`  // its standard output, JUnit XML
	Output   string `json:"output"` // the last lines of its standard error
	Millis   int64  `json:"millis"`
}

// Marshal encodes e for SynchronizedBeforeSuite.
func (e Endpoints) Marshal() []byte {
	b, _ := json.Marshal(e)
	return b
}

// UnmarshalEndpoints decodes what Marshal wrote.
func UnmarshalEndpoints(b []byte) (Endpoints, error) {
	var e Endpoints
	if err := json.Unmarshal(b, &e); err != nil {
		return e, fmt.Errorf("decode target endpoints: %w", err)
	}
	return e, nil
}

// Target is an opened target as a spec sees it.
type Target struct {
	Endpoints
	DB   *sql.DB        // nil when the target has no database access
	Mail mailbox.Source // nil when the target has no mail source
	HTTP *http.Client
}

// Attach opens the database handle and mail source that e describes, in this process.
// On a guarded target (a production site) idempotent GETs are retried.
func Attach(ctx context.Context, e Endpoints, timeout time.Duration) (*Target, io.Closer, error) {
	t := &Target{Endpoints: e, HTTP: &http.Client{Timeout: timeout, CheckRedirect: noRedirect}}
	if e.Caps.Guarded {
		t.HTTP.Transport = market.RetryingTransport(http.DefaultTransport)
	}
	var closers multiCloser
	if e.DSN != "" {
		db, err := OpenDB(ctx, e.DSN, e.ReadOnly)
		if err != nil {
			return nil, nil, err
		}
		t.DB = db
		closers = append(closers, db)
	}
	if e.Mail != "" && e.Mail != mailbox.KindNone {
		src, err := openMail(e.Mail, t.DB)
		if err != nil {
			closers.Close()
			return nil, nil, err
		}
		t.Mail = src
	}
	return t, closers, nil
}

func noRedirect(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }

type multiCloser []io.Closer

func (m multiCloser) Close() error {
	var first error
	for i := len(m) - 1; i >= 0; i-- {
		if err := m[i].Close(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

// openMail builds the mail source a target's mail spec names.
func openMail(spec string, db *sql.DB) (mailbox.Source, error) {
	hc := &http.Client{Timeout: 5 * time.Second}
	if url, ok := strings.CutPrefix(spec, "sink:"); ok {
		return mailbox.NewSinkSource(url, hc), nil
	}
	kind, arg, err := mailbox.ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	switch kind {
	case mailbox.KindMailpit:
		return mailbox.NewMailpit(arg, hc), nil
	case mailbox.KindLaravelLog:
		return mailbox.NewLaravelLog(arg), nil
	case mailbox.KindNotifications:
		if db == nil {
			return nil, errors.New("the notifications-table mail source needs database access: set SMOKE_DB_DSN")
		}
		return mailbox.NewNotificationsTable(db), nil
	}
	return nil, nil
}
