package live

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/smokeproof/smokeproof/pkg/dbdsn"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/mailbox"
	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/target"
)

// probeTimeout bounds each check Open makes, so that a site, database or mail source
// that does not answer fails the open within 5 s.
const probeTimeout = 4 * time.Second

// Options configure the live target; the fields mirror the SMOKE_* settings.
type Options struct {
	BaseURL      string // SMOKE_BASE_URL, e.g. https://staging.example.org (required)
	APIURL       string // SMOKE_API_URL; default BaseURL + "/api"
	WebURL       string // SMOKE_WEB_URL; default BaseURL
	DSN          string // SMOKE_DB_DSN; opened read-only; "" for no database access
	Mail         string // SMOKE_MAIL: mailpit:<url>, laravel-log:<path>, notifications-table or none ("" is none)
	AccountsFile string // SMOKE_ACCOUNTS: a file of KEY=VALUE account lines, or ""
	// Getenv reads the account variables (SMOKE_ADMIN_EMAIL, ...); nil means os.Getenv.
	Getenv func(string) string
	// Timeout bounds each HTTP call of the checks (SMOKE_HTTP_TIMEOUT); it is capped at
	// 4 s so that Open fails within 5 s. Zero means 4 s.
	Timeout time.Duration
}

// Bases returns the API and web base URLs the options describe, without a trailing
// slash: APIURL or BaseURL+"/api", and WebURL or BaseURL.
func (o Options) Bases() (api, web string) {
	base := strings.TrimRight(strings.TrimSpace(o.BaseURL), "/")
	api, web = base+"/api", base
	if s := strings.TrimRight(strings.TrimSpace(o.APIURL), "/"); s != "" {
		api = s
	}
	if s := strings.TrimRight(strings.TrimSpace(o.WebURL), "/"); s != "" {
		web = s
	}
	return api, web
}

