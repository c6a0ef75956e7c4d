// Package contract is the marketplace contract (MARKETPLACE-API.md) as data, and the
// traceability matrix that holds a run against it.
//
// # The contract as data
//
// Marketplace returns every route (API endpoints, the server-rendered pages and the
// browser checkout pages) and every rule sentence of the contract, each with a stable
// id: routes like "orders.show" (GET /api/v1/orders/{id}), rules like
// "orders.show.other-404" or "stock.no-oversell". A route says who may call it, which
// user-owned table's row its {id} names (orders, cart_items, products) and, per
// caller, the status the contract requires (Expect). A rule has its kind (a listed
// status case, a "never", an "only", a "… is a defect"), the sentence, and the routes
// it concerns. Adding a route or a rule is one line of routeTable or ruleTable.
//
// # Callers
//
// A cell of the route × caller table is a Caller: anonymous, consumer, producer
// (with a profile), producer without profile and admin, the three classes that can own
// rows split into "own rows" and "other's rows" (ConsumerOther is a consumer acting on
// another user's order or cart item, ProducerOther a producer on another producer's
// product). Every recorded evidence.HTTP carries CallerClass and Rows; market.Client
// sets them (As guesses the class from the caller's name, InClass sets it,
// OnOthersRows marks a copy acting on another user's rows). Exchanges recorded
// without a class are classified by evidence.GuessClass.
//
// # Coverage
//
// A Builder is fed one Spec per spec of the run: its name, Ginkgo state, location,
// the rules it claims (Ginkgo labels "rule:<id>", RulesFromLabels) and its recorded
// exchanges. Build matches every exchange to its route (Match: templates with {id},
// query strings ignored, the /api prefix added to paths a market client records below
// it) and its caller, and returns the Coverage: rules → the specs that proved them,
// route × caller cells with expected and observed statuses, and Gaps: rules no spec
// claims or none ran, passed specs claiming a rule about routes they never called,
// routes never exercised, routes over user-owned rows never tried by a non-owner,
// required cells never tried or never seen answering the status that proves them,
// and cells that answered a status the contract does not allow. The order is fixed,
// whatever order the specs came in.
//
// Coverage.Markdown renders docs/TESTS/CONTRACT-COVERAGE.md; Coverage.Proof is the
// section of proof.json.
//
// # The app's own routes
//
// ParseAppRoutes reads an app's route list (SMOKE_APP_ROUTES): Laravel's
// `php artisan route:list --json` or an OpenAPI 3 document in JSON (YAML is not read:
// the package imports only the standard library and pkg/evidence). Builder.AddApp
// puts it in the coverage, which then reports every app route no spec exercised, and
// AuthRoutes lists the routes behind auth:* middleware, each of which must answer 401
// to an anonymous caller (AppRoute.ProbeMethod and ProbePath give a request to try).
package contract
