package dod

import "strings"

// Clip shortens a one-line message to about n characters without cutting a sentence:
// it keeps the sentences that fit and marks the rest with " …"; when the first sentence
// alone is longer, it keeps it whole up to twice n, and only a longer run-on text is cut
// at a word boundary with "…".
func Clip(s string, n int) string {
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	end := func(i int) bool { // r[i] ends a sentence
		return strings.ContainsRune(".!?;", r[i]) && (i+1 == len(r) || r[i+1] == ' ')
	}
	for i := n - 1; i >= n/4; i-- {
		if end(i) {
			return string(r[:i+1]) + " …"
		}
	}
	for i := n; i < len(r) && i < 2*n; i++ {
		if end(i) {
			if i+1 == len(r) {
				return s
			}
			return string(r[:i+1]) + " …"
		}
	}
	if len(r) <= 2*n {
		return s
	}
	cut := n - 1
	for cut > n/2 && r[cut] != ' ' {
		cut--
	}
	return strings.TrimSpace(string(r[:cut])) + "…"
}
