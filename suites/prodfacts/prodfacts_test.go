package prodfacts_test

import (
	"context"
	"encoding/json"
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
	"github.com/smokeproof/smokeproof/pkg/target/live"
)

var facts = spec.DoD("PROD-FACTS.prod-facts")

// certMinDays is how many days a certificate must still be valid for.
const certMinDays = 14

var _ = Describe("Endpoint status", func() {
	for _, path := range []string{"/health", "/healthz"} {
		It("GET "+path+" answers 200 with status ok and the database connected", facts, spec.Rules("health.200-ok"), func(ctx SpecContext) {
			m := measure("GET " + apiPath() + path)
			var h market.Health
			resp, err := spec.API().Do(ctx, http.MethodGet, path, nil, &h)
			if !m.answered(resp, err) {
				return
			}
			if !resp.OK() || err != nil {
				h = market.Health{}
				_ = json.Unmarshal(resp.Body, &h) // a 503 says why in its body
			}
			m.fact.Details = "database: " + orDash(h.Database)
			if h.Status != "" && h.Status != "ok" {
				m.fact.Details += " · status " + h.Status
			}
			if h.Version != "" {
				m.fact.Details += " · version " + h.Version
			}
			m.expect(resp.Status == 200, "status %d, want 200", resp.Status)
			m.expect(h.Status == "ok", "status field %q, want \"ok\"", h.Status)
			m.expect(h.Database == "connected", "database field %q, want \"connected\"", h.Database)
			if resp.Status == 200 && h.Status == "ok" && h.Database != "connected" {
				m.fact.Details += " (health says ok while the database is not connected)"
			}
			m.done()
		})
	}

	It("GET /v1/public/products answers 200 with the active catalogue", facts, spec.Rules("public-list.200-paginator"), func(ctx SpecContext) {
		m := measure("GET " + apiPath() + "/v1/public/products")
		page, resp, err := spec.API().PublicProducts(ctx, market.ListQuery{})
		if !m.answered(resp, err) {
			return
		}
		m.expect(resp.Status == 200, "status %d, want 200", resp.Status)
		m.expect(err == nil, "the body is not the contract's paginator: %v", err)
		if resp.Status == 200 && err == nil {
			m.fact.Details = fmt.Sprintf("%d products listed (%d on page 1)", page.Total, len(page.Data))
			m.expect(page.Total > 0, "the catalogue is empty")
			want := min(page.Total, page.PerPage)
			m.expect(len(page.Data) == want, "page 1 holds %d products, want %d (total %d, per_page %d)", len(page.Data), want, page.Total, page.PerPage)
		} else {
			m.fact.Details = spec.Redact(resp.String())
		}
		m.done()
	})

	It("GET /products shows the product cards", facts, spec.Rules("web.products-active"), func(ctx SpecContext) {
		m := measure("GET " + webPath() + "/products")
		resp, err := spec.Web().Get(ctx, "/products")
		if !m.answered(resp, err) {
			return
		}
		cards := productCards(string(resp.Body))
		m.fact.Details = fmt.Sprintf("%d product cards", len(cards))
		m.expect(resp.Status == 200, "status %d, want 200", resp.Status)
		m.expect(len(cards) > 0, "no element with data-testid=\"product-card\" on the page")
		m.done()
	})

	It("GET /products/{id} shows the first listed product with its API name and price", facts, spec.Rules("web.products-active"), func(ctx SpecContext) {
		m := measure("GET " + webPath() + "/products/{id}")
		By("finding the first product card on /products")
		list, err := spec.Web().Get(ctx, "/products")
		if !m.answered(list, err) {
			return
		}
		cards := productCards(string(list.Body))
		if list.Status != 200 || len(cards) == 0 || cards[0] == 0 {
			m.fact.Details = fmt.Sprintf("no product to open: /products answered %d with %d product cards", list.Status, len(cards))
			m.expect(false, "%s", m.fact.Details)
			m.done()
			return
		}
		id := cards[0]
		m.fact.Name = fmt.Sprintf("GET %s/products/%d", webPath(), id)

		By(fmt.Sprintf("reading product %d from the API", id))
		p, apiResp, err := spec.API().PublicProduct(ctx, id)
		if apiResp == nil || apiResp.Status != 200 || err != nil {
			m.fact.Details = fmt.Sprintf("product %d is listed on /products but the API does not serve it (%s)", id, spec.Redact(apiResp.String()))
			m.expect(false, "%s", m.fact.Details)
			m.done()
			return
		}

		By(fmt.Sprintf("opening /products/%d", id))
		resp, err := spec.Web().Get(ctx, fmt.Sprintf("/products/%d", id))
		if !m.answered(resp, err) {
			return
		}
		page := string(resp.Body)
		hasName := strings.Contains(page, html.EscapeString(p.Name))
		hasPrice := p.Price != "" && strings.Contains(page, p.Price)
		m.expect(resp.Status == 200, "status %d, want 200", resp.Status)
		m.expect(hasName, "the page does not show the product's name %q", p.Name)
		m.expect(hasPrice, "the page does not show the product's price %q", p.Price)
		switch {
		case hasName && hasPrice:
			m.fact.Details = fmt.Sprintf("“%s” at %s, as the API says", p.Name, p.Price)
		default:
			m.fact.Details = fmt.Sprintf("“%s” at %s per the API; the page shows %s", p.Name, p.Price, shown(hasName, hasPrice))
		}
		m.done()
	})

	It("GET /login redirects (307) to /auth/login", facts, spec.Rules("web.login-redirects"), func(ctx SpecContext) {
		m := measure("GET " + webPath() + "/login")
		resp, err := spec.Web().Get(ctx, "/login")
		if !m.answered(resp, err) {
			return
		}
		loc := resp.Header.Get("Location")
		where := loc
		if u, err := url.Parse(loc); err == nil && u.Path != "" {
			where = u.Path
		}
		m.fact.Details = "→ " + orDash(where)
		m.expect(resp.Status == http.StatusTemporaryRedirect, "status %d, want 307", resp.Status)
		m.expect(strings.HasSuffix(where, "/auth/login"), "Location %q, want /auth/login", loc)
		m.done()
	})

	It("GET /auth/login serves the login form", facts, spec.Rules("web.login-form"), func(ctx SpecContext) {
		m := measure("GET " + webPath() + "/auth/login")
		resp, err := spec.Web().Get(ctx, "/auth/login")
		if !m.answered(resp, err) {
			return
		}
		var present, missing []string
		for _, id := range []string{"login-form", "login-email", "login-password", "login-submit"} {
			if hasTestID(string(resp.Body), id) {
				present = append(present, id)
			} else {
				missing = append(missing, id)
			}
		}
		m.fact.Details = "login form: " + strings.Join(present, ", ") + " present"
		if len(missing) > 0 {
			m.fact.Details = "login form incomplete: " + strings.Join(missing, ", ") + " missing"
		}
		m.expect(resp.Status == 200, "status %d, want 200", resp.Status)
		m.expect(len(missing) == 0, "no data-testid %s on the page", strings.Join(missing, ", "))
		m.done()
	})

	// Only an https site has a certificate: on plain http the spec says so and is not
	// run, rather than writing a made-up row.
	It(fmt.Sprintf("the TLS certificate is valid for more than %d days", certMinDays), facts, func(ctx SpecContext) {
		hosts := httpsHosts()
		if len(hosts) == 0 {
			spec.NotApplicable("the site is served over plain http: there is no certificate to check")
		}
		for _, h := range hosts {
			name := "TLS certificate"
			if len(hosts) > 1 {
				name += " " + h
			}
			certFact(ctx, name, h)
		}
	})
})

