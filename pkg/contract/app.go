package contract

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"sort"
	"strings"
)

// AppRoute is one route the app under test says it serves (SMOKE_APP_ROUTES).
type AppRoute struct {
	Methods    []string `json:"methods"`              // "GET", "HEAD"
	URI        string   `json:"uri"`                  // with a leading slash: "/api/v1/cart/items/{item}"
	Name       string   `json:"name,omitempty"`       // Laravel's route name, OpenAPI's operationId
	Action     string   `json:"action,omitempty"`     // Laravel's controller action, OpenAPI's summary
	Middleware []string `json:"middleware,omitempty"` // ["api","auth:sanctum"]; OpenAPI security becomes "auth:<scheme>"
}

// String returns "GET|HEAD /api/v1/cart/items".
func (r AppRoute) String() string { return strings.Join(r.Methods, "|") + " " + r.URI }

// Auth reports whether the route is behind auth:* middleware, so an anonymous caller
// must get 401.
func (r AppRoute) Auth() bool { return len(r.authMiddleware()) > 0 }

func (r AppRoute) authMiddleware() []string {
	var out []string
	for _, m := range r.Middleware {
		if strings.HasPrefix(m, "auth:") || strings.HasPrefix(m, `Illuminate\Auth\Middleware\Authenticate:`) {
			out = append(out, m)
		}
	}
	return out
}

// ProbeMethod returns the method to call the route with: its first method other than
// HEAD and OPTIONS.
func (r AppRoute) ProbeMethod() string {
	for _, m := range r.Methods {
		if m != "HEAD" && m != "OPTIONS" {
			return m
		}
	}
	if len(r.Methods) > 0 {
		return r.Methods[0]
	}
	return "GET"
}

// ProbePath returns a concrete path for the route: every {parameter} becomes "1" and
// an optional one ({id?}) is dropped. It keeps the API prefix ("/api/v1/orders/1"); a
// market client, whose base ends in /api, wants it without (strings.TrimPrefix with
// APIPrefix).
func (r AppRoute) ProbePath() string {
	var out []string
	for _, seg := range split(r.URI) {
		switch {
		case isParam(seg) && strings.HasSuffix(seg, "?}"):
		case isParam(seg):
			out = append(out, "1")
		default:
			out = append(out, seg)
		}
	}
	return "/" + strings.Join(out, "/")
}

// AuthRoutes returns the routes behind auth:* middleware: each must answer 401 to an
// anonymous caller.
func AuthRoutes(routes []AppRoute) []AppRoute {
	var out []AppRoute
	for _, r := range routes {
		if r.Auth() {
			out = append(out, r)
		}
	}
	return out
}

// ParseAppRoutes reads an app's route list: the JSON of Laravel's
// `php artisan route:list --json` (an array of objects with method "GET|HEAD", uri,
// name, action, middleware) or an OpenAPI 3 document in JSON (YAML is not read: convert
// it first). It returns an error saying what is wrong with the first bad entry.
func ParseAppRoutes(data []byte) ([]AppRoute, error) {
	data = bytes.TrimSpace(data)
	switch {
	case len(data) == 0:
		return nil, fmt.Errorf("the app's route list is empty: expected the JSON of `php artisan route:list --json` or an OpenAPI 3 document")
	case data[0] == '[':
		return parseLaravel(data)
	case data[0] == '{':
		return parseOpenAPI(data)
	}
	return nil, fmt.Errorf("the app's route list is not JSON (it starts with %q): expected `php artisan route:list --json` output or an OpenAPI 3 document in JSON", firstLine(data))
}

func firstLine(b []byte) string {
	s, _, _ := strings.Cut(string(b), "\n")
	if len(s) > 40 {
		s = s[:40] + "…"
	}
	return s
}

var httpMethods = []string{"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"}

func parseLaravel(data []byte) ([]AppRoute, error) {
	var rows []struct {
		Method     string          `json:"method"`
		URI        string          `json:"uri"`
		Name       *string         `json:"name"`
		Action     string          `json:"action"`
		Middleware json.RawMessage `json:"middleware"`
	}
	if err := json.Unmarshal(data, &rows); err != nil {
		return nil, fmt.Errorf("read the Laravel route list: %w", err)
	}
	out := make([]AppRoute, 0, len(rows))
	for i, row := range rows {
		r := AppRoute{URI: "/" + strings.Trim(row.URI, "/"), Action: row.Action}
		if row.Name != nil {
			r.Name = *row.Name
		}
		for _, m := range strings.Split(row.Method, "|") {
			m = strings.ToUpper(strings.TrimSpace(m))
			if !slices.Contains(httpMethods, m) {
				return nil, fmt.Errorf("route %d (%q) of the Laravel route list has method %q, not one of %s", i+1, row.URI, row.Method, strings.Join(httpMethods, ", "))
			}
			r.Methods = append(r.Methods, m)
		}
		if row.URI == "" {
			return nil, fmt.Errorf("route %d of the Laravel route list has no uri", i+1)
		}
		mw, err := middleware(row.Middleware)
		if err != nil {
			return nil, fmt.Errorf("route %d (%q) of the Laravel route list: %w", i+1, row.URI, err)
		}
		r.Middleware = mw
		out = append(out, r)
	}
	return out, nil
}

// middleware reads Laravel's middleware field: an array of names, or (older versions)
// one string with a name per line.
func middleware(raw json.RawMessage) ([]string, error) {
	if len(raw) == 0 || string(raw) == "null" {
		return nil, nil
	}
	var list []string
	if err := json.Unmarshal(raw, &list); err == nil {
		return list, nil
	}
	var s string
	if err := json.Unmarshal(raw, &s); err != nil {
		return nil, fmt.Errorf("middleware is neither a list of names nor a string: %s", raw)
	}
	return strings.FieldsFunc(s, func(r rune) bool { return r == '\n' || r == ',' }), nil
}

