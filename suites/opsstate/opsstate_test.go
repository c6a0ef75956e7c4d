package opsstate_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/spec"
	"github.com/smokeproof/smokeproof/suites/opsstate"
)

// repo returns the team's repository, or leaves the spec not run with the setting.
func repo() string {
	r := spec.Settings().Settings["SMOKE_REPO"]
	if r == "" {
		Skip("no team repository given: set SMOKE_REPO to a git checkout of the app")
	}
	return r
}

// check runs one repository check and records what it found.
func check(what string, f func(string) (string, error)) {
	GinkgoHelper()
	found, err := f(repo())
	Expect(err).NotTo(HaveOccurred(), what)
	spec.Note("%s: %s", what, found)
}

var _ = Describe("OPS state in the team's repository", func() {
	It("docs/OPS/STATE.md has the CLOSED, STABLE, IN-PROGRESS, BLOCKED and NEXT sections", spec.DoD("OPS-STATE.state-md"), func() {
		check(opsstate.StatePath, opsstate.CheckState)
	})
	It("docs/OPS/PROD-FACTS-LAST.md exists and is populated", spec.DoD("OPS-STATE.prod-facts-last"), func() {
		check(opsstate.ProdFactsPath, opsstate.CheckProdFacts)
	})
	It("docs/NEXT-7D.md exists and passes lint", spec.DoD("OPS-STATE.next-7d"), func() {
		check(opsstate.PlanPath, opsstate.CheckPlan)
	})
	It("scripts/prod-facts.sh exists and is executable", spec.DoD("OPS-STATE.prod-facts-script"), func() {
		check(opsstate.ScriptPath, opsstate.CheckScript)
	})
	It("all of them are on the main branch", spec.DoD("OPS-STATE.on-main"), func() {
		check("main branch", opsstate.CheckOnMain)
	})
})
