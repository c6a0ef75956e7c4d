package report

import (
	"encoding/xml"
	"fmt"
	"os"

	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
)

// ClassifyJUnit rewrites the JUnit file Ginkgo wrote at path from rep (with
// reporters.GenerateJUnitReportWithConfig, suite setup nodes included) so that JUnit
// tells the same outcomes as the documents: a spec or setup node that broke (⚠: setup
// failed, target unreachable, timeout, panic, interrupt) is an <error type="broken">,
// and one whose assertion about the app did not hold (❌) is a <failure type="failed">.
// It returns an error when the file cannot be read, decoded or written, or does not
// hold one test case per spec report.
func ClassifyJUnit(path string, rep types.Report) error {
	raw, err := os.ReadFile(path)
	if err != nil {
		return fmt.Errorf("read JUnit report: %w", err)
	}
	var suites reporters.JUnitTestSuites
	if err := xml.Unmarshal(raw, &suites); err != nil {
		return fmt.Errorf("%s is not a JUnit report: %w", path, err)
	}
	if len(suites.TestSuites) != 1 || len(suites.TestSuites[0].TestCases) != len(rep.SpecReports) {
		return fmt.Errorf("%s does not hold one test case per spec of the report; write it with reporters.GenerateJUnitReportWithConfig from the same report", path)
	}
	suite := &suites.TestSuites[0]
	for i := range suite.TestCases {
		tc, sp := &suite.TestCases[i], &rep.SpecReports[i]
		if !sp.State.Is(types.SpecStateFailureStates) {
			continue
		}
		reason := brokenReason(sp)
		if !sp.LeafNodeType.Is(types.NodeTypeIt) && reason == "" {
			reason = "the suite's " + sp.LeafNodeType.String() + " failed"
		}
		switch {
		case reason != "" && tc.Failure != nil:
			tc.Error = &reporters.JUnitError{Message: tc.Failure.Message, Type: "broken", Description: reason + "\n" + tc.Failure.Description}
			tc.Failure = nil
			suite.Failures--
			suite.Errors++
		case reason != "" && tc.Error != nil:
			tc.Error.Type, tc.Error.Description = "broken", reason+"\n"+tc.Error.Description
		case reason == "" && tc.Error != nil:
			tc.Failure = &reporters.JUnitFailure{Message: tc.Error.Message, Type: "failed", Description: tc.Error.Description}
			tc.Error = nil
			suite.Errors--
			suite.Failures++
		}
	}
	suites.Failures, suites.Errors = suite.Failures, suite.Errors
	out, err := xml.MarshalIndent(suites, "  ", "    ")
	if err != nil {
		return fmt.Errorf("encode JUnit report: %w", err)
	}
	return WriteFile(path, append([]byte(xml.Header), append(out, '\n')...))
}
