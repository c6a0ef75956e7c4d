package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/report"
	"github.com/smokeproof/smokeproof/pkg/shard"
)

// suitesDir is where the suites live, relative to the repository root.
const suitesDir = "suites"

func newFlags(name string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet("smokeproof "+name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	return fs
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return &exitError{exitOK, ""}
		}
		return &exitError{exitUsage, err.Error()}
	}
	return nil
}

// loadConfig reads the configuration with flag overrides applied to the environment.
func loadConfig(overrides map[string]string) (config.Config, error) {
	for k, v := range overrides {
		if v != "" {
			os.Setenv(k, v)
		}
	}
	cfg, err := config.Load(nil)
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		return cfg, &exitError{exitUsage, err.Error()}
	}
	return cfg, nil
}

func cmdRun(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("run", stderr)
	targetName := fs.String("target", "", "target: embedded, containers or live (default $SMOKE_TARGET or embedded)")
	filter := fs.String("label-filter", "", "Ginkgo label filter, e.g. 'dod: containsAny {CHECKOUT-SMOKE}'")
	out := fs.String("out", "", "output directory (default $SMOKE_OUT or out)")
	procs := fs.Int("procs", 2, "parallel Ginkgo processes per suite")
	auto := fs.Bool("p", false, "parallel Ginkgo processes per suite, as many as Ginkgo picks for this machine (ginkgo -p)")
	shardFlag := fs.String("shard", "", "run only share i of n of the specs, e.g. 2/3 (merge the shards' reports with smokeproof proof or render)")
	gh := fs.String("github", "auto", "GitHub Actions annotations and step summary: auto (when GITHUB_ACTIONS=true), on or off")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: smokeproof run [flags] [suite ...]\n\nChecks that the target is ready (exit 5 within about 2 s when it is not), runs the suites\n(all by default, or the named ones) with the pinned Ginkgo CLI — the precompiled suites\nbeside the executable after make build, else from the source tree — then prints the DoD\nbullets that did not pass. Flags:")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	var sh shard.Shard
	if *shardFlag != "" {
		var err error
		if sh, err = shard.Parse(*shardFlag); err != nil {
			return &exitError{exitUsage, err.Error()}
		}
	}
	cfg, err := loadConfig(map[string]string{"SMOKE_TARGET": *targetName, "SMOKE_OUT": *out})
	if err != nil {
		return err
	}
	ghOn, err := githubOn(*gh)
	if err != nil {
		return err
	}
	warnIgnored(cfg, stderr)
	if err := preflight(ctx, cfg); err != nil {
		return err
	}
	lay, err := findLayout(config.RepoRoot())
	if err != nil {
		return err
	}
	suites, err := lay.pick(fs.Args())
	if err != nil {
		return err
	}
	outDir := cfg.OutDir()
	if err := os.RemoveAll(filepath.Join(outDir, "reports")); err != nil {
		return err
	}
	gargs := append(slices.Clone(lay.ginkgo[1:]), "--keep-going", "--poll-progress-after=60s")
	if *auto {
		gargs = append(gargs, "-p")
	} else {
		gargs = append(gargs, fmt.Sprintf("--procs=%d", *procs))
	}
	if !lay.binary {
		gargs = append(gargs, "--compilers=2")
	}
	if *filter != "" {
		gargs = append(gargs, "--label-filter="+*filter)
	}
	if fi, err := os.Stdout.Stat(); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		gargs = append(gargs, "--no-color") // a log file, not a terminal
	}
	gargs = append(gargs, suites...)
	// TestUnit* functions in a suite package are plain unit tests (make unit runs them;
	// they may read the source tree): a run of the suites leaves them out.
	gargs = append(gargs, "--", skipUnitTests)
	how := "from source"
	if lay.binary {
		how = "precompiled"
	}
	part := ""
	if sh.Total > 1 {
		part = ", shard " + sh.String()
	}
	handoff, closeTarget, err := openTarget(ctx, cfg, stderr)
	defer closeTarget()
	if err != nil {
		return err
	}
	fmt.Fprintf(stdout, "smokeproof: running %d suite(s) (%s%s) against the %s target; output in %s\n", len(suites), how, part, cfg.Target, outDir)
	cmd := exec.CommandContext(ctx, lay.ginkgo[0], gargs...)
	cmd.Dir, cmd.Stdout, cmd.Stderr = lay.dir, stdout, stderr
	// On SIGINT Ginkgo gets to interrupt the suites and write their reports; the target
	// is torn down after it returns (closeTarget).
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = time.Minute
	cmd.Env = append(lay.env(), "SMOKE_OUT="+outDir, handoff)
	if cfg.Repo != "" && !filepath.IsAbs(cfg.Repo) {
		// Taken from the repository root by the suites, which may run elsewhere (bin/suites).
		cmd.Env = append(cmd.Env, "SMOKE_REPO="+filepath.Join(config.RepoRoot(), cfg.Repo))
	}
	if sh.Total > 0 {
		cmd.Env = append(cmd.Env, shard.Env+"="+sh.String())
	}
	runErr := cmd.Run()
	return summarize(outDir, runErr, stdout, ghOn)
}

