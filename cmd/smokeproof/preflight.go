package main

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/go-sql-driver/mysql"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/dbdsn"
	"github.com/smokeproof/smokeproof/pkg/mailbox"
)

// preflightTimeout bounds each check, so a target that cannot work is named within
// about two seconds, before any suite starts.
const preflightTimeout = 1500 * time.Millisecond

// ignoredBy lists the settings each target ignores: set anyway, they get a warning.
var ignoredBy = map[string][]string{
	"embedded":   {"SMOKE_BASE_URL", "SMOKE_API_URL", "SMOKE_WEB_URL", "SMOKE_DB_DSN", "SMOKE_ACCOUNTS", "SMOKE_APP_ENV", "SMOKE_APP_MIGRATE"},
	"containers": {"SMOKE_BASE_URL", "SMOKE_API_URL", "SMOKE_WEB_URL", "SMOKE_DB_DSN", "SMOKE_ACCOUNTS"},
	"live":       {"SMOKE_DB_IMAGE", "SMOKE_APP_IMAGE", "SMOKE_MAIL_IMAGE", "SMOKE_APP_ENV", "SMOKE_APP_MIGRATE"},
}

// warnIgnored prints one line per setting the chosen target ignores.
func warnIgnored(cfg config.Config, stderr io.Writer) {
	for _, env := range ignoredBy[cfg.Target] {
		if strings.TrimSpace(os.Getenv(env)) != "" {
			fmt.Fprintf(stderr, "smokeproof: warning: %s is set but the %s target ignores it\n", env, cfg.Target)
		}
	}
	if cfg.Target != "live" && cfg.Mail != "none" && strings.TrimSpace(os.Getenv("SMOKE_MAIL")) != "" {
		fmt.Fprintf(stderr, "smokeproof: warning: SMOKE_MAIL is set but the %s target brings its own mail catcher\n", cfg.Target)
	}
	if cfg.BrowserRequired() && !browserFound() {
		fmt.Fprintf(stderr, "smokeproof: warning: SMOKE_BROWSER=%s but no Chromium is on PATH and CHROME_PATH is unset, so the browser check will be broken: install chromium or set SMOKE_BROWSER=auto\n", cfg.Browser)
	}
}

// browserFound reports whether the browser check can find a browser the way
// pkg/browser looks for one (CHROME_PATH, else chromium or Chrome on PATH).
func browserFound() bool {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		return fileExists(p)
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"} {
		if _, err := exec.LookPath(name); err == nil {
			return true
		}
	}
	return false
}

// preflight checks, before any suite starts, what the target needs: the fault switches
// for the reference shop, the Docker engine and the images for containers, the site,
// the database and the mail source for live. Each failure is one sentence naming the
// setting to change; they come back as an exitNotReady error.
func preflight(ctx context.Context, cfg config.Config) error {
	var errs []error
	if cfg.Faults != "" {
		errs = append(errs, checkFaults(cfg.Faults))
	}
	switch cfg.Target {
	case "containers":
		errs = append(errs, checkDocker(ctx, cfg))
	case "live":
		errs = append(errs, checkLive(ctx, cfg)...)
	}
	if err := errors.Join(errs...); err != nil {
		return &exitError{exitNotReady, err.Error()}
	}
	return nil
}

// checkFaults names the first unknown fault switch of SHOP_FAULTS.
func checkFaults(list string) error {
	known := guards()
	for _, f := range strings.Split(list, ",") {
		f = strings.TrimSpace(f)
		if f == "" {
			continue
		}
		if _, ok := known[f]; !ok {
			return fmt.Errorf("SHOP_FAULTS names %q, which is not a fault switch of the reference shop: use one of %s", f, strings.Join(sortedKeys(known), ", "))
		}
	}
	return nil
}

// dockerClient returns an HTTP client for the Docker engine DOCKER_HOST names (the
// default unix socket when unset) and the base URL to use with it.
func dockerClient() (*http.Client, string, error) {
	host := os.Getenv("DOCKER_HOST")
	if host == "" {
		host = "unix:///var/run/docker.sock"
	}
	u, err := url.Parse(host)
	if err != nil {
		return nil, "", fmt.Errorf("DOCKER_HOST=%q is not an address such as unix:///var/run/docker.sock", host)
	}
	tr := &http.Transport{}
	switch u.Scheme {
	case "unix":
		sock := u.Path
		tr.DialContext = func(ctx context.Context, _, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, "unix", sock)
		}
		return &http.Client{Transport: tr, Timeout: preflightTimeout}, "http://docker", nil
	case "tcp", "http":
		return &http.Client{Transport: tr, Timeout: preflightTimeout}, "http://" + u.Host, nil
	}
	return nil, "", fmt.Errorf("DOCKER_HOST=%q: smokeproof checks unix:// and tcp:// engines only", host)
}

// checkDocker asks the engine for /_ping, then for each image the containers target
// starts.
func checkDocker(ctx context.Context, cfg config.Config) error {
	hc, base, err := dockerClient()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	get := func(path string) (int, error) {
		req, err := http.NewRequestWithContext(ctx, http.MethodGet, base+path, nil)
		if err != nil {
			return 0, err
		}
		resp, err := hc.Do(req)
		if err != nil {
			return 0, err
		}
		resp.Body.Close()
		return resp.StatusCode, nil
	}
	if code, err := get("/_ping"); err != nil || code != http.StatusOK {
		return fmt.Errorf("no Docker engine answers at %s: start Docker or set DOCKER_HOST, or run with SMOKE_TARGET=embedded", dockerHostName())
	}
	images := []struct{ env, name string }{{"SMOKE_DB_IMAGE", cfg.DBImage}, {"SMOKE_APP_IMAGE", cfg.AppImage}, {"SMOKE_MAIL_IMAGE", cfg.MailImage}}
	var errs []error
	for _, im := range images {
		code, err := get("/images/" + im.name + "/json")
		switch {
		case err != nil:
			errs = append(errs, fmt.Errorf("the Docker engine did not say whether image %s exists (%v): check DOCKER_HOST", im.name, err))
		case code == http.StatusNotFound:
			errs = append(errs, fmt.Errorf("image %s (%s) is not on this Docker engine: run make images, docker pull it, or set %s", im.name, im.env, im.env))
		}
	}
	return errors.Join(errs...)
}

