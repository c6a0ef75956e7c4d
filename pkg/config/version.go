package config

import (
	"os/exec"
	"runtime/debug"
	"strings"
	"sync"
)

// Version is the harness version.
const Version = "0.1.0"

var harness = sync.OnceValue(func() string {
	rev := ""
	if bi, ok := debug.ReadBuildInfo(); ok {
		for _, s := range bi.Settings {
			if s.Key == "vcs.revision" && len(s.Value) >= 7 {
				rev = s.Value[:7]
			}
		}
	}
	if rev == "" {
		// Test binaries are often built without VCS stamping: ask git in the repository.
		cmd := exec.Command("git", "-C", RepoRoot(), "rev-parse", "--short=7", "HEAD")
		if out, err := cmd.Output(); err == nil {
			rev = strings.TrimSpace(string(out))
			if st, err := exec.Command("git", "-C", RepoRoot(), "status", "--porcelain", "--untracked-files=no").Output(); err == nil && len(strings.TrimSpace(string(st))) > 0 {
				rev += "+dirty"
			}
		}
	}
	if rev == "" {
		rev = "unknown commit"
	}
	return "smokeproof " + Version + " (" + rev + ")"
})

// Harness returns "smokeproof <version> (<commit>)", the commit read from the build's
// VCS stamp or from git in the repository, "+dirty" when tracked files are modified.
func Harness() string { return harness() }

// Commit returns the commit part of Harness ("abc1234", "abc1234+dirty" or "unknown commit").
func Commit() string {
	h := Harness()
	return strings.TrimSuffix(h[strings.Index(h, "(")+1:], ")")
}
