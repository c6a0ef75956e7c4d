package prodfacts_test

import (
	"context"
	"fmt"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

// measurement collects one fact and the problems found while measuring it.
type measurement struct {
	fact     evidence.Fact
	problems []string
}

func measure(name string) *measurement { return &measurement{fact: evidence.Fact{Name: name}} }

// took sets the fact's time.
func (m *measurement) took(d time.Duration) { m.fact.Millis = float64(d.Microseconds()) / 1000 }

// expect notes a problem unless ok.
func (m *measurement) expect(ok bool, format string, args ...any) {
	if !ok {
		m.problems = append(m.problems, fmt.Sprintf(format, args...))
	}
}

// done records the fact (OK when no problem was found) and then fails the spec with
// every problem. Recording comes first, so the page shows what was measured even when
// the spec fails.
func (m *measurement) done() {
	GinkgoHelper()
	m.fact.OK = len(m.problems) == 0
	if m.fact.Status == "" {
		m.fact.Status = "—"
	}
	spec.Record(evidence.Record{Kind: evidence.KindFact, Fact: &m.fact})
	Expect(m.problems).To(BeEmpty(), "%s: %s", m.fact.Name, strings.Join(m.problems, "; "))
}

// noAnswer notes that a call got no HTTP answer.
func (m *measurement) noAnswer(err error) {
	m.fact.Status = "no answer"
	m.fact.Details = spec.Redact(err.Error())
	m.expect(false, "no answer: %s", m.fact.Details)
}

// answered records how a call went: with no HTTP answer it notes the error, records
// the fact and returns false (the spec then returns: done already failed it); with an
// answer it takes the status and time and returns true.
func (m *measurement) answered(resp *market.Response, err error) bool {
	GinkgoHelper()
	if resp == nil {
		m.noAnswer(err)
		m.done()
		return false
	}
	m.took(resp.Duration)
	m.fact.Status = strconv.Itoa(resp.Status)
	return true
}

// apiPath returns the path of the API base (e.g. "/api"), to name endpoints as a
// reader types them.
func apiPath() string { return basePath(spec.T().APIBase) }

// webPath returns the path of the web base ("" for a site at the root).
func webPath() string { return basePath(spec.T().WebBase) }

func basePath(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return ""
	}
	return strings.TrimRight(u.Path, "/")
}

// catalogue is every product the public list shows, read page by page.
type catalogue struct {
	products []market.Product
	total    int // the paginator's total on page 1
	pages    int // pages read
	capped   bool
	took     time.Duration
}

// maxPages bounds the walk through the list (100 products a page).
const maxPages = 50

// walk reads the public product list, 100 a page, to its last page (at most maxPages).
// A page that does not answer 200 is a problem of m and ends the walk.
func walk(ctx context.Context, m *measurement) (c catalogue) {
	GinkgoHelper()
	start := time.Now()
	defer func() { c.took = time.Since(start) }()
	api := spec.API()
	for page := 1; ; page++ {
		p, resp, err := api.PublicProducts(ctx, market.ListQuery{PerPage: 100, Page: page})
		if err != nil && resp == nil {
			m.noAnswer(err)
			return c
		}
		if resp.Status != 200 || err != nil {
			m.fact.Status = strconv.Itoa(resp.Status)
			m.expect(false, "page %d of the public list answered %s", page, spec.Redact(resp.String()))
			return c
		}
		if page == 1 {
			c.total = p.Total
			m.fact.Status = "200"
		}
		c.products = append(c.products, p.Data...)
		c.pages = page
		if len(p.Data) == 0 || page >= p.LastPage {
			return c
		}
		if page == maxPages {
			c.capped = true
			return c
		}
	}
}

// scope says how much of the list a content check covered.
func (c catalogue) scope() string {
	s := fmt.Sprintf("%d listed products", len(c.products))
	if c.capped {
		s = fmt.Sprintf("the first %d of %d listed products", len(c.products), c.total)
	}
	return s
}

// named describes up to three products for a details cell, then how many more.
func named(ps []market.Product) string {
	var parts []string
	for i, p := range ps {
		if i == 3 {
			parts = append(parts, fmt.Sprintf("and %d more", len(ps)-3))
			break
		}
		parts = append(parts, fmt.Sprintf("%d “%s”", p.ID, p.Name))
	}
	return strings.Join(parts, ", ")
}

var (
	cardTag = regexp.MustCompile(`<[^>]*\bdata-testid=["']product-card["'][^>]*>`)
	cardID  = regexp.MustCompile(`\bdata-product-id=["'](\d+)["']|\bhref=["'][^"']*/products/(\d+)["']`)
)

// productCards returns the product ids of the product-card elements of an HTML page,
// in page order (0 for a card naming no id).
func productCards(html string) []int64 {
	var ids []int64
	for _, tag := range cardTag.FindAllString(html, -1) {
		var id int64
		if m := cardID.FindStringSubmatch(tag); m != nil {
			s := m[1]
			if s == "" {
				s = m[2]
			}
			id, _ = strconv.ParseInt(s, 10, 64)
		}
		ids = append(ids, id)
	}
	return ids
}

// hasTestID reports whether an HTML page has an element with that data-testid.
func hasTestID(html, id string) bool {
	return strings.Contains(html, `data-testid="`+id+`"`) || strings.Contains(html, `data-testid='`+id+`'`)
}
