package report

import (
	"fmt"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// CoveragePath is where the contract coverage document goes, relative to the output
// directory.
const CoveragePath = contract.DocumentPath

// Coverage returns the run's traceability matrix against the marketplace contract:
// every spec of the run (once, however many bullets it proves) with its state,
// location, the rules its "rule:<id>" labels claim and its recorded HTTP exchanges. It
// returns an error naming every claimed rule the contract does not have; the coverage
// is still built, without those claims.
func (r *Run) Coverage() (*contract.Coverage, error) {
	b := contract.NewBuilder(contract.Marketplace())
	var errs []string
	appRoutes := false
	for _, s := range r.allSpecs() {
		for _, rec := range s.Evidence {
			if rec.Kind != evidence.KindAppRoutes || appRoutes {
				continue
			}
			routes, err := contract.ParseAppRoutes([]byte(rec.Note))
			if err != nil {
				errs = append(errs, "the app's route list: "+err.Error())
				continue
			}
			b.AddApp(routes)
			appRoutes = true
		}
		cs := contract.Spec{
			Name:     s.Name,
			State:    s.State.String(),
			Location: s.Location,
			Rules:    contract.RulesFromLabels(s.Labels),
		}
		for _, rec := range s.Evidence {
			if rec.HTTP != nil {
				cs.Exchanges = append(cs.Exchanges, *rec.HTTP)
			}
		}
		if err := b.Add(cs); err != nil {
			errs = append(errs, err.Error())
		}
	}
	cov := b.Build()
	if len(errs) > 0 {
		return cov, fmt.Errorf("%s", strings.Join(errs, "; "))
	}
	return cov, nil
}

// allSpecs returns every spec of the run once, in item order then source order.
func (r *Run) allSpecs() []*SpecResult {
	var out []*SpecResult
	seen := map[*SpecResult]bool{}
	for i := range r.Items {
		for _, s := range r.Items[i].Specs {
			if !seen[s] {
				seen[s] = true
				out = append(out, s)
			}
		}
	}
	return out
}

// coverageDocument renders docs/TESTS/CONTRACT-COVERAGE.md. A rule label naming no rule
// is a problem of the run, listed in the document's opening rather than dropped.
func (r *Run) coverageDocument() (Document, *contract.Coverage) {
	cov, err := r.Coverage()
	h := contract.Header{Target: targetLine(r.Facts), Harness: r.Facts.Harness}
	if !r.Started.IsZero() {
		h.Run = fmt.Sprintf("%s · %s · %s", utc(r.Started), dur(r.Duration), plural(cov.Specs, "spec", "specs"))
	}
	if len(r.ReportFiles) > 0 {
		h.Source = strings.Join(r.ReportFiles, ", ")
	}
	body := cov.Markdown(h)
	body = append(body, exemptionsMarkdown()...)
	if err != nil {
		body = append(body, []byte("\n**Unknown rule labels:** "+esc(err.Error())+"\n")...)
	}
	return Document{Path: CoveragePath, Body: body}, cov
}

// exemptionsMarkdown lists the rules no spec proves, with the reason pkg/contract
// gives: they stay "no spec" in the tables above, and here a reader learns why.
func exemptionsMarkdown() []byte {
	ex := contract.Exemptions()
	if len(ex) == 0 {
		return nil
	}
	var b strings.Builder
	b.WriteString("\n## Rules without a spec, and why\n\n| Rule | Why no spec proves it | |\n|---|---|---|\n")
	for _, e := range ex {
		what := "cannot be proven by a black-box spec"
		if e.Pending {
			what = "pending"
		}
		fmt.Fprintf(&b, "| `%s` | %s | %s |\n", e.Rule, esc(e.Reason), what)
	}
	if ids := contract.PendingRoutes(); len(ids) > 0 {
		b.WriteString("\n## Routes pending\n\nTheir gaps above stay red; `smokeproof coverage --check` reports them as pending until their spec lands.\n\n| Route | Why |\n|---|---|\n")
		for _, id := range ids {
			why, _ := contract.PendingRoute(id)
			fmt.Fprintf(&b, "| `%s` | %s |\n", id, esc(why))
		}
	}
	return []byte(b.String())
}
