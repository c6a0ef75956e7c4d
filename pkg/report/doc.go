// Package report turns Ginkgo reports into the team's documents and proof.json.
//
// It is a pure function of its input, like Ginkgo's own reporters: Build reads one or
// more types.Report values (from ReadReports, or handed over by a ReportAfterSuite),
// decodes the smokeproof evidence and run facts the specs attached with
// AddReportEntry, and decides the status of every DoD bullet of the items whose suite
// ran. Documents and Proof render that model; WriteAll writes them under an output
// directory. Nothing here imports Ginkgo's DSL, touches the target, or reads the
// environment, so a report.json can be rendered offline on any machine.
//
// # Status rules
//
//   - A checked bullet is ✅ when at least one spec carries its label and every such
//     spec passed; ❌ failed when an assertion about the app in one of them did not
//     hold; ⚠ broken when none failed but one could not check (it panicked, timed out,
//     was interrupted or aborted, a setup node such as BeforeEach failed, its failure
//     says the target or a tool could not be reached, or the suite's setup failed, see
//     outcome.go); ⏸ otherwise (filtered out on this target, skipped, pending, or no
//     spec at all), always with the reason.
//   - A derived bullet is ✅ when every checked bullet of its item is ✅, ❌ when one of
//     them is ❌ ("blocked by: …"), ⏸ otherwise.
//   - A document bullet is ✅ when at least one spec of the item ran, because the
//     document is then rendered from this run.
//   - A manual bullet is ✍ and never counts as proven.
//   - An item is DONE when every bullet that is not manual is ✅, NOT DONE when any is
//     ❌, NOT CHECKED when none is ❌ but one is ⚠, and INCOMPLETE otherwise.
//
// A spec that the label filter left out is reported by Ginkgo as skipped without a
// message; its reason is the first evidence.RunFacts exclusion whose label it carries.
// A spec that called Skip carries its reason in the failure message.
//
// # Conventions read from evidence
//
//   - evidence.Fact records whose name starts with "content:" are the prod-facts page's
//     Content Verification rows (the prefix is dropped); all other facts are Endpoint
//     Status rows.
//   - evidence.Cell records of PRODUCER-PERMISSIONS form the authorization matrix.
//   - evidence.File records with an image media type are shown inline as screenshots;
//     two or more in a row (other kinds of evidence between them aside) are a strip:
//     a table with one column per step, headed by the record's title; other files
//     are linked.
//   - evidence.Rows records of DATA-DEPENDENCY-MAP are its schema, told apart by their
//     columns (case-insensitive): TABLE_NAME, COLUMN_NAME, REFERENCED_TABLE_NAME,
//     REFERENCED_COLUMN_NAME (and DELETE_RULE) are foreign keys; TABLE_NAME,
//     COLUMN_NAME, DATA_TYPE (and COLUMN_KEY) are key columns; a lone TABLE_NAME is the
//     list of tables. The map links each foreign key to the bullets whose specs
//     exercise it (a fixed table in depmap.go) and shows their status in the same run.
//
// # Links and digests
//
// Run.Links gives, for every bullet, the document section that proves it, with the
// anchor GitHub gives the heading; the CLI writes these links into the work plan.
// proof.json records the SHA-256 of every evidence file and, when written by Write, of
// every report file it was rendered from, so `smokeproof proof verify` can tell a
// changed file.
//
// File paths from the report (spec and failure locations) are shown relative to the
// repository: from the first suites/, pkg/, cmd/ or fixtures/ directory in the path.
package report
