package containers

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"os"
	"strings"
	"time"

	"github.com/testcontainers/testcontainers-go"
	tcexec "github.com/testcontainers/testcontainers-go/exec"

	"github.com/smokeproof/smokeproof/pkg/target"
)

// Defaults for the reference shop image: the app tells its routes and runs its own
// tests the way a Laravel app would (php artisan route:list --json, php artisan test).
const (
	shopRoutesCmd = "/shop routes --json"
	shopTestCmd   = "/shop selftest --junit -"
)

// appInfo asks the app container for its route list (SMOKE_APP_ROUTES) and runs its
// own test command (SMOKE_APP_TEST_CMD), filling e. A route list that cannot be read
// is an error (the setting names something that is not there); a test command that
// fails is a result, recorded in e.AppTests for the specs to judge.
func (r *run) appInfo(ctx context.Context, app testcontainers.Container, password string, e *target.Endpoints) error {
	o := r.opts
	routes := o.AppRoutes
	if routes == "" && isReferenceShop(o.AppImage) {
		routes = "exec:" + shopRoutesCmd
	}
	switch {
	case strings.HasPrefix(routes, "exec:"):
		cmd := strings.TrimSpace(strings.TrimPrefix(routes, "exec:"))
		code, out, _, err := execIn(ctx, app, cmd, nil, o.StartupWait)
		if err != nil || code != 0 {
			return fmt.Errorf("SMOKE_APP_ROUTES %q did not run in the app container (exit %d, %v): fix the command or unset SMOKE_APP_ROUTES", cmd, code, err)
		}
		e.AppRoutes = out
	case routes != "":
		data, err := os.ReadFile(routes)
		if err != nil {
			return fmt.Errorf("SMOKE_APP_ROUTES=%s cannot be read (%v): point it at a route:list --json or OpenAPI file, or use exec:<command>", routes, err)
		}
		e.AppRoutes = string(data)
	}

	cmd, env := o.AppTestCmd, []string(nil)
	if cmd == "" && isReferenceShop(o.AppImage) && !isPostgres(o.DBImage) {
		// The shop's selftest makes a scratch database beside the app's: it needs the
		// server's administrator, whose password the database module sets to ours.
		cmd = shopTestCmd
		env = []string{fmt.Sprintf("SHOP_DB_DSN=root:%s@tcp(%s:3306)/%s?parseTime=true", password, dbAlias, dbName)}
	}
	if cmd == "" {
		return nil
	}
	t := time.Now()
	code, out, errOut, err := execIn(ctx, app, cmd, env, 5*time.Minute)
	if err != nil {
		return fmt.Errorf("SMOKE_APP_TEST_CMD %q could not run in the app container (%v): check that the image has that command", cmd, err)
	}
	e.AppTests = &target.AppTests{Command: cmd, ExitCode: code, JUnit: out, Output: tail(errOut, logLines), Millis: time.Since(t).Milliseconds()}
	r.lap("app tests", time.Since(t))
	r.logf("app tests %q exited %d in %s", cmd, code, since(t))
	return nil
}

// execIn runs command in c (split like SMOKE_APP_MIGRATE) with extra environment and
// returns its exit code, standard output and standard error.
func execIn(ctx context.Context, c testcontainers.Container, command string, env []string, limit time.Duration) (int, string, string, error) {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	// Without tcexec.Multiplexed the stream keeps Docker's headers, so stdout (the
	// JUnit or the route list) and stderr come apart.
	code, rd, err := c.Exec(ctx, commandLine(command), tcexec.WithEnv(env))
	if err != nil {
		return code, "", "", err
	}
	var stdout, stderr bytes.Buffer
	if rd != nil {
		if _, err := demux(&stdout, &stderr, rd); err != nil {
			return code, "", "", err
		}
	}
	return code, stdout.String(), stderr.String(), nil
}

// demux splits Docker's multiplexed exec stream (8-byte headers: stream, 0, 0, 0,
// big-endian size) into stdout and stderr.
func demux(stdout, stderr io.Writer, r io.Reader) (int64, error) {
	var n int64
	hdr := make([]byte, 8)
	for {
		if _, err := io.ReadFull(r, hdr); err != nil {
			if err == io.EOF {
				return n, nil
			}
			return n, err
		}
		size := int64(hdr[4])<<24 | int64(hdr[5])<<16 | int64(hdr[6])<<8 | int64(hdr[7])
		w := stdout
		if hdr[0] == 2 {
			w = stderr
		}
		m, err := io.CopyN(w, r, size)
		n += m
		if err != nil {
			return n, err
		}
	}
}
