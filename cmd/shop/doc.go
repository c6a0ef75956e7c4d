// Command shop runs the reference marketplace (fixtures/shop) against a MySQL or
// MariaDB database, configured by environment variables; run "shop --help" for
// them. It is what the shop image and live-style runs start:
//
//	shop serve    serve the API and web pages (SHOP_MIGRATE=1 migrates and seeds first)
//	shop migrate  create the tables that do not exist yet
//	shop seed     insert the seed world unless it is there
//
// It builds as a static binary (CGO_ENABLED=0).
package main
