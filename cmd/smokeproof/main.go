// Command smokeproof runs the DoD suites, renders documents from their reports, attaches
// proof to the work plan and checks the plan's rules. Run `smokeproof help` for usage.
package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/signal"
	"syscall"

	// Every item declared under suites/ (item.json) is known to the CLI.
	_ "github.com/smokeproof/smokeproof/suites"
)

// exitError carries a process exit code through Run.
type exitError struct {
	code int
	msg  string
}

func (e *exitError) Error() string { return e.msg }

// Exit codes (documented in `smokeproof help`).
const (
	exitOK       = 0
	exitFailed   = 1 // a bullet failed, a lint rule broke, a digest did not verify
	exitUsage    = 2 // bad command line or configuration
	exitRuntime  = 3 // the run could not happen (tool missing, I/O)
	exitBroken   = 4 // no bullet failed, but one could not be checked (⚠ broken)
	exitNotReady = 5 // the target is not ready: site or database not answering, no Docker, image missing, unknown fault switch
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	err := Run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	if err == nil {
		return
	}
	var ee *exitError
	if errors.As(err, &ee) {
		if ee.msg != "" {
			fmt.Fprintln(os.Stderr, "smokeproof:", ee.msg)
		}
		os.Exit(ee.code)
	}
	fmt.Fprintln(os.Stderr, "smokeproof:", err)
	os.Exit(exitRuntime)
}

type command struct {
	name, args, summary string
	run                 func(ctx context.Context, args []string, stdout, stderr io.Writer) error
}

func commands() []command {
	return []command{
		{"run", "[--target T] [--label-filter F] [--out DIR] [-p|--procs N] [--shard i/n] [suite ...]", "check the target, run the suites with the pinned Ginkgo (precompiled beside bin/smokeproof, else from source) and render the documents", cmdRun},
		{"facts", "[--target T] [--out DIR]", "measure the site (health and its database, products API, pages, login redirect, TLS) and write docs/OPS/PROD-FACTS-LAST.md", cmdFacts},
		{"render", "[--out DIR] [report.json ...]", "render the documents and proof.json again from saved reports (merging the reports of shards)", cmdRender},
		{"coverage", "[--check] [--out DIR] [report.json ...]", "print what the run left unproven against the contract; --check exits 1 on any gap", cmdCoverage},
		{"proof", "[--plan FILE] [--report FILE] [--out DIR] [--history DIR]", "write proof.json and attach each DoD bullet's status and link to the work plan (merging the reports of shards)", cmdProof},
		{"proof", "verify [proof.json]", "re-check the SHA-256 of every evidence and report file proof.json records", cmdProof},
		{"history", "[--out DIR] [--runs N] DIR", "render docs/TESTS/HISTORY.md and its chart from a folder of earlier runs' proof.json", cmdHistory},
		{"lint", "[PLAN ...]", "check the work plan's rules: one WIP item, at most 3 NEXT, a DoD on each, dated DONE entries", cmdLint},
		{"mutants", "[--target T] [--out DIR] [fault ...]", "the kill matrix: turn on each fault switch of the reference shop and check its spec goes red", cmdMutants},
		{"config", "", "list every configuration variable with its default and meaning", cmdConfig},
		{"version", "", "print the harness version", cmdVersion},
	}
}

// Run runs the command line args and returns an *exitError for non-zero exits.
func Run(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] == "help" || args[0] == "-h" || args[0] == "--help" {
		usage(stdout)
		return nil
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, args[1:], stdout, stderr)
		}
	}
	usage(stderr)
	return &exitError{exitUsage, fmt.Sprintf("unknown command %q: see the list above", args[0])}
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "smokeproof — turns a Definition of Done into runnable proof.")
	fmt.Fprintln(w, "\nUsage:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  smokeproof %-8s %s\n      %s\n", c.name, c.args, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --help. Configuration comes from SMOKE_* variables: see docs/running.md.")
	fmt.Fprintln(w, "\nExit codes: 0 all proven · 1 a bullet failed (❌; or a lint rule, or a digest) · 2 bad usage or configuration · 3 the run could not happen · 4 no bullet failed but one could not be checked (⚠ broken) · 5 the target is not ready (checked before any suite starts).")
}
