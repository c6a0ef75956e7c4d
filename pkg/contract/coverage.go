package contract

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// RuleLabel is the prefix of the Ginkgo label by which a spec claims a rule:
// "rule:orders.show.other-404".
const RuleLabel = "rule:"

// RulesFromLabels returns the rule ids a spec's labels claim, in label order.
func RulesFromLabels(labels []string) []string {
	var out []string
	for _, l := range labels {
		if id, ok := strings.CutPrefix(l, RuleLabel); ok && id != "" {
			out = append(out, id)
		}
	}
	return out
}

// Spec is what the coverage needs of one spec of a run.
type Spec struct {
	Name      string          // the spec's full text
	State     string          // Ginkgo's state: passed, failed, skipped, pending, panicked, interrupted, aborted, timedout
	Location  string          // "suites/checkout/order_test.go:42"
	Rules     []string        // the rule ids it claims (RulesFromLabels)
	Exchanges []evidence.HTTP // every HTTP exchange it recorded
}

// SpecRef names a spec in the coverage.
type SpecRef struct {
	Name     string `json:"name"`
	State    string `json:"state"`
	Location string `json:"location"`
}

// Outcome is what a spec's state means for the rules it claims.
func outcome(state string) string {
	switch state {
	case "passed":
		return "passed"
	case "failed", "panicked", "interrupted", "aborted", "timedout":
		return "failed"
	}
	return "not run"
}

// Rule states.
const (
	RuleProven = "proven"  // a claiming spec passed and none failed
	RuleFailed = "failed"  // a claiming spec failed: the app broke the rule
	RuleNotRun = "not run" // claimed, but no claiming spec ran in this run
	RuleNoSpec = "no spec" // no spec claims it
)

// RuleCoverage is one rule and the specs that claim it.
type RuleCoverage struct {
	Rule  Rule
	State string    // RuleProven, RuleFailed, RuleNotRun or RuleNoSpec
	Specs []SpecRef // sorted by name, then location
}

// Cell states.
const (
	CellProven       = "proven"        // a proving status was seen and nothing the contract forbids
	CellMismatch     = "mismatch"      // a status the contract does not allow this caller was seen
	CellUnproven     = "unproven"      // tried, but only with allowed statuses that do not prove the cell (a 422, a 404)
	CellNotExercised = "not exercised" // required, never tried
	CellOptional     = "optional"      // the contract allows it, nobody has to try it, nobody did
	CellUnstated     = "unstated"      // tried, but the contract says nothing for this caller
)

// Observation is one status seen in a cell.
type Observation struct {
	Status int      `json:"status"`
	Count  int      `json:"count"`
	Specs  []string `json:"specs"` // names of the specs that saw it, sorted
}

// Cell is one route × caller cell: what the contract expects and what the run saw.
type Cell struct {
	Route    string
	Caller   Caller
	Expect   *Expect // nil when the contract says nothing for this caller
	Observed []Observation
	State    string // one of the Cell* states
}

// RouteCoverage is one route, how often it was exercised and its cells.
type RouteCoverage struct {
	Route     Route
	Exchanges int
	NonOwner  int    // exchanges in an other's-rows column (a signed-in caller on another user's row)
	Cells     []Cell // in Callers() order; only cells with an expectation or an observation
}

// Cell returns the cell of caller, if the route has one.
func (r RouteCoverage) Cell(c Caller) (Cell, bool) {
	for _, cell := range r.Cells {
		if cell.Caller == c {
			return cell, true
		}
	}
	return Cell{}, false
}

// Stray is a recorded exchange the coverage could not place.
type Stray struct {
	Method string   `json:"method"`
	Path   string   `json:"path"`   // normalized, without the query
	Caller string   `json:"caller"` // the recorded caller name
	Reason string   `json:"reason"` // "no route of the contract", "unknown caller class"
	Count  int      `json:"count"`
	Specs  []string `json:"specs"`
}

// Coverage is the traceability matrix of one run: every rule with the specs that
// claim it, every route × caller cell with expected and observed statuses, and, when
// given, the app's own routes.
type Coverage struct {
	Callers   []Caller
	Rules     []RuleCoverage  // contract order
	Routes    []RouteCoverage // contract order
	Strays    []Stray         // sorted by path, method, caller, reason
	App       *AppCoverage    // nil when no app route list was given
	Specs     int
	Exchanges int

	hollow []Gap // passed specs claiming a rule whose routes they never called
}

