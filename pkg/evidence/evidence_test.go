package evidence_test

import (
	"testing"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

func TestGuessClassFromTheCallerNamesSpecsUse(t *testing.T) {
	for caller, want := range map[string]string{
		"":                         evidence.ClassAnonymous,
		"anonymous":                evidence.ClassAnonymous,
		"consumer (fresh)":         evidence.ClassConsumer,
		"consumer (smoke account)": evidence.ClassConsumer,
		"Smoke Buyer":              evidence.ClassConsumer,
		"producer A":               evidence.ClassProducer,
		"producer B":               evidence.ClassProducer,
		"producer without profile": evidence.ClassProducerNoProfile,
		"admin":                    evidence.ClassAdmin,
		"ops robot":                "",
	} {
		if got := evidence.GuessClass(caller); got != want {
			t.Errorf("GuessClass(%q) = %q, want %q", caller, got, want)
		}
	}
}
