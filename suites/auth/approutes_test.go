package auth_test

import (
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

var _ = Describe("The app's own route list", func() {
	It("answers 401 to an anonymous caller on every route the app puts behind auth:* middleware", routes, spec.Rules("errors.401-unauthenticated"), func(ctx SpecContext) {
		raw := spec.T().AppRoutes
		if raw == "" {
			spec.NotApplicable("the target does not tell its routes: set SMOKE_APP_ROUTES to a route:list --json or OpenAPI file, or exec:<command> in the app's container, to check every route behind auth middleware")
		}
		appRoutes, err := contract.ParseAppRoutes([]byte(raw))
		Expect(err).NotTo(HaveOccurred(), "SMOKE_APP_ROUTES")
		// The coverage document lists every app route no spec exercised.
		spec.Record(evidence.Record{Kind: evidence.KindAppRoutes, Title: "the app's route list", Note: raw})
		guarded := contract.AuthRoutes(appRoutes)
		Expect(guarded).NotTo(BeEmpty(), "the app lists no route behind auth:* middleware")
		spec.Note("%d routes in the app's list, %d behind auth:* middleware", len(appRoutes), len(guarded))
		api := spec.API()
		var probed int
		var held []string
		for _, r := range guarded {
			path := r.ProbePath()
			if !strings.HasPrefix(path, contract.APIPrefix+"/") {
				continue // a page behind auth middleware redirects; the page specs prove it
			}
			By(r.ProbeMethod() + " " + path + " as an anonymous caller")
			resp, err := api.Do(ctx, r.ProbeMethod(), strings.TrimPrefix(path, contract.APIPrefix), nil, nil)
			if resp == nil && spec.T().Caps.Guarded {
				held = append(held, r.String()) // a production site: the client sends no unsafe method without writes allowed
				continue
			}
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(401), "%s is behind %v", r, r.Middleware)
			probed++
		}
		Expect(probed).To(BeNumerically(">", 0), "no route behind auth middleware could be probed")
		if len(held) > 0 {
			spec.Note("not probed on this site (unsafe methods are held back while writes are not allowed): %s", strings.Join(held, ", "))
		}
	})
})
