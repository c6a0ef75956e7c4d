package suite_test

import (
	"testing"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/suite"
)

func TestLabelFilterAddsTheExclusions(t *testing.T) {
	ex := []evidence.Exclusion{{Label: "writes"}, {Label: "browser"}}
	for user, want := range map[string]string{
		"":                                  "!writes && !browser",
		"dod: containsAny {CHECKOUT-SMOKE}": "(dod: containsAny {CHECKOUT-SMOKE}) && !writes && !browser",
		"  ":                                "!writes && !browser",
		"checkout || permissions":           "(checkout || permissions) && !writes && !browser",
	} {
		if got := suite.LabelFilter(user, ex); got != want {
			t.Errorf("LabelFilter(%q) = %q, want %q", user, got, want)
		}
	}
	if got := suite.LabelFilter("x", nil); got != "(x)" {
		t.Errorf("no exclusions: %q", got)
	}
}
