package spec

import (
	"context"
	"database/sql"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	. "github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/reporters"
	"github.com/onsi/ginkgo/v2/types"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/mailbox"
	"github.com/smokeproof/smokeproof/pkg/report"
	"github.com/smokeproof/smokeproof/pkg/target"
	"github.com/smokeproof/smokeproof/pkg/target/containers"
	"github.com/smokeproof/smokeproof/pkg/target/embedded"
	"github.com/smokeproof/smokeproof/pkg/target/live"
)

// state is the per-process state of a running suite. It is set once, in
// SynchronizedBeforeSuite, and read by specs.
var state struct {
	cfg      config.Config
	suite    string
	target   *target.Target
	redactor evidence.Redactor
}

// Config returns the run's configuration.
func Config() config.Config { return state.cfg }

// T returns the target this process runs against; valid inside specs and their setup.
func T() *target.Target {
	if state.target == nil {
		Fail("spec.T called before the target was opened: call it inside It/BeforeEach, not while the tree is built")
	}
	return state.target
}

// Exclusions returns the labels this configuration filters out, each with the reason
// the documents give for the specs it leaves out.
func Exclusions(cfg config.Config) []evidence.Exclusion {
	var ex []evidence.Exclusion
	if !cfg.Writes() {
		ex = append(ex, evidence.Exclusion{Label: "writes", Reason: "writes not allowed on this target (set SMOKE_ALLOW_WRITES=true to run them as the smoke accounts)"})
	}
	if cfg.Target == "live" {
		ex = append(ex, evidence.Exclusion{Label: "destructive", Reason: "destructive specs never run on a live site"})
		if cfg.DBDSN == "" {
			ex = append(ex, evidence.Exclusion{Label: "db", Reason: "no database access on this target (set SMOKE_DB_DSN, opened read-only)"})
		}
		if cfg.Mail == "none" {
			ex = append(ex, evidence.Exclusion{Label: "mail", Reason: "no mail source on this target (set SMOKE_MAIL)"})
		}
	}
	if !cfg.BrowserOn() {
		ex = append(ex, evidence.Exclusion{Label: "browser", Reason: "browser disabled (SMOKE_BROWSER=off)"})
	}
	return ex
}

// Run bootstraps and runs a suite: it reads and validates the configuration, turns
// what the target cannot do into a label filter, registers the shared target setup and
// the document writer, and calls RunSpecs. suite is the directory name under suites/.
func Run(t *testing.T, suite, description string) {
	t.Helper()
	cfg, err := config.Load(nil)
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		t.Fatalf("smokeproof: %v", err)
	}
	state.cfg, state.suite = cfg, suite
	suiteConfig, reporterConfig := GinkgoConfiguration()
	excluded := Exclusions(cfg)
	suiteConfig.LabelFilter = labelFilter(suiteConfig.LabelFilter, excluded)

	RegisterFailHandler(Fail)
	runShard(t, suite, description)
	SynchronizedBeforeSuite(func(ctx SpecContext) []byte {
		started := time.Now().UTC()
		e, err := open(ctx, cfg)
		if err != nil {
			// One sentence, as the user should read it: no gomega dump around it.
			Fail(fmt.Sprintf("smokeproof could not open the %s target: %v", cfg.Target, err))
		}
		e.Facts.Harness = config.Harness()
		e.Facts.Started = started
		e.Facts.Excluded = excluded
		e.Facts.LabelFilter = suiteConfig.LabelFilter
		AddReportEntry(evidence.RunEntryName, e.Facts, ReportEntryVisibilityNever)
		return e.Marshal()
	}, func(ctx SpecContext, data []byte) {
		e, err := target.UnmarshalEndpoints(data)
		Expect(err).NotTo(HaveOccurred())
		state.redactor.Add(e.Accounts.Secrets()...)
		state.redactor.Add(cfg.Secrets()...)
		state.redactor.Add(dsnPassword(e.DSN))
		tg, closer, err := target.Attach(ctx, e, cfg.HTTPTimeout, openMail)
		Expect(err).NotTo(HaveOccurred(), "smokeproof could not attach to the %s target", cfg.Target)
		DeferCleanup(closer.Close)
		if tg.Kind == "live" {
			// Defence in depth on a live site: idempotent GETs are retried, and the
			// client refuses unsafe methods outside specs allowed to write.
			tg.HTTP.Transport = live.RetryingTransport(http.DefaultTransport)
		}
		state.target = tg
	}, NodeTimeout(cfg.StartupWait*4))

	BeforeEach(func() {
		labels := CurrentSpecReport().Labels()
		if err := dod.CheckLabels(labels); err != nil {
			Fail(err.Error())
		}
		if len(dod.BulletsOf(labels)) == 0 {
			Fail("every spec must carry the DoD bullet it proves: decorate it with spec.DoD(\"ITEM.key\")")
		}
	})

	ReportAfterSuite("smokeproof documents", func(r Report) {
		if err := writeOutputs(cfg.OutDir(), suite, r); err != nil {
			fmt.Fprintf(os.Stderr, "smokeproof: writing the documents failed: %v\n", err)
			Fail(err.Error())
		}
	})
	RunSpecs(t, description, suiteConfig, reporterConfig)
}

