package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"sync"
	"time"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/target"

	// The drivers register themselves with target.Register: run and mutants open the
	// target once and hand it to every suite process (target.HandoffEnv).
	_ "github.com/smokeproof/smokeproof/pkg/target/containers"
	_ "github.com/smokeproof/smokeproof/pkg/target/embedded"
	_ "github.com/smokeproof/smokeproof/pkg/target/live"
)

// opened is a target this process opened for a run, served to the suite processes.
type opened struct {
	w       io.Writer
	target  *target.Opened
	handoff *target.Handoff
}

// openTarget opens the configured target once for the whole run (progress lines go to
// w) and serves it to the suites; the environment entry returned is what their
// processes need to attach. A target that cannot be opened is "not ready" (exit 5).
// close is never nil and tears everything down; call it also on error.
func openTarget(ctx context.Context, cfg config.Config, w io.Writer) (env string, close func(), err error) {
	fmt.Fprintf(w, "smokeproof: opening the %s target once for the run\n", cfg.Target)
	return serveTarget(cfg.Target, w, func(progress io.Writer) (*target.Opened, error) {
		return target.Open(ctx, cfg, progress)
	})
}

// serveTarget opens a target with open and serves it to the suites (see openTarget).
func serveTarget(kind string, w io.Writer, open func(progress io.Writer) (*target.Opened, error)) (env string, close func(), err error) {
	t0 := time.Now()
	pw, flush := prefixed(w, "smokeproof:   ")
	o, err := open(pw)
	flush()
	op := &opened{w: w, target: o}
	if err != nil {
		op.close()
		return "", func() {}, &exitError{exitNotReady, fmt.Sprintf("the %s target could not be opened: %v", kind, err)}
	}
	h, err := target.ServeHandoff(o)
	if err != nil {
		op.close()
		return "", func() {}, &exitError{exitRuntime, err.Error()}
	}
	op.handoff = h
	fmt.Fprintf(w, "smokeproof: %s target ready in %s\n", kind, time.Since(t0).Round(10*time.Millisecond))
	return target.HandoffEnv + "=" + h.URL, op.close, nil
}

func (o *opened) close() {
	if o.handoff != nil {
		o.handoff.Close()
	}
	if err := o.target.Stop(); err != nil {
		fmt.Fprintf(o.w, "smokeproof: stopping the target: %v\n", err)
	}
}

// prefixed returns a writer that writes each line to w behind prefix, and a flush for
// the last unterminated line.
func prefixed(w io.Writer, prefix string) (io.Writer, func()) {
	pr, pw := io.Pipe()
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(pr)
		for sc.Scan() {
			fmt.Fprintf(w, "%s%s\n", prefix, sc.Text())
		}
		io.Copy(io.Discard, pr)
	}()
	return pw, func() { pw.Close(); wg.Wait() }
}
