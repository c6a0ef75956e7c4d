package shard_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/shard"
)

func TestParse(t *testing.T) {
	for _, bad := range []string{"", "1", "0/2", "3/2", "a/b", "1/0", "-1/2"} {
		if _, err := shard.Parse(bad); err == nil || !strings.Contains(err.Error(), "--shard 1/3") {
			t.Errorf("Parse(%q) = %v, want an error saying how to write it", bad, err)
		}
	}
	s, err := shard.Parse(" 2/3 ")
	if err != nil || s != (shard.Shard{Index: 2, Total: 3}) || s.String() != "2/3" {
		t.Errorf("Parse(2/3) = %v, %v", s, err)
	}
}

// Every spec belongs to exactly one shard, always the same one, and the shares are
// balanced within a few specs.
func TestOwnsPartitionsStablyAndEvenly(t *testing.T) {
	const n, specs = 3, 300
	counts := make([]int, n)
	for k := 0; k < specs; k++ {
		key := shard.Key("suite", fmt.Sprintf("Checkout spec number %d", k))
		owners := 0
		for i := 1; i <= n; i++ {
			s := shard.Shard{Index: i, Total: n}
			if s.Owns(key) {
				owners++
				counts[i-1]++
				if !s.Owns(key) {
					t.Fatalf("Owns is not stable for %q", key)
				}
			}
		}
		if owners != 1 {
			t.Fatalf("%q belongs to %d shards, want 1", key, owners)
		}
	}
	for i, c := range counts {
		if c < specs/n*8/10 || c > specs/n*12/10 {
			t.Errorf("shard %d/%d got %d of %d specs: not balanced (%v)", i+1, n, c, specs, counts)
		}
	}
	if !(shard.Shard{}).Owns("x") || !(shard.Shard{Index: 1, Total: 1}).Owns("x") {
		t.Error("an unsharded run must own every spec")
	}
}

func it(text string, line int, state types.SpecState, msg string) types.SpecReport {
	return types.SpecReport{LeafNodeType: types.NodeTypeIt, LeafNodeText: text, State: state,
		LeafNodeLocation: types.CodeLocation{FileName: "/src/suites/s/s_test.go", LineNumber: line},
		Failure:          types.Failure{Message: msg}}
}

func suiteReport(ok bool, specs ...types.SpecReport) types.Report {
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed}
	return types.Report{SuitePath: "/src/suites/s", SuiteDescription: "S", SuiteSucceeded: ok,
		StartTime: time.Unix(100, 0), EndTime: time.Unix(101, 0), RunTime: time.Second,
		SpecReports: append(types.SpecReports{setup}, specs...)}
}

func TestMerge(t *testing.T) {
	other := (shard.Shard{Index: 1, Total: 2}).SkipMessage()
	filtered := types.SpecStateSkipped
	one := suiteReport(true,
		it("a", 1, types.SpecStatePassed, ""),
		it("b", 2, types.SpecStateSkipped, other),
		it("c", 3, filtered, "not run on this target: writes"))
	two := suiteReport(false,
		it("b", 2, types.SpecStateFailed, "boom"),
		it("a", 1, types.SpecStateSkipped, other),
		it("c", 3, filtered, "not run on this target: writes"))
	two.RunTime = 3 * time.Second
	untouched := types.Report{SuitePath: "/src/suites/u", SuiteDescription: "U", SuiteSucceeded: true}

	if !shard.Sharded([]types.Report{one}) || shard.Sharded([]types.Report{untouched}) {
		t.Fatal("Sharded does not tell a shard's report from a single run's")
	}
	got, err := shard.Merge([]types.Report{one, untouched, two})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 2 || got[0].SuiteDescription != "S" || got[1].SuiteDescription != "U" {
		t.Fatalf("Merge returned %d reports, want S then U", len(got))
	}
	m := got[0]
	var states []string
	for _, sp := range m.SpecReports {
		states = append(states, sp.LeafNodeText+"="+sp.State.String())
	}
	if want := "=passed a=passed b=failed c=skipped"; strings.Join(states, " ") != want {
		t.Errorf("merged specs %q, want %q (the first report's order, each spec from the shard that ran it)", strings.Join(states, " "), want)
	}
	if m.SuiteSucceeded || m.RunTime != 3*time.Second {
		t.Errorf("merged suite succeeded=%v run time=%s, want false and the slowest shard's 3s", m.SuiteSucceeded, m.RunTime)
	}

	if _, err := shard.Merge([]types.Report{one}); err == nil || !strings.Contains(err.Error(), `"b"`) {
		t.Errorf("merging without shard 2 = %v, want an error naming spec b", err)
	}
}

// Plan gives every shard ⌊k/n⌋ or ⌈k/n⌉ of a suite's specs, the same on every call.
func TestPlanBalances(t *testing.T) {
	for _, k := range []int{1, 2, 5, 7, 39} {
		for _, n := range []int{2, 3, 4} {
			var keys []string
			for i := 0; i < k; i++ {
				keys = append(keys, shard.Key("permissions", fmt.Sprintf("spec %d", i)))
			}
			plan := shard.Plan("permissions", keys, n)
			counts := make([]int, n)
			for _, key := range keys {
				counts[plan[key]]++
				owners := 0
				for i := 1; i <= n; i++ {
					if (shard.Shard{Index: i, Total: n}).OwnsIn(plan, key) {
						owners++
					}
				}
				if owners != 1 {
					t.Fatalf("%q belongs to %d shards", key, owners)
				}
			}
			for _, c := range counts {
				if c < k/n || c > (k+n-1)/n {
					t.Errorf("%d specs over %d shards: %v, want each %d or %d", k, n, counts, k/n, (k+n-1)/n)
				}
			}
			again := shard.Plan("permissions", append([]string(nil), keys...), n)
			for _, key := range keys {
				if again[key] != plan[key] {
					t.Fatalf("Plan is not stable for %q", key)
				}
			}
		}
	}
}