// Open checks the deployed site the options describe and returns its endpoints. It
// reads /health (or /healthz) under the API base: a site that does not answer at all
// is an error, any HTTP answer (even 503) is not, because reporting a sick site is the
// suites' job. It opens the DSN read-only and closes it again (every suite process
// re-opens it through target.Attach), checks the mail source, and signs in once as
// each smoke account that is set, handing the sessions to the suites (Sessions). Every
// error is one sentence naming the setting to fix, and comes within about 5 s. The
// stop function signs those sessions out (the live target owns no process); it is
// never nil.
func Open(ctx context.Context, opts Options) (target.Endpoints, func() error, error) {
	stop := func() error { return nil }
	t0 := time.Now()
	api, web := opts.Bases()
	if err := checkURL("SMOKE_BASE_URL", opts.BaseURL); err != nil {
		return target.Endpoints{}, stop, err
	}
	for _, u := range []struct{ env, val string }{{"SMOKE_API_URL", opts.APIURL}, {"SMOKE_WEB_URL", opts.WebURL}} {
		if strings.TrimSpace(u.val) != "" {
			if err := checkURL(u.env, u.val); err != nil {
				return target.Endpoints{}, stop, err
			}
		}
	}
	mail := strings.TrimSpace(opts.Mail)
	if mail == "" {
		mail = mailbox.KindNone
	}
	mailKind, mailArg, err := mailbox.ParseSpec(mail)
	if err != nil {
		return target.Endpoints{}, stop, fmt.Errorf("SMOKE_MAIL: %w", err)
	}
	if mailKind == mailbox.KindNotifications && strings.TrimSpace(opts.DSN) == "" {
		return target.Endpoints{}, stop, errors.New("SMOKE_MAIL=notifications-table reads the site's database: set SMOKE_DB_DSN too, or choose another mail source")
	}
	accounts, err := target.LoadAccounts(opts.Getenv, opts.AccountsFile)
	if err != nil {
		return target.Endpoints{}, stop, err
	}
	var dbAddr string
	if dsn := strings.TrimSpace(opts.DSN); dsn != "" {
		info, err := dbdsn.Parse(dsn) // MySQL or PostgreSQL, by its form
		if err != nil {
			return target.Endpoints{}, stop, fmt.Errorf("SMOKE_DB_DSN is not a valid DSN (%s): write it as %s", strings.TrimSuffix(err.Error(), "."), dbdsn.Example(info.Kind))
		}
		dbAddr = info.Addr
	}

	timeout := opts.Timeout
	if timeout <= 0 || timeout > probeTimeout {
		timeout = probeTimeout
	}
	hc := &http.Client{Timeout: timeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	var timings []evidence.Timing
	lap := func(name string, start time.Time) {
		timings = append(timings, evidence.Timing{Name: name, Millis: float64(time.Since(start).Microseconds()) / 1000})
	}

	// The site first: if it does not answer, nothing else is worth checking.
	t1 := time.Now()
	if err := reachSite(ctx, api, hc, timeout, opts.APIURL != ""); err != nil {
		return target.Endpoints{}, stop, err
	}
	lap("site", t1)

	// Then the database, the mail source and the accounts, at once.
	var (
		wg                         sync.WaitGroup
		dbErr, mailErr, aErr       error
		dbVersion                  string
		dbTook, mailTook, acctTook time.Duration
		sessions                   map[string]string
		signOut                    = func() {}
	)
	if dbAddr != "" {
		wg.Add(1)
		go func() {
			defer wg.Done()
			s := time.Now()
			dbVersion, dbErr = checkDB(ctx, strings.TrimSpace(opts.DSN))
			dbTook = time.Since(s)
		}()
	}
	wg.Add(2)
	go func() {
		defer wg.Done()
		s := time.Now()
		mailErr = checkMail(ctx, hc, mailKind, mailArg, timeout)
		mailTook = time.Since(s)
	}()
	go func() {
		defer wg.Done()
		s := time.Now()
		sessions, signOut, aErr = verifyAccounts(ctx, api, hc, accounts)
		acctTook = time.Since(s)
	}()
	wg.Wait()
	// The sessions are the suites' until the target stops (the CLI stops it after the
	// last suite; a suite run alone, after its own last spec).
	stop = func() error { signOut(); return nil }
	if err := errors.Join(dbErr, mailErr, aErr); err != nil {
		return target.Endpoints{}, stop, err
	}
	for _, t := range []struct {
		name string
		d    time.Duration
		on   bool
	}{{"database", dbTook, dbAddr != ""}, {"mail source", mailTook, mailKind == mailbox.KindMailpit || mailKind == mailbox.KindLaravelLog}, {"smoke accounts", acctTook, accounts != (target.Accounts{})}} {
		if t.on {
			timings = append(timings, evidence.Timing{Name: t.name, Millis: float64(t.d.Microseconds()) / 1000})
		}
	}
	timings = append(timings, evidence.Timing{Name: "total", Millis: float64(time.Since(t0).Microseconds()) / 1000})

	database := "none"
	if dbAddr != "" {
		database = "read-only DSN to " + dbAddr
		if dbVersion != "" {
			database += " (" + dbVersion + ")"
		}
	}
	e := target.Endpoints{
		Kind:     "live",
		APIBase:  api,
		WebBase:  web,
		DSN:      strings.TrimSpace(opts.DSN),
		ReadOnly: true,
		Mail:     mail,
		Accounts: accounts,
		Sessions: sessions,
		Facts: evidence.RunFacts{
			Target:   "live",
			App:      publicURL(opts.BaseURL),
			Database: database,
			Mail:     publicMail(mailKind, mailArg),
			Startup:  timings,
		},
	}
	return e, stop, nil
}

// checkURL returns an error naming env unless raw is an absolute http(s) URL.
func checkURL(env, raw string) error {
	u, err := url.Parse(strings.TrimSpace(raw))
	if strings.TrimSpace(raw) == "" {
		return fmt.Errorf("%s is not set: set it to the deployed site's address, e.g. https://staging.example.org", env)
	}
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return fmt.Errorf("%s=%q is not an http(s) URL: use e.g. https://staging.example.org", env, publicURL(raw))
	}
	return nil
}

// reachSite reads the health endpoint under api: any HTTP answer will do.
func reachSite(ctx context.Context, api string, hc *http.Client, timeout time.Duration, apiGiven bool) error {
	env := "SMOKE_BASE_URL"
	if apiGiven {
		env = "SMOKE_API_URL"
	}
	c := market.New(api, market.WithHTTPClient(hc))
	_, resp, err := c.Health(ctx)
	if err == nil && resp.Status == http.StatusNotFound {
		resp, err = c.Do(ctx, http.MethodGet, "/healthz", nil, nil)
	}
	if resp != nil {
		return nil // an answer, whatever it says
	}
	origin, p := splitURL(api)
	return fmt.Errorf("cannot reach %s (GET %s/health): %s: check %s and that the site is up", origin, p, cause(err, timeout), env)
}

