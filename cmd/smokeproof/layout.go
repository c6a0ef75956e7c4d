package main

import (
	"fmt"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/config"
)

// SuitesBinDir and GinkgoBin are where `make build` puts the precompiled suites and the
// pinned Ginkgo CLI, relative to the directory of the smokeproof executable.
const (
	SuitesBinDir = "suites"
	GinkgoBin    = "ginkgo"
)

// skipUnitTests is the test-binary flag that leaves out the TestUnit* functions of a
// suite package: plain unit tests, run by `make unit`, that may read the source tree.
const skipUnitTests = "-test.skip=^TestUnit"

// layout says how run and mutants reach the suites: the precompiled suite binaries and
// Ginkgo CLI beside the executable (bin/smokeproof after `make build`), or the source
// tree through the Go toolchain (`go run ./cmd/smokeproof`).
type layout struct {
	binary bool
	dir    string            // working directory of the ginkgo process
	ginkgo []string          // the Ginkgo CLI command: {bin/ginkgo} or {go, tool, ginkgo}
	suites map[string]string // suite name → what to pass to ginkgo (a .test file or ./suites/<name>)
}

// findLayout returns the binary layout when the executable has precompiled suites
// beside it, else the source layout rooted at root.
func findLayout(root string) (layout, error) {
	if l, ok := binaryLayout(); ok {
		return l, nil
	}
	return sourceLayout(root)
}

// binaryLayout looks for <dir of executable>/suites/*.test and <dir>/ginkgo.
func binaryLayout() (layout, bool) {
	exe, err := os.Executable()
	if err != nil {
		return layout{}, false
	}
	if p, err := filepath.EvalSymlinks(exe); err == nil {
		exe = p
	}
	dir := filepath.Dir(exe)
	ginkgo := filepath.Join(dir, GinkgoBin)
	if fi, err := os.Stat(ginkgo); err != nil || fi.IsDir() {
		return layout{}, false
	}
	bins, _ := filepath.Glob(filepath.Join(dir, SuitesBinDir, "*.test"))
	if len(bins) == 0 {
		return layout{}, false
	}
	l := layout{binary: true, dir: filepath.Join(dir, SuitesBinDir), ginkgo: []string{ginkgo}, suites: map[string]string{}}
	for _, b := range bins {
		l.suites[strings.TrimSuffix(filepath.Base(b), ".test")] = b
	}
	return l, true
}

// sourceLayout lists the suite directories under root/suites.
func sourceLayout(root string) (layout, error) {
	entries, err := os.ReadDir(filepath.Join(root, suitesDir))
	if err != nil {
		return layout{}, &exitError{exitRuntime, fmt.Sprintf("no %s/ directory under %s and no precompiled suites beside the executable: run smokeproof inside the smokeproof repository, or build bin/ with make build", suitesDir, root)}
	}
	l := layout{dir: root, ginkgo: []string{"go", "tool", "ginkgo"}, suites: map[string]string{}}
	for _, e := range entries {
		if e.IsDir() {
			l.suites[e.Name()] = "./" + suitesDir + "/" + e.Name()
		}
	}
	return l, nil
}

// names returns the suite names in order.
func (l layout) names() []string {
	out := make([]string, 0, len(l.suites))
	for n := range l.suites {
		out = append(out, n)
	}
	sort.Strings(out)
	return out
}

// pick returns what to pass to ginkgo for each named suite (every suite when none is
// named); a name may be written as checkout, ./suites/checkout or suites/checkout/.
func (l layout) pick(names []string) ([]string, error) {
	if len(names) == 0 {
		names = l.names()
	}
	var out []string
	for _, n := range names {
		n = strings.TrimSuffix(strings.TrimPrefix(strings.TrimPrefix(n, "./"), suitesDir+"/"), "/")
		arg, ok := l.suites[n]
		if !ok {
			return nil, &exitError{exitUsage, fmt.Sprintf("no suite %q: the suites are %s", n, strings.Join(l.names(), ", "))}
		}
		out = append(out, arg)
	}
	return out, nil
}

// env returns the environment of the suite processes. In the binary layout they run in
// bin/suites, away from the caller's directory, so the configuration file the caller
// would read is passed as an absolute path (the caller passes SMOKE_OUT absolute too);
// GO111MODULE=off makes Ginkgo's version check (`go list -m`) return at once where a Go
// toolchain happens to be installed.
func (l layout) env() []string {
	env := os.Environ()
	if !l.binary {
		return env
	}
	env = append(env, "GO111MODULE=off")
	if os.Getenv("SMOKE_CONFIG") == "" {
		if p := filepath.Join(config.RepoRoot(), config.FileName); fileExists(p) {
			env = append(env, "SMOKE_CONFIG="+p)
		}
	}
	return env
}

func fileExists(p string) bool {
	fi, err := os.Stat(p)
	return err == nil && !fi.IsDir()
}
