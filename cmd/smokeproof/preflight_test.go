package main

import (
	"bytes"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/config"
)

// closedPort returns a loopback address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close()
	return addr
}

// Each target that cannot work is named, with the setting to change, within 2 s and
// with exit 4, before any suite starts.
func TestRunFailsFastWhenTheTargetIsNotReady(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer site.Close()
	dead := closedPort(t)
	cases := []struct {
		name, want string
		env        map[string]string
	}{
		{"unknown fault switch", "SHOP_FAULTS", map[string]string{"SHOP_FAULTS": "wrong-tax,nope"}},
		{"no Docker engine", "DOCKER_HOST", map[string]string{"SMOKE_TARGET": "containers", "DOCKER_HOST": "unix:///nonexistent/docker.sock"}},
		{"live site down", "SMOKE_BASE_URL", map[string]string{"SMOKE_TARGET": "live", "SMOKE_BASE_URL": "http://" + dead}},
		{"DSN cannot connect", "SMOKE_DB_DSN", map[string]string{"SMOKE_TARGET": "live", "SMOKE_BASE_URL": site.URL, "SMOKE_DB_DSN": "u:secret-pw@tcp(" + dead + ")/d"}},
		{"Mailpit down", "SMOKE_MAIL", map[string]string{"SMOKE_TARGET": "live", "SMOKE_BASE_URL": site.URL, "SMOKE_MAIL": "mailpit:http://" + dead}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			t.Setenv("SMOKE_OUT", t.TempDir())
			for k, v := range c.env {
				t.Setenv(k, v)
			}
			start := time.Now()
			_, stderr, code := cli(t, "run", "checkout")
			took := time.Since(start)
			if code != exitNotReady || !strings.Contains(stderr, c.want) || took > 2*time.Second {
				t.Errorf("exit %d after %s, want %d within 2 s naming %s:\n%s", code, took, exitNotReady, c.want, stderr)
			}
			if strings.Contains(stderr, "secret-pw") {
				t.Errorf("the error shows the DSN password:\n%s", stderr)
			}
			if strings.Count(strings.TrimSpace(stderr), "\n") > 0 {
				t.Errorf("want one sentence, got:\n%s", stderr)
			}
		})
	}
}

func TestPreflightPassesAReadyLiveSite(t *testing.T) {
	site := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.WriteHeader(503) }))
	defer site.Close()
	cfg := config.Config{Target: "live", BaseURL: site.URL, Mail: "none"}
	if err := preflight(t.Context(), cfg); err != nil {
		t.Errorf("a site that answers (even 503) is ready for the suites, got: %v", err)
	}
}

func TestWarnsAboutSettingsTheTargetIgnores(t *testing.T) {
	t.Setenv("SMOKE_DB_DSN", "u:p@tcp(db:3306)/d")
	t.Setenv("SMOKE_BROWSER", "off")
	var buf bytes.Buffer
	warnIgnored(config.Config{Target: "embedded", Mail: "none", Browser: "off"}, &buf)
	if got := buf.String(); strings.Count(got, "\n") != 1 || !strings.Contains(got, "SMOKE_DB_DSN is set but the embedded target ignores it") {
		t.Errorf("warning = %q, want one line about SMOKE_DB_DSN", got)
	}
	buf.Reset()
	warnIgnored(config.Config{Target: "live", Mail: "none", Browser: "off"}, &buf)
	if buf.Len() != 0 {
		t.Errorf("live uses SMOKE_DB_DSN, yet: %q", buf.String())
	}
}

func TestLayoutPick(t *testing.T) {
	l := layout{suites: map[string]string{"checkout": "./suites/checkout", "auth": "./suites/auth"}}
	got, err := l.pick([]string{"./suites/checkout/", "auth"})
	if err != nil || strings.Join(got, " ") != "./suites/checkout ./suites/auth" {
		t.Errorf("pick = %v, %v", got, err)
	}
	if all, _ := l.pick(nil); strings.Join(all, " ") != "./suites/auth ./suites/checkout" {
		t.Errorf("pick() = %v, want every suite in order", all)
	}
	if _, err := l.pick([]string{"nope"}); err == nil || !strings.Contains(err.Error(), "auth, checkout") {
		t.Errorf("pick(nope) = %v, want an error listing the suites", err)
	}
}