// Builder collects the specs of a run and builds their Coverage.
type Builder struct {
	c     *Contract
	specs []Spec
	app   []AppRoute
	has   bool
}

// NewBuilder returns a builder of the coverage of c.
func NewBuilder(c *Contract) *Builder { return &Builder{c: c} }

// Add adds one spec. It returns an error naming every rule id the spec claims that the
// contract does not have (the spec is still added, without those claims).
func (b *Builder) Add(s Spec) error {
	var errs []error
	var known []string
	for _, id := range s.Rules {
		if _, ok := b.c.Rule(id); !ok {
			errs = append(errs, fmt.Errorf("spec %q claims rule %q, which the contract does not have", s.Name, id))
			continue
		}
		if !slices.Contains(known, id) {
			known = append(known, id)
		}
	}
	s.Rules = known
	s.Exchanges = append([]evidence.HTTP(nil), s.Exchanges...)
	b.specs = append(b.specs, s)
	return errors.Join(errs...)
}

// AddApp gives the builder the app's own route list (ParseAppRoutes), so the coverage
// reports the app's routes no spec exercised.
func (b *Builder) AddApp(routes []AppRoute) {
	b.app = append(b.app, routes...)
	b.has = true
}

type cellKey struct {
	route  string
	caller Caller
}

// Build returns the coverage of every spec added so far.
func (b *Builder) Build() *Coverage {
	cov := &Coverage{Callers: Callers(), Specs: len(b.specs)}
	claims := map[string][]SpecRef{}
	obs := map[cellKey]map[int]*Observation{}
	perRoute := map[string]int{}
	nonOwner := map[string]int{}
	strays := map[strayKey]*Stray{}
	var hits []hit
	m := matcher{c: b.c, seen: map[[2]string]string{}}

	for _, s := range b.specs {
		ref := SpecRef{Name: s.Name, State: s.State, Location: s.Location}
		for _, id := range s.Rules {
			claims[id] = append(claims[id], ref)
		}
		for _, h := range s.Exchanges {
			if h.Status == 0 {
				continue // a transport error: the app answered nothing
			}
			cov.Exchanges++
			hits = append(hits, hit{method: strings.ToUpper(h.Method), path: Normalize(h.Path), class: classOf(h), spec: s.Name, status: h.Status})
			if h.Degraded {
				continue // the harness had taken the database away: not the route's normal answer
			}
			id, ok := m.match(h.Method, h.Path)
			if !ok {
				addStray(strays, h, "no route of the contract", s.Name)
				continue
			}
			perRoute[id]++
			r, _ := b.c.Route(id)
			caller, ok := column(r, classOf(h), h.Rows)
			if !ok {
				addStray(strays, h, "unknown caller class", s.Name)
				continue
			}
			if caller.Other() {
				nonOwner[id]++ // an anonymous caller is no non-owner: it is refused before any row is read
			}
			k := cellKey{id, caller}
			if obs[k] == nil {
				obs[k] = map[int]*Observation{}
			}
			o := obs[k][h.Status]
			if o == nil {
				o = &Observation{Status: h.Status}
				obs[k][h.Status] = o
			}
			o.Count++
			if !slices.Contains(o.Specs, s.Name) {
				o.Specs = append(o.Specs, s.Name)
			}
		}
	}

	for _, rule := range b.c.Rules {
		refs := claims[rule.ID]
		sort.SliceStable(refs, func(i, j int) bool {
			if refs[i].Name != refs[j].Name {
				return refs[i].Name < refs[j].Name
			}
			return refs[i].Location < refs[j].Location
		})
		rc := RuleCoverage{Rule: rule, Specs: append([]SpecRef{}, refs...), State: RuleNoSpec}
		if len(refs) > 0 {
			rc.State = RuleNotRun
		}
		for _, ref := range refs {
			switch outcome(ref.State) {
			case "failed":
				rc.State = RuleFailed
			case "passed":
				if rc.State != RuleFailed {
					rc.State = RuleProven
				}
			}
		}
		cov.Rules = append(cov.Rules, rc)
	}

	for _, r := range b.c.Routes {
		rc := RouteCoverage{Route: r, Exchanges: perRoute[r.ID], NonOwner: nonOwner[r.ID]}
		for _, caller := range cov.Callers {
			var exp *Expect
			if e, ok := r.Expect[caller]; ok {
				exp = &e
			}
			seen := obs[cellKey{r.ID, caller}]
			if exp == nil && len(seen) == 0 {
				continue
			}
			cell := Cell{Route: r.ID, Caller: caller, Expect: exp, Observed: []Observation{}}
			for _, o := range seen {
				sort.Strings(o.Specs)
				cell.Observed = append(cell.Observed, *o)
			}
			sort.Slice(cell.Observed, func(i, j int) bool { return cell.Observed[i].Status < cell.Observed[j].Status })
			cell.State = cellState(exp, cell.Observed)
			rc.Cells = append(rc.Cells, cell)
		}
		cov.Routes = append(cov.Routes, rc)
	}

	for _, s := range strays {
		sort.Strings(s.Specs)
		cov.Strays = append(cov.Strays, *s)
	}
	sort.Slice(cov.Strays, func(i, j int) bool {
		a, b := cov.Strays[i], cov.Strays[j]
		return fmt.Sprint(a.Path, "\x00", a.Method, "\x00", a.Caller, "\x00", a.Reason) < fmt.Sprint(b.Path, "\x00", b.Method, "\x00", b.Caller, "\x00", b.Reason)
	})

	if b.has {
		cov.App = appCoverage(b.c, b.app, hits)
	}
	cov.hollow = hollowClaims(&m, b.specs)
	return cov
}

