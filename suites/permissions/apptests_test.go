package permissions_test

import (
	"fmt"
	"regexp"
	"strconv"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

// junitTotals reads the tests and failures/errors counts of a JUnit document's
// <testsuites> or first <testsuite> element.
var junitAttr = regexp.MustCompile(`<testsuites?\b[^>]*>`)

func junitCount(tag, attr string) int {
	m := regexp.MustCompile(`\b` + attr + `="(\d+)"`).FindStringSubmatch(tag)
	if m == nil {
		return 0
	}
	n, _ := strconv.Atoi(m[1])
	return n
}

var _ = Describe("The app's own tests", func() {
	It("the app's own test command passes in its container (existing tests pass)", spec.DoD("PRODUCER-PERMISSIONS.authz-coverage"), func() {
		at := spec.T().AppTests
		if at == nil {
			spec.NotApplicable("the app's own tests run in its container on the containers target (SMOKE_APP_TEST_CMD); this target runs none")
		}
		if _, err := spec.SaveFile(evidence.KindNote, "app-tests-junit.xml", "application/xml", []byte(at.JUnit)); err != nil {
			Fail(err.Error())
		}
		tag := junitAttr.FindString(at.JUnit)
		Expect(tag).NotTo(BeEmpty(), "the app's test command printed no JUnit XML on stdout; its output:\n%s", at.Output)
		tests, failures, errs := junitCount(tag, "tests"), junitCount(tag, "failures"), junitCount(tag, "errors")
		spec.Note("`%s` ran %d tests in %.1f s: %d failures, %d errors, exit code %d (JUnit attached)", at.Command, tests, float64(at.Millis)/1000, failures, errs, at.ExitCode)
		Expect(tests).To(BeNumerically(">", 0), "the app's tests ran nothing")
		Expect(failures+errs).To(BeZero(), fmt.Sprintf("the app's own tests fail: %d failures, %d errors (see the JUnit)", failures, errs))
		Expect(at.ExitCode).To(BeZero(), "the app's test command exited %d", at.ExitCode)
	})
})
