package report

import (
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

// BuildWith is Build over a registry the test makes up (e.g. one with a manual bullet).
func BuildWith(registry []dod.Item, reports ...types.Report) (*Run, error) {
	return build(registry, reports)
}
