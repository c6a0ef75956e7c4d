package config

import (
	"errors"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"reflect"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

// Targets are the values SMOKE_TARGET accepts.
var Targets = []string{"embedded", "containers", "live"}

// Config is everything a run needs to know. Each field's `env` tag names its variable,
// `default` its default and `help` what it means (shown by `smokeproof help config`).
type Config struct {
	File   string `env:"SMOKE_CONFIG" help:"configuration file of VARIABLE: value lines (default smokeproof.yaml at the repository root, when present); the environment wins over it"`
	Target string `env:"SMOKE_TARGET" default:"embedded" help:"where the suites run: embedded (in-process shop, database and mail sink), containers (throwaway containers) or live (a deployed site)"`
	Out    string `env:"SMOKE_OUT" default:"out" help:"directory for reports, documents, evidence and proof.json; a relative path is taken from the repository root"`
	Faults string `env:"SHOP_FAULTS" help:"comma list of the reference shop's fault switches to turn on (embedded and containers only), e.g. wrong-tax"`

	AllowWrites string        `env:"SMOKE_ALLOW_WRITES" help:"true lets specs labelled writes run; default true on embedded and containers, false on live"`
	Browser     string        `env:"SMOKE_BROWSER" default:"auto" help:"auto runs the headless-Chromium frontend check when Chromium is found and reports it as not run when it is not; require (what CI sets; on is the same) makes a missing browser break the check and fail the run; off reports it as not run"`
	MailWait    time.Duration `env:"SMOKE_MAIL_WAIT" default:"10s" help:"how long to wait for a confirmation e-mail"`
	MailWindow  time.Duration `env:"SMOKE_MAIL_WINDOW" default:"2s" help:"how long after the confirmation e-mail arrived a second one must not arrive (0s: only what arrived with the first, within 150 ms, is counted)"`
	HTTPTimeout time.Duration `env:"SMOKE_HTTP_TIMEOUT" default:"10s" help:"timeout of every HTTP call to the target"`

	// containers target
	DBImage     string        `env:"SMOKE_DB_IMAGE" default:"smokeproof/mariadb:local" help:"database image (mariadb, mysql or postgres family), e.g. smokeproof/postgres:local, or mysql:8.4, mariadb:11, postgres:17 where a registry is reachable"`
	AppImage    string        `env:"SMOKE_APP_IMAGE" default:"smokeproof/shop:local" help:"image of the app under test"`
	MailImage   string        `env:"SMOKE_MAIL_IMAGE" default:"smokeproof/mailpit:local" help:"Mailpit image (axllent/mailpit where a registry is reachable)"`
	AppPort     int           `env:"SMOKE_APP_PORT" default:"8080" help:"port the app listens on inside its container"`
	AppHealth   string        `env:"SMOKE_APP_HEALTH" default:"/api/health" help:"path that answers 200 when the app is ready"`
	AppEnv      string        `env:"SMOKE_APP_ENV" help:"extra environment for the app container, KEY=VALUE pairs separated by commas"`
	AppRoutes   string        `env:"SMOKE_APP_ROUTES" help:"the app's own route list, to show every route no spec exercised: a file (Laravel's php artisan route:list --json, or OpenAPI 3 JSON) or exec:<command> run in the app's container; default for the reference shop: exec:/shop routes --json"`
	AppTestCmd  string        `env:"SMOKE_APP_TEST_CMD" help:"the app's own test command, run in the app's container on the containers target; it prints JUnit XML on stdout (e.g. php artisan test --log-junit /dev/stdout); default for the reference shop: /shop selftest --junit -"`
	AppMigrate  string        `env:"SMOKE_APP_MIGRATE" help:"command run inside the app container before the suites, e.g. php artisan migrate --force --seed"`
	StartupWait time.Duration `env:"SMOKE_STARTUP_WAIT" default:"60s" help:"how long each container may take to become ready"`

	// live target
	BaseURL  string `env:"SMOKE_BASE_URL" help:"base URL of a deployed site (live target), e.g. https://staging.example.org"`
	APIURL   string `env:"SMOKE_API_URL" help:"API base URL when not <SMOKE_BASE_URL>/api"`
	WebURL   string `env:"SMOKE_WEB_URL" help:"web pages base URL when not SMOKE_BASE_URL"`
	DBDSN    string `env:"SMOKE_DB_DSN" help:"optional database DSN of the live site, opened read-only: MySQL/MariaDB as user:pass@tcp(host:3306)/name, PostgreSQL as postgres://user:pass@host:5432/name or host=... user=... password=... dbname=..."`
	Mail     string `env:"SMOKE_MAIL" default:"none" help:"mail source on live: mailpit:<url>, laravel-log:<path>, notifications-table or none"`
	Repo     string `env:"SMOKE_REPO" help:"path to a git checkout of the team's repository, for items whose bullets are files in it (docs/OPS/STATE.md, scripts/prod-facts.sh, ...); unset leaves those specs not run"`
	Accounts string `env:"SMOKE_ACCOUNTS" help:"file with the smoke accounts for live (KEY=VALUE lines: SMOKE_ADMIN_EMAIL, SMOKE_ADMIN_PASSWORD, SMOKE_PRODUCER_A_EMAIL, ...); the same variables may be set in the environment"`
}

// Load reads the configuration from getenv (os.Getenv when nil), then from the
// configuration file (SMOKE_CONFIG, else smokeproof.yaml at the repository root when it
// exists) for variables the environment leaves unset, then applies defaults. It
// returns an error naming the variable (or the file and line) when a value cannot be
// used.
func Load(getenv func(string) string) (Config, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	var c Config
	file, err := loadFile(getenv)
	if err != nil {
		return c, err
	}
	v := reflect.ValueOf(&c).Elem()
	for _, f := range Fields() {
		raw := strings.TrimSpace(getenv(f.Env))
		if raw == "" {
			raw = file[f.Env]
		}
		if raw == "" {
			raw = f.Default
		}
		fv := v.FieldByName(f.Name)
		switch fv.Kind() {
		case reflect.String:
			fv.SetString(raw)
		case reflect.Int:
			if raw == "" {
				continue
			}
			n, err := strconv.Atoi(raw)
			if err != nil {
				return c, fmt.Errorf("%s=%q is not a whole number: set it to a port such as 8080", f.Env, raw)
			}
			fv.SetInt(int64(n))
		case reflect.Int64: // time.Duration
			if raw == "" {
				continue
			}
			d, err := time.ParseDuration(raw)
			if err != nil {
				return c, fmt.Errorf("%s=%q is not a duration: use a value such as 10s or 1m", f.Env, raw)
			}
			fv.SetInt(int64(d))
		}
	}
	return c, nil
}

// Field describes one configuration variable.
type Field struct {
	Name, Env, Default, Help string
}

// Fields lists every configuration variable in declaration order.
func Fields() []Field {
	t := reflect.TypeOf(Config{})
	out := make([]Field, 0, t.NumField())
	for i := 0; i < t.NumField(); i++ {
		sf := t.Field(i)
		out = append(out, Field{Name: sf.Name, Env: sf.Tag.Get("env"), Default: sf.Tag.Get("default"), Help: sf.Tag.Get("help")})
	}
	return out
}

// Validate returns one sentence per problem (joined) for values that cannot work.
func (c Config) Validate() error {
	var errs []error
	if !slices.Contains(Targets, c.Target) {
		errs = append(errs, fmt.Errorf("SMOKE_TARGET=%q is not a target: use one of %s", c.Target, strings.Join(Targets, ", ")))
	}
	if c.AllowWrites != "" && c.AllowWrites != "true" && c.AllowWrites != "false" {
		errs = append(errs, fmt.Errorf("SMOKE_ALLOW_WRITES=%q must be true or false", c.AllowWrites))
	}
	if !slices.Contains([]string{"auto", "require", "on", "off"}, c.Browser) {
		errs = append(errs, fmt.Errorf("SMOKE_BROWSER=%q must be auto, require or off", c.Browser))
	}
	for name, d := range map[string]time.Duration{"SMOKE_MAIL_WAIT": c.MailWait, "SMOKE_HTTP_TIMEOUT": c.HTTPTimeout, "SMOKE_STARTUP_WAIT": c.StartupWait} {
		if d <= 0 {
			errs = append(errs, fmt.Errorf("%s must be a positive duration such as 10s", name))
		}
	}
	if c.MailWindow < 0 {
		errs = append(errs, errors.New("SMOKE_MAIL_WINDOW must be a duration such as 2s, or 0s"))
	}
	if c.Out == "" {
		errs = append(errs, errors.New("SMOKE_OUT is empty: name a directory for the run's output, e.g. out"))
	}
	if c.Target == "live" {
		if c.BaseURL == "" {
			errs = append(errs, errors.New("SMOKE_TARGET=live needs SMOKE_BASE_URL, the deployed site's address, e.g. https://staging.example.org"))
		}
		if c.Faults != "" {
			errs = append(errs, errors.New("SHOP_FAULTS only applies to the reference shop: unset it for SMOKE_TARGET=live"))
		}
	}
	for _, u := range []struct{ env, val string }{{"SMOKE_BASE_URL", c.BaseURL}, {"SMOKE_API_URL", c.APIURL}, {"SMOKE_WEB_URL", c.WebURL}} {
		if u.val == "" {
			continue
		}
		p, err := url.Parse(u.val)
		if err != nil || (p.Scheme != "http" && p.Scheme != "https") || p.Host == "" {
			errs = append(errs, fmt.Errorf("%s=%q is not an http(s) URL: use e.g. https://staging.example.org", u.env, u.val))
		}
	}
	if c.AppPort <= 0 || c.AppPort > 65535 {
		errs = append(errs, fmt.Errorf("SMOKE_APP_PORT=%d is not a port", c.AppPort))
	}
	if _, err := c.AppEnvMap(); err != nil {
		errs = append(errs, err)
	}
	return errors.Join(errs...)
}

// WritesAllowed reports whether specs labelled `writes` may run: SMOKE_ALLOW_WRITES
// when set, else whether the harness owns the target (its data is throwaway).
func (c Config) WritesAllowed(owned bool) bool {
	if c.AllowWrites != "" {
		return c.AllowWrites == "true"
	}
	return owned
}

// BrowserOn reports whether the headless-browser specs may run (auto or require).
func (c Config) BrowserOn() bool { return c.Browser != "off" }

// BrowserRequired reports whether a missing browser breaks the browser specs
// (SMOKE_BROWSER=require, or on) instead of leaving them out (auto).
func (c Config) BrowserRequired() bool { return c.Browser == "require" || c.Browser == "on" }

// AppEnvMap parses SMOKE_APP_ENV ("K=V,K2=V2").
func (c Config) AppEnvMap() (map[string]string, error) {
	out := map[string]string{}
	if strings.TrimSpace(c.AppEnv) == "" {
		return out, nil
	}
	for _, kv := range strings.Split(c.AppEnv, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(kv), "=")
		if !ok || k == "" {
			return nil, fmt.Errorf("SMOKE_APP_ENV entry %q is not KEY=VALUE: separate pairs with commas, e.g. APP_ENV=testing,MAIL_MAILER=smtp", kv)
		}
		out[k] = v
	}
	return out, nil
}

