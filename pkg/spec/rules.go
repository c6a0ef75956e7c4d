package spec

import (
	"fmt"
	"regexp"

	"github.com/onsi/ginkgo/v2"
)

// ruleLabel is the prefix of the label by which a spec claims a contract rule; it is
// pkg/contract's RuleLabel (pkg/spec does not import pkg/contract: the suite-tree
// self-test checks every claimed id against the contract).
const ruleLabel = "rule:"

// ruleID is what a rule id looks like: lower-case words joined by dots and dashes,
// which Ginkgo accepts in a label (it forbids '/', ',', '&', '|', '!', '(', ')', …).
var ruleID = regexp.MustCompile(`^[a-z0-9]+([.-][a-z0-9]+)*$`)

// Rules returns the labels marking a spec as proving the given contract rules
// ("orders.show.other-404" → label "rule:orders.show.other-404"). The contract
// coverage document (docs/TESTS/CONTRACT-COVERAGE.md) lists each rule with the specs
// that claim it. An id that is not a well-formed rule id panics while the spec tree is
// built; whether the contract has it is checked by the suite-tree self-test and by
// the coverage document.
func Rules(ids ...string) ginkgo.Labels {
	if len(ids) == 0 {
		panic("spec.Rules: name at least one rule id")
	}
	out := make(ginkgo.Labels, 0, len(ids))
	for _, id := range ids {
		if !ruleID.MatchString(id) {
			panic(fmt.Sprintf("spec.Rules: %q is not a rule id (lower-case words joined by dots and dashes)", id))
		}
		out = append(out, ruleLabel+id)
	}
	return out
}
