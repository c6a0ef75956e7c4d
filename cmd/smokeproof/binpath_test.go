package main

import (
	"bytes"
	"encoding/json"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/internal/golden"
)

// The binary path: bin/smokeproof beside bin/ginkgo and bin/suites/*.test (make build)
// must run the suites with no Go toolchain on PATH and no source tree around it.

// binDir returns a directory laid out as `make build` writes bin/: SMOKE_BIN_DIR when
// set (make binpath), else one built here with the named suites only.
func binDir(t *testing.T, suites ...string) string {
	t.Helper()
	if d := os.Getenv("SMOKE_BIN_DIR"); d != "" {
		return d
	}
	if testing.Short() {
		t.Skip("builds the CLI, Ginkgo and suites: skipped in -short mode")
	}
	dir := t.TempDir()
	root := filepath.Join("..", "..")
	build := func(args ...string) {
		cmd := exec.Command("go", args...)
		cmd.Dir = root
		cmd.Env = append(os.Environ(), "CGO_ENABLED=0")
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("go %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	build("build", "-o", filepath.Join(dir, "smokeproof"), "./cmd/smokeproof")
	build("build", "-o", filepath.Join(dir, "ginkgo"), "github.com/onsi/ginkgo/v2/ginkgo")
	for _, s := range suites {
		build("test", "-c", "-o", filepath.Join(dir, "suites", s+".test"), "./suites/"+s)
	}
	return dir
}

// installBin copies (hard-links where it can) bin/ into a fresh directory, away from
// the source tree, and returns the path of smokeproof there.
func installBin(t *testing.T, from string) string {
	t.Helper()
	to := filepath.Join(t.TempDir(), "bin")
	err := filepath.Walk(from, func(p string, fi os.FileInfo, err error) error {
		if err != nil {
			return err
		}
		rel, _ := filepath.Rel(from, p)
		dst := filepath.Join(to, rel)
		if fi.IsDir() {
			return os.MkdirAll(dst, 0o755)
		}
		if os.Link(p, dst) == nil {
			return nil
		}
		src, err := os.Open(p)
		if err != nil {
			return err
		}
		defer src.Close()
		out, err := os.OpenFile(dst, os.O_CREATE|os.O_WRONLY|os.O_TRUNC, fi.Mode())
		if err != nil {
			return err
		}
		if _, err := io.Copy(out, src); err != nil {
			out.Close()
			return err
		}
		return out.Close()
	})
	if err != nil {
		t.Fatalf("copy %s: %v", from, err)
	}
	return filepath.Join(to, "smokeproof")
}

// pathWithoutGo returns $PATH minus every directory that holds a go command.
func pathWithoutGo(t *testing.T) string {
	t.Helper()
	var keep []string
	for _, d := range filepath.SplitList(os.Getenv("PATH")) {
		if fi, err := os.Stat(filepath.Join(d, "go")); err == nil && !fi.IsDir() {
			continue
		}
		keep = append(keep, d)
	}
	return strings.Join(keep, string(os.PathListSeparator))
}

// binRun runs the installed smokeproof in dir with go off PATH and the given extra
// environment; it returns the combined output, the exit code and the wall time.
func binRun(t *testing.T, exe, dir string, env []string, args ...string) (string, int, time.Duration) {
	t.Helper()
	cmd := exec.Command(exe, args...)
	cmd.Dir = dir
	cmd.Env = append(cleanEnv(), "PATH="+pathWithoutGo(t), "TESTCONTAINERS_RYUK_DISABLED=true")
	cmd.Env = append(cmd.Env, env...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatalf("start %s: %v", exe, err)
	}
	return out.String(), code, took
}

// cleanEnv is the environment without PATH, the Go toolchain's variables and the
// harness's own settings, so the caller's shell cannot change what is tested.
func cleanEnv() []string {
	var out []string
	for _, kv := range os.Environ() {
		k, _, _ := strings.Cut(kv, "=")
		if k == "PATH" || strings.HasPrefix(k, "GO") || strings.HasPrefix(k, "SMOKE_") || k == "SHOP_FAULTS" {
			continue
		}
		out = append(out, kv)
	}
	return out
}

func TestBinaryPath(t *testing.T) {
	dir := os.Getenv("SMOKE_BIN_DIR")
	if dir == "" {
		t.Skip("set SMOKE_BIN_DIR to a bin/ written by make build: `make binpath` does both")
	}
	exe := installBin(t, dir)
	for _, d := range filepath.SplitList(pathWithoutGo(t)) {
		if _, err := os.Stat(filepath.Join(d, "go")); err == nil {
			t.Fatalf("the PATH for the binary still finds go in %s", d)
		}
	}
	work := t.TempDir() // no go.mod, no suites/: not a source tree
	out := filepath.Join(work, "out")

	t.Run("run every suite on embedded", func(t *testing.T) {
		text, code, took := binRun(t, exe, work, nil, "run", "--out", out)
		if code != 0 {
			t.Fatalf("bin/smokeproof run exited %d after %s:\n%s", code, took, tail(text, 60))
		}
		if !strings.Contains(text, "(precompiled)") || strings.Contains(text, "go: ") {
			t.Errorf("run did not use the precompiled suites:\n%s", tail(text, 30))
		}
		var proof struct {
			Result string `json:"result"`
			Target struct {
				Name string `json:"name"`
			} `json:"target"`
			Items []struct {
				ID string `json:"id"`
			} `json:"items"`
		}
		data, err := os.ReadFile(filepath.Join(out, "proof.json"))
		if err != nil {
			t.Fatal(err)
		}
		if err := json.Unmarshal(data, &proof); err != nil {
			t.Fatal(err)
		}
		if proof.Target.Name != "embedded" || len(proof.Items) < 6 {
			t.Errorf("proof.json: target %q, %d items; want embedded and every item", proof.Target.Name, len(proof.Items))
		}
		for _, doc := range []string{"docs/TESTS/CHECKOUT-SMOKE.md", "docs/FEATURES/PRODUCER-PERMISSIONS.md", "docs/OPS/PROD-FACTS-LAST.md", "report.json", "junit.xml"} {
			if _, err := os.Stat(filepath.Join(out, doc)); err != nil {
				t.Errorf("no %s after the run: %v", doc, err)
			}
		}
		t.Logf("all suites on embedded through bin/smokeproof: %s", took.Round(10*time.Millisecond))
	})

	t.Run("render, proof, verify and lint", func(t *testing.T) {
		if text, code, _ := binRun(t, exe, work, nil, "render", "--out", out); code != 0 {
			t.Errorf("render exited %d:\n%s", code, tail(text, 20))
		}
		if text, code, _ := binRun(t, exe, work, nil, "proof", "verify", filepath.Join(out, "proof.json")); code != 0 {
			t.Errorf("proof verify exited %d:\n%s", code, tail(text, 20))
		}
		plan := filepath.Join(work, "NEXT-7D.md")
		if err := os.WriteFile(plan, []byte("# Next 7 days\n\n## WIP\n\n### CHECKOUT-SMOKE — checkout works\n\nDoD:\n- [ ] POST /api/orders returns 201\n"), 0o644); err != nil {
			t.Fatal(err)
		}
		if text, code, _ := binRun(t, exe, work, nil, "lint", plan); code != 0 && code != 1 {
			t.Errorf("lint exited %d, want 0 or 1 (a verdict, not a crash):\n%s", code, tail(text, 20))
		}
	})

	t.Run("mutants with one switch", func(t *testing.T) {
		text, code, _ := binRun(t, exe, work, nil, "mutants", "--out", out, "wrong-tax")
		if code != 0 || strings.Contains(text, "building") {
			t.Fatalf("mutants wrong-tax exited %d (or compiled):\n%s", code, tail(text, 30))
		}
	})

	// Every outcome end to end, each with its exit code: ❌ 1, ⚠ 4, ⏸ 0.
	t.Run("outcomes and their exit codes", func(t *testing.T) {
		statusOf := func(dir string) string {
			data, err := os.ReadFile(filepath.Join(dir, "proof.json"))
			if err != nil {
				t.Fatal(err)
			}
			return string(data)
		}
		noBrowser := "PATH=" + t.TempDir() // nothing on it: no Chromium, and bin/ needs no other tool

		failed := filepath.Join(work, "out-failed")
		text, code, _ := binRun(t, exe, work, []string{"SHOP_FAULTS=wrong-tax"}, "run", "--out", failed, "checkout")
		if code != exitFailed || !strings.Contains(statusOf(failed), `"status": "failed"`) {
			t.Errorf("a fault switch: exit %d, want %d with a failed bullet:\n%s", code, exitFailed, tail(text, 20))
		}

		filtered := filepath.Join(work, "out-filtered")
		text, code, _ = binRun(t, exe, work, nil, "run", "--out", filtered, "--label-filter", "dod: containsAny {NO-SUCH-ITEM}", "catalog")
		if code != exitOK || !strings.Contains(statusOf(filtered), `"status": "not_run"`) {
			t.Errorf("everything filtered: exit %d, want %d with the bullets not run:\n%s", code, exitOK, tail(text, 20))
		}

		broken := filepath.Join(work, "out-broken")
		text, code, _ = binRun(t, exe, work, []string{noBrowser, "SMOKE_BROWSER=require"}, "run", "--out", broken, "--label-filter", "browser", "permissions")
		if code != exitBroken || !strings.Contains(statusOf(broken), `"status": "broken"`) {
			t.Errorf("no Chromium under SMOKE_BROWSER=require: exit %d, want %d with a broken bullet:\n%s", code, exitBroken, tail(text, 20))
		}

		auto := filepath.Join(work, "out-auto")
		text, code, _ = binRun(t, exe, work, []string{noBrowser, "SMOKE_BROWSER=auto"}, "run", "--out", auto, "--label-filter", "browser", "permissions")
		if code != exitOK || !strings.Contains(strings.ToLower(tail(text, 3)), "chromium") {
			t.Errorf("no Chromium under SMOKE_BROWSER=auto: exit %d, want %d and an install hint last:\n%s", code, exitOK, tail(text, 20))
		}
	})

	t.Run("an unknown fault switch fails fast", func(t *testing.T) {
		text, code, took := binRun(t, exe, work, []string{"SHOP_FAULTS=nope"}, "run", "--out", out)
		if code != exitNotReady || !strings.Contains(text, "SHOP_FAULTS") || took > 2*time.Second {
			t.Errorf("SHOP_FAULTS=nope: exit %d after %s, want %d within 2 s naming SHOP_FAULTS:\n%s", code, took, exitNotReady, text)
		}
	})
}

// TestShardMerge runs two suites once whole and once as two shards, merges the shards'
// reports with `smokeproof render`, and checks that the documents and proof.json say
// what the single run's say, timings and generated values aside.
func TestShardMerge(t *testing.T) {
	suites := []string{"auth", "catalog"}
	exe := installBin(t, binDir(t, suites...))
	work := t.TempDir()
	if d := os.Getenv("SMOKE_KEEP"); d != "" {
		work = d // keep the outputs to look at
	}
	env := []string{"SMOKE_BROWSER=off"}
	single := filepath.Join(work, "single")
	if text, code, _ := binRun(t, exe, work, env, append([]string{"run", "--out", single}, suites...)...); code != 0 {
		t.Fatalf("single run exited %d:\n%s", code, tail(text, 40))
	}
	var shardReports []string
	for _, s := range []string{"1/2", "2/2"} {
		out := filepath.Join(work, "shard-"+s[:1])
		text, code, _ := binRun(t, exe, work, env, append([]string{"run", "--out", out, "--shard", s}, suites...)...)
		if code != 0 {
			t.Fatalf("shard %s exited %d:\n%s", s, code, tail(text, 40))
		}
		if strings.Contains(text, "Ran 0 of") {
			t.Errorf("shard %s ran no spec of a suite: the shares are not balanced", s)
		}
		r, _ := filepath.Glob(filepath.Join(out, "reports", "*.json"))
		shardReports = append(shardReports, r...)
	}
	merged := filepath.Join(work, "merged")
	if text, code, _ := binRun(t, exe, work, env, append([]string{"render", "--out", merged}, shardReports...)...); code != 0 || !strings.Contains(text, "merged the shards") {
		t.Fatalf("render of the shards exited %d:\n%s", code, tail(text, 40))
	}
	if text, code, _ := binRun(t, exe, work, env, "render", "--out", merged, shardReports[0]); code != exitUsage || !strings.Contains(text, "every shard") {
		t.Errorf("render of one shard alone: exit %d, want %d naming the missing shard:\n%s", code, exitUsage, tail(text, 10))
	}
	for _, f := range []string{"report.json", "junit.xml"} {
		if _, err := os.Stat(filepath.Join(merged, f)); err != nil {
			t.Errorf("the merge wrote no %s: %v", f, err)
		}
	}
	// The single run's documents come from its suites; render them the same way.
	if text, code, _ := binRun(t, exe, work, env, "render", "--out", single); code != 0 {
		t.Fatalf("render of the single run exited %d:\n%s", code, tail(text, 20))
	}
	a, b := outputs(t, single), outputs(t, merged)
	if len(a) == 0 {
		t.Fatal("the single run wrote no document")
	}
	for name, want := range a {
		got, ok := b[name]
		if !ok {
			t.Errorf("the merged shards wrote no %s", name)
			continue
		}
		if got != want {
			// suites/auth ranges over a map for its redirects, so two runs may list the
			// same steps in another order: the same lines in another order pass, with a note.
			if sortedLines(got) == sortedLines(want) {
				t.Logf("%s: same lines in another order (a suite's own nondeterminism):\n%s", name, golden.FirstDiff(want, got))
				continue
			}
			t.Errorf("%s differs between the single run and the merged shards:\n%s", name, golden.FirstDiff(sortedLines(want), sortedLines(got)))
		}
	}
	for name := range b {
		if _, ok := a[name]; !ok {
			t.Errorf("the merged shards wrote %s, which the single run did not", name)
		}
	}
}

// volatile matches what legitimately differs between two runs: times, durations,
// digests, generated ids, e-mail addresses and ports. Everything else (statuses,
// counts, steps, evidence) must be the same.
var volatile = []*regexp.Regexp{
	regexp.MustCompile(`\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?(Z|[+-]\d\d:\d\d)`),
	regexp.MustCompile(`\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?( UTC)?`),
	regexp.MustCompile(`[0-9a-f]{64}`),
	regexp.MustCompile(`[0-9a-f]{8,}`),
	regexp.MustCompile(`[A-Za-z0-9._+-]+(@|%40)[A-Za-z0-9.-]+`),
	regexp.MustCompile(`127\.0\.0\.1:\d+`),
	regexp.MustCompile(`\d+(\.\d+)? ?(ns|µs|ms|s|m)\b`),
	regexp.MustCompile(`"(ms|millis|duration_ms|run_ms|seconds)": \d+(\.\d+)?`),
	// the row ids a query was run with: each shard's database has its own history
	regexp.MustCompile("with (`\\d+`(, )?)+"),
	// ids the target handed out (users, orders, products, cart items), in bodies and paths
	regexp.MustCompile(`"(\w+_)?id": ?\d+`),
	regexp.MustCompile(`/(orders|products|items|users)/\d+`),
}

// outputs reads every document and proof.json under dir with volatile values masked.
func outputs(t *testing.T, dir string) map[string]string {
	t.Helper()
	out := map[string]string{}
	var paths []string
	_ = filepath.Walk(filepath.Join(dir, "docs"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && strings.HasSuffix(p, ".md") {
			paths = append(paths, p)
		}
		return nil
	})
	paths = append(paths, filepath.Join(dir, "proof.json"))
	sort.Strings(paths)
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if err != nil {
			t.Fatal(err)
		}
		s := string(data)
		for _, re := range volatile {
			s = re.ReplaceAllString(s, "…")
		}
		rel, _ := filepath.Rel(dir, p)
		out[rel] = s
	}
	return out
}

var stepNumber = regexp.MustCompile(`^\d+\. `)

// sortedLines returns the lines of s sorted, step numbers ("1. ") cut off.
func sortedLines(s string) string {
	l := strings.Split(s, "\n")
	for i := range l {
		l[i] = stepNumber.ReplaceAllString(l[i], "")
	}
	sort.Strings(l)
	return strings.Join(l, "\n")
}

func tail(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}
