package containers_test

import (
	"cmp"
	"context"
	"encoding/json"
	"net/http"
	"os"
	"slices"
	"strings"
	"testing"
	"time"

	fixturesql "github.com/smokeproof/smokeproof/fixtures/sql"
	"github.com/smokeproof/smokeproof/pkg/target"
	"github.com/smokeproof/smokeproof/pkg/target/containers"
)

// postgresImage is the PostgreSQL image `make images` builds.
const postgresImage = "smokeproof/postgres:local"

// TestOpenReferenceShopOnPostgres runs the reference shop on PostgreSQL through
// testcontainers' postgres module: the shop migrates and seeds it, the harness reads
// it through a read-only postgres:// DSN the server itself enforces.
func TestOpenReferenceShopOnPostgres(t *testing.T) {
	requireDocker(t)
	// SMOKE_APP_IMAGE picks another build of the reference shop (e.g. a branch's).
	app := cmp.Or(os.Getenv("SMOKE_APP_IMAGE"), containers.DefaultAppImage)
	requireImages(t, postgresImage, containers.DefaultMailImage, app)
	id := runID(t)
	start := time.Now()
	e, stop, err := containers.Open(context.Background(), containers.Options{DBImage: postgresImage, AppImage: app, Progress: tWriter{t}, RunID: id})
	opened := time.Since(start)
	t.Cleanup(func() { assertNothingLeft(t, id) })
	defer func() {
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
		t.Logf("measured: Open %s", opened.Round(time.Millisecond))
	}()
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	body := get(t, e.APIBase+"/health", http.StatusOK)
	var health struct{ Status, Database string }
	if err := json.Unmarshal(body, &health); err != nil || health.Database != "connected" {
		t.Errorf("GET /api/health = %s (%v), want database connected", body, err)
	}
	if !strings.HasPrefix(e.DSN, "postgres://shop:") || !strings.Contains(e.DSN, "@127.0.0.1:") || !strings.HasSuffix(e.DSN, "/marketplace?sslmode=disable") {
		t.Errorf("DSN %q, want postgres://shop:…@127.0.0.1:<port>/marketplace?sslmode=disable", e.DSN)
	}
	db, err := target.OpenDB(context.Background(), e.DSN, e.ReadOnly)
	if err != nil {
		t.Fatalf("open the database DSN: %v", err)
	}
	defer db.Close()
	var name string
	var n int
	if err := db.QueryRow("SELECT current_database(), (SELECT COUNT(*) FROM users WHERE email = $1)", fixturesql.Admin.Email).Scan(&name, &n); err != nil || name != "marketplace" || n != 1 {
		t.Errorf("database %q with %d seeded admins (%v); want marketplace and 1", name, n, err)
	}
	if _, err := db.Exec("CREATE TABLE smoke_write_probe (id INT)"); err == nil || !strings.Contains(err.Error(), "read-only transaction") {
		t.Errorf("the harness's connection could write (ReadOnly = %v): %v", e.ReadOnly, err)
	}
	if !strings.HasPrefix(e.Facts.Database, postgresImage+" (PostgreSQL ") || strings.Contains(e.Facts.Database, "compiled by") {
		t.Errorf("facts database %q, want %q (PostgreSQL <version>)", e.Facts.Database, postgresImage)
	}
	env := containerEnv(t, id, app)
	for _, want := range []string{"DB_CONNECTION=pgsql", "DB_PORT=5432", "DB_HOST=db"} {
		if !slices.Contains(env, want) {
			t.Errorf("the shop container's environment lacks %s", want)
		}
	}
	// The start-up timings are run facts (make bench reads them); no bound here.
	var names []string
	for _, tm := range e.Facts.Startup {
		names = append(names, tm.Name)
		if tm.Millis <= 0 {
			t.Errorf("timing %s = %.1f ms, want > 0", tm.Name, tm.Millis)
		}
		t.Logf("measured: %s %.0f ms", tm.Name, tm.Millis)
	}
	if want := []string{"database", "mail", "app", "total"}; !slices.Equal(names, want) {
		t.Errorf("timings %v, want %v", names, want)
	}
}
