package containers

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/containerd/errdefs"
	"github.com/moby/moby/client"
	"github.com/testcontainers/testcontainers-go"
	tcexec "github.com/testcontainers/testcontainers-go/exec"
)

const ryukEnv = "TESTCONTAINERS_RYUK_DISABLED"

// disableRyuk makes sure testcontainers runs without Ryuk, its reaper: Ryuk is an
// image that would have to be pulled, and no registry is assumed reachable. The stop
// function removes everything instead. testcontainers reads its configuration once per
// process (a sync.Once, on its first call), so the variable is set here before the
// first call; if something read the configuration earlier, Open says so.
func disableRyuk() error {
	switch v := os.Getenv(ryukEnv); v {
	case "true":
	case "":
		if err := os.Setenv(ryukEnv, "true"); err != nil {
			return fmt.Errorf("set %s=true: %w", ryukEnv, err)
		}
	default:
		return fmt.Errorf("%s=%q would start Ryuk, whose image must be pulled from a registry: set it to true (smokeproof removes its containers itself)", ryukEnv, v)
	}
	if !testcontainers.ReadConfig().RyukDisabled {
		return fmt.Errorf("testcontainers read its configuration before %s=true was set: export %s=true before the run", ryukEnv, ryukEnv)
	}
	return nil
}

// checkDocker pings the Docker daemon that DOCKER_HOST (or the default socket) names,
// giving up after 5 s. It returns the negotiated API version.
func checkDocker(ctx context.Context) (string, error) {
	unreachable := func(err error) error {
		//lint:ignore ST1005 the sentence starts with a proper noun
		return fmt.Errorf("Docker is not reachable (%w): start the Docker daemon or set DOCKER_HOST", err)
	}
	cli, err := client.New(client.FromEnv)
	if err != nil {
		return "", unreachable(err)
	}
	defer cli.Close()
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if _, err := cli.Ping(ctx, client.PingOptions{NegotiateAPIVersion: true}); err != nil {
		return "", unreachable(err)
	}
	info, err := cli.Info(ctx, client.InfoOptions{})
	if err != nil {
		return "", unreachable(err)
	}
	if err := publishOnLoopback(cli.DaemonHost(), info.Info.Name); err != nil {
		return "", err
	}
	return cli.ClientVersion(), nil
}

const hostOverrideEnv = "TESTCONTAINERS_HOST_OVERRIDE"

// publishOnLoopback points testcontainers at 127.0.0.1 for published ports when the
// Docker daemon runs inside this very container. testcontainers, seeing a local socket
// from inside a container, assumes the daemon is on the host and uses the default
// gateway's address instead (192.0.2.1 on the CI machine), where nothing listens. A
// daemon whose host name is ours shares our network namespace (Docker-in-Docker in one
// container, or --network host), so its published ports are on our loopback.
// TESTCONTAINERS_HOST_OVERRIDE, when set, wins; testcontainers reads it at each call.
func publishOnLoopback(daemonHost, daemonName string) error {
	if _, set := os.LookupEnv(hostOverrideEnv); set {
		return nil
	}
	if !strings.HasPrefix(daemonHost, "unix://") || !inAContainer() {
		return nil
	}
	if me, err := os.Hostname(); err != nil || me != daemonName {
		return nil
	}
	if err := os.Setenv(hostOverrideEnv, "127.0.0.1"); err != nil {
		return fmt.Errorf("set %s=127.0.0.1: %w", hostOverrideEnv, err)
	}
	return nil
}

// inAContainer reports what testcontainers' own check does: whether this process runs
// in a Docker or Podman container.
func inAContainer() bool {
	for _, f := range []string{"/.dockerenv", "/run/.containerenv"} {
		if _, err := os.Stat(f); err == nil {
			return true
		}
	}
	return false
}

// image is an image Open needs and the variable that chooses it.
type image struct{ name, env string }

// checkImages returns one sentence per image that is not on this machine (joined).
func checkImages(ctx context.Context, imgs []image) error {
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		//lint:ignore ST1005 the sentence starts with a proper noun
		return fmt.Errorf("Docker is not reachable through testcontainers (%w): start the Docker daemon or set DOCKER_HOST", err)
	}
	defer cli.Close()
	var errs []error
	for _, img := range imgs {
		_, err := cli.ImageInspect(ctx, img.name)
		switch {
		case err == nil:
		case errdefs.IsNotFound(err) && strings.HasPrefix(img.name, "smokeproof/"):
			errs = append(errs, fmt.Errorf("image %s is not on this machine and no registry can be reached: run `make images` (or set %s)", img.name, img.env))
		case errdefs.IsNotFound(err):
			errs = append(errs, fmt.Errorf("image %s is not on this machine and smokeproof does not pull images: run `docker pull %s` where a registry is reachable, or set %s to a local image (`make images` builds the smokeproof/*:local ones)", img.name, img.name, img.env))
		default:
			errs = append(errs, fmt.Errorf("inspect image %s: %w", img.name, err))
		}
	}
	return errors.Join(errs...)
}

