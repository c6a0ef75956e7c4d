package report

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

func location(cl types.CodeLocation) string {
	if cl.FileName == "" {
		return cl.CustomMessage
	}
	return fmt.Sprintf("%s:%d", relPath(cl.FileName), cl.LineNumber)
}

// relPath cuts an absolute path to the part a reader of the repository knows.
func relPath(p string) string {
	p = strings.ReplaceAll(p, "\\", "/")
	best := -1
	for _, m := range []string{"/suites/", "/pkg/", "/cmd/", "/fixtures/"} {
		if i := strings.Index(p, m); i >= 0 && (best < 0 || i < best) {
			best = i
		}
	}
	if best < 0 {
		return p
	}
	return p[best+1:]
}

// oneLine returns a failure or skip message as one short line. A Gomega message that
// starts with an annotation keeps the annotation; a bare "Expected …" is joined up.
func oneLine(msg string) string {
	var lines []string
	for _, l := range strings.Split(msg, "\n") {
		if l = strings.TrimSpace(l); l != "" {
			lines = append(lines, l)
		}
	}
	if len(lines) == 0 {
		return ""
	}
	out := lines[0]
	if len(lines) > 1 && (out == "Expected" || strings.HasPrefix(out, "Expected ") || strings.HasSuffix(out, ":")) {
		out = strings.Join(lines, " ")
	}
	return shorten(out, 160)
}

// shorten cuts s to about n runes without cutting a sentence (see dod.Clip).
func shorten(s string, n int) string { return dod.Clip(s, n) }

// plainText removes Markdown code marks from a bullet text.
func plainText(s string) string { return strings.ReplaceAll(s, "`", "") }

var ansi = regexp.MustCompile(`\x1b\[[0-9;]*m`)

// stripANSI removes terminal colour codes, which Ginkgo puts in some failure messages.
func stripANSI(s string) string { return ansi.ReplaceAllString(s, "") }
