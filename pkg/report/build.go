package report

import (
	"encoding/json"
	"errors"
	"fmt"
	"path"
	"sort"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// suiteRun is what Build learns from one report.
type suiteRun struct {
	report     *types.Report
	facts      *evidence.RunFacts
	specs      []*SpecResult
	problems   []string
	setupFail  string // one line, when a BeforeSuite node failed
	skipReason string // when a BeforeSuite node called Skip
}

// Build merges suite reports into a Run: the run facts, and for every item whose suite
// ran, the status of each bullet with its specs and evidence. It returns an error when
// there is no report, when the reports come from different targets, when a spec
// carries a DoD label the registry does not know, or when evidence cannot be decoded.
func Build(reports ...types.Report) (*Run, error) {
	return build(itemsOf(reports), reports)
}

// build is Build over a given registry.
func build(registry []dod.Item, reports []types.Report) (*Run, error) {
	if len(reports) == 0 {
		return nil, errors.New("no Ginkgo report to render: pass at least one report (ginkgo --json-report=report.json)")
	}
	var runs []*suiteRun
	for i := range reports {
		sr, err := readSuite(registry, &reports[i])
		if err != nil {
			return nil, err
		}
		runs = append(runs, sr)
	}
	run := &Run{Declared: registry}
	if err := mergeFacts(run, runs); err != nil {
		return nil, err
	}
	for _, sr := range runs {
		resolveReasons(sr, run.Facts)
	}
	run.Started, run.Duration = span(runs)
	for _, sr := range runs {
		run.Problems = append(run.Problems, sr.problems...)
	}
	for _, item := range registry {
		var mine []*suiteRun
		var specs []*SpecResult
		for _, sr := range runs {
			belongs := path.Base(strings.ReplaceAll(sr.report.SuitePath, "\\", "/")) == item.Suite
			for _, s := range sr.specs {
				if ofItem(s, item.ID) {
					specs = append(specs, s)
					belongs = true
				}
			}
			if belongs {
				mine = append(mine, sr)
			}
		}
		if len(mine) == 0 {
			continue
		}
		sortSpecs(specs)
		run.Items = append(run.Items, buildItem(item, mine, specs, run.Facts))
	}
	return run, nil
}

// readSuite decodes one report: specs, run facts and suite-level failures.
func readSuite(registry []dod.Item, rep *types.Report) (*suiteRun, error) {
	sr := &suiteRun{report: rep}
	for _, reason := range rep.SpecialSuiteFailureReasons {
		if reason == "Suite skipped in BeforeSuite" {
			continue
		}
		sr.problems = append(sr.problems, fmt.Sprintf("%s: %s", rep.SuiteDescription, oneLine(reason)))
	}
	for i := range rep.SpecReports {
		sp := &rep.SpecReports[i]
		if sp.LeafNodeType.Is(types.NodeTypesForSuiteLevelNodes) {
			if err := readSuiteNode(sr, sp); err != nil {
				return nil, err
			}
			continue
		}
		if !sp.LeafNodeType.Is(types.NodeTypeIt) {
			continue
		}
		s, err := readSpec(registry, rep, sp)
		if err != nil {
			return nil, err
		}
		sr.specs = append(sr.specs, s)
	}
	return sr, nil
}

func readSuiteNode(sr *suiteRun, sp *types.SpecReport) error {
	for _, e := range sp.ReportEntries {
		if e.Name != evidence.RunEntryName {
			continue
		}
		var f evidence.RunFacts
		if err := evidence.Decode(entryJSON(e), &f); err != nil {
			return fmt.Errorf("read run facts of suite %q: %w", sr.report.SuiteDescription, err)
		}
		if sr.facts == nil {
			sr.facts = &f
		}
	}
	setup := sp.LeafNodeType.Is(types.NodeTypeBeforeSuite | types.NodeTypeSynchronizedBeforeSuite)
	switch {
	case sp.State.Is(types.SpecStateFailureStates):
		msg := failureText(sp.Failure)
		sr.problems = append(sr.problems, fmt.Sprintf("%s %s %s: %s", sr.report.SuiteDescription, sp.LeafNodeType, sp.State, oneLine(msg)))
		// With ginkgo -p, processes 2..n only say that process #1 failed: keep the real
		// reason from process #1.
		if setup && (sr.setupFail == "" || !strings.Contains(msg, "failed on Ginkgo parallel process")) {
			sr.setupFail = oneLine(stripANSI(msg))
		}
	case sp.State.Is(types.SpecStateSkipped) && setup && sp.Failure.Message != "":
		sr.skipReason = oneLine(sp.Failure.Message)
	}
	return nil
}

// entryJSON returns a report entry's value as JSON: from a report file it is AsJSON; in
// the process that added it (a serial ReportAfterSuite) only the raw value is set.
func entryJSON(e types.ReportEntry) string {
	if e.Value.AsJSON != "" {
		return e.Value.AsJSON
	}
	raw, err := json.Marshal(e.GetRawValue())
	if err != nil {
		return ""
	}
	return string(raw)
}

func readSpec(registry []dod.Item, rep *types.Report, sp *types.SpecReport) (*SpecResult, error) {
	labels := sp.Labels()
	s := &SpecResult{
		Name:     sp.FullText(),
		Suite:    rep.SuiteDescription,
		State:    sp.State,
		Duration: sp.RunTime,
		Labels:   labels,
		Location: location(sp.LeafNodeLocation),
		Bullets:  dod.BulletsOf(labels),
	}
	if unknown := unknownLabels(registry, labels); len(unknown) > 0 {
		return nil, fmt.Errorf("spec %q carries DoD labels the registry does not know (%s); fix the labels or add the bullets to pkg/dod", s.Name, strings.Join(unknown, ", "))
	}
	for _, e := range sp.ReportEntries {
		if e.Name != evidence.EntryName {
			continue
		}
		var rec evidence.Record
		if err := evidence.Decode(entryJSON(e), &rec); err != nil {
			return nil, fmt.Errorf("read evidence of spec %q: %w", s.Name, err)
		}
		s.Evidence = append(s.Evidence, rec)
	}
	failedAt := -1
	if sp.State.Is(types.SpecStateFailureStates) {
		s.Failure = &SpecFailure{
			Message:  failureText(sp.Failure),
			Location: location(sp.Failure.Location),
			Node:     failureNode(sp),
			Broken:   brokenReason(sp),
		}
		failedAt = sp.Failure.TimelineLocation.Order
	}
	events := sp.SpecEvents.WithType(types.SpecEventByStart)
	sort.SliceStable(events, func(i, j int) bool {
		return events[i].TimelineLocation.Order < events[j].TimelineLocation.Order
	})
	current := -1
	for i, ev := range events {
		s.Steps = append(s.Steps, Step{Text: ev.Message})
		if failedAt >= 0 && ev.TimelineLocation.Order < failedAt {
			current = i
		}
	}
	if current >= 0 {
		s.Steps[current].Failed = true
	}
	switch {
	case sp.State.Is(types.SpecStatePending):
		s.Reason = "not run: the spec is marked pending"
	case sp.State.Is(types.SpecStateSkipped) && sp.Failure.Message != "":
		msg := oneLine(sp.Failure.Message)
		if rest, ok := strings.CutPrefix(msg, "Spec skipped because "); ok {
			s.Reason = "not run: " + rest
		} else if strings.HasPrefix(msg, NotApplicable) {
			s.Reason = msg
		} else {
			s.Reason = "not run on this target: " + msg
		}
	}
	return s, nil
}

// unknownLabels returns the `dod:` labels naming no item or bullet of the registry.
func unknownLabels(registry []dod.Item, labels []string) []string {
	var out []string
	for _, l := range labels {
		v, ok := strings.CutPrefix(l, dod.LabelKey+":")
		if !ok {
			continue
		}
		known := false
		for _, it := range registry {
			if v == it.ID {
				known = true
			}
			for _, b := range it.Bullets {
				known = known || v == b.ID()
			}
		}
		if !known {
			out = append(out, l)
		}
	}
	return out
}

func failureText(f types.Failure) string {
	msg := strings.TrimSpace(f.Message)
	if f.ForwardedPanic != "" {
		msg = strings.TrimSpace(msg + "\n" + f.ForwardedPanic)
	}
	return msg
}

func failureNode(sp *types.SpecReport) string {
	if sp.Failure.FailureNodeContext == types.FailureNodeIsLeafNode || sp.Failure.FailureNodeType == types.NodeTypeInvalid {
		return sp.LeafNodeType.String()
	}
	return sp.Failure.FailureNodeType.String()
}

// resolveReasons explains the specs Ginkgo skipped without a message.
func resolveReasons(sr *suiteRun, merged evidence.RunFacts) {
	facts := merged
	if sr.facts != nil {
		facts = *sr.facts
	}
	anyFailed := false
	for _, s := range sr.specs {
		anyFailed = anyFailed || s.State.Is(types.SpecStateFailureStates)
	}
	filter := sr.report.SuiteConfig.LabelFilter
	for _, s := range sr.specs {
		if s.Reason != "" || !s.State.Is(types.SpecStateSkipped) {
			continue
		}
		if ex, ok := exclusionOf(s.Labels, facts.Excluded); ok {
			s.Reason = "not run on this target: " + ex.Reason
			if strings.HasPrefix(ex.Reason, NotApplicable) {
				s.Reason = ex.Reason // what the target cannot do at all: neither proves nor blocks
			}
			continue
		}
		switch {
		case sr.skipReason != "":
			s.Reason = "not run on this target: " + sr.skipReason
		case sr.setupFail != "":
			s.Reason = "not run: suite setup failed: " + sr.setupFail
		case len(sr.report.SpecialSuiteFailureReasons) > 0:
			s.Reason = "not run: " + oneLine(sr.report.SpecialSuiteFailureReasons[0])
		case sr.report.SuiteConfig.FailFast && anyFailed:
			s.Reason = "not run: the run stopped at the first failure (--fail-fast)"
		case filter != "" && !matches(s.Labels, filter):
			s.Reason = fmt.Sprintf("not run: left out by --label-filter='%s'", filter)
		default:
			s.Reason = "not run: not selected for this run (focus or skip filters)"
		}
	}
}

func matches(labels []string, filter string) bool {
	ok, err := types.SpecReport{LeafNodeLabels: labels}.MatchesLabelFilter(filter)
	return err == nil && ok
}

func exclusionOf(labels []string, excluded []evidence.Exclusion) (evidence.Exclusion, bool) {
	for _, ex := range excluded {
		for _, l := range labels {
			if strings.EqualFold(l, ex.Label) {
				return ex, true
			}
		}
	}
	return evidence.Exclusion{}, false
}

// mergeFacts takes the first run facts found, with every exclusion and start-up timing
// of the others; reports against different targets are an error.
func mergeFacts(run *Run, runs []*suiteRun) error {
	found := false
	for _, sr := range runs {
		if sr.facts == nil {
			continue
		}
		f := *sr.facts
		if !found {
			run.Facts = f
			run.Facts.Excluded = append([]evidence.Exclusion(nil), f.Excluded...)
			run.Facts.Startup = append([]evidence.Timing(nil), f.Startup...)
			found = true
			continue
		}
		if f.Target != "" && run.Facts.Target != "" && f.Target != run.Facts.Target {
			return fmt.Errorf("the reports come from different targets (%s and %s); render each target's reports separately", run.Facts.Target, f.Target)
		}
		for _, ex := range f.Excluded {
			if _, dup := exclusionOf([]string{ex.Label}, run.Facts.Excluded); !dup {
				run.Facts.Excluded = append(run.Facts.Excluded, ex)
			}
		}
		for _, t := range f.Startup {
			if !hasTiming(run.Facts.Startup, t.Name) {
				run.Facts.Startup = append(run.Facts.Startup, t)
			}
		}
	}
	return nil
}

func hasTiming(ts []evidence.Timing, name string) bool {
	for _, t := range ts {
		if t.Name == name {
			return true
		}
	}
	return false
}

func span(runs []*suiteRun) (time.Time, time.Duration) {
	var start, end time.Time
	for _, sr := range runs {
		s, e := sr.report.StartTime, sr.report.EndTime
		if e.IsZero() {
			e = s.Add(sr.report.RunTime)
		}
		if !s.IsZero() && (start.IsZero() || s.Before(start)) {
			start = s
		}
		if e.After(end) {
			end = e
		}
	}
	if start.IsZero() {
		return start, 0
	}
	return start.UTC(), end.Sub(start)
}

func ofItem(s *SpecResult, itemID string) bool {
	for _, l := range s.Labels {
		v, ok := strings.CutPrefix(l, dod.LabelKey+":")
		if !ok {
			continue
		}
		if v == itemID || strings.HasPrefix(v, itemID+".") {
			return true
		}
	}
	return false
}

func sortSpecs(specs []*SpecResult) {
	sort.SliceStable(specs, func(i, j int) bool {
		fi, li := splitLocation(specs[i].Location)
		fj, lj := splitLocation(specs[j].Location)
		if fi != fj {
			return fi < fj
		}
		if li != lj {
			return li < lj
		}
		return specs[i].Name < specs[j].Name
	})
}

func splitLocation(loc string) (string, int) {
	i := strings.LastIndex(loc, ":")
	if i < 0 {
		return loc, 0
	}
	n := 0
	for _, r := range loc[i+1:] {
		if r < '0' || r > '9' {
			return loc, 0
		}
		n = n*10 + int(r-'0')
	}
	return loc[:i], n
}

// buildItem applies the status rules to one item.
func buildItem(item dod.Item, runs []*suiteRun, specs []*SpecResult, merged evidence.RunFacts) ItemResult {
	it := ItemResult{Item: item, Specs: specs, Facts: merged}
	setupFail := ""
	ownFacts := false
	for _, sr := range runs {
		if sr.facts != nil && !ownFacts {
			it.Facts, ownFacts = *sr.facts, true
		}
		it.Problems = append(it.Problems, sr.problems...)
		if setupFail == "" {
			setupFail = sr.setupFail
		}
	}
	it.Started, it.Duration = span(runs)
	itemRan := false
	for _, s := range specs {
		itemRan = itemRan || s.Ran()
	}
	statuses := map[string]*BulletStatus{}
	it.Bullets = make([]BulletStatus, len(item.Bullets))
	for i, b := range item.Bullets {
		it.Bullets[i] = BulletStatus{Bullet: b}
		statuses[b.Key] = &it.Bullets[i]
		for _, s := range specs {
			for _, id := range s.Bullets {
				if id == b.ID() {
					it.Bullets[i].Specs = append(it.Bullets[i].Specs, s)
				}
			}
		}
	}
	for i := range it.Bullets {
		bs := &it.Bullets[i]
		switch bs.Bullet.Kind {
		case dod.Checked:
			checkedStatus(bs, setupFail)
		case dod.Manual:
			bs.Status, bs.Reason = Manual, "for people to confirm"
		case dod.Document:
			if itemRan {
				bs.Status = Passed
			} else {
				bs.Status, bs.Reason = NotRun, "not run: no spec of this item ran, so this document proves nothing yet"
			}
		}
	}
	for i := range it.Bullets {
		if it.Bullets[i].Bullet.Kind == dod.Derived {
			derivedStatus(&it.Bullets[i], it.Bullets)
		}
	}
	it.Result, it.Reason = verdict(it.Bullets)
	return it
}
