package containers_test

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"io"
	"net/http"
	"os/exec"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/go-sql-driver/mysql"
	fixturesql "github.com/smokeproof/smokeproof/fixtures/sql"
	"github.com/smokeproof/smokeproof/pkg/target"
	"github.com/smokeproof/smokeproof/pkg/target/containers"
)

// The tests that start containers need Docker and the images `make images` builds;
// without them they are skipped with a reason saying so (CI builds the images first).

func TestOpenRejectsBadOptionsBeforeTouchingDocker(t *testing.T) {
	for _, tc := range []struct {
		name string
		opts containers.Options
		want string
	}{
		{"port", containers.Options{AppPort: 70000}, "SMOKE_APP_PORT=70000 is not a port"},
		{"health", containers.Options{AppHealth: "api/health"}, `SMOKE_APP_HEALTH="api/health" is not a path`},
		// An unknown fault switch is refused by smokeproof run's checks before any
		// target opens (the driver does not know the reference shop's switches).
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Setenv("DOCKER_HOST", "unix:///nonexistent.sock") // must not get that far
			_, stop, err := containers.Open(context.Background(), tc.opts)
			if stop == nil {
				t.Fatal("Open returned a nil stop function")
			}
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("Open error = %v, want one containing %q", err, tc.want)
			}
			if strings.Contains(err.Error(), "Docker") {
				t.Errorf("Open checked Docker before the options: %v", err)
			}
			if err := stop(); err != nil {
				t.Errorf("stop after a failed Open: %v", err)
			}
		})
	}
}

