package live_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/target"
	"github.com/smokeproof/smokeproof/pkg/target/live"
)

// site is a fake deployed marketplace: a health endpoint and the login contract.
type site struct {
	*httptest.Server
	health int // status of /api/health
	mu     sync.Mutex
	users  map[string][2]string // email → password, role
	logins int
	logout int
}

func newSite(t *testing.T, health int) *site {
	s := &site{health: health, users: map[string][2]string{
		"admin@shop.test":    {"admin-pass-1", "admin"},
		"prod-a@shop.test":   {"prod-a-pass-1", "producer"},
		"consumer@shop.test": {"consumer-pass-1", "consumer"},
	}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/health", func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(s.health)
		fmt.Fprint(w, `{"status":"degraded","database":"failed"}`)
	})
	mux.HandleFunc("POST /api/v1/auth/login", func(w http.ResponseWriter, r *http.Request) {
		var in struct{ Email, Password string }
		json.NewDecoder(r.Body).Decode(&in)
		s.mu.Lock()
		s.logins++
		u, ok := s.users[in.Email]
		s.mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		if !ok || u[0] != in.Password {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"message":"Invalid credentials"}`)
			return
		}
		fmt.Fprintf(w, `{"message":"ok","token":"7|%040d","token_type":"Bearer","user":{"id":1,"email":%q,"role":%q}}`, 7, in.Email, u[1])
	})
	mux.HandleFunc("POST /api/v1/auth/logout", func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		s.logout++
		s.mu.Unlock()
		fmt.Fprint(w, `{"message":"Logged out"}`)
	})
	s.Server = httptest.NewServer(mux)
	t.Cleanup(s.Close)
	return s
}

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// oneSentence fails unless msg is one line, names want and leaks none of secrets.
func oneSentence(t *testing.T, err error, took time.Duration, want []string, secrets ...string) {
	t.Helper()
	if err == nil {
		t.Fatal("Open succeeded, want an error")
	}
	msg := err.Error()
	if strings.Contains(msg, "\n") {
		t.Errorf("error is not one sentence: %q", msg)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("error %q does not contain %q", msg, w)
		}
	}
	for _, s := range secrets {
		if strings.Contains(msg, s) {
			t.Errorf("error %q leaks the secret %q", msg, s)
		}
	}
	if took > 5*time.Second {
		t.Errorf("Open took %s to fail, want under 5 s", took)
	}
}

func TestOpenFailsFastOnAnUnreachableSite(t *testing.T) {
	base := "http://" + closedPort(t)
	start := time.Now()
	_, stop, err := live.Open(context.Background(), live.Options{BaseURL: base, Getenv: env(nil)})
	if stop == nil {
		t.Fatal("stop is nil")
	}
	oneSentence(t, err, time.Since(start), []string{"cannot reach " + base + " (GET /api/health): connection refused", "check SMOKE_BASE_URL and that the site is up"})

	// An explicit API URL is the setting to fix.
	_, _, err = live.Open(context.Background(), live.Options{BaseURL: "http://shop.test", APIURL: base + "/api", Getenv: env(nil)})
	oneSentence(t, err, time.Since(start), []string{"check SMOKE_API_URL"})
}

func TestOpenFailsWithin5sOnASiteThatNeverAnswers(t *testing.T) {
	t.Parallel()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() { // accept and say nothing
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	start := time.Now()
	_, _, err = live.Open(context.Background(), live.Options{BaseURL: "http://" + ln.Addr().String(), Timeout: 30 * time.Second, Getenv: env(nil)})
	oneSentence(t, err, time.Since(start), []string{"no answer within 4s", "SMOKE_BASE_URL"})
}

func TestOpenAcceptsASickSiteAndDescribesIt(t *testing.T) {
	s := newSite(t, 503)
	u := strings.Replace(s.URL, "http://", "http://ops:hunter22@", 1)
	e, stop, err := live.Open(context.Background(), live.Options{BaseURL: u + "/", Mail: "none", Getenv: env(nil)})
	if err != nil {
		t.Fatalf("a 503 from health must not fail the open: %v", err)
	}
	defer stop()
	if e.Kind != "live" || !e.ReadOnly || e.APIBase != u+"/api" || e.WebBase != u || e.DSN != "" || e.Mail != "none" {
		t.Errorf("endpoints = %+v", e)
	}
	f := e.Facts
	if f.Target != "live" || f.App != s.URL || f.Database != "none" || f.Mail != "none" {
		t.Errorf("facts = %+v; want target live, app %s (no password), database none, mail none", f, s.URL)
	}
	if len(f.Startup) == 0 || f.Startup[len(f.Startup)-1].Name != "total" {
		t.Errorf("startup timings = %+v", f.Startup)
	}
	if e.Accounts != (target.Accounts{}) {
		t.Errorf("accounts = %+v, want none", e.Accounts)
	}

	e, _, err = live.Open(context.Background(), live.Options{BaseURL: s.URL, APIURL: s.URL + "/api/", WebURL: "http://www.shop.test/", Mail: "mailpit:http://u:pw@" + s.Listener.Addr().String(), Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	if e.APIBase != s.URL+"/api" || e.WebBase != "http://www.shop.test" {
		t.Errorf("bases = %s, %s", e.APIBase, e.WebBase)
	}
	if e.Facts.Mail != "mailpit:"+s.URL || !strings.Contains(e.Mail, "u:pw@") {
		t.Errorf("mail = %q (fact %q): want the spec as given, the fact without its password", e.Mail, e.Facts.Mail)
	}
}

func TestOpenChecksTheSettingsBeforeCallingAnything(t *testing.T) {
	s := newSite(t, 200)
	dir := t.TempDir()
	for _, c := range []struct {
		name string
		opts live.Options
		want []string
	}{
		{"no base URL", live.Options{}, []string{"SMOKE_BASE_URL is not set"}},
		{"not a URL", live.Options{BaseURL: "shop.test"}, []string{"SMOKE_BASE_URL", "not an http(s) URL"}},
		{"bad web URL", live.Options{BaseURL: s.URL, WebURL: "ftp://x"}, []string{"SMOKE_WEB_URL"}},
		{"bad mail", live.Options{BaseURL: s.URL, Mail: "smtp:x"}, []string{"SMOKE_MAIL", "mailpit:<url>"}},
		{"notifications without DSN", live.Options{BaseURL: s.URL, Mail: "notifications-table"}, []string{"SMOKE_MAIL=notifications-table", "SMOKE_DB_DSN"}},
		{"log in no directory", live.Options{BaseURL: s.URL, Mail: "laravel-log:/nowhere/at/all/laravel.log"}, []string{"SMOKE_MAIL", "/nowhere/at/all/laravel.log", "directory does not exist"}},
		{"bad DSN", live.Options{BaseURL: s.URL, DSN: "ro:s3cret-pw@tcp(127.0.0.1:3306"}, []string{"SMOKE_DB_DSN is not a valid DSN"}},
		{"missing accounts file", live.Options{BaseURL: s.URL, AccountsFile: filepath.Join(dir, "nope.env")}, []string{"SMOKE_ACCOUNTS", "nope.env"}},
		{"mailpit down", live.Options{BaseURL: s.URL, Mail: "mailpit:http://" + closedPort(t)}, []string{"cannot reach the Mailpit", "connection refused", "SMOKE_MAIL"}},
	} {
		t.Run(c.name, func(t *testing.T) {
			start := time.Now()
			_, _, err := live.Open(context.Background(), c.opts)
			oneSentence(t, err, time.Since(start), c.want, "s3cret-pw")
		})
	}
	// A log file that does not exist yet, in a directory that does, is fine.
	if _, _, err := live.Open(context.Background(), live.Options{BaseURL: s.URL, Mail: "laravel-log:" + filepath.Join(dir, "laravel.log"), Getenv: env(nil)}); err != nil {
		t.Fatalf("laravel-log in an existing directory: %v", err)
	}
}

func TestOpenFailsFastOnAnUnreachableDatabase(t *testing.T) {
	s := newSite(t, 200)
	addr := closedPort(t)
	start := time.Now()
	_, _, err := live.Open(context.Background(), live.Options{BaseURL: s.URL, DSN: "ro:s3cret-pw@tcp(" + addr + ")/marketplace", Getenv: env(nil)})
	oneSentence(t, err, time.Since(start), []string{"SMOKE_DB_DSN", addr, "connection refused"}, "s3cret-pw")
}

func TestLoadAccountsFromFileAndEnvironment(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "accounts.env")
	os.WriteFile(file, []byte(`# smoke accounts of staging
SMOKE_ADMIN_EMAIL=admin@shop.test
SMOKE_ADMIN_PASSWORD="admin pass with spaces"

export SMOKE_CONSUMER_EMAIL = consumer@shop.test
SMOKE_CONSUMER_PASSWORD='from-file'
`), 0o600)
	a, err := target.LoadAccounts(env(map[string]string{"SMOKE_CONSUMER_PASSWORD": "from-env", "SMOKE_PRODUCER_B_EMAIL": "b@shop.test", "SMOKE_PRODUCER_B_PASSWORD": "b-pass"}), file)
	if err != nil {
		t.Fatal(err)
	}
	want := target.Accounts{
		Admin:     target.Account{Email: "admin@shop.test", Password: "admin pass with spaces"},
		ProducerB: target.Account{Email: "b@shop.test", Password: "b-pass"},
		Consumer:  target.Account{Email: "consumer@shop.test", Password: "from-env"},
	}
	if a != want {
		t.Fatalf("accounts = %+v\nwant %+v", a, want)
	}

	for name, c := range map[string]struct {
		file string
		env  map[string]string
		want string
	}{
		"unknown key":     {"SMOKE_ADMIN_EMIAL=a@b.c\n", nil, "line 1, sets SMOKE_ADMIN_EMIAL, which is not an account variable"},
		"not key=value":   {"# c\nSMOKE_ADMIN_EMAIL\n", nil, "line 2, is not KEY=VALUE"},
		"email only":      {"SMOKE_PRODUCER_A_EMAIL=a@b.c\n", nil, "SMOKE_PRODUCER_A_EMAIL is set but SMOKE_PRODUCER_A_PASSWORD is not"},
		"password only":   {"", map[string]string{"SMOKE_ADMIN_PASSWORD": "x"}, "SMOKE_ADMIN_PASSWORD is set but SMOKE_ADMIN_EMAIL is not"},
		"same user twice": {"SMOKE_PRODUCER_A_EMAIL=p@b.c\nSMOKE_PRODUCER_A_PASSWORD=x\nSMOKE_PRODUCER_B_EMAIL=P@b.c\nSMOKE_PRODUCER_B_PASSWORD=x\n", nil, "SMOKE_PRODUCER_A_EMAIL and SMOKE_PRODUCER_B_EMAIL name the same account"},
	} {
		p := filepath.Join(dir, strings.ReplaceAll(name, " ", "-"))
		os.WriteFile(p, []byte(c.file), 0o600)
		_, err := target.LoadAccounts(env(c.env), p)
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: err = %v, want it to contain %q", name, err, c.want)
		}
	}
}

func TestOpenSignsInOnceAsEachAccount(t *testing.T) {
	s := newSite(t, 200)
	good := map[string]string{
		"SMOKE_ADMIN_EMAIL": "admin@shop.test", "SMOKE_ADMIN_PASSWORD": "admin-pass-1",
		"SMOKE_PRODUCER_A_EMAIL": "prod-a@shop.test", "SMOKE_PRODUCER_A_PASSWORD": "prod-a-pass-1",
		"SMOKE_CONSUMER_EMAIL": "consumer@shop.test", "SMOKE_CONSUMER_PASSWORD": "consumer-pass-1",
	}
	e, stop, err := live.Open(context.Background(), live.Options{BaseURL: s.URL, Getenv: env(good)})
	if err != nil {
		t.Fatal(err)
	}
	if e.Accounts.Admin.Email != "admin@shop.test" || e.Accounts.Consumer.Password != "consumer-pass-1" || e.Accounts.ProducerB.Email != "" {
		t.Errorf("accounts = %+v", e.Accounts)
	}
	// The sessions go to the suites and are signed out when the target stops.
	if len(e.Sessions) != 3 || e.Sessions["admin@shop.test"] == "" {
		t.Errorf("sessions = %v, want a token for each of the 3 accounts", e.Sessions)
	}
	if s.logins != 3 || s.logout != 0 {
		t.Errorf("%d logins and %d logouts while open, want 3 and 0", s.logins, s.logout)
	}
	if err := stop(); err != nil {
		t.Fatal(err)
	}
	if s.logout != 3 {
		t.Errorf("%d logouts after stop, want one per account (3)", s.logout)
	}

	wrong := map[string]string{}
	for k, v := range good {
		wrong[k] = v
	}
	wrong["SMOKE_CONSUMER_PASSWORD"] = "consumer-pass-WRONG"
	start := time.Now()
	_, _, err = live.Open(context.Background(), live.Options{BaseURL: s.URL, Getenv: env(wrong)})
	oneSentence(t, err, time.Since(start), []string{"SMOKE_CONSUMER_EMAIL/SMOKE_CONSUMER_PASSWORD are wrong", "consumer@shop.test", "401 Invalid credentials"}, "consumer-pass-WRONG")

	// The admin variable naming a consumer is a mistake too; its session is signed out.
	before := s.logout
	_, stop, err = live.Open(context.Background(), live.Options{BaseURL: s.URL, Getenv: env(map[string]string{
		"SMOKE_ADMIN_EMAIL": "consumer@shop.test", "SMOKE_ADMIN_PASSWORD": "consumer-pass-1"})})
	oneSentence(t, err, 0, []string{"SMOKE_ADMIN_EMAIL=consumer@shop.test signs in as a consumer, not an admin"})
	stop()
	if s.logout != before+1 {
		t.Errorf("the session of a refused account was not signed out (%d logouts)", s.logout-before)
	}
}
