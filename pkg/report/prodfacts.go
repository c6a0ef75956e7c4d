package report

import (
	"fmt"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// contentPrefix marks a fact as a Content Verification row of the prod-facts page.
const contentPrefix = "content:"

// prodFactsHead writes the team's own page: title, Last Updated, Status, Endpoint
// Status and Content Verification, all from the facts the run measured.
func (v *view) prodFactsHead() {
	var endpoints, content []*evidence.Fact
	for _, s := range v.it.Specs {
		for _, rec := range s.Evidence {
			if rec.Fact == nil {
				continue
			}
			if strings.HasPrefix(strings.ToLower(rec.Fact.Name), contentPrefix) {
				content = append(content, rec.Fact)
			} else {
				endpoints = append(endpoints, rec.Fact)
			}
		}
	}
	v.d.heading(1, "PROD FACTS - Last Check", "")
	v.d.para("> Rendered by smokeproof from the run below; re-run instead of editing.")
	v.d.para("**Last Updated**: " + utc(v.it.Started))

	var bad []*evidence.Fact
	for _, f := range append(append([]*evidence.Fact(nil), endpoints...), content...) {
		if !f.OK {
			bad = append(bad, f)
		}
	}
	failedBullets := 0
	notRun := ""
	for _, b := range v.it.Bullets {
		switch b.Status {
		case Failed, Broken:
			failedBullets++
		case NotRun:
			if notRun == "" {
				notRun = b.Reason
			}
		}
	}
	switch {
	case len(bad) > 0 || failedBullets > 0 || len(v.it.Problems) > 0:
		v.d.para("**Status**: ❌ ISSUES DETECTED")
		for _, f := range bad {
			name, _ := strings.CutPrefix(f.Name, contentPrefix)
			v.d.line(fmt.Sprintf("- %s: %s — %s", esc(strings.TrimSpace(name)), esc(f.Status), esc(f.Details)))
		}
		if len(bad) == 0 {
			v.d.line("- " + esc(orDefault(v.it.Reason, "a suite-level step failed (see Run below)")))
		}
		v.d.line("")
	case notRun != "" || len(endpoints)+len(content) == 0:
		v.d.para("**Status**: ⏸ NOT CHECKED — " + esc(orDefault(notRun, "no fact was measured in this run")))
	default:
		v.d.para("**Status**: ✅ ALL SYSTEMS OPERATIONAL")
	}

	v.d.heading(2, "Endpoint Status", "")
	if len(endpoints) == 0 {
		v.d.para("No endpoint was measured in this run.")
	} else {
		v.d.table([]string{"Endpoint", "Status", "Time", "Details"}, factRows(endpoints))
	}
	v.d.heading(2, "Content Verification", "")
	if len(content) == 0 {
		v.d.para("No content check ran in this run.")
	} else {
		v.d.table([]string{"Check", "Status", "Time", "Details"}, factRows(content))
	}
}
