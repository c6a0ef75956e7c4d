package cleanup_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// leftovers lists our containers and networks.
func leftovers(t *testing.T) string {
	t.Helper()
	var out []string
	for _, args := range [][]string{
		{"ps", "-a", "-q", "--filter", "label=org.testcontainers=true"},
		{"network", "ls", "-q", "--filter", "label=org.testcontainers=true"},
	} {
		b, err := exec.Command("docker", args...).Output()
		if err != nil {
			t.Fatalf("docker %v: %v", args, err)
		}
		if s := strings.TrimSpace(string(b)); s != "" {
			out = append(out, strings.Join(args[:1], " ")+": "+strings.ReplaceAll(s, "\n", " "))
		}
	}
	return strings.Join(out, "; ")
}

func setup(t *testing.T) (bin, root string) {
	if testing.Short() {
		t.Skip("needs Docker and the images: skipped in -short mode")
	}
	if err := exec.Command("docker", "image", "inspect", "smokeproof/shop:local", "smokeproof/mariadb:local", "smokeproof/mailpit:local").Run(); err != nil {
		t.Skip("SKIPPED: Docker or the smokeproof images are missing (run `make images`); CI builds them first")
	}
	if l := leftovers(t); l != "" {
		t.Skipf("SKIPPED: containers of another run are present (%s): cannot attribute leftovers", l)
	}
	wd, _ := os.Getwd()
	root = filepath.Join(wd, "..", "..")
	bin = filepath.Join(t.TempDir(), "checkout.test")
	build := exec.Command("go", "test", "-c", "-o", bin, "./suites/checkout")
	build.Dir = root
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("build the checkout suite: %v\n%s", err, out)
	}
	return bin, root
}

func suite(bin, root, out string, env ...string) *exec.Cmd {
	cmd := exec.Command(bin, "-ginkgo.no-color")
	cmd.Dir = filepath.Join(root, "suites", "checkout")
	cmd.Env = append(os.Environ(), append([]string{"SMOKE_TARGET=containers", "SMOKE_OUT=" + out, "TESTCONTAINERS_RYUK_DISABLED=true", "SMOKE_MAIL_WAIT=2s"}, env...)...)
	return cmd
}

func TestNothingLeftBehind(t *testing.T) {
	bin, root := setup(t)

	t.Run("passing run", func(t *testing.T) {
		out, err := suite(bin, root, t.TempDir()).CombinedOutput()
		if err != nil {
			t.Fatalf("the passing run failed: %v\n%s", err, tail(out))
		}
		if l := leftovers(t); l != "" {
			t.Fatalf("left behind after a passing run: %s", l)
		}
	})

	t.Run("failing run", func(t *testing.T) {
		out, err := suite(bin, root, t.TempDir(), "SHOP_FAULTS=wrong-tax").CombinedOutput()
		if err == nil {
			t.Fatalf("the run with SHOP_FAULTS=wrong-tax passed\n%s", tail(out))
		}
		if l := leftovers(t); l != "" {
			t.Fatalf("left behind after a failing run: %s", l)
		}
	})

	t.Run("interrupted run", func(t *testing.T) {
		interrupt(t, suite(bin, root, t.TempDir()))
	})

	// smokeproof run opens the containers once in its own process and hands them to the
	// suites: an interrupted run must remove them too.
	t.Run("interrupted smokeproof run", func(t *testing.T) {
		dir := t.TempDir()
		for pkg, out := range map[string]string{"./cmd/smokeproof": "smokeproof", "github.com/onsi/ginkgo/v2/ginkgo": "ginkgo"} {
			build := exec.Command("go", "build", "-o", filepath.Join(dir, out), pkg)
			build.Dir = root
			if b, err := build.CombinedOutput(); err != nil {
				t.Fatalf("build %s: %v\n%s", pkg, err, b)
			}
		}
		if err := os.MkdirAll(filepath.Join(dir, "suites"), 0o755); err != nil {
			t.Fatal(err)
		}
		if err := os.Link(bin, filepath.Join(dir, "suites", "checkout.test")); err != nil {
			t.Fatal(err)
		}
		cmd := exec.Command(filepath.Join(dir, "smokeproof"), "run", "--target", "containers", "--out", t.TempDir(), "checkout")
		cmd.Env = append(os.Environ(), "TESTCONTAINERS_RYUK_DISABLED=true", "SMOKE_MAIL_WAIT=2s")
		interrupt(t, cmd)
	})
}

// interrupt starts cmd, sends it SIGINT once the three containers are up, and fails
// when anything of the run is left behind.
func interrupt(t *testing.T, cmd *exec.Cmd) {
	t.Helper()
	var buf bytes.Buffer
	cmd.Stdout, cmd.Stderr = &buf, &buf
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	// Wait until the app container is up: then the suite is in the middle of its run.
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	for {
		b, _ := exec.Command("docker", "ps", "-q", "--filter", "label=org.testcontainers=true").Output()
		if len(strings.Fields(string(b))) >= 3 {
			break
		}
		if ctx.Err() != nil {
			cmd.Process.Kill()
			t.Fatalf("the containers never came up\n%s", tail(buf.Bytes()))
		}
		time.Sleep(100 * time.Millisecond)
	}
	time.Sleep(500 * time.Millisecond)
	if err := cmd.Process.Signal(syscall.SIGINT); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		cmd.Process.Kill()
		t.Fatalf("the interrupted run did not stop within 90 s\n%s", tail(buf.Bytes()))
	}
	if l := leftovers(t); l != "" {
		t.Fatalf("left behind after SIGINT: %s\n%s", l, tail(buf.Bytes()))
	}
}

func tail(b []byte) string {
	s := string(b)
	if len(s) > 3000 {
		s = s[len(s)-3000:]
	}
	return s
}
