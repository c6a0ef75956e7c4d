// Package live is the driver of the live target: a deployed site reached by its base
// URL, with an optional read-only database DSN, a mail source and dedicated smoke
// accounts. Open checks each of them once, fast, and fails with one sentence naming the
// setting to fix. The package also holds the live target's HTTP safety rules: Guard
// refuses unsafe methods unless writes are allowed, and RetryingTransport retries
// idempotent reads through short network blips (never the health check, whose 503 must
// be seen at once). Certificate inspects a site's TLS certificate for the prod-facts
// page.
package live
