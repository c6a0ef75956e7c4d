package report

import (
	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

// BuildWith is Build over a registry the test makes up (e.g. one with a manual bullet).
func BuildWith(registry []dod.Item, reports ...types.Report) (*Run, error) {
	return build(registry, reports)
}

// DepmapBullets returns every bullet id the data dependency map names for a link.
func DepmapBullets() []string {
	var ids []string
	for _, bs := range fkBullets {
		ids = append(ids, bs...)
	}
	for _, st := range chain {
		ids = append(ids, st.bullets...)
	}
	return ids
}
