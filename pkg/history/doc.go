// Package history reads the proof.json files of earlier runs and renders what a team
// reading the nightly results asks every morning: did a bullet go red last night, since
// when has it been red, what changed since the previous run, and which bullets flip
// without any change to the app or the harness (flaky).
//
// It renders docs/TESTS/HISTORY.md, the chart it embeds (an SVG written here, no
// JavaScript) and a history strip per item, the last runs of each bullet as
// ✅ ❌ ⚠ ⏸ cells, for the item's document and the CI step summary. It depends only on
// proof.json's schema, not on the code that wrote it.
package history