// summarize prints the bullets that did not pass and turns the outcome into an exit code.
// With github, it first annotates the failures for GitHub Actions and writes the step
// summary.
func summarize(outDir string, runErr error, stdout io.Writer, github bool) error {
	paths, _ := filepath.Glob(filepath.Join(outDir, "reports", "*.json"))
	if len(paths) == 0 {
		if runErr != nil {
			return &exitError{exitRuntime, fmt.Sprintf("the suites did not run (%v): see the output above", runErr)}
		}
		return &exitError{exitRuntime, "the suites wrote no report: nothing was run (check the label filter)"}
	}
	reports, err := report.ReadReports(paths...)
	if err != nil {
		return err
	}
	run, err := report.Build(reports...)
	if err != nil {
		return err
	}
	defer browserHint(run, stdout) // the summary's last line
	docs, _ := run.Documents()
	fmt.Fprintln(stdout, "\nsmokeproof: documents")
	for _, d := range docs {
		fmt.Fprintf(stdout, "  %s\n", filepath.Join(outDir, d.Path))
	}
	fmt.Fprintf(stdout, "  %s\n", filepath.Join(outDir, "proof.json"))
	if github {
		githubAnnotate(stdout, run)
		if err := githubSummary(run, nil); err != nil {
			return err
		}
	}
	if err := verdict(run, stdout); err != nil {
		return err
	}
	if runErr != nil {
		return &exitError{exitFailed, fmt.Sprintf("ginkgo failed (%v) although no bullet failed: see the output above", runErr)}
	}
	fmt.Fprintln(stdout, "\nsmokeproof: every checked bullet that ran passed")
	return nil
}

// verdict prints the failed (❌) and broken (⚠) bullets of run and returns the exit
// error for them: exitFailed when a bullet failed, exitBroken when none failed but one
// broke or a suite had a problem; nil when the run is green.
func verdict(run *report.Run, stdout io.Writer) error {
	failed, broken := run.Failed(), run.Broken()
	if len(failed) > 0 {
		fmt.Fprintf(stdout, "\nsmokeproof: %d DoD bullet(s) failed:\n", len(failed))
		for _, b := range failed {
			fmt.Fprintf(stdout, "  ❌ %s — %s\n", b.Bullet.ID(), b.Reason)
		}
	}
	if len(broken) > 0 {
		fmt.Fprintf(stdout, "\nsmokeproof: %d DoD bullet(s) could not be checked (broken: for whoever runs the job, not the app's developers):\n", len(broken))
		for _, b := range broken {
			fmt.Fprintf(stdout, "  ⚠ %s — %s\n", b.Bullet.ID(), b.Reason)
		}
	}
	switch {
	case len(failed) > 0:
		return &exitError{exitFailed, ""}
	case len(broken) > 0:
		return &exitError{exitBroken, ""}
	case !run.OK():
		return &exitError{exitBroken, fmt.Sprintf("a suite-level problem: %s", strings.Join(run.Problems, "; "))}
	}
	return nil
}

func cmdRender(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("render", stderr)
	out := fs.String("out", "", "output directory (default $SMOKE_OUT or out)")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: smokeproof render [--out DIR] [report.json ...]\n\nRenders the documents and proof.json again from saved Ginkgo JSON reports\n(default: every report under <out>/reports). Flags:")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(map[string]string{"SMOKE_OUT": *out})
	if err != nil {
		return err
	}
	paths, err := reportPaths(fs.Args(), cfg, "render")
	if err != nil {
		return err
	}
	if paths, err = mergeShards(cfg.OutDir(), paths, stdout); err != nil {
		return err
	}
	// RenderFiles records the reports' digests in proof.json, so proof verify can
	// re-derive every status from them.
	if _, err := report.RenderFiles(cfg.OutDir(), paths...); err != nil {
		return err
	}
	return summarize(cfg.OutDir(), nil, stdout, false)
}

func cmdVersion(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fmt.Fprintln(stdout, config.Harness())
	return nil
}

func cmdConfig(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fmt.Fprintln(stdout, "| variable | default | meaning |")
	fmt.Fprintln(stdout, "|---|---|---|")
	for _, f := range config.Fields() {
		def := f.Default
		if def == "" {
			def = "—"
		} else {
			def = "`" + def + "`"
		}
		fmt.Fprintf(stdout, "| `%s` | %s | %s |\n", f.Env, def, f.Help)
	}
	return nil
}

// cmdFacts is `run` limited to the prodfacts suite: the team's scripts/prod-facts.sh.
func cmdFacts(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	for _, a := range args {
		if !strings.HasPrefix(a, "-") {
			return &exitError{exitUsage, fmt.Sprintf("smokeproof facts takes no suite (got %q): it runs the prodfacts suite", a)}
		}
	}
	return cmdRun(ctx, append(args, "prodfacts"), stdout, stderr)
}

// reportPaths returns the report files named on the command line, else every report
// under <out>/reports; none is a usage error saying how to get some.
func reportPaths(args []string, cfg config.Config, verb string) ([]string, error) {
	paths := args
	if len(paths) == 0 {
		paths, _ = filepath.Glob(filepath.Join(cfg.OutDir(), "reports", "*.json"))
	}
	if len(paths) == 0 {
		return nil, &exitError{exitUsage, "no reports to " + verb + ": run the suites first (make smoke) or name report files"}
	}
	return paths, nil
}
