// Package opsstate holds the checks of the OPS-STATE item over a team's repository;
// its Ginkgo specs (opsstate_test.go) run them against SMOKE_REPO, and its unit tests
// prove each check fails on the repository defect it guards.
package opsstate

import (
	"bytes"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

// The files the item's DoD names, relative to the repository root.
const (
	StatePath     = "docs/OPS/STATE.md"
	ProdFactsPath = "docs/OPS/PROD-FACTS-LAST.md"
	PlanPath      = "docs/NEXT-7D.md"
	ScriptPath    = "scripts/prod-facts.sh"
)

// Files are the files that must be on the main branch.
var Files = []string{StatePath, ProdFactsPath, PlanPath, ScriptPath}

// StateSections are the sections STATE.md must have, in the plan's words.
var StateSections = []string{"CLOSED", "STABLE", "IN-PROGRESS", "BLOCKED", "NEXT"}

var heading = regexp.MustCompile(`(?m)^#{1,6}\s+(.+?)\s*$`)

// CheckState returns the sections found, or an error naming the missing ones.
func CheckState(repo string) (string, error) {
	data, err := read(repo, StatePath)
	if err != nil {
		return "", err
	}
	var found, missing []string
	heads := heading.FindAllStringSubmatch(string(data), -1)
	for _, want := range StateSections {
		ok := false
		for _, h := range heads {
			if strings.Contains(normalize(h[1]), want) {
				ok = true
			}
		}
		if ok {
			found = append(found, want)
		} else {
			missing = append(missing, want)
		}
	}
	if len(missing) > 0 {
		return "", fmt.Errorf("%s has no heading for %s (found %s)", StatePath, strings.Join(missing, ", "), orNone(found))
	}
	return "sections " + strings.Join(found, ", "), nil
}

// normalize upper-cases a heading and spells "in progress" the plan's way.
func normalize(s string) string {
	s = strings.ToUpper(s)
	return strings.NewReplacer("IN PROGRESS", "IN-PROGRESS", "IN_PROGRESS", "IN-PROGRESS").Replace(s)
}

var placeholder = regexp.MustCompile(`(?i)\b(TODO|TBD|FIXME|XXX|lorem ipsum)\b|<fill[^>]*>`)

// CheckProdFacts returns what the page holds, or an error saying why it is not
// populated.
func CheckProdFacts(repo string) (string, error) {
	data, err := read(repo, ProdFactsPath)
	if err != nil {
		return "", err
	}
	text := string(data)
	var problems []string
	if !strings.Contains(text, "Last Updated") {
		problems = append(problems, "no \"Last Updated\" line")
	}
	rows := 0
	for _, l := range strings.Split(text, "\n") {
		if strings.HasPrefix(l, "| GET ") || strings.HasPrefix(l, "| POST ") || strings.HasPrefix(l, "| HEAD ") {
			rows++
		}
	}
	if rows == 0 {
		problems = append(problems, "no endpoint row (| GET … |)")
	}
	if m := placeholder.FindString(text); m != "" {
		problems = append(problems, fmt.Sprintf("a placeholder %q", m))
	}
	if len(problems) > 0 {
		return "", fmt.Errorf("%s is not populated: %s", ProdFactsPath, strings.Join(problems, "; "))
	}
	return fmt.Sprintf("%d endpoint rows, last updated line present", rows), nil
}

// CheckPlan lints the plan (with STATE.md beside it, as `smokeproof lint` does).
func CheckPlan(repo string) (string, error) {
	data, err := read(repo, PlanPath)
	if err != nil {
		return "", err
	}
	plan, err := dod.ParsePlan(PlanPath, data)
	if err != nil {
		return "", err
	}
	plans := []*dod.Plan{plan}
	if st, err := read(repo, StatePath); err == nil {
		if p, err := dod.ParsePlan(StatePath, st); err == nil {
			plans = append(plans, p)
		}
	}
	findings := dod.Lint(plans...)
	if len(findings) > 0 {
		var lines []string
		for _, f := range findings {
			lines = append(lines, fmt.Sprintf("%s:%d: %s", f.Path, f.Line, f.Message))
		}
		return "", fmt.Errorf("lint finds %d problem(s): %s", len(findings), strings.Join(lines, "; "))
	}
	return fmt.Sprintf("%d sections, lint clean", len(plan.Sections)), nil
}

// CheckScript checks the script exists and git records it as executable.
func CheckScript(repo string) (string, error) {
	if _, err := read(repo, ScriptPath); err != nil {
		return "", err
	}
	out, err := git(repo, "ls-files", "-s", "--", ScriptPath)
	if err != nil {
		return "", err
	}
	mode, _, _ := strings.Cut(strings.TrimSpace(out), " ")
	switch mode {
	case "":
		return "", fmt.Errorf("%s is not committed: git add it", ScriptPath)
	case "100755":
		return "git mode 100755 (executable)", nil
	}
	return "", fmt.Errorf("%s is committed with mode %s, not executable: run git update-index --chmod=+x %s", ScriptPath, mode, ScriptPath)
}

// CheckOnMain checks every file is on the main branch as it is in the checkout.
func CheckOnMain(repo string) (string, error) {
	branch := "main"
	if _, err := git(repo, "rev-parse", "--verify", "--quiet", "refs/heads/main"); err != nil {
		if _, err := git(repo, "rev-parse", "--verify", "--quiet", "refs/remotes/origin/main"); err != nil {
			return "", errors.New("the repository has no main branch (refs/heads/main or origin/main)")
		}
		branch = "origin/main"
	}
	var problems []string
	for _, f := range Files {
		committed, err := git(repo, "show", branch+":"+f)
		if err != nil {
			problems = append(problems, f+" is not on "+branch)
			continue
		}
		local, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(f)))
		if err == nil && !bytes.Equal(local, []byte(committed)) {
			problems = append(problems, f+" differs from "+branch+" (uncommitted or unmerged changes)")
		}
	}
	if len(problems) > 0 {
		return "", errors.New(strings.Join(problems, "; "))
	}
	head, _ := git(repo, "rev-parse", "--short", branch)
	return fmt.Sprintf("all %d files on %s at %s", len(Files), branch, strings.TrimSpace(head)), nil
}

func read(repo, rel string) ([]byte, error) {
	data, err := os.ReadFile(filepath.Join(repo, filepath.FromSlash(rel)))
	if errors.Is(err, os.ErrNotExist) {
		return nil, fmt.Errorf("%s does not exist in %s", rel, repo)
	}
	return data, err
}

func git(repo string, args ...string) (string, error) {
	cmd := exec.Command("git", append([]string{"-C", repo}, args...)...)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	if err := cmd.Run(); err != nil {
		return "", fmt.Errorf("git %s: %v %s", strings.Join(args, " "), err, strings.TrimSpace(errb.String()))
	}
	return out.String(), nil
}

func orNone(s []string) string {
	if len(s) == 0 {
		return "none"
	}
	return strings.Join(s, ", ")
}
