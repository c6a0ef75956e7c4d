// Package dod holds the registry of Definition-of-Done items and bullets that the
// harness proves: stable ids, the plan's own wording, the document each item renders
// to, and which bullets are checked by specs, derived from other bullets, satisfied by
// the rendered document itself, or left to people.
//
// Specs refer to bullets through Ginkgo labels. Ginkgo forbids '/' in labels, so a
// bullet "CHECKOUT-SMOKE / email" is the label pair `dod:CHECKOUT-SMOKE` and
// `dod:CHECKOUT-SMOKE.email`; a filter `dod: containsAny {CHECKOUT-SMOKE}` selects the
// whole item and `dod: containsAny {CHECKOUT-SMOKE.email}` one bullet.
package dod
