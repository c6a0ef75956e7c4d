package contract

// Proof is the coverage as the "contract" section of proof.json: the same facts as
// the document, for machines. Field order is the order in the file; slices are never
// null.
type Proof struct {
	Result string       `json:"result"` // "covered", "rules broken" or "gaps"
	Rules  []ProofRule  `json:"rules"`
	Routes []ProofRoute `json:"routes"`
	Gaps   []Gap        `json:"gaps"`
	Strays []Stray      `json:"strays"`
	App    *ProofApp    `json:"app,omitempty"` // only when the app's route list was given
}

// ProofRule is one rule and the specs that claim it.
type ProofRule struct {
	ID     string    `json:"id"`
	Kind   string    `json:"kind"`
	Text   string    `json:"text"`
	Routes []string  `json:"routes"`
	State  string    `json:"state"` // proven, failed, not run, no spec
	Specs  []SpecRef `json:"specs"`
}

// ProofRoute is one route and its cells.
type ProofRoute struct {
	ID                string      `json:"id"`
	Method            string      `json:"method"`
	Path              string      `json:"path"`
	Web               bool        `json:"web"`
	Owned             string      `json:"owned"`
	Exchanges         int         `json:"exchanges"`
	NonOwnerExchanges int         `json:"non_owner_exchanges"`
	Cells             []ProofCell `json:"cells"`
}

// ProofCell is one route × caller cell.
type ProofCell struct {
	Caller   string        `json:"caller"`
	Expected []int         `json:"expected"` // the statuses that prove it; empty when the contract says nothing
	Allowed  []int         `json:"allowed"`  // other statuses the contract allows
	Optional bool          `json:"optional"`
	Observed []Observation `json:"observed"`
	State    string        `json:"state"`
}

// ProofApp is the app's own route list against the run.
type ProofApp struct {
	Routes    []ProofAppRoute `json:"routes"`
	NotServed []string        `json:"not_served"`
}

// ProofAppRoute is one of the app's routes.
type ProofAppRoute struct {
	Methods        []string      `json:"methods"`
	URI            string        `json:"uri"`
	Name           string        `json:"name"`
	Action         string        `json:"action"`
	Middleware     []string      `json:"middleware"`
	Auth           bool          `json:"auth"`
	Contract       string        `json:"contract"`
	Exchanges      int           `json:"exchanges"`
	Specs          []string      `json:"specs"`
	Anonymous      []Observation `json:"anonymous"`
	AnonymousState string        `json:"anonymous_state"`
}

// Proof returns the coverage as proof.json's contract section.
func (cov *Coverage) Proof() Proof {
	gaps := cov.Gaps()
	out := Proof{Result: "gaps", Rules: []ProofRule{}, Routes: []ProofRoute{}, Gaps: gaps, Strays: []Stray{}}
	failed := false
	for _, r := range cov.Rules {
		failed = failed || r.State == RuleFailed
		out.Rules = append(out.Rules, ProofRule{ID: r.Rule.ID, Kind: r.Rule.Kind, Text: r.Rule.Text, Routes: nonNil(r.Rule.Routes),
			State: r.State, Specs: append([]SpecRef{}, r.Specs...)})
	}
	switch {
	case len(gaps) == 0 && !failed:
		out.Result = "covered"
	case len(gaps) == 0:
		out.Result = "rules broken"
	}
	for _, rc := range cov.Routes {
		pr := ProofRoute{ID: rc.Route.ID, Method: rc.Route.Method, Path: rc.Route.Path, Web: rc.Route.Web, Owned: rc.Route.Owned,
			Exchanges: rc.Exchanges, NonOwnerExchanges: rc.NonOwner, Cells: []ProofCell{}}
		for _, c := range rc.Cells {
			pc := ProofCell{Caller: string(c.Caller), Expected: []int{}, Allowed: []int{}, Observed: observations(c.Observed), State: c.State}
			if c.Expect != nil {
				pc.Expected = append(pc.Expected, c.Expect.Status...)
				pc.Allowed = append(pc.Allowed, c.Expect.Also...)
				pc.Optional = c.Expect.Optional
			}
			pr.Cells = append(pr.Cells, pc)
		}
		out.Routes = append(out.Routes, pr)
	}
	for _, s := range cov.Strays {
		s.Specs = nonNil(s.Specs)
		out.Strays = append(out.Strays, s)
	}
	if cov.App != nil {
		app := &ProofApp{Routes: []ProofAppRoute{}, NotServed: nonNil(cov.App.NotServed)}
		for _, r := range cov.App.Routes {
			app.Routes = append(app.Routes, ProofAppRoute{Methods: nonNil(r.Methods), URI: r.URI, Name: r.Name, Action: r.Action,
				Middleware: nonNil(r.Middleware), Auth: r.Auth(), Contract: r.Contract, Exchanges: r.Exchanges, Specs: nonNil(r.Specs),
				Anonymous: observations(r.Anonymous), AnonymousState: r.AnonymousState})
		}
		out.App = app
	}
	return out
}

func nonNil(s []string) []string { return append([]string{}, s...) }

func observations(obs []Observation) []Observation {
	out := make([]Observation, len(obs))
	for i, o := range obs {
		o.Specs = nonNil(o.Specs)
		out[i] = o
	}
	return out
}