var _ = Describe("Content verification", func() {
	It("every listed product names its producer", facts, spec.Rules("public-list.item-shape"), func(ctx SpecContext) {
		checkList(ctx, rule{
			name: "every listed product has a producer",
			breaks: func(p market.Product) bool {
				return p.Producer == nil || p.Producer.Name == "" || p.Producer.ID != p.ProducerID
			},
			problem: "products without their producer",
			measured: func(c catalogue, bad []market.Product) (string, string) {
				if len(bad) > 0 {
					return outOf(c, bad), "no producer (or another producer_id) on " + named(bad)
				}
				return outOf(c, bad), fmt.Sprintf("%d of %s name their producer", len(c.products), c.scope())
			},
		})
	})

	It("no inactive product is listed", facts, spec.Rules("public-list.active-only-any-query"), func(ctx SpecContext) {
		checkList(ctx, rule{
			name:    "no inactive product listed",
			breaks:  func(p market.Product) bool { return !p.IsActive.Bool() },
			problem: "inactive products in the public list",
			measured: func(c catalogue, bad []market.Product) (string, string) {
				status := fmt.Sprintf("%d inactive", len(bad))
				if len(bad) > 0 {
					return status, fmt.Sprintf("%d inactive products listed: %s", len(bad), named(bad))
				}
				return status, c.scope() + ", none inactive"
			},
		})
	})

	It("every listed price is an amount with two decimals", facts, spec.Rules("money.two-decimals"), func(ctx SpecContext) {
		checkList(ctx, rule{
			name:    "every price is a two-decimal amount",
			breaks:  func(p market.Product) bool { return !money.MatchString(p.Price) },
			problem: "malformed prices",
			measured: func(c catalogue, bad []market.Product) (string, string) {
				if len(bad) > 0 {
					return outOf(c, bad), fmt.Sprintf("%d prices are not amounts like \"3.50\": %s (e.g. %q)", len(bad), named(bad), bad[0].Price)
				}
				return outOf(c, bad), c.scope() + ` priced like "3.50"`
			},
		})
	})

	It("the pages of the list add up to its total, each product once", facts, spec.Rules("paging.no-overlap"), func(ctx SpecContext) {
		m := measure("content: the list pages add up to its total")
		c := walk(ctx, m)
		m.took(c.took)
		seen := map[int64]bool{}
		var dups []market.Product
		for _, p := range c.products {
			if seen[p.ID] {
				dups = append(dups, p)
			}
			seen[p.ID] = true
		}
		if len(m.problems) == 0 {
			m.fact.Status = fmt.Sprintf("%d of %d", len(seen), c.total)
			m.fact.Details = fmt.Sprintf("%d products on %s, total %d", len(c.products), plural(c.pages, "page"), c.total)
			if c.capped {
				m.fact.Details = fmt.Sprintf("first %s read (%d products) of a total of %d", plural(c.pages, "page"), len(c.products), c.total)
			}
			if len(dups) > 0 {
				m.fact.Details += fmt.Sprintf("; listed twice: %s", named(dups))
			}
		}
		m.expect(c.capped || len(c.products) == c.total || len(m.problems) > 0, "the pages hold %d products but total says %d", len(c.products), c.total)
		m.expect(len(dups) == 0, "%d products listed on two pages: %s", len(dups), named(dups))
		m.done()
	})
})

