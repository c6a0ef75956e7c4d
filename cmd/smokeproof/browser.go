package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/browser"
	"github.com/smokeproof/smokeproof/pkg/report"
)

// browserHint prints one line on how to install Chromium when a bullet was not run
// because SMOKE_BROWSER=auto found none.
func browserHint(run *report.Run, w io.Writer) {
	for _, it := range run.Items {
		for _, b := range it.Bullets {
			if b.Status != report.NotRun {
				continue
			}
			missing := strings.Contains(b.Reason, browser.NotFoundReason)
			for _, s := range b.Specs {
				missing = missing || strings.Contains(s.Reason, browser.NotFoundReason)
			}
			if missing {
				fmt.Fprintf(w, "\nsmokeproof: ⏸ %s was not run: %s; %s\n", b.Bullet.ID(), browser.NotFoundReason, browser.InstallHint)
				return
			}
		}
	}
}
