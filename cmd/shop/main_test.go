package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/fixtures/embeddb"
	"github.com/smokeproof/smokeproof/fixtures/shop"
	fixturesql "github.com/smokeproof/smokeproof/fixtures/sql"
)

// syncBuffer is an io.Writer safe for the server's goroutines.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

func envOf(kv map[string]string) func(string) string { return func(k string) string { return kv[k] } }

func TestHelpNamesEverySetting(t *testing.T) {
	var out, errb bytes.Buffer
	if code := run(context.Background(), []string{"--help"}, envOf(nil), &out, &errb); code != 0 {
		t.Fatalf("exit %d: %s", code, errb.String())
	}
	for _, v := range []string{"SHOP_DB_DSN", "SHOP_ADDR", "SHOP_MAILER", "SHOP_SMTP_HOST", "SHOP_SMTP_PORT", "SHOP_MAIL_LOG", "SHOP_FAULTS", "SHOP_ENV", "SHOP_MIGRATE", "SHOP_DB_WAIT", "serve", "migrate", "seed", "routes", "selftest", "--junit"} {
		if !strings.Contains(out.String(), v) {
			t.Errorf("help does not mention %s", v)
		}
	}
	for _, f := range shop.AllFaults() {
		if !strings.Contains(out.String(), string(f)) {
			t.Errorf("help does not list fault %s", f)
		}
	}
}

func TestConfigMistakesExit2Fast(t *testing.T) {
	dsn := "root@tcp(127.0.0.1:1)/marketplace"
	cases := map[string]struct {
		args []string
		env  map[string]string
		want string
	}{
		"no command":      {nil, nil, "no command"},
		"unknown command": {[]string{"launch"}, nil, "unknown command"},
		"extra argument":  {[]string{"serve", "now"}, map[string]string{"SHOP_DB_DSN": dsn}, "takes no arguments"},
		"missing DSN":     {[]string{"serve"}, nil, "SHOP_DB_DSN is not set"},
		"bad DSN":         {[]string{"serve"}, map[string]string{"SHOP_DB_DSN": "not a dsn"}, "SHOP_DB_DSN"},
		"no database":     {[]string{"migrate"}, map[string]string{"SHOP_DB_DSN": "root@tcp(127.0.0.1:1)/"}, "names no database"},
		"bad faults":      {[]string{"serve"}, map[string]string{"SHOP_DB_DSN": dsn, "SHOP_FAULTS": "wrong-tax,typo"}, `"typo"`},
		"bad mailer":      {[]string{"serve"}, map[string]string{"SHOP_DB_DSN": dsn, "SHOP_MAILER": "fax"}, "SHOP_MAILER"},
		"bad wait":        {[]string{"serve"}, map[string]string{"SHOP_DB_DSN": dsn, "SHOP_DB_WAIT": "soon"}, "SHOP_DB_WAIT"},
		"bad migrate":     {[]string{"serve"}, map[string]string{"SHOP_DB_DSN": dsn, "SHOP_MIGRATE": "maybe"}, "SHOP_MIGRATE"},
		"bad addr":        {[]string{"serve"}, map[string]string{"SHOP_DB_DSN": dsn, "SHOP_ADDR": "8080"}, "SHOP_ADDR"},
		"routes argument": {[]string{"routes", "--yaml"}, nil, "only --json"},
		"selftest arg":    {[]string{"selftest", "--verbose"}, nil, "only --junit"},
		"junit no file":   {[]string{"selftest", "--junit"}, nil, "needs a file name"},
		"selftest faults": {[]string{"selftest"}, map[string]string{"SHOP_FAULTS": "typo"}, `"typo"`},
		"selftest no DSN": {[]string{"selftest"}, nil, "SHOP_DB_DSN is not set"},
	}
	for name, c := range cases {
		var out, errb bytes.Buffer
		start := time.Now()
		code := run(context.Background(), c.args, envOf(c.env), &out, &errb)
		msg := errb.String()
		if code != 2 || !strings.Contains(msg, c.want) || strings.Count(strings.TrimSpace(msg), "\n") != 0 || !strings.HasSuffix(msg, ".\n") {
			t.Errorf("%s: exit %d, stderr %q; want 2 and one sentence mentioning %q", name, code, msg, c.want)
		}
		if d := time.Since(start); d > time.Second {
			t.Errorf("%s took %s", name, d)
		}
	}
}

