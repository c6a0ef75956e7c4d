package config_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/config"
)

func env(m map[string]string) func(string) string { return func(k string) string { return m[k] } }

func TestDefaults(t *testing.T) {
	c, err := config.Load(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults do not validate: %v", err)
	}
	if c.Target != "embedded" || c.MailWait != 10*time.Second || !c.WritesAllowed(true) || !c.BrowserOn() || c.BrowserRequired() || c.Browser != "auto" || c.AppPort != 8080 {
		t.Errorf("unexpected defaults: %+v", c)
	}
}

func TestMisspelledTargetIsOneClearSentence(t *testing.T) {
	c, _ := config.Load(env(map[string]string{"SMOKE_TARGET": "embeded"}))
	err := c.Validate()
	if err == nil || !strings.Contains(err.Error(), `SMOKE_TARGET="embeded"`) || !strings.Contains(err.Error(), "embedded, containers, live") || strings.Count(err.Error(), "\n") != 0 {
		t.Fatalf("got %v", err)
	}
}

func TestBadValues(t *testing.T) {
	for k, v := range map[string]string{"SMOKE_MAIL_WAIT": "ten", "SMOKE_APP_PORT": "x"} {
		if _, err := config.Load(env(map[string]string{k: v})); err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: got %v", k, v, err)
		}
	}
	for _, m := range []map[string]string{
		{"SMOKE_TARGET": "live"},
		{"SMOKE_TARGET": "live", "SMOKE_BASE_URL": "ftp://x"},
		{"SMOKE_BROWSER": "maybe"},
		{"SMOKE_ALLOW_WRITES": "yes"},
		{"SMOKE_APP_ENV": "novalue"},
	} {
		c, err := config.Load(env(m))
		if err == nil {
			err = c.Validate()
		}
		if err == nil {
			t.Errorf("%v accepted", m)
		}
	}
}

func TestNotOwnedIsReadOnlyByDefault(t *testing.T) {
	c, _ := config.Load(env(map[string]string{"SMOKE_TARGET": "live", "SMOKE_BASE_URL": "https://x.test"}))
	if c.WritesAllowed(false) {
		t.Error("live allows writes without opt-in")
	}
	c, _ = config.Load(env(map[string]string{"SMOKE_TARGET": "live", "SMOKE_BASE_URL": "https://x.test", "SMOKE_ALLOW_WRITES": "true"}))
	if !c.WritesAllowed(false) {
		t.Error("opt-in ignored")
	}
}

func TestSecrets(t *testing.T) {
	c, _ := config.Load(env(map[string]string{"SMOKE_DB_DSN": "ro:pa55word@tcp(db:3306)/shop"}))
	if s := c.Secrets(); len(s) != 1 || s[0] != "pa55word" {
		t.Errorf("got %v", s)
	}
}

func TestEveryFieldNamesItsVariable(t *testing.T) {
	for _, f := range config.Fields() {
		if !strings.HasPrefix(f.Env, "SMOKE_") && !strings.HasPrefix(f.Env, "SHOP_") || f.Help == "" {
			t.Errorf("field %s lacks env or help", f.Name)
		}
	}
}

func TestConfigFileFillsWhatTheEnvironmentLeavesUnset(t *testing.T) {
	path := filepath.Join(t.TempDir(), "smokeproof.yaml")
	os.WriteFile(path, []byte("# team defaults\nSMOKE_TARGET: containers\nSMOKE_MAIL_WAIT: \"3s\"  \nSMOKE_APP_MIGRATE: 'php artisan migrate --force'\n"), 0o644)
	c, err := config.Load(env(map[string]string{"SMOKE_CONFIG": path, "SMOKE_MAIL_WAIT": "5s"}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Target != "containers" || c.MailWait != 5*time.Second || c.AppMigrate != "php artisan migrate --force" {
		t.Errorf("got %+v", c)
	}
}

func TestConfigFileErrorsNameTheLine(t *testing.T) {
	path := filepath.Join(t.TempDir(), "smokeproof.yaml")
	os.WriteFile(path, []byte("SMOKE_TARGET: live\nSMOKE_TARGTE: embedded\n"), 0o644)
	_, err := config.Load(env(map[string]string{"SMOKE_CONFIG": path}))
	if err == nil || !strings.Contains(err.Error(), path+":2:") || !strings.Contains(err.Error(), "SMOKE_TARGTE") {
		t.Fatalf("got %v", err)
	}
	_, err = config.Load(env(map[string]string{"SMOKE_CONFIG": path + ".missing"}))
	if err == nil || !strings.Contains(err.Error(), "SMOKE_CONFIG") {
		t.Fatalf("got %v", err)
	}
}

func TestBrowserModes(t *testing.T) {
	for mode, want := range map[string][2]bool{"auto": {true, false}, "require": {true, true}, "on": {true, true}, "off": {false, false}} {
		c, err := config.Load(env(map[string]string{"SMOKE_BROWSER": mode}))
		if err == nil {
			err = c.Validate()
		}
		if err != nil || c.BrowserOn() != want[0] || c.BrowserRequired() != want[1] {
			t.Errorf("SMOKE_BROWSER=%s: on %v, required %v, err %v; want %v", mode, c.BrowserOn(), c.BrowserRequired(), err, want)
		}
	}
	c, _ := config.Load(env(map[string]string{"SMOKE_BROWSER": "maybe"}))
	if err := c.Validate(); err == nil || !strings.Contains(err.Error(), `SMOKE_BROWSER="maybe" must be auto, require or off`) {
		t.Errorf("bad mode: %v", err)
	}
}
