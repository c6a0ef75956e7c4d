package shard

import (
	"fmt"
	"hash/fnv"
	"slices"
	"strconv"
	"strings"

	"github.com/onsi/ginkgo/v2/types"
)

// Env is the variable through which `smokeproof run --shard i/n` tells each suite
// process its shard.
const Env = "SMOKE_SHARD"

// SkipPrefix starts the skip message of every spec left to another shard; Merge
// recognises such specs by it.
const SkipPrefix = "smokeproof shard: "

// Shard is share Index (1-based) of Total.
type Shard struct{ Index, Total int }

// Parse reads "i/n" (1 ≤ i ≤ n). It returns an error saying what to write instead.
func Parse(s string) (Shard, error) {
	a, b, ok := strings.Cut(strings.TrimSpace(s), "/")
	i, err1 := strconv.Atoi(a)
	n, err2 := strconv.Atoi(b)
	if !ok || err1 != nil || err2 != nil || n < 1 || i < 1 || i > n {
		return Shard{}, fmt.Errorf("shard %q is not i/n with 1 ≤ i ≤ n: write e.g. --shard 1/3", s)
	}
	return Shard{Index: i, Total: n}, nil
}

func (s Shard) String() string { return fmt.Sprintf("%d/%d", s.Index, s.Total) }

// Key is the stable identity of a spec: its suite and its full text (containers and
// It), unchanged by line moves, parallelism or the machine.
func Key(suite, fullText string) string { return suite + "\x00" + fullText }

// Owns reports whether the spec with key belongs to this shard: FNV-1a of the key
// modulo Total. A zero or one-way Shard owns every spec.
func (s Shard) Owns(key string) bool {
	if s.Total <= 1 {
		return true
	}
	return int(hash(key)%uint64(s.Total)) == s.Index-1
}

// Plan deals a suite's specs (their keys; the specs that will run) out to n shards,
// balanced: sorted by their FNV-1a hash, then round-robin from a shard picked by the
// suite's hash, so every shard gets ⌊k/n⌋ or ⌈k/n⌉ of each suite and the spare specs
// of different suites land on different shards. It returns key → shard index (0-based).
// Every process of every shard computes the same plan from the same spec tree.
func Plan(suite string, keys []string, n int) map[string]int {
	plan := make(map[string]int, len(keys))
	if n <= 1 {
		for _, k := range keys {
			plan[k] = 0
		}
		return plan
	}
	sorted := slices.Clone(keys)
	slices.SortFunc(sorted, func(a, b string) int {
		ha, hb := hash(a), hash(b)
		switch {
		case ha < hb:
			return -1
		case ha > hb:
			return 1
		}
		return strings.Compare(a, b)
	})
	start := int(hash(suite) % uint64(n))
	for i, k := range sorted {
		plan[k] = (start + i) % n
	}
	return plan
}

// OwnsIn reports whether the spec with key belongs to this shard by plan, falling back
// to Owns for a spec the plan does not hold.
func (s Shard) OwnsIn(plan map[string]int, key string) bool {
	if s.Total <= 1 {
		return true
	}
	if i, ok := plan[key]; ok {
		return i == s.Index-1
	}
	return s.Owns(key)
}

func hash(s string) uint64 {
	h := fnv.New64a()
	h.Write([]byte(s))
	return h.Sum64()
}

// SkipMessage is the skip message of a spec this shard leaves to another.
func (s Shard) SkipMessage() string {
	return SkipPrefix + "runs in another shard than " + s.String()
}

// leftToOther reports whether sp was skipped because another shard runs it.
func leftToOther(sp types.SpecReport) bool {
	return sp.State == types.SpecStateSkipped && strings.HasPrefix(sp.Failure.Message, SkipPrefix)
}

// specID identifies a spec across the reports of one suite.
func specID(sp types.SpecReport) string {
	return sp.LeafNodeType.String() + "\x00" + sp.FullText() + "\x00" + sp.LeafNodeLocation.String()
}

// Sharded reports whether any of reports was written by a sharded run.
func Sharded(reports []types.Report) bool {
	for _, r := range reports {
		if slices.ContainsFunc(r.SpecReports, leftToOther) {
			return true
		}
	}
	return false
}

// Merge folds the reports of one suite written by several shards into one report, the
// one a single run would have written (timings aside): each spec left to another shard
// is replaced by the shard's report that ran it, in the first report's order; the suite
// setup and run facts come from the first report; the suite succeeded when every shard
// did. Suites that no shard split pass through unchanged, in their first order. It
// returns an error naming a spec no given report ran (a shard's report is missing).
func Merge(reports []types.Report) ([]types.Report, error) {
	var order []string
	groups := map[string][]types.Report{}
	for _, r := range reports {
		k := r.SuitePath + "\x00" + r.SuiteDescription
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], r)
	}
	var out []types.Report
	for _, k := range order {
		g := groups[k]
		if !Sharded(g) {
			out = append(out, g...)
			continue
		}
		m, err := mergeSuite(g)
		if err != nil {
			return nil, err
		}
		out = append(out, m)
	}
	return out, nil
}

func mergeSuite(g []types.Report) (types.Report, error) {
	ran := map[string]types.SpecReport{}
	for _, r := range g {
		for _, sp := range r.SpecReports {
			if !leftToOther(sp) && sp.LeafNodeType.Is(types.NodeTypeIt) {
				if _, seen := ran[specID(sp)]; !seen {
					ran[specID(sp)] = sp
				}
			}
		}
	}
	m := g[0]
	m.SpecReports = make(types.SpecReports, 0, len(g[0].SpecReports))
	used := map[string]bool{}
	var missing []string
	for _, sp := range g[0].SpecReports {
		if !sp.LeafNodeType.Is(types.NodeTypeIt) {
			m.SpecReports = append(m.SpecReports, sp)
			continue
		}
		id := specID(sp)
		if used[id] {
			continue
		}
		used[id] = true
		if r, ok := ran[id]; ok {
			m.SpecReports = append(m.SpecReports, r)
			continue
		}
		missing = append(missing, sp.FullText())
		m.SpecReports = append(m.SpecReports, sp)
	}
	if len(missing) > 0 {
		return m, fmt.Errorf("suite %s: no report given ran %q (%d spec(s) in all): pass the reports of every shard", g[0].SuiteDescription, missing[0], len(missing))
	}
	for _, r := range g[1:] {
		m.SuiteSucceeded = m.SuiteSucceeded && r.SuiteSucceeded
		if r.StartTime.Before(m.StartTime) {
			m.StartTime = r.StartTime
		}
		if r.EndTime.After(m.EndTime) {
			m.EndTime = r.EndTime
		}
		m.RunTime = max(m.RunTime, r.RunTime) // the slowest shard: shards run side by side
		for _, reason := range r.SpecialSuiteFailureReasons {
			if !slices.Contains(m.SpecialSuiteFailureReasons, reason) {
				m.SpecialSuiteFailureReasons = append(m.SpecialSuiteFailureReasons, reason)
			}
		}
	}
	return m, nil
}