// sweep removes every container and network carrying the run's label: what a
// cancelled start created before it could report it. It returns a sentence with the
// command to finish by hand when something stays.
func sweep(ctx context.Context, runID string) error {
	left := func(err error) error {
		return fmt.Errorf("containers or the network of run %s could not be removed (%w): remove them with `docker rm -f $(docker ps -aq --filter label=%s=%s)` and `docker network prune --filter label=%s=%s`", runID, err, RunLabel, runID, RunLabel, runID)
	}
	cli, err := testcontainers.NewDockerClientWithOpts(ctx)
	if err != nil {
		return left(err)
	}
	defer cli.Close()
	f := make(client.Filters).Add("label", RunLabel+"="+runID)
	list, err := cli.ContainerList(ctx, client.ContainerListOptions{All: true, Filters: f})
	if err != nil {
		return left(err)
	}
	var errs []error
	for _, c := range list.Items {
		if _, err := cli.ContainerRemove(ctx, c.ID, client.ContainerRemoveOptions{Force: true, RemoveVolumes: true}); err != nil && !isNotFound(err) {
			errs = append(errs, err)
		}
	}
	nets, err := cli.NetworkList(ctx, client.NetworkListOptions{Filters: f})
	if err != nil {
		return left(err)
	}
	for _, n := range nets.Items {
		if _, err := cli.NetworkRemove(ctx, n.ID, client.NetworkRemoveOptions{}); err != nil && !isNotFound(err) {
			errs = append(errs, err)
		}
	}
	if len(errs) > 0 {
		return left(errors.Join(errs...))
	}
	return nil
}

func isNotFound(err error) bool { return errdefs.IsNotFound(err) }

// startError is a container start failure: one sentence for people, the cause for
// errors.Is.
type startError struct {
	msg string
	err error
}

func (e *startError) Error() string { return e.msg }
func (e *startError) Unwrap() error { return e.err }

var exitedRE = regexp.MustCompile(`container exited with code -?\d+|OOMKilled`)

// notReady turns a module's start error into one sentence naming the container, what
// went wrong and hint, followed by the container's last log lines.
func notReady(what, img, hint string, limit time.Duration, c testcontainers.Container, err error) error {
	var msg string
	switch exit := exitedRE.FindString(err.Error()); {
	case errors.Is(err, context.Canceled):
		msg = fmt.Sprintf("starting the %s container (%s) was interrupted (%v)", what, img, context.Canceled)
	case exit != "":
		msg = fmt.Sprintf("the %s container (%s) stopped before it was ready (%s): %s", what, img, exit, hint)
	case errors.Is(err, context.DeadlineExceeded) || strings.Contains(err.Error(), "deadline exceeded"):
		msg = fmt.Sprintf("the %s container (%s) was not ready within %s: %s, or raise SMOKE_STARTUP_WAIT", what, img, limit, hint)
	default:
		msg = fmt.Sprintf("the %s container (%s) could not start (%v): %s", what, img, err, hint)
	}
	if logs := lastLogLines(c, logLines); logs != "" {
		msg += "; its last log lines:\n" + logs
	} else if c != nil {
		msg += "; it logged nothing"
	}
	return &startError{msg: msg, err: err}
}

// lastLogLines returns the last n lines c logged, indented, or "" when there are none
// or c is nil. It uses its own short context: the run's may be cancelled.
func lastLogLines(c testcontainers.Container, n int) string {
	if c == nil {
		return ""
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	rc, err := c.Logs(ctx)
	if err != nil {
		return ""
	}
	defer rc.Close()
	b, _ := io.ReadAll(rc)
	return tail(string(b), n)
}

// tail returns the last n non-empty lines of s, each indented by four spaces.
func tail(s string, n int) string {
	var lines []string
	for _, l := range strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		if strings.TrimSpace(l) != "" {
			lines = append(lines, "    "+strings.TrimRight(l, " \t"))
		}
	}
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// migrate runs command inside app like `docker exec` and returns an error with the
// command's last output lines when it cannot run, fails or outlasts limit.
func migrate(ctx context.Context, app testcontainers.Container, command string, limit time.Duration) error {
	ctx, cancel := context.WithTimeout(ctx, limit)
	defer cancel()
	code, out, err := app.Exec(ctx, commandLine(command), tcexec.Multiplexed())
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return fmt.Errorf("SMOKE_APP_MIGRATE %q did not finish within %s: make it faster or raise SMOKE_STARTUP_WAIT", command, limit)
	case err != nil:
		return fmt.Errorf("SMOKE_APP_MIGRATE %q could not run in the app container (%w): check that the image has that command", command, err)
	}
	var b []byte
	if out != nil {
		b, _ = io.ReadAll(out)
	}
	if code != 0 {
		msg := fmt.Sprintf("SMOKE_APP_MIGRATE %q failed in the app container with exit code %d: fix the command or the app's database settings", command, code)
		if t := tail(string(b), logLines); t != "" {
			msg += "; its last output lines:\n" + t
		}
		return errors.New(msg)
	}
	return nil
}

// commandLine splits a SMOKE_APP_MIGRATE command into arguments: on white space, or,
// when it holds quotes, variables or shell operators, as /bin/sh -c command.
func commandLine(command string) []string {
	if strings.ContainsAny(command, "'\"`$\\|&;<>()*?~#{}\n") {
		return []string{"/bin/sh", "-c", command}
	}
	return strings.Fields(command)
}
