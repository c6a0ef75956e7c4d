// Command shop runs the reference marketplace (fixtures/shop) against a MySQL or
// MariaDB database, configured by environment variables; run "shop --help" for
// them. It is what the shop image and live-style runs start:
//
//	shop serve    serve the API and web pages (SHOP_MIGRATE=1 migrates and seeds first)
//	shop migrate  create the tables that do not exist yet
//	shop seed     insert the seed world unless it is there
//	shop routes [--json]            every route, in Laravel's route:list --json shape
//	shop selftest [--junit FILE|-]  the shop's own contract checks on a scratch database,
//	                                JUnit XML for the harness (SMOKE_APP_TEST_CMD)
//
// It builds as a static binary (CGO_ENABLED=0).
package main
