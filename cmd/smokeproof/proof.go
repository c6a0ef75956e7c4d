package main

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/history"
	"github.com/smokeproof/smokeproof/pkg/report"
)

// stringList is a flag that may be given several times.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

const proofUsage = `Usage: smokeproof proof [--plan FILE] [--report FILE ...] [--out DIR] [--history DIR]
       smokeproof proof verify [proof.json]

proof reads the Ginkgo JSON reports of a run (default: every <out>/reports/*.json),
writes proof.json and the documents into the output directory, and, with --plan,
attaches each DoD bullet's status to the work plan: at the end of the bullet's line it
writes "<!-- smokeproof -->" and ✅ with a link to the document section that proves it,
❌ with the reason, ⏸ not run with the reason, or ✍ manual for bullets no spec covers.
Running it again with the same reports changes nothing; every byte of the plan outside
these annotations is kept.

With --history DIR it copies proof.json into DIR (a folder the nightly job keeps
between runs) and writes docs/TESTS/HISTORY.md and docs/TESTS/history.svg from the
runs DIR holds: each bullet's last runs, since when it is red, what changed since the
previous run and which bullets flip with neither the app nor the harness changing.
Under GitHub Actions (GITHUB_ACTIONS=true) it also prints an error annotation on the
line of each failing spec and appends the item table and the history strips to
$GITHUB_STEP_SUMMARY.

proof verify recomputes the SHA-256 of every evidence file and report file proof.json
records (paths relative to proof.json's directory; default <out>/proof.json) and names
each file that changed or is missing; then it re-derives every item's result and every
bullet's status from those reports and names each one proof.json records differently.

Exit codes: 0 done (every checked bullet that ran passed; every digest matches) ·
1 a bullet failed (❌), the plan cannot be parsed, or a digest does not match ·
2 bad usage (no reports, no such plan or proof.json) · 3 a file could not be read or written ·
4 no bullet failed but one could not be checked (⚠ broken: setup, target, browser, timeout).

Flags:`

func cmdProof(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 && args[0] == "verify" {
		return cmdProofVerify(args[1:], stdout, stderr)
	}
	fl := newFlags("proof", stderr)
	plan := fl.String("plan", "", "work plan to annotate, e.g. docs/NEXT-7D.md (without it only proof.json and the documents are written)")
	var reports stringList
	fl.Var(&reports, "report", "Ginkgo JSON report (repeatable; default every <out>/reports/*.json)")
	out := fl.String("out", "", "where proof.json and the documents go (default: the first --report's directory, else $SMOKE_OUT or out)")
	histDir := fl.String("history", "", "folder of earlier runs' proof.json: add this run's, then write docs/TESTS/HISTORY.md and history.svg")
	histRuns := fl.Int("history-runs", 10, "how many of the latest runs the history shows")
	gh := fl.String("github", "auto", "GitHub Actions annotations and step summary: auto (when GITHUB_ACTIONS=true), on or off")
	fl.Usage = func() {
		fmt.Fprintln(stderr, proofUsage)
		fl.PrintDefaults()
	}
	if err := parse(fl, args); err != nil {
		return err
	}
	if fl.NArg() > 0 {
		return &exitError{exitUsage, fmt.Sprintf("unexpected argument %q: name reports with --report, or use `smokeproof proof verify proof.json`", fl.Arg(0))}
	}
	ghOn, err := githubOn(*gh)
	if err != nil {
		return err
	}
	outDir, paths, err := proofInputs(*out, reports)
	if err != nil {
		return err
	}
	if paths, err = mergeShards(outDir, paths, stdout); err != nil {
		return err
	}
	run, err := report.RenderFiles(outDir, paths...)
	if err != nil {
		return err
	}
	defer browserHint(run, stdout) // the output's last line
	fmt.Fprintf(stdout, "smokeproof: %s written from %s (%s)\n", filepath.Join(outDir, report.ProofPath), plural(len(paths), "report", "reports"), bulletCounts(run))
	var hist *history.History
	if *histDir != "" {
		if hist, err = writeHistory(*histDir, outDir, *histRuns, stdout); err != nil {
			return err
		}
	}
	if ghOn {
		githubAnnotate(stdout, run)
		if err := githubSummary(run, hist); err != nil {
			return err
		}
	}

	if *plan != "" {
		if err := attachProof(*plan, outDir, run, stdout); err != nil {
			return err
		}
	}

	return verdict(run, stdout)
}

// proofInputs resolves the output directory and the report files.
func proofInputs(out string, reports []string) (string, []string, error) {
	outDir := ""
	if out == "" && len(reports) > 0 {
		outDir = filepath.Dir(reports[0])
	} else {
		cfg, err := loadConfig(map[string]string{"SMOKE_OUT": out})
		if err != nil {
			return "", nil, err
		}
		outDir = cfg.OutDir()
	}
	if len(reports) == 0 {
		reports, _ = filepath.Glob(filepath.Join(outDir, "reports", "*.json"))
		if len(reports) == 0 {
			return "", nil, &exitError{exitUsage, fmt.Sprintf("no reports under %s: run the suites first (smokeproof run) or name a report with --report", filepath.Join(outDir, "reports"))}
		}
	}
	for _, r := range reports {
		if _, err := os.Stat(r); err != nil {
			return "", nil, &exitError{exitUsage, fmt.Sprintf("no report at %s: name an existing Ginkgo JSON report with --report", r)}
		}
	}
	return outDir, reports, nil
}

