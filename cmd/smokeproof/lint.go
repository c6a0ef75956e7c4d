package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

const lintUsage = `Usage: smokeproof lint [PLAN ...]

Checks the work plan (NEXT-7D.md) and the state file (docs/OPS/STATE.md) against the
plan's own rules: exactly one WIP item, at most 3 NEXT items, a DoD with at least one
bullet on every WIP and NEXT item, a real date on every DONE entry; the state file has
its CLOSED, STABLE, IN PROGRESS, BLOCKED and NEXT sections; given together, the WIP
item is IN PROGRESS and every DONE entry is STABLE or CLOSED. A file named STATE.md (or
one with only state sections) is a state file; any other is a work plan. Each problem is
printed as file:line: message. Annotations written by smokeproof proof are ignored.

Without arguments it checks docs/NEXT-7D.md and docs/OPS/STATE.md, those that exist.

Exit codes: 0 the rules hold · 1 a rule is broken or a plan cannot be parsed ·
2 bad usage (no such file) · 3 a file could not be read.`

// defaultPlans are linted when no file is named.
var defaultPlans = []string{"docs/NEXT-7D.md", "docs/OPS/STATE.md"}

func cmdLint(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fl := newFlags("lint", stderr)
	fl.Usage = func() { fmt.Fprintln(stderr, lintUsage) }
	if err := parse(fl, args); err != nil {
		return err
	}
	paths := fl.Args()
	if len(paths) == 0 {
		for _, p := range defaultPlans {
			if _, err := os.Stat(p); err == nil {
				paths = append(paths, p)
			}
		}
		if len(paths) == 0 {
			return &exitError{exitUsage, fmt.Sprintf("no plan to lint: neither %s exists here; name the plan files", strings.Join(defaultPlans, " nor "))}
		}
	}

	var plans []*dod.Plan
	var problems []string
	for _, p := range paths {
		data, err := os.ReadFile(p)
		if errors.Is(err, fs.ErrNotExist) {
			return &exitError{exitUsage, fmt.Sprintf("no plan at %s: name an existing file", p)}
		}
		if err != nil {
			return err
		}
		plan, err := dod.ParsePlan(filepath.ToSlash(p), data)
		if err != nil {
			problems = append(problems, err.Error())
			continue
		}
		plans = append(plans, plan)
	}
	for _, f := range dod.Lint(plans...) {
		problems = append(problems, f.String())
	}
	for _, p := range problems {
		fmt.Fprintln(stdout, p)
	}
	if len(problems) > 0 {
		return &exitError{exitFailed, fmt.Sprintf("%s in %s: fix the lines above", plural(len(problems), "problem", "problems"), strings.Join(paths, ", "))}
	}
	verb := "follow"
	if len(paths) == 1 {
		verb = "follows"
	}
	fmt.Fprintf(stdout, "smokeproof: %s %s the plan's rules\n", strings.Join(paths, ", "), verb)
	return nil
}