// OutDir returns the absolute output directory: SMOKE_OUT as is when absolute, else
// taken from the repository root (the nearest parent of the working directory holding
// go.mod), so every suite writes to the same place whatever directory Ginkgo runs it in.
func (c Config) OutDir() string {
	if filepath.IsAbs(c.Out) {
		return c.Out
	}
	return filepath.Join(RepoRoot(), c.Out)
}

// RepoRoot returns the nearest parent of the working directory that holds a go.mod,
// or the working directory when there is none.
func RepoRoot() string {
	wd, err := os.Getwd()
	if err != nil {
		return "."
	}
	for dir := wd; ; dir = filepath.Dir(dir) {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir
		}
		if filepath.Dir(dir) == dir {
			return wd
		}
	}
}

// Secrets returns the secret values in the configuration (the DSN password, of a
// MySQL DSN or of a PostgreSQL URL or keyword DSN), for the redactor.
func (c Config) Secrets() []string {
	if c.DBDSN == "" {
		return nil
	}
	return dsnPasswords(strings.TrimSpace(c.DBDSN))
}

// pgKeywordPassword finds password=… in a PostgreSQL keyword DSN, quoted or not.
var pgKeywordPassword = regexp.MustCompile(`(?:^|\s)password\s*=\s*(?:'((?:[^'\\]|\\.)*)'|(\S+))`)

