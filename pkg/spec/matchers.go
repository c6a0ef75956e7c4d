package spec

import (
	"fmt"
	"slices"

	"github.com/onsi/gomega/types"

	"github.com/smokeproof/smokeproof/pkg/market"
)

// HaveStatus succeeds when a *market.Response has one of the given statuses. Its
// failure message shows the status and the (redacted, shortened) body, which is what a
// reader needs to see next to "expected".
func HaveStatus(codes ...int) types.GomegaMatcher { return statusMatcher{codes} }

type statusMatcher struct{ codes []int }

func (m statusMatcher) Match(actual any) (bool, error) {
	r, ok := actual.(*market.Response)
	if !ok {
		return false, fmt.Errorf("HaveStatus expects a *market.Response, got %T", actual)
	}
	if r == nil {
		return false, nil
	}
	return slices.Contains(m.codes, r.Status), nil
}

func (m statusMatcher) want() string {
	if len(m.codes) == 1 {
		return fmt.Sprint(m.codes[0])
	}
	return fmt.Sprintf("one of %v", m.codes)
}

func (m statusMatcher) FailureMessage(actual any) string {
	r, _ := actual.(*market.Response)
	return fmt.Sprintf("expected status %s, got %s", m.want(), Redact(r.String()))
}

func (m statusMatcher) NegatedFailureMessage(actual any) string {
	r, _ := actual.(*market.Response)
	return fmt.Sprintf("expected a status other than %s, got %s", m.want(), Redact(r.String()))
}