func dockerHostName() string {
	if h := os.Getenv("DOCKER_HOST"); h != "" {
		return h
	}
	return "unix:///var/run/docker.sock"
}

// checkLive checks, at once, that the site answers HTTP, that the DSN connects and
// that a Mailpit mail source answers.
func checkLive(ctx context.Context, cfg config.Config) []error {
	ctx, cancel := context.WithTimeout(ctx, preflightTimeout)
	defer cancel()
	hc := &http.Client{Timeout: preflightTimeout, CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	type check struct {
		env, value string
		run        func() error
	}
	answers := func(env, raw string) func() error {
		return func() error {
			req, err := http.NewRequestWithContext(ctx, http.MethodGet, raw, nil)
			if err != nil {
				return fmt.Errorf("%s=%q is not a URL to GET: use e.g. https://staging.example.org", env, raw)
			}
			resp, err := hc.Do(req)
			if err != nil {
				return fmt.Errorf("%s=%s does not answer (%s): check %s and that the site is up", env, raw, netCause(err), env)
			}
			resp.Body.Close()
			return nil // any answer: reporting a sick site is the suites' job
		}
	}
	var checks []check
	for _, u := range []struct{ env, val string }{{"SMOKE_BASE_URL", cfg.BaseURL}, {"SMOKE_API_URL", cfg.APIURL}, {"SMOKE_WEB_URL", cfg.WebURL}} {
		if strings.TrimSpace(u.val) != "" {
			checks = append(checks, check{u.env, u.val, answers(u.env, u.val)})
		}
	}
	if dsn := strings.TrimSpace(cfg.DBDSN); dsn != "" {
		checks = append(checks, check{"SMOKE_DB_DSN", dsn, func() error { return checkDSN(ctx, dsn) }})
	}
	if kind, arg, err := mailbox.ParseSpec(cfg.Mail); err != nil {
		return []error{fmt.Errorf("SMOKE_MAIL: %w", err)}
	} else if kind == mailbox.KindMailpit {
		checks = append(checks, check{"SMOKE_MAIL", arg, answers("SMOKE_MAIL", strings.TrimRight(arg, "/")+"/api/v1/messages?limit=1")})
	}
	if cfg.Accounts != "" && !fileExists(cfg.Accounts) {
		checks = append(checks, check{"SMOKE_ACCOUNTS", cfg.Accounts, func() error {
			return fmt.Errorf("SMOKE_ACCOUNTS=%s is not a file: point it at the smoke accounts file", cfg.Accounts)
		}})
	}
	errs := make([]error, len(checks))
	var wg sync.WaitGroup
	for i, c := range checks {
		wg.Add(1)
		go func() { defer wg.Done(); errs[i] = c.run() }()
	}
	wg.Wait()
	sort.SliceStable(errs, func(i, j int) bool { return errs[i] != nil && errs[j] == nil })
	return errs
}

// checkDSN connects with the DSN and pings the database.
func checkDSN(ctx context.Context, dsn string) error {
	if dbdsn.KindOf(dsn) == dbdsn.Postgres {
		db, _, err := dbdsn.Open(ctx, dsn, dbdsn.Options{Setting: "SMOKE_DB_DSN", ReadOnly: true, PingTimeout: preflightTimeout})
		if err != nil {
			return err
		}
		return db.Close()
	}
	mc, err := mysql.ParseDSN(dsn)
	if err != nil {
		return errors.New("SMOKE_DB_DSN is not a valid DSN: write it as user:password@tcp(host:3306)/name")
	}
	mc.Timeout = preflightTimeout
	_ = mysql.SetLogger(log.New(io.Discard, "", 0)) // the error below says it in one sentence
	conn, err := mysql.NewConnector(mc)
	if err != nil {
		return errors.New("SMOKE_DB_DSN is not a valid DSN: write it as user:password@tcp(host:3306)/name")
	}
	db := sql.OpenDB(conn)
	defer db.Close()
	if err := db.PingContext(ctx); err != nil {
		var me *mysql.MySQLError
		if errors.As(err, &me) {
			return fmt.Errorf("SMOKE_DB_DSN reaches %s but the database refuses it (error %d): check the user, password and database name", mc.Addr, me.Number)
		}
		return fmt.Errorf("SMOKE_DB_DSN: the database at %s does not answer (%s): check the host and port", mc.Addr, netCause(err))
	}
	return nil
}

// netCause says in a few words why a connection failed, without the URL or DSN.
func netCause(err error) string {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded) || (errors.As(err, &ne) && ne.Timeout()):
		return fmt.Sprintf("no answer within %s", preflightTimeout)
	case strings.Contains(err.Error(), "connection refused"):
		return "connection refused"
	case strings.Contains(err.Error(), "no such host"):
		return "no such host"
	case strings.Contains(err.Error(), "certificate"):
		return "TLS certificate not trusted"
	}
	var oe *net.OpError
	if errors.As(err, &oe) && oe.Err != nil {
		return oe.Err.Error()
	}
	return "connection failed"
}
