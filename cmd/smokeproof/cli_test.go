package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// The CLI's tests drive Run as main does, over Ginkgo reports built here in the shape
// the real suites write (run facts on the setup node, evidence as report entries).

// cli runs the command line and returns its output and exit code.
func cli(t *testing.T, args ...string) (stdout, stderr string, code int) {
	t.Helper()
	var out, errOut bytes.Buffer
	err := Run(context.Background(), args, &out, &errOut)
	code = exitOK
	if err != nil {
		var ee *exitError
		if !errors.As(err, &ee) {
			t.Fatalf("smokeproof %s: %v (not an exit error: exit code 3)", strings.Join(args, " "), err)
		}
		code = ee.code
		errOut.WriteString("smokeproof: " + ee.msg + "\n")
	}
	return out.String(), errOut.String(), code
}

var started = time.Date(2026, 11, 26, 7, 0, 12, 0, time.UTC)

// It is one spec of a built report.
type It struct {
	name     string
	bullets  []string // "ITEM.key"
	state    types.SpecState
	failure  string
	evidence []evidence.Record
}

func reportOf(t *testing.T, suite string, specs ...It) types.Report {
	t.Helper()
	facts := evidence.RunFacts{Target: "embedded", App: "reference shop (in-process)", Database: "go-mysql-server", Mail: "SMTP sink",
		Harness: "smokeproof 0.1.0 (abc1234)", Started: started}
	setup := types.SpecReport{LeafNodeType: types.NodeTypeSynchronizedBeforeSuite, State: types.SpecStatePassed,
		ReportEntries: types.ReportEntries{entry(evidence.RunEntryName, facts)}}
	rep := types.Report{
		SuitePath: "/src/smokeproof/suites/" + suite, SuiteDescription: suite,
		StartTime: started, EndTime: started.Add(2 * time.Second), RunTime: 2 * time.Second,
		SpecReports: types.SpecReports{setup},
	}
	for i, s := range specs {
		labels := []string{}
		for _, b := range s.bullets {
			item, _, _ := strings.Cut(b, ".")
			labels = append(labels, "dod:"+item, "dod:"+b)
		}
		sp := types.SpecReport{
			LeafNodeType: types.NodeTypeIt, LeafNodeText: s.name, LeafNodeLabels: labels, State: s.state,
			LeafNodeLocation: types.CodeLocation{FileName: "/src/smokeproof/suites/" + suite + "/" + suite + "_test.go", LineNumber: 10 + i},
			StartTime:        started, EndTime: started.Add(100 * time.Millisecond), RunTime: 100 * time.Millisecond,
		}
		if s.failure != "" {
			sp.Failure = types.Failure{Message: s.failure, FailureNodeContext: types.FailureNodeIsLeafNode}
		}
		for _, r := range s.evidence {
			sp.ReportEntries = append(sp.ReportEntries, entry(evidence.EntryName, r))
		}
		rep.SpecReports = append(rep.SpecReports, sp)
	}
	return rep
}

// entry is a report entry as AddReportEntry makes it; written to a file, its value is
// encoded as JSON.
func entry(name string, v any) types.ReportEntry {
	return types.ReportEntry{Name: name, Value: types.WrapEntryValue(v)}
}

const pass = types.SpecStatePassed

// screenshot is the evidence file the dashboard spec saved.
var screenshot = []byte("\x89PNG\r\n\x1a\nnot really a dashboard")