func parseOpenAPI(data []byte) ([]AppRoute, error) {
	var doc struct {
		OpenAPI string `json:"openapi"`
		Servers []struct {
			URL string `json:"url"`
		} `json:"servers"`
		Security []map[string][]string                 `json:"security"`
		Paths    map[string]map[string]json.RawMessage `json:"paths"`
	}
	if err := json.Unmarshal(data, &doc); err != nil {
		return nil, fmt.Errorf("read the OpenAPI document: %w", err)
	}
	if !strings.HasPrefix(doc.OpenAPI, "3.") {
		return nil, fmt.Errorf("the route list is a JSON object but not an OpenAPI 3 document (openapi is %q)", doc.OpenAPI)
	}
	prefix := ""
	if len(doc.Servers) > 0 {
		u, err := url.Parse(doc.Servers[0].URL)
		if err != nil {
			return nil, fmt.Errorf("OpenAPI servers[0].url %q: %w", doc.Servers[0].URL, err)
		}
		prefix = strings.TrimRight(u.Path, "/")
	}
	paths := make([]string, 0, len(doc.Paths))
	for p := range doc.Paths {
		paths = append(paths, p)
	}
	sort.Strings(paths)
	var out []AppRoute
	for _, p := range paths {
		for _, m := range httpMethods {
			raw, ok := doc.Paths[p][strings.ToLower(m)]
			if !ok {
				continue
			}
			var op struct {
				OperationID string                 `json:"operationId"`
				Summary     string                 `json:"summary"`
				Security    *[]map[string][]string `json:"security"`
			}
			if err := json.Unmarshal(raw, &op); err != nil {
				return nil, fmt.Errorf("OpenAPI operation %s %s: %w", m, p, err)
			}
			sec := doc.Security
			if op.Security != nil {
				sec = *op.Security
			}
			r := AppRoute{Methods: []string{m}, URI: prefix + "/" + strings.Trim(p, "/"), Name: op.OperationID, Action: op.Summary}
			for _, req := range sec {
				names := make([]string, 0, len(req))
				for name := range req {
					names = append(names, name)
				}
				sort.Strings(names)
				for _, name := range names {
					if mw := "auth:" + name; !slices.Contains(r.Middleware, mw) {
						r.Middleware = append(r.Middleware, mw)
					}
				}
			}
			out = append(out, r)
		}
	}
	return out, nil
}

// AppRouteCoverage is one of the app's routes and what the run did with it.
type AppRouteCoverage struct {
	AppRoute
	Contract  string   // the id of the contract route it is; "" when the contract has no such route
	Exchanges int      // exchanges that hit it
	Specs     []string // names of the specs that called it, sorted
	// Anonymous are the statuses anonymous callers got; AnonymousState is, for a route
	// behind auth:*, CellProven (only 401 seen), CellMismatch or CellNotExercised, and ""
	// for other routes.
	Anonymous      []Observation
	AnonymousState string
}

// AppCoverage is the app's own route list against the run.
type AppCoverage struct {
	Routes    []AppRouteCoverage // in the app's order
	NotServed []string           // ids of contract routes the app's list does not have
}

func templateKey(path string) string {
	segs := split(path)
	for i, s := range segs {
		if isParam(s) {
			segs[i] = "{}"
		}
	}
	return "/" + strings.Join(segs, "/")
}

func appCoverage(c *Contract, routes []AppRoute, hits []hit) *AppCoverage {
	out := &AppCoverage{Routes: []AppRouteCoverage{}, NotServed: []string{}}
	served := map[string]bool{}
	for _, r := range routes {
		ac := AppRouteCoverage{AppRoute: r, Specs: []string{}, Anonymous: []Observation{}}
		key := templateKey(r.URI)
		for _, cr := range c.Routes {
			if slices.Contains(r.Methods, cr.Method) && templateKey(cr.Path) == key {
				ac.Contract = cr.ID
				served[cr.ID] = true
				break
			}
		}
		tmpl := split(r.URI)
		anon := map[int]*Observation{}
		for _, h := range hits {
			if !slices.Contains(r.Methods, h.method) {
				continue
			}
			if _, ok := matchTemplate(tmpl, split(h.path)); !ok {
				continue
			}
			ac.Exchanges++
			if !slices.Contains(ac.Specs, h.spec) {
				ac.Specs = append(ac.Specs, h.spec)
			}
			if h.class == string(Anonymous) {
				o := anon[h.status]
				if o == nil {
					o = &Observation{Status: h.status}
					anon[h.status] = o
				}
				o.Count++
				if !slices.Contains(o.Specs, h.spec) {
					o.Specs = append(o.Specs, h.spec)
				}
			}
		}
		sort.Strings(ac.Specs)
		for _, o := range anon {
			sort.Strings(o.Specs)
			ac.Anonymous = append(ac.Anonymous, *o)
		}
		sort.Slice(ac.Anonymous, func(i, j int) bool { return ac.Anonymous[i].Status < ac.Anonymous[j].Status })
		if r.Auth() {
			ac.AnonymousState = cellState(&Expect{Status: []int{401}}, ac.Anonymous)
		}
		out.Routes = append(out.Routes, ac)
	}
	for _, cr := range c.Routes {
		if !served[cr.ID] {
			out.NotServed = append(out.NotServed, cr.ID)
		}
	}
	return out
}
