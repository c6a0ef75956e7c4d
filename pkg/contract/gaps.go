package contract

import (
	"fmt"
	"strings"
)

// Gap is one thing the run left unproven. Kind is one of the Gap* constants; Subject is
// the rule id, route id, "route id × caller" or app route it is about.
type Gap struct {
	Kind    string `json:"kind"`
	Subject string `json:"subject"`
	Detail  string `json:"detail"`
}

func (g Gap) String() string { return g.Kind + ": " + g.Subject + " — " + g.Detail }

// Gap kinds, in the order Gaps lists them.
const (
	GapRuleNoSpec          = "rule without spec"                // no spec claims the rule
	GapRuleNotRun          = "rule not run"                     // claimed, but no claiming spec ran
	GapHollowClaim         = "claim without exchange"           // a passed spec claims a rule about routes it never called
	GapRouteNotExercised   = "route never exercised"            // no exchange hit the route
	GapNoNonOwner          = "route never tried by a non-owner" // a route over user-owned rows no caller tried on another's row
	GapCellNotExercised    = "cell not exercised"               // a required route × caller cell nobody tried
	GapCellUnproven        = "cell not proven"                  // tried, but the status that proves it was never seen
	GapCellMismatch        = "cell observed ≠ expected"         // a status the contract does not allow that caller
	GapAppRouteUnexercised = "app route never exercised"        // a route the app lists that no exchange hit
	GapAppAuthNot401       = "auth route not proven 401"        // an app route behind auth:* not seen answering 401 to an anonymous caller
)

// Gaps returns everything the run left unproven, in a fixed order: by kind (the order
// of the Gap* constants), then in contract order (rules, routes, callers) or the app's
// route order. A rule a spec proved failing is a finding, not a gap: see Rules.
func (cov *Coverage) Gaps() []Gap {
	var noSpec, notRun, route, nonOwner, cellNot, cellUnproven, cellBad, app, auth []Gap
	for _, r := range cov.Rules {
		switch r.State {
		case RuleNoSpec:
			noSpec = append(noSpec, Gap{GapRuleNoSpec, r.Rule.ID, "no spec claims it (label " + RuleLabel + r.Rule.ID + ")"})
		case RuleNotRun:
			notRun = append(notRun, Gap{GapRuleNotRun, r.Rule.ID, fmt.Sprintf("claimed by %s, none of which ran", specList(r.Specs))})
		}
	}
	for _, rc := range cov.Routes {
		id := rc.Route.ID
		if rc.Exchanges == 0 {
			route = append(route, Gap{GapRouteNotExercised, id, rc.Route.Method + " " + rc.Route.Path + ": no spec called it"})
		}
		if rc.Route.Owned != "" && rc.NonOwner == 0 {
			nonOwner = append(nonOwner, Gap{GapNoNonOwner, id, fmt.Sprintf("%s %s acts on one %s row; no caller marked as acting on another user's row tried it", rc.Route.Method, rc.Route.Path, rc.Route.Owned)})
		}
		for _, c := range rc.Cells {
			subject := id + " × " + string(c.Caller)
			switch c.State {
			case CellNotExercised:
				cellNot = append(cellNot, Gap{GapCellNotExercised, subject, "expected " + c.Expect.String() + "; no spec tried it"})
			case CellUnproven:
				if !c.Expect.Optional {
					cellUnproven = append(cellUnproven, Gap{GapCellUnproven, subject, "expected " + c.Expect.String() + "; only " + statuses(c.Observed) + " seen"})
				}
			case CellMismatch:
				var bad []Observation
				for _, o := range c.Observed {
					if !c.Expect.Allows(o.Status) {
						bad = append(bad, o)
					}
				}
				cellBad = append(cellBad, Gap{GapCellMismatch, subject, "expected " + c.Expect.String() + "; observed " + statuses(bad) + " in " + specNames(bad)})
			}
		}
	}
	if cov.App != nil {
		for _, r := range cov.App.Routes {
			if r.Exchanges == 0 {
				app = append(app, Gap{GapAppRouteUnexercised, r.String(), "the app serves it; no spec called it"})
			}
			if r.Auth() && r.AnonymousState != CellProven {
				detail := "no anonymous call was made"
				if len(r.Anonymous) > 0 {
					detail = "an anonymous caller got " + statuses(r.Anonymous)
				}
				auth = append(auth, Gap{GapAppAuthNot401, r.String(), "behind " + strings.Join(r.authMiddleware(), ", ") + ", expected 401: " + detail})
			}
		}
	}
	out := []Gap{}
	for _, g := range [][]Gap{noSpec, notRun, cov.hollow, route, nonOwner, cellNot, cellUnproven, cellBad, app, auth} {
		out = append(out, g...)
	}
	return out
}

func specList(refs []SpecRef) string {
	parts := make([]string, len(refs))
	for i, r := range refs {
		parts[i] = fmt.Sprintf("%q (%s)", r.Name, r.State)
	}
	return strings.Join(parts, ", ")
}

// statuses returns "200 ×2, 422".
func statuses(obs []Observation) string {
	parts := make([]string, len(obs))
	for i, o := range obs {
		parts[i] = fmt.Sprint(o.Status)
		if o.Count > 1 {
			parts[i] += fmt.Sprintf(" ×%d", o.Count)
		}
	}
	return strings.Join(parts, ", ")
}

func specNames(obs []Observation) string {
	var names []string
	for _, o := range obs {
		for _, s := range o.Specs {
			if !contains(names, s) {
				names = append(names, s)
			}
		}
	}
	return strings.Join(names, "; ")
}

func contains(list []string, s string) bool {
	for _, x := range list {
		if x == s {
			return true
		}
	}
	return false
}

// GapsOf returns the gaps of the given kinds, in Gaps order: a self-test over the
// spec tree alone (no run, so no exchanges) asks for GapRuleNoSpec only.
func (cov *Coverage) GapsOf(kinds ...string) []Gap {
	out := []Gap{}
	for _, g := range cov.Gaps() {
		if contains(kinds, g.Kind) {
			out = append(out, g)
		}
	}
	return out
}