// labelFilter combines the user's filter with the exclusions.
func labelFilter(user string, excluded []evidence.Exclusion) string {
	var parts []string
	if strings.TrimSpace(user) != "" {
		parts = append(parts, "("+user+")")
	}
	for _, e := range excluded {
		parts = append(parts, "!"+e.Label)
	}
	return strings.Join(parts, " && ")
}

// open opens the configured target in this process.
func open(ctx context.Context, cfg config.Config) (target.Endpoints, error) {
	switch cfg.Target {
	case "embedded":
		e, stop, err := embedded.Open(ctx, embedded.Options{Faults: cfg.Faults, Version: config.Version})
		DeferCleanup(stop)
		return e, err
	case "containers":
		env, _ := cfg.AppEnvMap() // validated with the configuration
		e, stop, err := containers.Open(ctx, containers.Options{
			DBImage: cfg.DBImage, AppImage: cfg.AppImage, MailImage: cfg.MailImage,
			AppPort: cfg.AppPort, AppHealth: cfg.AppHealth, AppEnv: env, AppMigrate: cfg.AppMigrate,
			Faults: cfg.Faults, StartupWait: cfg.StartupWait, Progress: GinkgoWriter,
		})
		DeferCleanup(stop)
		return e, err
	case "live":
		e, stop, err := live.Open(ctx, live.Options{
			BaseURL: cfg.BaseURL, APIURL: cfg.APIURL, WebURL: cfg.WebURL, DSN: cfg.DBDSN,
			Mail: cfg.Mail, AccountsFile: cfg.Accounts, Timeout: cfg.HTTPTimeout,
		})
		DeferCleanup(stop)
		return e, err
	default:
		return target.Endpoints{}, fmt.Errorf("unknown target %q: use SMOKE_TARGET=embedded, containers or live", cfg.Target)
	}
}

// openMail builds the mail source a target's mail spec names.
func openMail(spec string, db *sql.DB) (mailbox.Source, error) {
	if url, ok := strings.CutPrefix(spec, "sink:"); ok {
		return embedded.SinkSource(url, &http.Client{Timeout: 5 * time.Second}), nil
	}
	kind, arg, err := mailbox.ParseSpec(spec)
	if err != nil {
		return nil, err
	}
	switch kind {
	case "mailpit":
		return mailbox.NewMailpit(arg, &http.Client{Timeout: 5 * time.Second}), nil
	case "laravel-log":
		return mailbox.NewLaravelLog(arg), nil
	case "notifications-table":
		if db == nil {
			return nil, errors.New("the notifications-table mail source needs database access: set SMOKE_DB_DSN")
		}
		return mailbox.NewNotificationsTable(db), nil
	}
	return nil, nil
}

func dsnPassword(dsn string) string {
	userinfo, _, ok := strings.Cut(dsn, "@")
	if !ok {
		return ""
	}
	_, pw, _ := strings.Cut(userinfo, ":")
	return pw
}