// dsnPasswords returns the password of dsn as written and, when it differs, decoded
// (a URL's %xx escapes, a keyword value's backslashes).
func dsnPasswords(dsn string) []string {
	var raw, decoded string
	lower := strings.ToLower(dsn)
	switch {
	case strings.HasPrefix(lower, "postgres://") || strings.HasPrefix(lower, "postgresql://"):
		rest := dsn[strings.Index(dsn, "://")+3:]
		if userinfo, _, ok := strings.Cut(rest, "@"); ok {
			if _, pw, ok := strings.Cut(userinfo, ":"); ok {
				raw = pw
				if d, err := url.PathUnescape(pw); err == nil {
					decoded = d
				}
			}
		}
	case pgKeywordPassword.MatchString(dsn):
		m := pgKeywordPassword.FindStringSubmatch(dsn)
		raw = m[1] + m[2]
		decoded = strings.NewReplacer(`\'`, `'`, `\\`, `\`).Replace(raw)
	default:
		if userinfo, _, ok := strings.Cut(dsn, "@"); ok {
			_, raw, _ = strings.Cut(userinfo, ":")
		}
	}
	var out []string
	for _, s := range []string{raw, decoded} {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	return out
}

// FileName is the configuration file Load reads from the repository root.
const FileName = "smokeproof.yaml"

// loadFile reads the configuration file: one `VARIABLE: value` per line (a flat YAML
// mapping whose keys are the variable names), `#` comments, values optionally quoted.
// A missing default file is no error; a missing SMOKE_CONFIG file or an unknown key is.
func loadFile(getenv func(string) string) (map[string]string, error) {
	path := strings.TrimSpace(getenv("SMOKE_CONFIG"))
	explicit := path != ""
	if !explicit {
		path = filepath.Join(RepoRoot(), FileName)
	}
	data, err := os.ReadFile(path)
	if err != nil {
		if !explicit && errors.Is(err, os.ErrNotExist) {
			return nil, nil
		}
		return nil, fmt.Errorf("SMOKE_CONFIG=%q cannot be read (%v): point it at a smokeproof.yaml file", path, err)
	}
	known := map[string]bool{}
	for _, f := range Fields() {
		known[f.Env] = true
	}
	out := map[string]string{}
	for i, line := range strings.Split(string(data), "\n") {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") || line == "---" {
			continue
		}
		key, val, ok := strings.Cut(line, ":")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return nil, fmt.Errorf("%s:%d: %q is not `VARIABLE: value`", path, i+1, line)
		}
		if !known[key] {
			return nil, fmt.Errorf("%s:%d: %s is not a smokeproof setting: `smokeproof config` lists them", path, i+1, key)
		}
		val = strings.TrimSpace(val)
		if j := strings.Index(val, " #"); j >= 0 && !strings.HasPrefix(val, `"`) && !strings.HasPrefix(val, "'") {
			val = strings.TrimSpace(val[:j])
		}
		if len(val) >= 2 && (val[0] == '"' && val[len(val)-1] == '"' || val[0] == '\'' && val[len(val)-1] == '\'') {
			val = val[1 : len(val)-1]
		}
		out[key] = val
	}
	return out, nil
}
