package main

import (
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/history"
	"github.com/smokeproof/smokeproof/pkg/report"
)

// githubOn reports whether to write GitHub Actions annotations and the step summary:
// mode "auto" when GITHUB_ACTIONS=true, "on" always, "off" never.
func githubOn(mode string) (bool, error) {
	switch mode {
	case "auto", "":
		return os.Getenv("GITHUB_ACTIONS") == "true", nil
	case "on":
		return true, nil
	case "off":
		return false, nil
	}
	return false, &exitError{exitUsage, fmt.Sprintf("--github is %q: use auto, on or off", mode)}
}

// githubAnnotate prints a workflow command for every ❌ bullet (an error on the line of
// each failing spec carrying it) and every ⚠ bullet and suite-level problem (a
// warning), so GitHub shows them on the run's page and on the file.
func githubAnnotate(w io.Writer, run *report.Run) {
	for _, it := range run.Items {
		for _, b := range it.Bullets {
			cmd := map[report.Status]string{report.Failed: "error", report.Broken: "warning"}[b.Status]
			if cmd == "" || b.Bullet.Kind == dod.Derived {
				continue // a derived bullet fails because a checked one did: that one is annotated
			}
			title := fmt.Sprintf("%s %s %s", b.Status.Mark(), b.Bullet.ID(), map[string]string{"error": "failed", "warning": "broken"}[cmd])
			annotated := false
			for _, s := range b.Specs {
				if s.Failure == nil {
					continue
				}
				file, line := splitLoc(s.Location)
				fmt.Fprintf(w, "::%s file=%s,line=%d,title=%s::%s\n", cmd, ghProp(file), line, ghProp(title),
					ghData(b.Bullet.Text+" — "+s.Name+"\n"+s.Failure.Message))
				annotated = true
			}
			if !annotated {
				props := ""
				if len(b.Specs) > 0 {
					file, line := splitLoc(b.Specs[0].Location)
					props = fmt.Sprintf("file=%s,line=%d,", ghProp(file), line)
				}
				fmt.Fprintf(w, "::%s %stitle=%s::%s\n", cmd, props, ghProp(title), ghData(b.Bullet.Text+" — "+b.Reason))
			}
		}
	}
	for _, p := range run.Problems {
		fmt.Fprintf(w, "::warning title=%s::%s\n", ghProp("⚠ suite problem"), ghData(p))
	}
}

// githubSummary appends the item table (and, with a history, each item's strip) to the
// file $GITHUB_STEP_SUMMARY names; nothing when it is not set.
func githubSummary(run *report.Run, h *history.History) error {
	path := os.Getenv("GITHUB_STEP_SUMMARY")
	if path == "" {
		return nil
	}
	f, err := os.OpenFile(path, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
	if err != nil {
		return fmt.Errorf("open the step summary: %w", err)
	}
	if _, err := io.WriteString(f, summaryMarkdown(run, h)); err != nil {
		f.Close()
		return fmt.Errorf("write the step summary: %w", err)
	}
	return f.Close()
}

// summaryMarkdown is the step summary: the run's verdict, one row per item, and the
// history strips.
func summaryMarkdown(run *report.Run, h *history.History) string {
	var sb strings.Builder
	res := run.Result()
	fmt.Fprintf(&sb, "## smokeproof: %s %s\n\n", res.Mark(), res)
	started := "not started"
	if !run.Started.IsZero() {
		started = run.Started.UTC().Format("2006-01-02 15:04 UTC")
	}
	fmt.Fprintf(&sb, "%s · target %s · app %s · started %s\n\n", run.Facts.Harness, run.Facts.Target, orDash(run.AppVersion()), started)
	sb.WriteString("| Item | Result | ✅ | ❌ | ⚠ | ⏸ | ✍ | First failure |\n|---|---|--:|--:|--:|--:|--:|---|\n")
	for _, it := range run.Items {
		n := map[report.Status]int{}
		for _, b := range it.Bullets {
			n[b.Status]++
		}
		fmt.Fprintf(&sb, "| %s %s | %s %s | %d | %d | %d | %d | %d | %s |\n", it.Item.ID, mdCell(it.Item.Title), it.Result.Mark(), it.Result,
			n[report.Passed], n[report.Failed], n[report.Broken], n[report.NotRun], n[report.Manual], orDash(mdCell(it.Reason)))
	}
	sb.WriteString("\n")
	for _, p := range run.Problems {
		fmt.Fprintf(&sb, "- ⚠ suite problem: %s\n", mdText(p))
	}
	if len(run.Problems) > 0 {
		sb.WriteString("\n")
	}
	if h != nil {
		sb.WriteString("### History\n\n")
		for _, it := range run.Items {
			if strip := h.Strip(it.Item.ID); strip != "" {
				fmt.Fprintf(&sb, "#### %s\n\n%s", it.Item.ID, strip)
			}
		}
	}
	return sb.String()
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// mdText is one line of Markdown without HTML entities: "<" is escaped with a backslash.
func mdText(s string) string {
	return strings.ReplaceAll(strings.Join(strings.Fields(s), " "), "<", `\<`)
}

func mdCell(s string) string { return strings.ReplaceAll(mdText(s), "|", `\|`) }

// splitLoc splits "suites/checkout/checkout_test.go:42" into the file and the line (0
// when there is none).
func splitLoc(loc string) (string, int) {
	i := strings.LastIndex(loc, ":")
	if i < 0 {
		return loc, 0
	}
	n, err := strconv.Atoi(loc[i+1:])
	if err != nil {
		return loc, 0
	}
	return loc[:i], n
}

// ghData escapes a workflow command's message.
func ghData(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A").Replace(strings.TrimSpace(s))
}

// ghProp escapes a workflow command's property value.
func ghProp(s string) string {
	return strings.NewReplacer("%", "%25", "\r", "%0D", "\n", "%0A", ":", "%3A", ",", "%2C").Replace(s)
}