// greenRun writes, under dir/out, a green run of the checkout, permissions and depmap
// suites as one report.json (as smokeproof run merges them), with the dashboard
// screenshot under evidence/. It returns the report's path. failing, when set, is a
// checkout bullet key whose spec failed instead.
func greenRun(t *testing.T, dir string, failing string) string {
	t.Helper()
	out := filepath.Join(dir, "out")
	shot := filepath.Join(out, "evidence", "producer-a-dashboard.png")
	if err := os.MkdirAll(filepath.Dir(shot), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(shot, screenshot, 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(screenshot)
	file := evidence.Record{Kind: evidence.KindScreenshot, Title: "producer-a-dashboard.png", File: &evidence.File{
		Path: "evidence/producer-a-dashboard.png", MediaType: "image/png", Bytes: int64(len(screenshot)), SHA256: hex.EncodeToString(sum[:])}}
	fks := evidence.Record{Kind: evidence.KindRows, Title: "foreign keys", Rows: &evidence.Rows{
		Query:   "SELECT … FROM information_schema.KEY_COLUMN_USAGE …",
		Columns: []string{"TABLE_NAME", "COLUMN_NAME", "REFERENCED_TABLE_NAME", "REFERENCED_COLUMN_NAME", "DELETE_RULE"},
		Values:  [][]string{{"producers", "user_id", "users", "id", "CASCADE"}, {"products", "producer_id", "producers", "id", "NO ACTION"}},
	}}
	checkout := []It{
		{name: "checks out a cart", bullets: []string{"CHECKOUT-SMOKE.flow", "CHECKOUT-SMOKE.api-201"}, state: pass},
		{name: "writes the order row", bullets: []string{"CHECKOUT-SMOKE.db-order-row"}, state: pass},
		{name: "mails the buyer", bullets: []string{"CHECKOUT-SMOKE.email"}, state: pass},
	}
	for i := range checkout {
		for _, b := range checkout[i].bullets {
			if failing != "" && b == "CHECKOUT-SMOKE."+failing {
				checkout[i].state, checkout[i].failure = types.SpecStateFailed, "no message to the buyer within 10 s"
			}
		}
	}
	reports := []types.Report{
		reportOf(t, "checkout", checkout...),
		reportOf(t, "permissions",
			It{name: "enforces ownership", bullets: []string{"PRODUCER-PERMISSIONS.policy"}, state: pass},
			It{name: "shows the producer its own products", bullets: []string{"PRODUCER-PERMISSIONS.dashboard"}, state: pass, evidence: []evidence.Record{file}},
			It{name: "lets the admin edit any product", bullets: []string{"PRODUCER-PERMISSIONS.admin-override"}, state: pass},
			It{name: "refuses consumers", bullets: []string{"PRODUCER-PERMISSIONS.authz-coverage"}, state: pass},
		),
		reportOf(t, "depmap",
			It{name: "finds the chain", bullets: []string{"DATA-DEPENDENCY-MAP.chain"}, state: pass, evidence: []evidence.Record{fks}},
			It{name: "reads the schema", bullets: []string{"DATA-DEPENDENCY-MAP.current-state"}, state: pass, evidence: []evidence.Record{fks}},
		),
	}
	raw, err := json.MarshalIndent(reports, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(out, "report.json")
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
	return path
}

// seedPlan copies the team's seed plan (and state file) to dir/docs and returns the
// plan's path and bytes.
func seedPlan(t *testing.T, dir string) (string, []byte) {
	t.Helper()
	data, err := os.ReadFile(filepath.Join("..", "..", "pkg", "dod", "testdata", "NEXT-7D.md"))
	if err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "docs", "NEXT-7D.md")
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, data, 0o644); err != nil {
		t.Fatal(err)
	}
	return path, data
}

func readFile(t *testing.T, path string) []byte {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return data
}

// lineNumber returns the 1-based number of the first line of data starting with
// prefix.
func lineNumber(t *testing.T, data []byte, prefix string) int {
	t.Helper()
	for i, l := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(l, prefix) {
			return i + 1
		}
	}
	t.Fatalf("no line starts with %q", prefix)
	return 0
}

// githubAnchors returns the anchors GitHub gives the headings of a Markdown document,
// computed here independently of pkg/report.
func githubAnchors(doc string) map[string]bool {
	out := map[string]bool{}
	seen := map[string]int{}
	fence := false
	for _, l := range strings.Split(doc, "\n") {
		if strings.HasPrefix(l, "```") {
			fence = !fence
		}
		if fence || !strings.HasPrefix(l, "#") {
			continue
		}
		text := strings.TrimSpace(strings.TrimLeft(l, "#"))
		text = strings.NewReplacer("`", "", `\`, "", "&lt;", "<").Replace(text)
		var b strings.Builder
		for _, r := range strings.ToLower(text) {
			if r == ' ' {
				b.WriteRune('-')
			} else if unicode.IsLetter(r) || unicode.IsDigit(r) || r == '-' || r == '_' {
				b.WriteRune(r)
			}
		}
		s := b.String()
		if n, dup := seen[s]; dup {
			seen[s] = n + 1
			s = s + "-" + string(rune('0'+n+1))
		} else {
			seen[s] = 0
		}
		out[s] = true
	}
	return out
}
