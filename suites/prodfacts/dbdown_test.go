package prodfacts_test

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

// The harness takes its own database away (embedded and containers only: the spec is
// labelled spec.StopsDB) and asks the health routes; a health that says ok while the
// database is down is a defect.
var _ = Describe("Health without a database", func() {
	It("answers 503 degraded on /health and /healthz while the database is down, a 500 without internals elsewhere, and ok again once it is back", facts, spec.Rules("health.db-down-503", "errors.500-no-leak"), spec.StopsDB, Serial, func(ctx SpecContext) {
		health := func(path string) (*market.Response, market.Health) {
			var h market.Health
			resp, err := spec.API().Do(ctx, http.MethodGet, path, nil, nil)
			Expect(err).NotTo(HaveOccurred())
			_ = json.Unmarshal(resp.Body, &h)
			return resp, h
		}
		By("checking the health is ok before")
		resp, h := health("/health")
		Expect(resp).To(spec.HaveStatus(200))
		Expect(h.Status).To(Equal("ok"))

		// Registered before StopDatabase, so it runs after the database is given back.
		DeferCleanup(func(ctx SpecContext) {
			Eventually(func(g Gomega) {
				var h market.Health
				resp, err := spec.API().Do(ctx, http.MethodGet, "/health", nil, &h)
				g.Expect(err).NotTo(HaveOccurred())
				g.Expect(resp.Status).To(Equal(200))
				g.Expect(h.Database).To(Equal("connected"))
			}).WithContext(ctx).WithTimeout(30*time.Second).WithPolling(200*time.Millisecond).Should(Succeed(), "the health is ok again once the database is back")
		})

		By("taking the target's database away")
		spec.StopDatabase(ctx)
		for _, path := range []string{"/health", "/healthz"} {
			By("GET " + path + " while the database is down")
			resp, h := health(path)
			Expect(resp).To(spec.HaveStatus(503), "%s while the database is down", path)
			Expect(h.Status).To(Equal("degraded"), "%s status while the database is down", path)
			Expect(h.Database).To(Equal("failed"), "%s database while it is down", path)
		}
		// A route that needs the database fails now: the contract's 500 is one shape,
		// never a stack trace, never SQL.
		By("GET /v1/public/products while the database is down")
		// A database that stops answering (a paused container) can hold the query until
		// the app's own database timeout; the 500's shape is checked when it answers.
		lctx, cancel := context.WithTimeout(ctx, 2*time.Second)
		defer cancel()
		resp, err := spec.API().Do(lctx, http.MethodGet, "/v1/public/products", nil, nil)
		if resp == nil {
			spec.Note("GET /v1/public/products did not answer within 2 s while the database was away (%v): the app waits on its database; the 500's shape is not shown on this target", err)
			return
		}
		Expect(resp).To(spec.HaveStatus(500, 503), "the product list while the database is down")
		if resp.Status == 500 {
			Expect(resp.Message).To(Equal("Server Error"), "a 500 says only Server Error")
		}
		Expect(string(resp.Body)).NotTo(MatchRegexp(`(?i)select |insert |sqlstate|goroutine |\.go:\d+|stack|dial tcp|mysql|postgres|exception`), "the error body leaks internals")
	})
})
