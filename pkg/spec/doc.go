// Package spec is the only Ginkgo-aware helper of smokeproof. It carries:
//
//   - the DoD label decorators (DoD) checked against the registry while the spec tree
//     is built, and the safety labels (Writes, Destructive, Browser);
//   - the suite bootstrap (Run): configuration read and validated once before
//     RunSpecs, the target opened once in SynchronizedBeforeSuite and shared by every
//     `ginkgo -p` process, target capabilities turned into a label filter, and the
//     documents written once from ReportAfterSuite;
//   - Record, which redacts evidence and attaches it to the running spec.
//
// Suites use it like this:
//
//	func TestCheckout(t *testing.T) { spec.Run(t, "checkout", "Checkout flow smoke test") }
//
//	var _ = Describe("checkout", func() {
//		It("places an order", spec.DoD("CHECKOUT-SMOKE.api-201"), spec.Writes, func(ctx SpecContext) {
//			api := spec.SignIn(ctx, "consumer", spec.T().Accounts.Consumer)
//			...
//		})
//	})
package spec