func TestUnreachableDatabaseExit1(t *testing.T) {
	var out, errb bytes.Buffer
	start := time.Now()
	code := run(context.Background(), []string{"migrate"}, envOf(map[string]string{"SHOP_DB_DSN": fmt.Sprintf("root@tcp(127.0.0.1:%d)/marketplace", freePort(t)), "SHOP_DB_WAIT": "1"}), &out, &errb)
	if code != 1 || !strings.Contains(errb.String(), "did not answer within 1s") {
		t.Errorf("exit %d, stderr %q", code, errb.String())
	}
	if d := time.Since(start); d > 5*time.Second {
		t.Errorf("gave up after %s, want about SHOP_DB_WAIT", d)
	}
}

// serveT runs `shop serve` with env until ctx ends and waits until SHOP_ADDR answers
// /api/health with 200 (at most 15 s). The channel gets the exit code.
func serveT(t *testing.T, ctx context.Context, env map[string]string, out, errb *syncBuffer) <-chan int {
	t.Helper()
	done := make(chan int, 1)
	go func() { done <- run(ctx, []string{"serve"}, envOf(env), out, errb) }()
	deadline := time.Now().Add(15 * time.Second)
	for {
		res, err := http.Get("http://" + env["SHOP_ADDR"] + "/api/health")
		if err == nil {
			res.Body.Close()
			if res.StatusCode == 200 {
				return done
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("the shop did not become healthy: %v; stderr %s", err, errb.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func freePort(t *testing.T) int {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

func TestServeMigrateSeedAndMailLog(t *testing.T) {
	db, err := embeddb.Start(context.Background(), embeddb.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = db.Close() })
	logPath := filepath.Join(t.TempDir(), "storage", "logs", "laravel.log")
	addr := fmt.Sprintf("127.0.0.1:%d", freePort(t))
	env := map[string]string{"SHOP_DB_DSN": db.DSN(""), "SHOP_ADDR": addr, "SHOP_MAIL_LOG": logPath, "SHOP_ENV": "ci", "SHOP_DB_WAIT": "5"}

	// migrate and seed as separate commands, twice (idempotent)
	for _, cmd := range []string{"migrate", "seed", "migrate", "seed"} {
		var out, errb bytes.Buffer
		if code := run(context.Background(), []string{cmd}, envOf(env), &out, &errb); code != 0 {
			t.Fatalf("%s: exit %d: %s", cmd, code, errb.String())
		}
	}

	env["SHOP_MIGRATE"] = "1"
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb syncBuffer
	done := serveT(t, ctx, env, &out, &errb)
	base := "http://" + addr
	post := func(path, token string, body any) map[string]any {
		b, _ := json.Marshal(body)
		req, _ := http.NewRequest("POST", base+path, bytes.NewReader(b))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("Accept", "application/json")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatalf("POST %s: %v", path, err)
		}
		defer res.Body.Close()
		var m map[string]any
		_ = json.NewDecoder(res.Body).Decode(&m)
		if res.StatusCode/100 != 2 {
			t.Fatalf("POST %s: %d %v", path, res.StatusCode, m)
		}
		return m
	}
	tok := post("/api/v1/auth/login", "", map[string]any{"email": fixturesql.Consumer1.Email, "password": fixturesql.Consumer1.Password})["token"].(string)
	var pid float64
	res, err := http.Get(base + "/api/v1/public/products?search=Basil")
	if err != nil {
		t.Fatal(err)
	}
	var list struct{ Data []struct{ ID float64 } }
	_ = json.NewDecoder(res.Body).Decode(&list)
	res.Body.Close()
	if len(list.Data) != 1 {
		t.Fatalf("basil not found: %+v", list)
	}
	pid = list.Data[0].ID
	order := post("/api/v1/orders", tok, map[string]any{"items": []any{map[string]any{"product_id": pid, "quantity": 1}}})
	id := fmt.Sprint(order["id"])

	logData, err := os.ReadFile(logPath)
	if err != nil {
		t.Fatalf("mail log: %v", err)
	}
	if !strings.Contains(string(logData), "] ci.DEBUG: ") || !strings.Contains(string(logData), "X-Order-Id: "+id+"\r\n") || !strings.Contains(string(logData), "To: "+fixturesql.Consumer1.Email) {
		t.Errorf("mail log:\n%s", logData)
	}
	// the timestamps the shop renders are UTC
	if ts, _ := order["created_at"].(string); !strings.HasSuffix(ts, "Z") {
		t.Errorf("created_at %q", ts)
	}

	cancel()
	select {
	case code := <-done:
		if code != 0 {
			t.Errorf("serve exit %d: %s", code, errb.String())
		}
	case <-time.After(15 * time.Second):
		t.Fatal("serve did not stop after the context ended")
	}
	if n := strings.Count(errb.String(), "shop listening"); n != 1 || !strings.Contains(errb.String(), addr) {
		t.Errorf("want one line with the address, stderr:\n%s", errb.String())
	}
}