// attachProof annotates the plan at planPath with the run's results and prints what
// each of its bullets now says.
func attachProof(planPath, outDir string, run *report.Run, stdout io.Writer) error {
	data, err := os.ReadFile(planPath)
	if errors.Is(err, fs.ErrNotExist) {
		return &exitError{exitUsage, fmt.Sprintf("no work plan at %s: pass --plan with the path of NEXT-7D.md", planPath)}
	}
	if err != nil {
		return err
	}
	plan, err := dod.ParsePlan(planPath, data)
	if err != nil {
		return &exitError{exitFailed, fmt.Sprintf("%v; fix the plan and run again", err)}
	}
	results, err := planResults(run, filepath.Dir(planPath), outDir)
	if err != nil {
		return err
	}
	annotated, err := dod.Annotate(data, plan, results)
	if err != nil {
		return err
	}
	if bytes.Equal(annotated, data) {
		fmt.Fprintf(stdout, "smokeproof: %s is up to date\n", planPath)
	} else {
		if err := report.WriteFile(planPath, annotated); err != nil {
			return err
		}
		fmt.Fprintf(stdout, "smokeproof: %s annotated\n", planPath)
	}
	printPlan(stdout, plan, results)
	return nil
}

// planResults turns the run into the plan's results, keyed by bullet id, with links
// relative to the plan's directory. Bullets of items whose suite did not run are not
// run, with that reason; manual bullets stay manual and get no link.
func planResults(run *report.Run, planDir, outDir string) (map[string]dod.Result, error) {
	links := run.Links()
	when := ""
	if !run.Started.IsZero() {
		when = run.Started.UTC().Format("2006-01-02 15:04 UTC")
	}
	results := map[string]dod.Result{}
	inRun := map[string]bool{}
	for _, it := range run.Items {
		inRun[it.Item.ID] = true
		for _, b := range it.Bullets {
			r := dod.Result{When: when, Reason: b.Reason}
			switch b.Status {
			case report.Passed:
				r.Status, r.Reason = dod.StatusPassed, ""
			case report.Failed:
				r.Status = dod.StatusFailed
			case report.Broken:
				r.Status = dod.StatusBroken
			case report.Manual:
				results[b.Bullet.ID()] = dod.Result{Status: dod.StatusManual}
				continue
			default:
				r.Status = dod.StatusNotRun
				r.Reason = strings.TrimPrefix(strings.TrimPrefix(r.Reason, "not run on this target: "), "not run: ")
			}
			if l, ok := links[b.Bullet.ID()]; ok {
				doc, anchor, _ := strings.Cut(l, "#")
				rel, err := relPath(planDir, filepath.Join(outDir, filepath.FromSlash(doc)))
				if err != nil {
					return nil, err
				}
				r.Link = rel + "#" + anchor
			}
			results[b.Bullet.ID()] = r
		}
	}
	for _, it := range dod.Items() {
		if inRun[it.ID] {
			continue
		}
		for _, b := range it.Bullets {
			if b.Kind == dod.Manual {
				results[b.ID()] = dod.Result{Status: dod.StatusManual}
				continue
			}
			results[b.ID()] = dod.Result{Status: dod.StatusNotRun, Reason: "suites/" + it.Suite + " was not in this run"}
		}
	}
	return results, nil
}

// printPlan lists the plan's bullets that are not ✅: failed, not run, manual, and those
// no spec covers.
func printPlan(w io.Writer, plan *dod.Plan, results map[string]dod.Result) {
	counts := map[string]int{}
	var lines []string
	add := func(line int, text, status, note string) {
		counts[status]++
		if status == dod.StatusPassed {
			return
		}
		mark := map[string]string{dod.StatusFailed: "❌", dod.StatusBroken: "⚠", dod.StatusNotRun: "⏸"}[status]
		if mark == "" {
			mark = "✍"
		}
		lines = append(lines, fmt.Sprintf("  %s:%d: %s %s — %s", plan.Path, line, mark, shortText(text), note))
	}
	for _, s := range plan.Sections {
		for _, it := range s.Items {
			reg, ok := dod.Match(it)
			if !ok {
				continue
			}
			if len(it.DoD) == 0 {
				if b, ok := dod.MatchBullet(reg, it.Title); ok {
					r := results[b.ID()]
					add(it.Line, it.Title, r.Status, describe(b, r))
				}
				continue
			}
			for _, pb := range it.DoD {
				b, ok := dod.MatchBullet(reg, pb.Text)
				if !ok {
					add(pb.Line, pb.Text, dod.StatusUncovered, "manual: no spec covers it")
					continue
				}
				r := results[b.ID()]
				add(pb.Line, pb.Text, r.Status, describe(b, r))
			}
		}
	}
	fmt.Fprintf(w, "  %d ✅ · %d ❌ · %d ⚠ · %d ⏸ · %d ✍ manual (%d of them covered by no spec)\n",
		counts[dod.StatusPassed], counts[dod.StatusFailed], counts[dod.StatusBroken], counts[dod.StatusNotRun],
		counts[dod.StatusManual]+counts[dod.StatusUncovered], counts[dod.StatusUncovered])
	for _, l := range lines {
		fmt.Fprintln(w, l)
	}
}

