// Package evidence defines the typed, JSON-safe evidence records that specs attach to
// their Ginkgo report (HTTP exchanges, database rows, e-mails, screenshots, matrix
// cells, measured facts) and the Redactor that scrubs secrets out of them before
// anything is written.
//
// It is a leaf package: it imports only the standard library, so the report renderer
// can decode evidence from a report.json written by another process or machine.
package evidence
