// Package suite is the bootstrap every suite under suites/ calls from its one Test
// function: it reads and validates the configuration once, turns what the target
// cannot do into a label filter, takes the target `smokeproof run` opened for the
// whole run (target.HandoffEnv) or else opens one in SynchronizedBeforeSuite, shares it
// with every `ginkgo -p` process, checks each spec's DoD labels, and writes
// the documents from ReportAfterSuite through one report call. Spec authors use
// pkg/spec; only the *_suite_test.go file of a suite imports this package:
//
//	//go:embed item.json
//	var item []byte
//
//	func TestCheckout(t *testing.T) { suite.Run(t, item) }
//
// item.json is the item's declaration (dod.ParseItem): its id, titles, document,
// bullets, the sections only its document renders and its fault guards. Adding an item
// is a new folder under suites/ with item.json, the suite file and the specs.
package suite

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/config"
	"github.com/smokeproof/smokeproof/pkg/dod"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/report"
	"github.com/smokeproof/smokeproof/pkg/spec"
	"github.com/smokeproof/smokeproof/pkg/target"

	// The drivers register themselves with target.Register.
	_ "github.com/smokeproof/smokeproof/pkg/target/containers"
	_ "github.com/smokeproof/smokeproof/pkg/target/embedded"
	_ "github.com/smokeproof/smokeproof/pkg/target/live"
)

// Run registers the item declared by itemJSON (the suite's item.json), then bootstraps
// and runs the suite.
func Run(t *testing.T, itemJSON []byte) {
	t.Helper()
	item, err := dod.ParseItem("item.json", itemJSON)
	if err == nil {
		err = dod.Register(item)
	}
	if err != nil {
		t.Fatalf("smokeproof: %v", err)
	}
	name, description := item.Suite, item.Title
	cfg, err := config.Load(nil)
	if err == nil {
		err = cfg.Validate()
	}
	var excluded []evidence.Exclusion
	if err == nil {
		excluded, err = target.Exclusions(cfg)
	}
	if err != nil {
		t.Fatalf("smokeproof: %v", err)
	}
	suiteConfig, reporterConfig := ginkgo.GinkgoConfiguration()
	suiteConfig.LabelFilter = LabelFilter(suiteConfig.LabelFilter, excluded)
	redactor := &evidence.Redactor{}
	redactor.Add(cfg.Secrets()...)

	gomega.RegisterFailHandler(ginkgo.Fail)
	runShard(t, name, description)
	ginkgo.SynchronizedBeforeSuite(func(ctx ginkgo.SpecContext) []byte {
		started := time.Now().UTC()
		e, db, err := openOrAttach(ctx, cfg)
		if err != nil {
			// One sentence, as the user should read it: no gomega dump around it.
			ginkgo.Fail(err.Error())
		}
		database = db
		e.Facts.Harness = config.Harness()
		e.Facts.Started = started
		e.Facts.Excluded = excluded
		e.Facts.LabelFilter = suiteConfig.LabelFilter
		ginkgo.AddReportEntry(evidence.RunEntryName, e.Facts, ginkgo.ReportEntryVisibilityNever)
		return e.Marshal()
	}, func(ctx ginkgo.SpecContext, data []byte) {
		e, err := target.UnmarshalEndpoints(data)
		gomega.Expect(err).NotTo(gomega.HaveOccurred())
		redactor.Add(e.Accounts.Secrets()...)
		redactor.Add(target.DSNPassword(e.DSN))
		tg, closer, err := target.Attach(ctx, e, cfg.HTTPTimeout)
		gomega.Expect(err).NotTo(gomega.HaveOccurred(), "smokeproof could not attach to the %s target", cfg.Target)
		ginkgo.DeferCleanup(closer.Close)
		spec.Use(spec.Env{
			Target: tg, Redactor: redactor, OutDir: cfg.OutDir(),
			MailWait: cfg.MailWait, MailWindow: cfg.MailWindow, HTTPTimeout: cfg.HTTPTimeout, Database: database,
			Settings: map[string]string{"SMOKE_BASE_URL": cfg.BaseURL, "SMOKE_API_URL": cfg.APIURL, "SMOKE_WEB_URL": cfg.WebURL, "SMOKE_REPO": repoPath(cfg.Repo)},
		})
	}, ginkgo.NodeTimeout(cfg.StartupWait*4))

	ginkgo.BeforeEach(func() {
		labels := ginkgo.CurrentSpecReport().Labels()
		if err := dod.CheckLabels(labels); err != nil {
			ginkgo.Fail(err.Error())
		}
		if len(dod.BulletsOf(labels)) == 0 {
			ginkgo.Fail("every spec must carry the DoD bullet it proves: decorate it with spec.DoD(\"ITEM.key\")")
		}
	})

	ginkgo.ReportAfterSuite("smokeproof documents", func(r ginkgo.Report) {
		err := report.WriteSuite(report.SuiteOutput{
			Out: cfg.OutDir(), Suite: name, Report: r, Redact: redactor.String, Log: os.Stderr, Items: dod.Items(),
			Facts: evidence.RunFacts{
				Target: cfg.Target, Harness: config.Harness(), Excluded: excluded,
				App: notStarted(cfg), Database: "—", Mail: "—", Faults: cfg.Faults,
			},
		})
		if err != nil {
			fmt.Fprintf(os.Stderr, "smokeproof: writing the documents failed: %v\n", err)
			ginkgo.Fail(err.Error())
		}
	})
	ginkgo.RunSpecs(t, description, suiteConfig, reporterConfig)
}

// openOrAttach takes the target smokeproof run handed over (HandoffEnv), or opens the
// configured one in this process and stops it when the suite ends (a suite run straight
// through Ginkgo).
func openOrAttach(ctx context.Context, cfg config.Config) (target.Endpoints, target.Database, error) {
	if url := os.Getenv(target.HandoffEnv); url != "" {
		e, db, err := target.FetchHandoff(ctx, url)
		if err == nil && e.Kind != cfg.Target {
			err = fmt.Errorf("smokeproof run handed over the %s target, but this suite is configured for %s: unset %s or SMOKE_TARGET", e.Kind, cfg.Target, target.HandoffEnv)
		}
		return e, db, err
	}
	o, err := target.Open(ctx, cfg, ginkgo.GinkgoWriter)
	ginkgo.DeferCleanup(o.Stop)
	if err != nil {
		return o.Endpoints, nil, fmt.Errorf("smokeproof could not open the %s target: %w", cfg.Target, err)
	}
	return o.Endpoints, o.Database, nil
}

// database is process 1's handle on the target's database, for spec.StopDatabase.
var database target.Database

// notStarted names the app in the facts of a run whose setup never ran.
func notStarted(cfg config.Config) string {
	if cfg.BaseURL != "" {
		return cfg.BaseURL
	}
	return "not started: no spec selected"
}

// repoPath makes a relative SMOKE_REPO absolute from the repository root, as SMOKE_OUT
// is (Ginkgo runs each suite in its own folder).
func repoPath(p string) string {
	if p == "" || filepath.IsAbs(p) {
		return p
	}
	return filepath.Join(config.RepoRoot(), p)
}

// LabelFilter combines the user's filter with the exclusions.
func LabelFilter(user string, excluded []evidence.Exclusion) string {
	var parts []string
	if strings.TrimSpace(user) != "" {
		parts = append(parts, "("+user+")")
	}
	for _, e := range excluded {
		parts = append(parts, "!"+e.Label)
	}
	return strings.Join(parts, " && ")
}