func describe(b dod.Bullet, r dod.Result) string {
	switch r.Status {
	case dod.StatusFailed:
		return b.ID() + " failed: " + r.Reason
	case dod.StatusBroken:
		return b.ID() + " could not be checked: " + r.Reason
	case dod.StatusNotRun:
		return b.ID() + " not run: " + r.Reason
	default:
		return b.ID() + " is for people to confirm"
	}
}

func shortText(s string) string {
	r := []rune(s)
	if len(r) > 60 {
		return string(r[:59]) + "…"
	}
	return s
}

// bulletCounts summarises a run's bullets: "24 bullets: 20 ✅ · 1 ❌ · 0 ⚠ · 0 ⏸ · 3 ✍".
func bulletCounts(run *report.Run) string {
	n := map[report.Status]int{}
	total := 0
	for _, it := range run.Items {
		for _, b := range it.Bullets {
			n[b.Status]++
			total++
		}
	}
	return fmt.Sprintf("%s: %d ✅ · %d ❌ · %d ⚠ · %d ⏸ · %d ✍", plural(total, "bullet", "bullets"), n[report.Passed], n[report.Failed], n[report.Broken], n[report.NotRun], n[report.Manual])
}

func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// relPath returns target relative to dir, slash-separated, for a Markdown link.
func relPath(dir, target string) (string, error) {
	absDir, err := filepath.Abs(dir)
	if err != nil {
		return "", err
	}
	absTarget, err := filepath.Abs(target)
	if err != nil {
		return "", err
	}
	rel, err := filepath.Rel(absDir, absTarget)
	if err != nil {
		return filepath.ToSlash(absTarget), nil
	}
	return filepath.ToSlash(rel), nil
}

const verifyUsage = `Usage: smokeproof proof verify [--out DIR] [proof.json]

Recomputes the SHA-256 of every evidence file and report file proof.json records, each
relative to proof.json's directory, and names every file that changed or is missing.
Then it builds the run again from those reports and names every item result, bullet
status and spec state proof.json records differently (a status edited by hand).
proof.json defaults to <out>/proof.json.

Exit codes: 0 every digest matches and every status follows from the reports · 1 a file
changed or is missing, a status differs, or proof.json is not a smokeproof proof ·
2 no proof.json there · 3 a file could not be read.

Flags:`

func cmdProofVerify(args []string, stdout, stderr io.Writer) error {
	fl := newFlags("proof verify", stderr)
	out := fl.String("out", "", "output directory holding proof.json, when no path is given (default $SMOKE_OUT or out)")
	fl.Usage = func() {
		fmt.Fprintln(stderr, verifyUsage)
		fl.PrintDefaults()
	}
	if err := parse(fl, args); err != nil {
		return err
	}
	if fl.NArg() > 1 {
		return &exitError{exitUsage, "proof verify takes one proof.json"}
	}
	path := fl.Arg(0)
	if path == "" {
		cfg, err := loadConfig(map[string]string{"SMOKE_OUT": *out})
		if err != nil {
			return err
		}
		path = filepath.Join(cfg.OutDir(), report.ProofPath)
	}
	checked, bad, err := report.VerifyProof(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return &exitError{exitUsage, fmt.Sprintf("no proof.json at %s: name it, or write one with smokeproof run or smokeproof proof", path)}
	case err != nil && checked == 0:
		return &exitError{exitFailed, err.Error()}
	case err != nil:
		return err
	}
	if len(bad) > 0 {
		fmt.Fprintf(stdout, "smokeproof: %d of %s recorded in %s do not match:\n", len(bad), plural(checked, "file", "files"), path)
		for _, m := range bad {
			fmt.Fprintf(stdout, "  ❌ %s\n", m)
		}
		names := make([]string, len(bad))
		for i, m := range bad {
			names[i] = m.Path
		}
		return &exitError{exitFailed, fmt.Sprintf("proof does not verify: %s; re-run the suites (or smokeproof proof) to issue a new proof", strings.Join(names, ", "))}
	}
	fmt.Fprintf(stdout, "smokeproof: %s verified: %s match their SHA-256\n", path, plural(checked, "file", "files"))
	return verifyStatuses(path, stdout)
}
