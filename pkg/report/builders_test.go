package report_test

import (
	"encoding/json"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// Hand-built Ginkgo reports, shaped like the ones the real CLI writes.

var t0 = time.Date(2026, 11, 26, 7, 0, 12, 0, time.UTC)

type specOpt func(*types.SpecReport)

var nextLine = 10

// spec returns an It report with the given state and labels (container labels are
// not needed: Build reads the spec's full label set).
func spec(name string, state types.SpecState, labels []string, opts ...specOpt) types.SpecReport {
	nextLine++
	sp := types.SpecReport{
		LeafNodeType:     types.NodeTypeIt,
		LeafNodeText:     name,
		LeafNodeLabels:   labels,
		LeafNodeLocation: types.CodeLocation{FileName: "/home/ci/src/smokeproof/suites/checkout/checkout_test.go", LineNumber: nextLine},
		State:            state,
		StartTime:        t0,
		EndTime:          t0.Add(250 * time.Millisecond),
		RunTime:          250 * time.Millisecond,
	}
	for _, o := range opts {
		o(&sp)
	}
	return sp
}

// failedWith sets the failure message, as Ginkgo does for failures and for Skip.
func failedWith(msg string) specOpt {
	return func(sp *types.SpecReport) {
		sp.Failure = types.Failure{
			Message:            msg,
			Location:           types.CodeLocation{FileName: "/home/ci/src/smokeproof/suites/checkout/checkout_test.go", LineNumber: 99},
			FailureNodeContext: types.FailureNodeIsLeafNode,
			TimelineLocation:   types.TimelineLocation{Order: 50},
		}
	}
}

func withEvidence(recs ...evidence.Record) specOpt {
	return func(sp *types.SpecReport) {
		for _, r := range recs {
			sp.ReportEntries = append(sp.ReportEntries, entry(evidence.EntryName, r))
		}
	}
}

func withSteps(steps ...string) specOpt {
	return func(sp *types.SpecReport) {
		for i, s := range steps {
			sp.SpecEvents = append(sp.SpecEvents, types.SpecEvent{
				SpecEventType:    types.SpecEventByStart,
				Message:          s,
				TimelineLocation: types.TimelineLocation{Order: 10 * (i + 1)},
			})
		}
	}
}

// entry is a report entry as read back from a JSON report.
func entry(name string, v any) types.ReportEntry {
	raw, err := json.Marshal(v)
	if err != nil {
		panic(err)
	}
	return types.ReportEntry{Name: name, Value: types.ReportEntryValue{AsJSON: string(raw)}}
}

func facts(excluded ...evidence.Exclusion) *evidence.RunFacts {
	return &evidence.RunFacts{
		Target: "containers", App: "smokeproof/shop:local", Database: "mariadb 10.11", Mail: "mailpit",
		Harness: "smokeproof 0.1.0 (abc1234)", Started: t0, Excluded: excluded,
	}
}

// suite returns a report of the suite at suites/<dir>, with the run facts on its
// SynchronizedBeforeSuite node when f is not nil.
func suite(dir string, f *evidence.RunFacts, specs ...types.SpecReport) types.Report {
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed}
	if f != nil {
		setup.ReportEntries = append(setup.ReportEntries, entry(evidence.RunEntryName, *f))
	}
	return types.Report{
		SuitePath:        "/home/ci/src/smokeproof/suites/" + dir,
		SuiteDescription: dir + " suite",
		StartTime:        t0,
		EndTime:          t0.Add(6400 * time.Millisecond),
		RunTime:          6400 * time.Millisecond,
		SpecReports:      append(types.SpecReports{setup}, specs...),
	}
}

func labels(l ...string) []string { return l }

const (
	passed  = types.SpecStatePassed
	failed  = types.SpecStateFailed
	skipped = types.SpecStateSkipped
)