// hollowClaims finds passed specs that claim a rule about routes but called none of
// them: a claim the run's evidence does not back.
func hollowClaims(m *matcher, specs []Spec) []Gap {
	c := m.c
	var out []Gap
	for _, rule := range c.Rules {
		if len(rule.Routes) == 0 {
			continue
		}
		var names []string
		for _, s := range specs {
			if outcome(s.State) != "passed" || !slices.Contains(s.Rules, rule.ID) {
				continue
			}
			called := false
			for _, h := range s.Exchanges {
				if id, ok := m.match(h.Method, h.Path); ok && h.Status != 0 && slices.Contains(rule.Routes, id) {
					called = true
					break
				}
			}
			if !called && !slices.Contains(names, s.Name) {
				names = append(names, s.Name)
			}
		}
		sort.Strings(names)
		for _, n := range names {
			out = append(out, Gap{Kind: GapHollowClaim, Subject: rule.ID,
				Detail: fmt.Sprintf("spec %q passed claiming it but called none of its routes (%s)", n, strings.Join(rule.Routes, ", "))})
		}
	}
	return out
}

// matcher remembers the route of each method and path a Build has seen: a run calls
// the same few paths thousands of times.
type matcher struct {
	c    *Contract
	seen map[[2]string]string // "" when no route matches
}

func (m *matcher) match(method, path string) (string, bool) {
	k := [2]string{method, path}
	id, ok := m.seen[k]
	if !ok {
		id, _ = m.c.Match(method, path)
		m.seen[k] = id
	}
	return id, id != ""
}

// hit is one exchange, normalized, for matching against the app's routes.
type hit struct {
	method, path, class, spec string
	status                    int
}

func classOf(h evidence.HTTP) string {
	if h.CallerClass != "" {
		return h.CallerClass
	}
	return evidence.GuessClass(h.Caller)
}

type strayKey struct{ method, path, caller, reason string }

func addStray(m map[strayKey]*Stray, h evidence.HTTP, reason, spec string) {
	k := strayKey{strings.ToUpper(h.Method), Normalize(h.Path), h.Caller, reason}
	s := m[k]
	if s == nil {
		s = &Stray{Method: k.method, Path: k.path, Caller: k.caller, Reason: k.reason, Specs: []string{}}
		m[k] = s
	}
	s.Count++
	if !slices.Contains(s.Specs, spec) {
		s.Specs = append(s.Specs, spec)
	}
}

func cellState(exp *Expect, seen []Observation) string {
	if len(seen) == 0 {
		if exp.Optional {
			return CellOptional
		}
		return CellNotExercised
	}
	if exp == nil {
		return CellUnstated
	}
	proven := false
	for _, o := range seen {
		if !exp.Allows(o.Status) {
			return CellMismatch
		}
		proven = proven || exp.Proves(o.Status)
	}
	if proven {
		return CellProven
	}
	return CellUnproven
}
