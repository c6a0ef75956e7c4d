package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/report"
	"github.com/smokeproof/smokeproof/pkg/target"
)

// guards maps every fault switch the item declarations name (suites/*/item.json,
// "guards") to the DoD bullets whose specs must go red when it is on. A switch of the
// reference shop missing here, or one that turns none of its bullets red, fails the
// kill matrix.
func guards() map[string][]string {
	out := map[string][]string{}
	for _, it := range dod.Items() {
		for fault, keys := range it.Guards {
			for _, k := range keys {
				out[fault] = append(out[fault], it.ID+"."+k)
			}
		}
	}
	for _, ids := range out {
		sort.Strings(ids)
	}
	return out
}

func cmdMutants(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("mutants", stderr)
	targetName := fs.String("target", "", "embedded or containers (default $SMOKE_TARGET or embedded)")
	out := fs.String("out", "", "output directory for KILL-MATRIX.md (default $SMOKE_OUT or out)")
	workers := fs.Int("workers", 2, "fault runs at once")
	fs.Usage = func() {
		fmt.Fprintln(stderr, "Usage: smokeproof mutants [flags] [fault ...]\n\nFor each fault switch of the reference shop (all by default), runs the suite that guards it\nwith SHOP_FAULTS=<fault> and checks that the guarded DoD bullets go red, and that every spec\nproving a checked bullet is turned red by some switch; writes KILL-MATRIX.md (switch × spec,\nby bullet). A baseline run without faults must be green first. Flags:")
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	cfg, err := loadConfig(map[string]string{"SMOKE_TARGET": *targetName, "SMOKE_OUT": *out})
	if err != nil {
		return err
	}
	if cfg.Target == "live" {
		return &exitError{exitUsage, "the kill matrix needs the reference shop: use --target embedded or containers"}
	}
	Guards := guards()
	faults := fs.Args()
	subset := len(faults) > 0
	if len(faults) == 0 {
		for f := range Guards {
			faults = append(faults, f)
		}
		sort.Strings(faults)
	}
	for _, f := range faults {
		if _, ok := Guards[f]; !ok {
			return &exitError{exitUsage, fmt.Sprintf("unknown fault %q: the switches are %s", f, strings.Join(sortedKeys(Guards), ", "))}
		}
	}

	if err := preflight(ctx, cfg); err != nil {
		return err
	}
	lay, err := findLayout(config.RepoRoot())
	if err != nil {
		return err
	}
	work, err := os.MkdirTemp("", "smokeproof-mutants-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(work)
	start := time.Now()

	// Build each needed suite once (or take the precompiled one beside the executable);
	// every fault run reuses the binary.
	suites := map[string]bool{}
	for _, f := range faults {
		for _, b := range Guards[f] {
			suites[suiteOf(b)] = true
		}
	}
	bins := map[string]string{}
	if lay.binary {
		for s := range suites {
			if _, err := lay.pick([]string{s}); err != nil {
				return err
			}
			bins[s] = lay.suites[s]
		}
	} else {
		fmt.Fprintf(stdout, "mutants: building %d suite(s)\n", len(suites))
		for s := range suites {
			bins[s] = filepath.Join(work, s+".test")
			cmd := exec.CommandContext(ctx, "go", "test", "-c", "-o", bins[s], "./"+suitesDir+"/"+s)
			cmd.Dir, cmd.Stderr = lay.dir, stderr
			if err := cmd.Run(); err != nil {
				return &exitError{exitRuntime, fmt.Sprintf("build suite %s: %v", s, err)}
			}
		}
	}
	suiteDir := func(s string) string {
		if lay.binary {
			return lay.dir
		}
		return filepath.Join(lay.dir, suitesDir, s)
	}

	// Baseline: without faults every guarded bullet must pass, or a "kill" proves nothing.
	fmt.Fprintf(stdout, "mutants: baseline run without faults (%s target)\n", cfg.Target)
	var base []string
	var specs []report.KillSpec
	targets := newPools(ctx, cfg, work, max(1, *workers))
	defer targets.stop()
	err = withTarget(targets, "", func(handoff string) error {
		for _, s := range sortedSet(suites) {
			res, err := runMutant(ctx, cfg, bins[s], suiteDir(s), work, s, "", "baseline-"+s, handoff)
			if err != nil {
				return err
			}
			base = append(base, res.bullets...)
			specs = append(specs, report.KillSpecs(res.run)...)
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(base) > 0 {
		return &exitError{exitFailed, fmt.Sprintf("the baseline run without faults already fails %s: fix that first (logs in %s)", strings.Join(base, ", "), work)}
	}

	rows := make([]report.KillRow, len(faults))
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	sem := make(chan struct{}, max(1, *workers))
	for i, f := range faults {
		wg.Add(1)
		go func() {
			defer wg.Done()
			sem <- struct{}{}
			defer func() { <-sem }()
			suitesOf := map[string]bool{}
			for _, b := range Guards[f] {
				suitesOf[suiteOf(b)] = true
			}
			var killed []string
			outcomes := map[string]report.SpecOutcome{}
			err := withTarget(targets, f, func(handoff string) error {
				for _, s := range sortedSet(suitesOf) {
					res, err := runMutant(ctx, cfg, bins[s], suiteDir(s), work, s, f, f+"-"+s, handoff)
					if err != nil {
						return err
					}
					killed = append(killed, res.bullets...)
					for name, o := range report.SpecOutcomes(res.run) {
						outcomes[name] = o
					}
				}
				return nil
			})
			if err != nil {
				mu.Lock()
				firstErr = err
				mu.Unlock()
				return
			}
			sort.Strings(killed)
			rows[i] = report.KillRow{Fault: f, Killed: killed, Expected: Guards[f], Specs: outcomes}
			mu.Lock()
			verdict := "✅"
			if !covers(killed, Guards[f]) {
				verdict = "❌"
			}
			fmt.Fprintf(stdout, "mutants: %s %-30s turned red: %s\n", verdict, f, strings.Join(killed, ", "))
			mu.Unlock()
		}()
	}
	wg.Wait()
	if firstErr != nil {
		return firstErr
	}
	return writeKillMatrix(stdout, cfg.OutDir(), rows, specs, time.Since(start), subset)
}

// writeKillMatrix writes KILL-MATRIX.md into dir and judges the matrix: it fails when
// a spec that proves a checked bullet has no killing switch (a spec that cannot fail),
// or a switch leaves one of its guarded bullets green.
func writeKillMatrix(stdout io.Writer, dir string, rows []report.KillRow, specs []report.KillSpec, took time.Duration, subset bool) error {
	path := filepath.Join(dir, report.KillMatrixPath)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	if err := os.WriteFile(path, report.KillMatrix(rows, specs), 0o644); err != nil {
		return err
	}
	var weak []string
	for _, r := range rows {
		if !covers(r.Killed, r.Expected) {
			weak = append(weak, r.Fault)
		}
	}
	survivors := report.KillSurvivors(rows, specs)
	fmt.Fprintf(stdout, "mutants: %d fault switch(es), %d spec(s) in %.1f s; matrix in %s\n", len(rows), len(specs), took.Seconds(), path)
	for _, s := range specs {
		switch {
		case s.NotApplicable != "":
			fmt.Fprintf(stdout, "mutants: ➖ %s — %s\n", s.Name, s.NotApplicable)
		case s.NotRun != "":
			fmt.Fprintf(stdout, "mutants: ⏸ %s — %s\n", s.Name, s.NotRun)
		}
	}
	var problems []string
	if len(survivors) > 0 && subset {
		// A spec's killer may be a switch this run left out: only the full matrix judges
		// specs; a subset judges its switches.
		fmt.Fprintf(stdout, "mutants: %d spec(s) not turned red by these %d switch(es); only the full matrix (no switch named) judges specs\n", len(survivors), len(rows))
	}
	if len(survivors) > 0 && !subset {
		names := make([]string, len(survivors))
		for i, s := range survivors {
			names[i] = fmt.Sprintf("%q (%s)", s.Name, s.Location)
			fmt.Fprintf(stdout, "mutants: ❌ no switch turns red %s (%s)\n", s.Name, s.Location)
		}
		problems = append(problems, fmt.Sprintf("no fault switch turns red these specs: %s", strings.Join(names, "; ")))
	}
	if len(weak) > 0 {
		problems = append(problems, fmt.Sprintf("these fault switches did not turn their bullets red: %s", strings.Join(weak, ", ")))
	}
	if len(problems) > 0 {
		return &exitError{exitFailed, strings.Join(problems, "; and ") + " — a spec that cannot fail is a defect"}
	}
	return nil
}

// mutantRun is what one suite run with SHOP_FAULTS said.
type mutantRun struct {
	bullets []string // the checked DoD bullets that failed
	run     *report.Run
}

// pools hands each concurrent fault pass a target.Pool of its own: at most n are
// opened, lazily, each logging its progress to a file in work; a pool goes back after
// its pass, so the containers' database server and mail catcher serve pass after pass.
type pools struct {
	ctx   context.Context
	cfg   config.Config
	work  string
	free  chan target.Pool
	mu    sync.Mutex
	all   []target.Pool
	logs  []*os.File
	slots int // pools opened or opening
	n     int
}

func newPools(ctx context.Context, cfg config.Config, work string, n int) *pools {
	return &pools{ctx: ctx, cfg: cfg, work: work, free: make(chan target.Pool, n), n: n}
}

func (p *pools) get() (target.Pool, error) {
	select {
	case pl := <-p.free:
		return pl, nil
	default:
	}
	p.mu.Lock()
	if p.slots >= p.n {
		p.mu.Unlock()
		return <-p.free, nil
	}
	p.slots++ // taken while the pool opens (the pools open in parallel)
	n := p.slots
	p.mu.Unlock()
	logf, err := os.Create(filepath.Join(p.work, fmt.Sprintf("target-%d.log", n)))
	if err != nil {
		return nil, err
	}
	pl, err := target.OpenPool(p.ctx, p.cfg, logf)
	p.mu.Lock()
	defer p.mu.Unlock()
	p.logs = append(p.logs, logf)
	p.all = append(p.all, pl) // torn down by stop, also when it failed
	if err != nil {
		p.slots-- // not counted, so no pass waits for it
		return nil, &exitError{exitNotReady, fmt.Sprintf("the %s target could not be opened: %v (log: %s)", p.cfg.Target, err, logf.Name())}
	}
	return pl, nil
}

func (p *pools) put(pl target.Pool) { p.free <- pl }

// stop tears every pool down.
func (p *pools) stop() {
	for _, pl := range p.all {
		pl.Stop()
	}
	for _, f := range p.logs {
		f.Close()
	}
}

// withTarget opens the target with SHOP_FAULTS=fault from a pool, once for every suite
// of one fault pass, and calls f with the entry that hands it to them.
func withTarget(p *pools, fault string, f func(handoff string) error) error {
	pl, err := p.get()
	if err != nil {
		return err
	}
	defer p.put(pl)
	handoff, closeTarget, err := serveTarget(p.cfg.Target, io.Discard, func(io.Writer) (*target.Opened, error) {
		return pl.Open(p.ctx, fault)
	})
	defer closeTarget()
	if err != nil {
		return fmt.Errorf("SHOP_FAULTS=%q: %w", fault, err)
	}
	return f(handoff)
}

// runMutant runs the suite binary bin in dir with SHOP_FAULTS=fault, against the target
// handed over by handoff, and returns the checked DoD bullets that failed, with the run
// model for its specs.
func runMutant(ctx context.Context, cfg config.Config, bin, dir, work, suite, fault, name, handoff string) (mutantRun, error) {
	out := filepath.Join(work, "runs", name)
	logPath := filepath.Join(work, name+".log")
	logf, err := os.Create(logPath)
	if err != nil {
		return mutantRun{}, err
	}
	defer logf.Close()
	item := itemOfSuite(suite)
	cmd := exec.CommandContext(ctx, bin,
		"-ginkgo.label-filter=dod: containsAny {"+strings.Join(item, ", ")+"}", "-ginkgo.no-color", "-ginkgo.timeout=10m", skipUnitTests)
	cmd.Dir = dir
	cmd.Env = append(os.Environ(), "SHOP_FAULTS="+fault, "SMOKE_OUT="+out, "SMOKE_TARGET="+cfg.Target, "SMOKE_MAIL_WAIT=2s", handoff)
	cmd.Stdout, cmd.Stderr = logf, logf
	_ = cmd.Run() // a red run exits non-zero; the report says what failed
	paths, _ := filepath.Glob(filepath.Join(out, "reports", "*.json"))
	if len(paths) == 0 {
		return mutantRun{}, &exitError{exitRuntime, fmt.Sprintf("suite %s with SHOP_FAULTS=%q wrote no report: see %s", suite, fault, logPath)}
	}
	reports, err := report.ReadReports(paths...)
	if err != nil {
		return mutantRun{}, err
	}
	run, err := report.Build(reports...)
	if err != nil {
		return mutantRun{}, err
	}
	res := mutantRun{run: run}
	for _, b := range run.Failed() {
		if bl, ok := dod.Lookup(b.Bullet.ID()); ok && bl.Kind == dod.Checked {
			res.bullets = append(res.bullets, b.Bullet.ID())
		}
	}
	return res, nil
}

// sortedSet returns the members of a set, sorted.
func sortedSet(set map[string]bool) []string {
	out := make([]string, 0, len(set))
	for k := range set {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}

func suiteOf(bullet string) string {
	b := dod.MustBullet(bullet)
	it, _ := dod.LookupItem(b.Item)
	return it.Suite
}

func itemOfSuite(suite string) []string {
	var ids []string
	for _, it := range dod.Items() {
		if it.Suite == suite {
			ids = append(ids, it.ID)
		}
	}
	return ids
}

func covers(killed, expected []string) bool {
	for _, e := range expected {
		if !slices.Contains(killed, e) {
			return false
		}
	}
	return len(expected) > 0
}

func sortedKeys(m map[string][]string) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