var money = regexp.MustCompile(`^\d+\.\d{2}$`)

// rule is one content check over every product of the public list.
type rule struct {
	name     string                                                           // the fact's name, after "content: "
	breaks   func(market.Product) bool                                        // whether a product breaks the rule
	problem  string                                                           // what the broken products are, for the failure
	measured func(c catalogue, bad []market.Product) (status, details string) // the fact's status and details
}

// checkList walks the whole public list, records what the rule measured and fails
// the spec when the list is empty or a product breaks the rule.
func checkList(ctx context.Context, r rule) {
	GinkgoHelper()
	m := measure("content: " + r.name)
	c := walk(ctx, m)
	m.took(c.took)
	var bad []market.Product
	for _, p := range c.products {
		if r.breaks(p) {
			bad = append(bad, p)
		}
	}
	if len(m.problems) == 0 {
		m.fact.Status, m.fact.Details = r.measured(c, bad)
	}
	m.expect(len(c.products) > 0 || len(m.problems) > 0, "the public list is empty")
	m.expect(len(bad) == 0, "%d %s: %s", len(bad), r.problem, named(bad))
	m.done()
}

// outOf says how many listed products keep a rule: "5 of 5".
func outOf(c catalogue, bad []market.Product) string {
	return fmt.Sprintf("%d of %d", len(c.products)-len(bad), len(c.products))
}

// certFact measures the TLS certificate of host (an https origin).
func certFact(ctx context.Context, name, origin string) {
	GinkgoHelper()
	m := measure(name)
	start := time.Now()
	c, err := live.Certificate(ctx, origin, nil, spec.Settings().HTTPTimeout)
	m.took(time.Since(start))
	if err != nil {
		m.fact.Status = "no certificate"
		m.fact.Details = spec.Redact(err.Error())
		m.expect(false, "%s", m.fact.Details)
		m.done()
		return
	}
	days := c.DaysLeft(time.Now())
	m.fact.Status = plural(days, "day")
	m.fact.Details = fmt.Sprintf("%s · expires %s · issuer %s", c.Subject, c.NotAfter.Format("2006-01-02"), orDash(c.Issuer))
	if days <= certMinDays {
		m.fact.Details = fmt.Sprintf("renew it: expires %s, within %d days · %s · issuer %s", c.NotAfter.Format("2006-01-02"), certMinDays, c.Subject, orDash(c.Issuer))
	}
	if c.Invalid != "" {
		m.fact.Details += " · does not verify: " + c.Invalid
	}
	m.expect(days > certMinDays, "the certificate of %s expires in %s (on %s): renew it", c.Host, plural(days, "day"), c.NotAfter.Format("2006-01-02"))
	m.expect(c.Invalid == "", "the certificate of %s does not verify: %s", c.Host, c.Invalid)
	m.done()
}

// httpsHosts returns the https origins of the target's API and web bases, each once;
// none when the target is served over plain http.
func httpsHosts() []string {
	api, web := spec.T().APIBase, spec.T().WebBase
	var out []string
	for _, raw := range []string{api, web} {
		u, err := url.Parse(raw)
		if err != nil || u.Scheme != "https" {
			continue
		}
		origin := "https://" + u.Host
		if !slices.Contains(out, origin) {
			out = append(out, origin)
		}
	}
	return out
}

func shown(name, price bool) string {
	switch {
	case name:
		return "the name but not the price"
	case price:
		return "the price but not the name"
	}
	return "neither"
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

func plural(n int, word string) string {
	if n == 1 || n == -1 {
		return fmt.Sprintf("%d %s", n, word)
	}
	return fmt.Sprintf("%d %ss", n, word)
}
