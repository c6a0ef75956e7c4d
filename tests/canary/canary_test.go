package canary_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	_ "github.com/go-sql-driver/mysql"
	"golang.org/x/crypto/bcrypt"

	"github.com/smokeproof/smokeproof/fixtures/mariadbd"
	"github.com/smokeproof/smokeproof/fixtures/shop"
	fixturesql "github.com/smokeproof/smokeproof/fixtures/sql"
	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/target"
	"github.com/smokeproof/smokeproof/tests/canary"
)

// TestNoSecretReachesDisk runs every suite through a capturing proxy against the
// reference shop on MariaDB, as a live site with writes allowed, then looks for every
// secret that crossed the proxy or configured the run in every file the run wrote.
func TestNoSecretReachesDisk(t *testing.T) {
	if _, err := mariadbd.Binary(); err != nil {
		msg := fmt.Sprintf("SKIPPING THE REDACTION CANARY: %v", err)
		fmt.Fprintf(os.Stderr, "\n*** %s ***\n\n", msg)
		t.Skip(msg)
	}
	ctx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	start := time.Now()
	lap := func(what string) { t.Logf("[%5.1fs] %s", time.Since(start).Seconds(), what) }

	// A real MariaDB with the marketplace, and a read-only user with a password.
	srv, err := mariadbd.Start(ctx, mariadbd.Options{Dir: t.TempDir()})
	if srv != nil {
		t.Cleanup(func() { srv.Close() })
	}
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.CreateDatabase(ctx, "marketplace"); err != nil {
		t.Fatal(err)
	}
	db, err := sql.Open("mysql", srv.DSN("marketplace"))
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if err := fixturesql.Migrate(ctx, db); err != nil {
		t.Fatal(err)
	}
	if err := fixturesql.Seed(ctx, db); err != nil {
		t.Fatal(err)
	}
	roPassword := "ro-" + random(t)
	for _, q := range []string{
		"CREATE USER 'smoke_ro'@'127.0.0.1' IDENTIFIED BY '" + roPassword + "'",
		"GRANT SELECT ON marketplace.* TO 'smoke_ro'@'127.0.0.1'",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("create the read-only user: %v", err)
		}
	}
	dsn := fmt.Sprintf("smoke_ro:%s@tcp(%s)/marketplace", roPassword, srv.Addr())

	// The smoke accounts get fresh random passwords, so that any occurrence in the
	// output is a leak and never a coincidence.
	secrets := []canary.Secret{{Kind: "database password (SMOKE_DB_DSN)", Value: roPassword}}
	var accountsFile strings.Builder
	for _, a := range []struct {
		prefix string
		acct   fixturesql.Account
	}{
		{"ADMIN", fixturesql.Admin}, {"PRODUCER_A", fixturesql.ProducerA}, {"PRODUCER_B", fixturesql.ProducerB},
		{"PRODUCER_NOPROFILE", fixturesql.ProducerNoProfile}, {"CONSUMER", fixturesql.Consumer1},
	} {
		pw := strings.ToLower(a.prefix) + "-" + random(t)
		hash, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			t.Fatal(err)
		}
		res, err := db.ExecContext(ctx, "UPDATE users SET password = ? WHERE email = ?", string(hash), a.acct.Email)
		if n, _ := res.RowsAffected(); err != nil || n != 1 {
			t.Fatalf("set the password of %s: %v (%d rows)", a.acct.Email, err, n)
		}
		fmt.Fprintf(&accountsFile, "SMOKE_%s_EMAIL=%s\nSMOKE_%s_PASSWORD=%s\n", a.prefix, a.acct.Email, a.prefix, pw)
		secrets = append(secrets, canary.Secret{Kind: "password of the " + strings.ToLower(a.prefix) + " smoke account", Value: pw})
	}
	private := t.TempDir() // holds the accounts file: outside the output directory
	accounts := filepath.Join(private, "accounts.env")
	if err := os.WriteFile(accounts, []byte(accountsFile.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	lap("MariaDB up, marketplace seeded, read-only user and account passwords set")

	// The shop, and the capturing proxy in front of it.
	mailLog := filepath.Join(private, "laravel.log")
	app, err := shop.New(shop.Config{DB: db, Mailer: shop.LogMailer{Path: mailLog}, Env: "production", Logger: slog.New(slog.DiscardHandler)})
	if err != nil {
		t.Fatal(err)
	}
	shopURL := serve(t, app.Handler())
	u, _ := url.Parse(shopURL)
	proxy := canary.NewProxy(u)
	proxyURL := serve(t, proxy)
	lap("shop on " + shopURL + ", capturing proxy on " + proxyURL)

	// Every suite, against the proxy, as a live site with writes allowed.
	out := t.TempDir()
	cmd := exec.CommandContext(ctx, "go", "run", "./cmd/smokeproof", "run")
	cmd.Dir = repoRoot(t)
	cmd.Env = append(cleanEnv(),
		"SMOKE_TARGET=live", "SMOKE_BASE_URL="+proxyURL, "SMOKE_ALLOW_WRITES=true", "SMOKE_OUT="+out,
		"SMOKE_DB_DSN="+dsn, "SMOKE_MAIL=laravel-log:"+mailLog, "SMOKE_ACCOUNTS="+accounts,
	)
	var console bytes.Buffer
	cmd.Stdout, cmd.Stderr = &console, &console
	runErr := cmd.Run()
	requests, tokens, cookies := proxy.Counts()
	lap(fmt.Sprintf("smokeproof run finished (%v): %d requests crossed the proxy, %d tokens and %d cookie values captured", exitOf(runErr), requests, tokens, cookies))

	// The canary proves something only if the run did: every suite reported, the smoke
	// accounts signed in, and tokens crossed the proxy.
	suites, _ := filepath.Glob(filepath.Join(cmd.Dir, "suites", "*", "*_suite_test.go"))
	reports, _ := filepath.Glob(filepath.Join(out, "reports", "*.json"))
	if len(suites) == 0 || len(reports) < len(suites) {
		t.Fatalf("the run wrote %d suite reports for %d suites, so it proves nothing; its output ends with:\n%s", len(reports), len(suites), tail(console.String(), 40))
	}
	if requests < 50 || tokens < 5 {
		t.Fatalf("only %d requests and %d tokens crossed the proxy: the run did not exercise the site; its output ends with:\n%s", requests, tokens, tail(console.String(), 40))
	}
	secrets = append(secrets, proxy.Secrets()...)
	if len(secrets) < 11 {
		t.Fatalf("only %d known secrets, want the 6 passwords and at least 5 tokens", len(secrets))
	}

	// Every byte of every file under SMOKE_OUT, and the console output.
	hits, err := canary.Scan(out, secrets)
	if err != nil {
		t.Fatal(err)
	}
	hits = append(hits, canary.ScanBytes("(console output of smokeproof run)", console.Bytes(), secrets)...)
	files := 0
	filepath.WalkDir(out, func(_ string, d os.DirEntry, _ error) error {
		if d != nil && d.Type().IsRegular() {
			files++
		}
		return nil
	})
	for _, h := range hits {
		t.Errorf("secret on disk: %s", h)
	}
	lap(fmt.Sprintf("scanned %d files under SMOKE_OUT and the console output for %d secrets: %d hits", files, len(secrets), len(hits)))

	t.Run("the scanner finds a secret planted in the output", func(t *testing.T) {
		planted := []struct{ file, text, kind string }{
			{"evidence/planted-note.txt", "connecting with " + dsn + "\n", "database password (SMOKE_DB_DSN)"},
			{"reports/planted.json", fmt.Sprintf(`{"note":%q}`, "token \""+proxy.Secrets()[0].Value+"\" here"), "bearer token"},
			{"docs/TESTS/PLANTED.md", "| login | " + url.QueryEscape(secrets[1].Value) + " |\n", secrets[1].Kind},
		}
		for _, p := range planted {
			path := filepath.Join(out, filepath.FromSlash(p.file))
			os.MkdirAll(filepath.Dir(path), 0o755)
			if err := os.WriteFile(path, []byte(p.text), 0o644); err != nil {
				t.Fatal(err)
			}
		}
		hits, err := canary.Scan(out, secrets)
		if err != nil {
			t.Fatal(err)
		}
		for _, p := range planted {
			found := false
			for _, h := range hits {
				found = found || (h.File == p.file && h.Kind == p.kind)
			}
			if !found {
				t.Errorf("the scanner missed the %s planted in %s (hits: %v)", p.kind, p.file, hits)
			}
		}
	})

	t.Run("the live target's database handle cannot write, even as root", func(t *testing.T) {
		ro, err := target.OpenDB(ctx, srv.DSN("marketplace"), true)
		if err != nil {
			t.Fatal(err)
		}
		defer ro.Close()
		_, err = ro.ExecContext(ctx, "UPDATE products SET stock = stock + 1")
		if err == nil || !strings.Contains(strings.ToLower(err.Error()), "read only") {
			t.Errorf("a write through a read-only handle: err = %v, want a READ ONLY refusal", err)
		}
	})
}

func random(t *testing.T) string {
	b := make([]byte, 12)
	if _, err := rand.Read(b); err != nil {
		t.Fatal(err)
	}
	return hex.EncodeToString(b)
}

// serve serves h on a loopback port until the test ends and returns its base URL.
func serve(t *testing.T, h http.Handler) string {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	hs := &http.Server{Handler: h, ReadHeaderTimeout: 5 * time.Second}
	go hs.Serve(ln)
	t.Cleanup(func() { hs.Close() })
	return "http://" + ln.Addr().String()
}

// cleanEnv returns the environment without any SMOKE_* or SHOP_* setting of the caller.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		if strings.HasPrefix(kv, "SMOKE_") || strings.HasPrefix(kv, "SHOP_") {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func repoRoot(t *testing.T) string {
	root := config.RepoRoot()
	if _, err := os.Stat(filepath.Join(root, "cmd", "smokeproof")); err != nil {
		t.Fatalf("cannot find the repository root from the working directory (got %s)", root)
	}
	return root
}

func exitOf(err error) string {
	if err == nil {
		return "exit 0"
	}
	return err.Error()
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
