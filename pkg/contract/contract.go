package contract

import (
	"fmt"
	"net/url"
	"strings"
	"sync"
)

// Contract is the marketplace contract as data: its routes and its rules, each with a
// stable id, in the order the contract states them.
type Contract struct {
	Routes []Route
	Rules  []Rule

	routeIdx map[string]int
	ruleIdx  map[string]int

	mu   sync.Mutex
	segs map[string][]string // split route templates, by template
}

var marketplace = sync.OnceValues(func() (*Contract, error) {
	routes, err := buildRoutes()
	if err != nil {
		return nil, err
	}
	rules, err := buildRules(routes)
	if err != nil {
		return nil, err
	}
	return newContract(routes, rules), nil
})

// Marketplace returns the marketplace contract (MARKETPLACE-API.md, plus the browser
// checkout pages of issue 11). Each call returns a fresh copy, safe to change. It
// panics only if the package's own tables are malformed, which its tests rule out.
func Marketplace() *Contract {
	c, err := marketplace()
	if err != nil {
		panic("contract tables: " + err.Error())
	}
	routes := make([]Route, len(c.Routes))
	for i, r := range c.Routes {
		r.Expect = cloneExpect(r.Expect)
		routes[i] = r
	}
	rules := make([]Rule, len(c.Rules))
	for i, r := range c.Rules {
		r.Routes = append([]string{}, r.Routes...)
		rules[i] = r
	}
	return newContract(routes, rules)
}

func cloneExpect(m map[Caller]Expect) map[Caller]Expect {
	out := make(map[Caller]Expect, len(m))
	for k, e := range m {
		e.Status = append([]int(nil), e.Status...)
		e.Also = append([]int(nil), e.Also...)
		out[k] = e
	}
	return out
}

func newContract(routes []Route, rules []Rule) *Contract {
	c := &Contract{Routes: routes, Rules: rules, routeIdx: map[string]int{}, ruleIdx: map[string]int{}, segs: map[string][]string{}}
	for i, r := range routes {
		c.routeIdx[r.ID] = i
	}
	for i, r := range rules {
		c.ruleIdx[r.ID] = i
	}
	return c
}

// Route returns the route with the given id.
func (c *Contract) Route(id string) (Route, bool) {
	i, ok := c.routeIdx[id]
	if !ok {
		return Route{}, false
	}
	return c.Routes[i], true
}

// Rule returns the rule with the given id.
func (c *Contract) Rule(id string) (Rule, bool) {
	i, ok := c.ruleIdx[id]
	if !ok {
		return Rule{}, false
	}
	return c.Rules[i], true
}

// APIPrefix is the path prefix of the API; market clients record paths below it
// ("/v1/orders/7", "/health").
const APIPrefix = "/api"

// Normalize returns the path of a recorded exchange as the contract writes it: host,
// query and fragment dropped, the API prefix added to paths recorded below it
// ("/v1/orders/7" → "/api/v1/orders/7", "/health" → "/api/health"), a trailing slash
// dropped.
func Normalize(path string) string {
	if strings.Contains(path, "://") {
		if u, err := url.Parse(path); err == nil && u.Host != "" {
			path = u.EscapedPath()
		}
	}
	if i := strings.IndexAny(path, "?#"); i >= 0 {
		path = path[:i]
	}
	if !strings.HasPrefix(path, "/") {
		path = "/" + path
	}
	if len(path) > 1 {
		path = strings.TrimRight(path, "/")
	}
	if strings.HasPrefix(path, "/v1/") || path == "/v1" || path == "/health" || path == "/healthz" {
		path = APIPrefix + path
	}
	return path
}

// Match returns the id of the route a request hits: method (HEAD matches a GET route)
// and path (see Normalize; a {name} segment of a template matches any one segment, and
// a literal segment wins over a parameter). ok is false when no route matches.
func (c *Contract) Match(method, path string) (id string, ok bool) {
	segs := split(Normalize(path))
	method = strings.ToUpper(method)
	best, bestScore := "", -1
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, try := range []string{method, "GET"} {
		for _, r := range c.Routes {
			if r.Method != try {
				continue
			}
			if score, hit := matchTemplate(c.template(r.Path), segs); hit && score > bestScore {
				best, bestScore = r.ID, score
			}
		}
		if bestScore >= 0 || method != "HEAD" {
			break
		}
	}
	return best, bestScore >= 0
}

// template returns the segments of a route template, split once; c.mu is held.
func (c *Contract) template(path string) []string {
	if c.segs == nil {
		c.segs = map[string][]string{}
	}
	t, ok := c.segs[path]
	if !ok {
		t = split(path)
		c.segs[path] = t
	}
	return t
}

func split(path string) []string {
	path = strings.Trim(path, "/")
	if path == "" {
		return nil
	}
	return strings.Split(path, "/")
}

// isParam reports whether a template segment is a parameter: {id}, {product}, {id?}.
func isParam(seg string) bool { return strings.HasPrefix(seg, "{") && strings.HasSuffix(seg, "}") }

// matchTemplate reports whether segs fit the template and how many literal segments
// matched (the more, the more specific). An optional parameter {x?} may be absent at
// the end.
func matchTemplate(tmpl, segs []string) (score int, ok bool) {
	if len(segs) > len(tmpl) {
		return 0, false
	}
	for i, t := range tmpl {
		if i >= len(segs) {
			if isParam(t) && strings.HasSuffix(t, "?}") {
				continue
			}
			return 0, false
		}
		switch {
		case isParam(t):
			if segs[i] == "" {
				return 0, false
			}
		case t == segs[i]:
			score++
		default:
			return 0, false
		}
	}
	return score, true
}

// Expected returns what the contract says caller gets on route id; ok is false when
// the contract says nothing for that caller (or there is no such route).
func (c *Contract) Expected(id string, caller Caller) (Expect, bool) {
	r, ok := c.Route(id)
	if !ok {
		return Expect{}, false
	}
	e, ok := r.Expect[caller]
	return e, ok
}

// column returns the table column an exchange of class on rows falls in for route r:
// a call not marked other's falls in the other's column when the class has no own
// column there (a consumer on a product is always on another's row); ok is false for
// an unknown class.
func column(r Route, class, rows string) (Caller, bool) {
	c, ok := CallerOf(class, rows)
	if !ok {
		return "", false
	}
	if rows == "" && !c.Other() {
		if _, own := r.Expect[c]; !own {
			if o := c.other(); o != "" {
				if _, other := r.Expect[o]; other {
					return o, true
				}
			}
		}
	}
	return c, true
}

// String describes the contract in one line.
func (c *Contract) String() string {
	return fmt.Sprintf("marketplace contract: %d routes, %d rules", len(c.Routes), len(c.Rules))
}
