// Package spec is the Ginkgo glue a spec author uses, and nothing else:
//
//   - the DoD label decorators (DoD) checked against the registry while the spec tree
//     is built, and the safety labels (Writes, Destructive, Browser, NeedsDB,
//     NeedsMail, StopsDB);
//   - Record, Note, Secret, SaveFile: evidence, redacted before it is attached;
//   - the clients: API (the JSON API), Web (server-rendered pages, its own cookie jar),
//     SignIn and Buyer (callers), DB (a read-only probe), StopDatabase;
//   - HaveStatus, a matcher that shows the response a reader needs.
//
// The suite bootstrap (configuration, opening the target, writing the documents) is
// pkg/suite, which installs this process's environment with Use. A suite's one Test
// function calls suite.Run; its specs use this package:
//
//	var _ = Describe("checkout", func() {
//		It("places an order", spec.DoD("CHECKOUT-SMOKE.api-201"), spec.Writes, func(ctx SpecContext) {
//			api, buyer := spec.Buyer(ctx)
//			...
//		})
//	})
package spec