// writeOutputs writes this suite's redacted report to <out>/reports/<suite>.json, then
// renders every document, proof.json, the merged report.json and junit.xml from all
// suite reports under <out>/reports.
func writeOutputs(out, suite string, r types.Report) error {
	dir := filepath.Join(out, "reports")
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	withFacts(&r)
	clean, err := redactReport(r)
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent([]types.Report{clean}, "", "  ")
	if err != nil {
		return err
	}
	if err := report.WriteFile(filepath.Join(dir, suite+".json"), data); err != nil {
		return err
	}
	paths, err := filepath.Glob(filepath.Join(dir, "*.json"))
	if err != nil {
		return err
	}
	var reports []types.Report
	var rel []string
	for _, p := range paths {
		rs, err := report.ReadReports(p)
		if err != nil {
			return err
		}
		// A report left by a run against another target would mix targets in one
		// proof: this run supersedes it.
		if one, err := report.Build(rs...); err != nil || (one.Facts.Target != "" && one.Facts.Target != state.cfg.Target) {
			fmt.Fprintf(os.Stderr, "smokeproof: removing %s, left by a run against another target\n", p)
			os.Remove(p)
			continue
		}
		reports = append(reports, rs...)
		rel = append(rel, filepath.ToSlash(filepath.Join("reports", filepath.Base(p))))
	}
	merged, err := json.MarshalIndent(reports, "", "  ")
	if err != nil {
		return err
	}
	if err := report.WriteFile(filepath.Join(out, "report.json"), merged); err != nil {
		return err
	}
	if err := reporters.GenerateJUnitReportWithConfig(mergeForJUnit(reports), filepath.Join(out, "junit.xml"), reporters.JunitReportConfig{OmitLeafNodeType: true}); err != nil {
		return err
	}
	run, err := report.Build(reports...)
	if err != nil {
		return err
	}
	run.ReportFiles = rel
	return run.Write(out)
}

// withFacts adds the run facts the configuration knows when the suite's setup never
// ran (Ginkgo skips SynchronizedBeforeSuite when the label filter leaves no spec), so
// the documents still name the target and why every spec was left out.
func withFacts(r *types.Report) {
	for _, sp := range r.SpecReports {
		for _, e := range sp.ReportEntries {
			if e.Name == evidence.RunEntryName {
				return
			}
		}
	}
	cfg := state.cfg
	f := evidence.RunFacts{
		Target: cfg.Target, Harness: config.Harness(), Started: r.StartTime.UTC(),
		Excluded: Exclusions(cfg), LabelFilter: r.SuiteConfig.LabelFilter,
		App: "not started: no spec selected", Database: "—", Mail: "—", Faults: cfg.Faults,
	}
	if cfg.Target == "live" {
		f.App = cfg.BaseURL
	}
	r.SpecReports = append(r.SpecReports, types.SpecReport{
		LeafNodeType: types.NodeTypeReportBeforeSuite, State: types.SpecStatePassed,
		StartTime: r.StartTime, EndTime: r.StartTime,
		ReportEntries: types.ReportEntries{{Name: evidence.RunEntryName, Time: r.StartTime, Value: types.WrapEntryValue(f), Visibility: types.ReportEntryVisibilityNever}},
	})
}

// mergeForJUnit folds several suite reports into one for the JUnit writer.
func mergeForJUnit(reports []types.Report) types.Report {
	if len(reports) == 0 {
		return types.Report{SuiteDescription: "smokeproof"}
	}
	if len(reports) == 1 {
		return reports[0]
	}
	m := reports[0]
	m.SuiteDescription = "smokeproof"
	for _, r := range reports[1:] {
		m.SpecReports = append(m.SpecReports, r.SpecReports...)
		m.SuiteSucceeded = m.SuiteSucceeded && r.SuiteSucceeded
		m.RunTime += r.RunTime
	}
	return m
}

// redactReport returns r with every string in it passed through the redactor.
func redactReport(r types.Report) (types.Report, error) {
	data, err := json.Marshal(r)
	if err != nil {
		return r, err
	}
	var generic any
	if err := json.Unmarshal(data, &generic); err != nil {
		return r, err
	}
	generic = redactValue(generic)
	data, err = json.Marshal(generic)
	if err != nil {
		return r, err
	}
	var out types.Report
	if err := json.Unmarshal(data, &out); err != nil {
		return r, err
	}
	return out, nil
}

func redactValue(v any) any {
	switch x := v.(type) {
	case string:
		return state.redactor.String(x)
	case []any:
		for i := range x {
			x[i] = redactValue(x[i])
		}
	case map[string]any:
		for k := range x {
			x[k] = redactValue(x[k])
		}
	}
	return v
}
