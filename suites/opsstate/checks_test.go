package opsstate

import (
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// A repository whose OPS state is complete: every check passes on it.
var goodFiles = map[string]string{
	StatePath:     "# STATE\n\n## CLOSED\n- SSH/fail2ban hardening\n\n## STABLE\n- Products list verification\n- Auth routes verification\n- PROD monitoring workflows (MON1 + prod-smoke)\n\n## IN PROGRESS\n- Bootstrap OPS state management system\n\n## BLOCKED\n- none\n\n## NEXT\n- Data dependency roadmap\n",
	ProdFactsPath: "# PROD FACTS - Last Check\n\n**Last Updated**: 2026-11-30 04:43:39 UTC\n\n| Endpoint | Status |\n|---|---|\n| GET /api/health | ✅ 200 |\n",
	ScriptPath:    "#!/bin/sh\nexec smokeproof facts\n",
}

// makeRepo writes a git repository in a fresh folder: the good files (plus the plan
// from pkg/dod's test data) changed by edit, committed on main.
func makeRepo(t *testing.T, edit func(dir string), afterCommit func(dir string)) string {
	t.Helper()
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git is not installed")
	}
	dir := t.TempDir()
	plan, err := os.ReadFile("../../pkg/dod/testdata/NEXT-7D.md")
	if err != nil {
		t.Fatal(err)
	}
	files := map[string]string{PlanPath: string(plan)}
	for k, v := range goodFiles {
		files[k] = v
	}
	for rel, body := range files {
		p := filepath.Join(dir, filepath.FromSlash(rel))
		if err := os.MkdirAll(filepath.Dir(p), 0o755); err != nil {
			t.Fatal(err)
		}
		mode := os.FileMode(0o644)
		if rel == ScriptPath {
			mode = 0o755
		}
		if err := os.WriteFile(p, []byte(body), mode); err != nil {
			t.Fatal(err)
		}
	}
	if edit != nil {
		edit(dir)
	}
	run := func(args ...string) {
		cmd := exec.Command("git", append([]string{"-C", dir, "-c", "user.email=t@test", "-c", "user.name=t", "-c", "core.fileMode=true"}, args...)...)
		if out, err := cmd.CombinedOutput(); err != nil {
			t.Fatalf("git %s: %v\n%s", strings.Join(args, " "), err, out)
		}
	}
	run("init", "-q", "-b", "main")
	run("add", "-A")
	run("commit", "-q", "-m", "OPS state")
	if afterCommit != nil {
		afterCommit(dir)
	}
	return dir
}

func writeFile(t *testing.T, dir, rel, body string) {
	t.Helper()
	if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(rel)), []byte(body), 0o644); err != nil {
		t.Fatal(err)
	}
}

func TestUnitEveryCheckPassesOnACompleteRepository(t *testing.T) {
	dir := makeRepo(t, nil, nil)
	for name, check := range map[string]func(string) (string, error){
		"state": CheckState, "prod facts": CheckProdFacts, "plan": CheckPlan, "script": CheckScript, "main": CheckOnMain,
	} {
		if found, err := check(dir); err != nil {
			t.Errorf("%s: %v", name, err)
		} else {
			t.Logf("%s: %s", name, found)
		}
	}
}

// Each repository defect turns exactly the check that guards it red: the item's specs
// can fail.
func TestUnitEachCheckFailsOnItsDefect(t *testing.T) {
	cases := []struct {
		name        string
		check       func(string) (string, error)
		edit, after func(t *testing.T, dir string)
		want        string
	}{
		{"state without BLOCKED", CheckState, func(t *testing.T, d string) {
			writeFile(t, d, StatePath, strings.Replace(goodFiles[StatePath], "## BLOCKED\n", "## PARKED\n", 1))
		}, nil, "no heading for BLOCKED"},
		{"state missing", CheckState, func(t *testing.T, d string) { os.Remove(filepath.Join(d, StatePath)) }, nil, "does not exist"},
		{"prod facts empty", CheckProdFacts, func(t *testing.T, d string) {
			writeFile(t, d, ProdFactsPath, "# PROD FACTS - Last Check\n\nTODO\n")
		}, nil, "is not populated"},
		{"plan breaks lint", CheckPlan, func(t *testing.T, d string) {
			writeFile(t, d, PlanPath, "# NEXT 7 DAYS\n\n## WIP (1 item only)\n**1) One**\n**2) Two**\n")
		}, nil, "lint finds"},
		{"script not executable", CheckScript, func(t *testing.T, d string) {
			os.Chmod(filepath.Join(d, ScriptPath), 0o644)
		}, nil, "not executable"},
		{"state changed after the commit", CheckOnMain, nil, func(t *testing.T, d string) {
			writeFile(t, d, StatePath, goodFiles[StatePath]+"\n## LATER\n")
		}, "differs from main"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var edit, after func(string)
			if c.edit != nil {
				edit = func(d string) { c.edit(t, d) }
			}
			if c.after != nil {
				after = func(d string) { c.after(t, d) }
			}
			dir := makeRepo(t, edit, after)
			_, err := c.check(dir)
			if err == nil || !strings.Contains(err.Error(), c.want) {
				t.Fatalf("error %v, want one containing %q", err, c.want)
			}
		})
	}
}
