package contract

import "sort"

// Exemption is a rule of the contract that no spec of this harness proves, and why.
type Exemption struct {
	Rule   string `json:"rule"`
	Reason string `json:"reason"`
	// Pending marks a rule a spec will prove once the thing it needs exists (a page
	// another change adds); otherwise no black-box spec can prove it at all.
	Pending bool `json:"pending"`
}

// exemptions are the rules without a spec, each with its reason. The suite-tree
// self-test accepts no other rule without a spec, and fails when an exempted rule
// gains one (the exemption is then stale). The coverage document lists them.
var exemptions = []Exemption{
	{Rule: "email.log-mailer", Reason: "only an app configured with Laravel's log mailer writes the log record; the embedded and containers targets send over SMTP (sink, Mailpit), and a live site's mailer is its own"},
}

// Exemptions returns the rules no spec proves, with the reason, sorted by rule id.
func Exemptions() []Exemption {
	out := append([]Exemption(nil), exemptions...)
	sort.Slice(out, func(i, j int) bool { return out[i].Rule < out[j].Rule })
	return out
}

// Exempt returns the exemption of a rule, if it has one.
func Exempt(rule string) (Exemption, bool) {
	for _, e := range exemptions {
		if e.Rule == rule {
			return e, true
		}
	}
	return Exemption{}, false
}

// pendingRoutes are routes of the contract the reference shop does not serve yet, with
// the reason: `smokeproof coverage --check` reports their gaps as pending instead of
// failing, and the coverage document still shows them in red. Remove a route here
// when its spec lands.
var pendingRoutes = map[string]string{}

// PendingRoute returns why a route is pending, if it is.
func PendingRoute(id string) (string, bool) {
	why, ok := pendingRoutes[id]
	return why, ok
}

// PendingRoutes returns the pending route ids, sorted.
func PendingRoutes() []string {
	out := make([]string, 0, len(pendingRoutes))
	for id := range pendingRoutes {
		out = append(out, id)
	}
	sort.Strings(out)
	return out
}