func TestOpenFailsFastWhenDockerIsUnreachable(t *testing.T) {
	t.Setenv("DOCKER_HOST", "unix:///nonexistent.sock")
	start := time.Now()
	_, stop, err := containers.Open(context.Background(), containers.Options{})
	took := time.Since(start)
	defer stop()
	if err == nil {
		t.Fatal("Open succeeded with DOCKER_HOST pointing nowhere")
	}
	for _, want := range []string{"Docker is not reachable (", "/nonexistent.sock", "): start the Docker daemon or set DOCKER_HOST"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if took > 5*time.Second {
		t.Errorf("Open took %s to report an unreachable Docker, want < 5s", took)
	}
	t.Logf("unreachable Docker reported in %s", took)
}

func TestOpenRefusesRyuk(t *testing.T) {
	t.Setenv("TESTCONTAINERS_RYUK_DISABLED", "false")
	_, stop, err := containers.Open(context.Background(), containers.Options{})
	defer stop()
	if err == nil || !strings.Contains(err.Error(), "TESTCONTAINERS_RYUK_DISABLED") || !strings.Contains(err.Error(), "set it to true") {
		t.Fatalf("Open error = %v, want one asking for TESTCONTAINERS_RYUK_DISABLED=true", err)
	}
}

func TestOpenNamesMissingImages(t *testing.T) {
	requireDocker(t)
	id := runID(t)
	start := time.Now()
	_, stop, err := containers.Open(context.Background(), containers.Options{
		AppImage:  "smokeproof/no-such-image:local",
		MailImage: "example.invalid/no-such-mailpit:1",
		RunID:     id,
	})
	took := time.Since(start)
	if err == nil {
		stop()
		t.Fatal("Open succeeded with images that do not exist")
	}
	for _, want := range []string{
		"image smokeproof/no-such-image:local is not on this machine and no registry can be reached: run `make images` (or set SMOKE_APP_IMAGE)",
		"image example.invalid/no-such-mailpit:1 is not on this machine",
		"SMOKE_MAIL_IMAGE",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if took > 5*time.Second {
		t.Errorf("Open took %s to report missing images, want < 5s", took)
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	assertNothingLeft(t, id)
}

// TestOpenForeignApp runs the whole start-up with Mailpit standing in for a foreign app
// image (no reference-shop accounts), and a migrate command that can only succeed if
// the app container reaches the mail catcher by its alias on the private network.
func TestOpenForeignApp(t *testing.T) {
	requireDocker(t)
	requireImages(t, containers.DefaultDBImage, containers.DefaultMailImage)
	id := runID(t)
	start := time.Now()
	e, stop, err := containers.Open(context.Background(), containers.Options{
		AppImage:   containers.DefaultMailImage,
		AppPort:    8025,
		AppHealth:  "/readyz",
		AppMigrate: "/mailpit readyz --listen mail:8025",
		Progress:   tWriter{t},
		RunID:      id,
	})
	opened := time.Since(start)
	t.Cleanup(func() { assertNothingLeft(t, id) })
	defer func() {
		s := time.Now()
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
		t.Logf("measured: Open %s, stop %s", opened.Round(time.Millisecond), time.Since(s).Round(time.Millisecond))
	}()
	if err != nil {
		t.Fatalf("Open: %v", err)
	}

	cs, ns := labelled(t, id)
	if len(cs) != 3 || len(ns) != 1 {
		t.Errorf("while open, label %s=%s is on %d containers and %d networks, want 3 and 1", containers.RunLabel, id, len(cs), len(ns))
	}
	if e.Kind != "containers" || e.Facts.Target != "containers" {
		t.Errorf("kind %q, facts target %q, want containers", e.Kind, e.Facts.Target)
	}
	if e.Accounts != (target.Accounts{}) {
		t.Errorf("a foreign app got the reference shop's accounts: %+v", e.Accounts)
	}
	if !strings.HasPrefix(e.WebBase, "http://127.0.0.1:") || e.APIBase != e.WebBase+"/api" {
		t.Errorf("WebBase %q, APIBase %q: want http://127.0.0.1:<port> and that + /api", e.WebBase, e.APIBase)
	}
	get(t, e.WebBase+"/readyz", http.StatusOK) // the app, through its mapped port

	mailURL, ok := strings.CutPrefix(e.Mail, "mailpit:http://127.0.0.1:")
	if !ok {
		t.Fatalf("mail spec %q, want mailpit:http://127.0.0.1:<port>", e.Mail)
	}
	get(t, "http://127.0.0.1:"+mailURL+"/api/v1/messages", http.StatusOK)

	db, err := target.OpenDB(context.Background(), e.DSN, true)
	if err != nil {
		t.Fatalf("open the database DSN: %v", err)
	}
	defer db.Close()
	var dbName string
	if err := db.QueryRow("SELECT DATABASE()").Scan(&dbName); err != nil || dbName != "marketplace" {
		t.Errorf("SELECT DATABASE() = %q, %v; want marketplace", dbName, err)
	}
	if _, err := db.Exec("CREATE TABLE smoke_write_probe (id INT)"); err == nil {
		t.Errorf("the harness's connection could write although Endpoints.ReadOnly = %v", e.ReadOnly)
	}
	if !strings.HasPrefix(e.Facts.Database, containers.DefaultDBImage+" (") || !strings.Contains(e.Facts.Database, "MariaDB") {
		t.Errorf("facts database %q, want %q (<MariaDB version>)", e.Facts.Database, containers.DefaultDBImage)
	}
	if e.Facts.App != containers.DefaultMailImage || e.Facts.Mail != containers.DefaultMailImage {
		t.Errorf("facts app %q, mail %q", e.Facts.App, e.Facts.Mail)
	}
	assertTimings(t, e, "database", "mail", "app", "migrate", "total")
}

func TestOpenReferenceShop(t *testing.T) {
	requireDocker(t)
	requireImages(t, containers.DefaultDBImage, containers.DefaultMailImage, containers.DefaultAppImage)
	id := runID(t)
	start := time.Now()
	e, stop, err := containers.Open(context.Background(), containers.Options{Faults: "wrong-tax", Progress: tWriter{t}, RunID: id})
	opened := time.Since(start)
	t.Cleanup(func() { assertNothingLeft(t, id) })
	defer func() {
		s := time.Now()
		if err := stop(); err != nil {
			t.Errorf("stop: %v", err)
		}
		t.Logf("measured: Open %s, stop %s", opened.Round(time.Millisecond), time.Since(s).Round(time.Millisecond))
	}()
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	// 200 with database "connected" means the shop reached db:3306 by its alias.
	body := get(t, e.APIBase+"/health", http.StatusOK)
	var health struct{ Status, Database string }
	if err := json.Unmarshal(body, &health); err != nil || health.Database != "connected" {
		t.Errorf("GET /api/health = %s (%v), want database connected", body, err)
	}
	if e.Accounts.Admin.Email != fixturesql.Admin.Email || e.Accounts.Consumer.Email != fixturesql.Consumer1.Email {
		t.Errorf("accounts %+v, want the reference shop's seeded ones", e.Accounts)
	}
	db, err := target.OpenDB(context.Background(), e.DSN, true)
	if err != nil {
		t.Fatalf("open the database DSN: %v", err)
	}
	defer db.Close()
	var n int
	if err := db.QueryRow("SELECT COUNT(*) FROM users WHERE email = ?", fixturesql.Admin.Email).Scan(&n); err != nil || n != 1 {
		t.Errorf("seeded admin rows = %d, %v; want 1 (the shop migrates and seeds with SHOP_MIGRATE=1)", n, err)
	}
	if e.Facts.Faults != "wrong-tax" {
		t.Errorf("facts faults %q, want wrong-tax", e.Facts.Faults)
	}
	cfg, err := mysql.ParseDSN(e.DSN)
	if err != nil {
		t.Fatalf("parse the DSN: %v", err)
	}
	env := containerEnv(t, id, containers.DefaultAppImage)
	for _, want := range []string{"SHOP_FAULTS=wrong-tax", "DB_HOST=db", "DB_PASSWORD=" + cfg.Passwd, "MAIL_HOST=mail"} {
		if !slices.Contains(env, want) {
			t.Errorf("the shop container's environment %q lacks %s", env, want)
		}
	}
	// The shop tells its routes and runs its own tests, with its fault on: they fail.
	if !strings.Contains(e.AppRoutes, `"uri":"api/v1/orders/{id}"`) {
		t.Errorf("app routes %.200q lack api/v1/orders/{id}", e.AppRoutes)
	}
	if e.AppTests == nil || e.AppTests.ExitCode == 0 || !strings.Contains(e.AppTests.JUnit, "<testsuite") {
		t.Errorf("app tests %+v: want the selftest's JUnit and a non-zero exit under wrong-tax", e.AppTests)
	}
	assertTimings(t, e, "database", "mail", "app", "app tests", "total")
}

func TestOpenReportsAnAppThatExits(t *testing.T) {
	requireDocker(t)
	requireImages(t, containers.DefaultDBImage, containers.DefaultMailImage)
	id := runID(t)
	start := time.Now()
	_, stop, err := containers.Open(context.Background(), containers.Options{
		AppImage:  containers.DefaultMailImage, // a foreign app that exits at once with this env
		AppPort:   8025,
		AppHealth: "/readyz",
		AppEnv:    map[string]string{"MP_SMTP_BIND_ADDR": "nonsense"},
		RunID:     id,
	})
	took := time.Since(start)
	if err == nil {
		stop()
		t.Fatal("Open succeeded with an app that exits at once")
	}
	t.Logf("error after %s:\n%v", took.Round(time.Millisecond), err)
	for _, want := range []string{
		"the app container (" + containers.DefaultMailImage + ") stopped before it was ready (container exited with code 1)",
		"SMOKE_APP_ENV",
		"its last log lines:\n",
		"bind should be in the format", // Mailpit's own complaint, from the container log
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error does not contain %q", want)
		}
	}
	if took > 20*time.Second {
		t.Errorf("Open took %s to report the exit, want seconds", took)
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	assertNothingLeft(t, id)
}

func TestOpenReportsAnAppThatIsNeverReady(t *testing.T) {
	requireDocker(t)
	requireImages(t, containers.DefaultDBImage, containers.DefaultMailImage)
	id := runID(t)
	_, stop, err := containers.Open(context.Background(), containers.Options{
		AppImage:    containers.DefaultMailImage,
		AppPort:     8025,
		AppHealth:   "/no-such-health-path", // 404 forever
		StartupWait: 25 * time.Second,       // the database must get ready first, even on a loaded machine
		RunID:       id,
	})
	if err == nil {
		stop()
		t.Fatal("Open succeeded although the health path never answers 200")
	}
	for _, want := range []string{
		"the app container (" + containers.DefaultMailImage + ") was not ready within 25s",
		"SMOKE_APP_HEALTH (/no-such-health-path)",
		"raise SMOKE_STARTUP_WAIT",
		"its last log lines:\n",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	assertNothingLeft(t, id)
}

// TestOpenReportsAFailingMigrate is also the negative of TestOpenForeignApp's alias
// check: a host the app cannot reach makes the same command fail.
func TestOpenReportsAFailingMigrate(t *testing.T) {
	requireDocker(t)
	requireImages(t, containers.DefaultDBImage, containers.DefaultMailImage)
	id := runID(t)
	_, stop, err := containers.Open(context.Background(), containers.Options{
		AppImage:   containers.DefaultMailImage,
		AppPort:    8025,
		AppHealth:  "/readyz",
		AppMigrate: "/mailpit readyz --listen nowhere.invalid:8025",
		RunID:      id,
	})
	if err == nil {
		stop()
		t.Fatal("Open succeeded although the migrate command fails")
	}
	for _, want := range []string{`SMOKE_APP_MIGRATE "/mailpit readyz --listen nowhere.invalid:8025" failed in the app container with exit code`, "its last output lines:\n"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("error %q does not contain %q", err, want)
		}
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	assertNothingLeft(t, id)
}

// TestStopAfterCancelledOpen is the SIGINT path at package level: the run's context is
// cancelled while the database starts; stop still removes everything.
func TestStopAfterCancelledOpen(t *testing.T) {
	requireDocker(t)
	requireImages(t, containers.DefaultDBImage, containers.DefaultMailImage)
	id := runID(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(1500*time.Millisecond, cancel)
	_, stop, err := containers.Open(ctx, containers.Options{
		AppImage: containers.DefaultMailImage, AppPort: 8025, AppHealth: "/readyz", RunID: id,
	})
	if err == nil {
		stop()
		t.Fatal("Open succeeded although its context was cancelled after 1.5s")
	}
	t.Logf("cancelled Open: %v", err)
	if cs, _ := labelled(t, id); len(cs) == 0 {
		t.Log("nothing was running when the context was cancelled (the check below is weaker)")
	}
	if err := stop(); err != nil {
		t.Errorf("stop: %v", err)
	}
	assertNothingLeft(t, id)
}

// --- helpers

func requireDocker(t *testing.T) {
	t.Helper()
	if testing.Short() {
		t.Skip("SKIPPED with -short: this test starts containers")
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if out, err := exec.CommandContext(ctx, "docker", "version", "--format", "{{.Server.Version}}").CombinedOutput(); err != nil {
		t.Skipf("SKIPPED — Docker is not reachable, so the containers target is NOT tested here (%v: %s): start Docker to run this test", err, strings.TrimSpace(string(out)))
	}
}

func requireImages(t *testing.T, images ...string) {
	t.Helper()
	for _, img := range images {
		if err := exec.Command("docker", "image", "inspect", img).Run(); err != nil {
			t.Skipf("SKIPPED — image %s is missing, so the containers target is NOT tested here: run `make images` first", img)
		}
	}
}

func runID(t *testing.T) string {
	b := make([]byte, 4)
	rand.Read(b)
	id := "test-" + hex.EncodeToString(b)
	t.Logf("run id %s", id)
	return id
}

// labelled returns the IDs of the containers and networks carrying the run's label.
func labelled(t *testing.T, id string) (ctrs, nets []string) {
	t.Helper()
	filter := "label=" + containers.RunLabel + "=" + id
	return dockerLines(t, "ps", "-aq", "--filter", filter), dockerLines(t, "network", "ls", "-q", "--filter", filter)
}

func assertNothingLeft(t *testing.T, id string) {
	t.Helper()
	if cs, ns := labelled(t, id); len(cs)+len(ns) > 0 {
		t.Errorf("left behind with label %s=%s: containers %v, networks %v", containers.RunLabel, id, cs, ns)
	}
}

// containerEnv returns the environment of the run's container running image.
func containerEnv(t *testing.T, id, image string) []string {
	t.Helper()
	ids := dockerLines(t, "ps", "-q", "--filter", "label="+containers.RunLabel+"="+id, "--filter", "ancestor="+image)
	if len(ids) != 1 {
		t.Fatalf("found %d containers of %s in run %s, want 1", len(ids), image, id)
	}
	return dockerLines(t, "inspect", "-f", `{{range .Config.Env}}{{println .}}{{end}}`, ids[0])
}

func dockerLines(t *testing.T, args ...string) []string {
	t.Helper()
	out, err := exec.Command("docker", args...).Output()
	if err != nil {
		t.Fatalf("docker %s: %v", strings.Join(args, " "), err)
	}
	var lines []string
	for _, l := range strings.Split(string(out), "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	return lines
}

func get(t *testing.T, url string, want int) []byte {
	t.Helper()
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get(url)
	if err != nil {
		t.Errorf("GET %s: %v", url, err)
		return nil
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Errorf("GET %s: read the body: %v", url, err)
	}
	if resp.StatusCode != want {
		t.Errorf("GET %s = %d, want %d", url, resp.StatusCode, want)
	}
	return b
}

// assertTimings checks the start-up timings are named as wanted, positive, and that
// the database was ready within 8 s.
func assertTimings(t *testing.T, e target.Endpoints, names ...string) {
	t.Helper()
	var got []string
	for _, tm := range e.Facts.Startup {
		got = append(got, tm.Name)
		if tm.Millis <= 0 {
			t.Errorf("timing %s = %.1f ms, want > 0", tm.Name, tm.Millis)
		}
		t.Logf("measured: %s %.0f ms", tm.Name, tm.Millis)
	}
	if !slices.Equal(got, names) {
		t.Errorf("timings %v, want %v", got, names)
	}
}

type tWriter struct{ t *testing.T }

func (w tWriter) Write(p []byte) (int, error) {
	w.t.Log(strings.TrimRight(string(p), "\n"))
	return len(p), nil
}