// splitURL returns the scheme and host of raw, and its path without a trailing slash.
func splitURL(raw string) (origin, path string) {
	u, err := url.Parse(raw)
	if err != nil {
		return publicURL(raw), ""
	}
	return u.Scheme + "://" + u.Host, strings.TrimRight(u.Path, "/")
}

// checkDB opens the DSN read-only, as every suite process will, reads the server's
// version (for the documents; "" when it cannot be read) and closes it again.
func checkDB(ctx context.Context, dsn string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, probeTimeout)
	defer cancel()
	db, err := target.OpenDB(ctx, dsn, true)
	if err != nil {
		msg := strings.TrimSuffix(redactDSN(err.Error(), dsn), ".")
		return "", fmt.Errorf("SMOKE_DB_DSN: %s", msg)
	}
	return dbdsn.Version(ctx, db), db.Close()
}

// checkMail checks that the mail source can be read from here.
func checkMail(ctx context.Context, hc *http.Client, kind, arg string, timeout time.Duration) error {
	switch kind {
	case mailbox.KindMailpit:
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, arg+"/api/v1/info", nil)
		if err != nil {
			return fmt.Errorf("SMOKE_MAIL names a Mailpit URL that cannot be used (%v): write it as mailpit:http://host:8025", err)
		}
		resp, err := hc.Do(req)
		if err != nil {
			return fmt.Errorf("cannot reach the Mailpit at %s: %s: check SMOKE_MAIL and that Mailpit is up", publicURL(arg), cause(err, timeout))
		}
		resp.Body.Close()
	case mailbox.KindLaravelLog:
		// The log file appears with the first record; its directory must exist.
		if _, err := os.Stat(arg); err == nil {
			f, err := os.Open(arg)
			if err != nil {
				return fmt.Errorf("SMOKE_MAIL names the Laravel log %s, which this process cannot read (%v): fix its permissions or the path", arg, errors.Unwrap(err))
			}
			f.Close()
		} else if st, derr := os.Stat(filepath.Dir(arg)); derr != nil || !st.IsDir() {
			return fmt.Errorf("SMOKE_MAIL names the Laravel log %s, but its directory does not exist on this machine: give the path of storage/logs/laravel.log as this machine sees it", arg)
		}
	}
	return nil
}

// cause says in a few words why an HTTP call got no answer.
func cause(err error, timeout time.Duration) string {
	if err == nil {
		return "no answer"
	}
	var dnsErr *net.DNSError
	switch {
	case errors.Is(err, context.DeadlineExceeded) || os.IsTimeout(err):
		return fmt.Sprintf("no answer within %s", timeout)
	case errors.Is(err, context.Canceled):
		return "the run was cancelled"
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, syscall.ECONNRESET):
		return "connection reset"
	case errors.Is(err, syscall.EHOSTUNREACH) || errors.Is(err, syscall.ENETUNREACH):
		return "host unreachable"
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return "unknown host " + dnsErr.Name
		}
		return "DNS lookup of " + dnsErr.Name + " failed (" + dnsErr.Err + ")"
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return err.Error()
}

// publicURL returns raw without user info, query or fragment, for documents.
func publicURL(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return "(not a URL)"
	}
	u.User, u.RawQuery, u.Fragment = nil, "", ""
	return strings.TrimRight(u.String(), "/")
}

// publicMail returns the mail spec with no secrets (no user info in a Mailpit URL).
func publicMail(kind, arg string) string {
	switch kind {
	case mailbox.KindMailpit:
		return "mailpit:" + publicURL(arg)
	case mailbox.KindLaravelLog:
		return "laravel-log:" + arg
	}
	return kind
}

// redactDSN masks the DSN's password in msg.
func redactDSN(msg, dsn string) string {
	return strings.ReplaceAll(dbdsn.Redact(msg, dsn), "[REDACTED]", evidence.Mask)
}
