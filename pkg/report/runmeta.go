package report

import (
	"strings"
)

// HarnessCommit returns the commit part of a harness string ("smokeproof 0.1.0
// (abc1234)" → "abc1234"), "" when it names none.
func HarnessCommit(harness string) string {
	open := strings.LastIndex(harness, "(")
	if open < 0 || !strings.HasSuffix(harness, ")") {
		return ""
	}
	c := harness[open+1 : len(harness)-1]
	if c == "unknown commit" {
		return ""
	}
	return c
}

// AppVersion returns the version the app's health endpoint reported in this run, as the
// prodfacts suite records it (" · version 1.4.2" in the details of a GET …/health
// fact); "" when no spec measured it.
func (r *Run) AppVersion() string {
	for _, it := range r.Items {
		for _, s := range it.Specs {
			for _, rec := range s.Evidence {
				f := rec.Fact
				if f == nil || !strings.Contains(f.Name, "/health") {
					continue
				}
				if _, v, ok := strings.Cut(f.Details, "version "); ok {
					v, _, _ = strings.Cut(v, " ")
					if v != "" {
						return v
					}
				}
			}
		}
	}
	return ""
}
