package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// mdDoc builds one Markdown document. Headings get GitHub's anchors (the same slugs
// and -1, -2 suffixes GitHub gives them); links to a heading may be written before the
// heading exists and are resolved by bytes.
type mdDoc struct {
	b       strings.Builder
	seen    map[string]int
	anchors map[string]string
}

func newDoc() *mdDoc {
	return &mdDoc{seen: map[string]int{}, anchors: map[string]string{}}
}

const refMark = "\x00"

// ref returns a placeholder for the anchor of the heading registered under key.
func (d *mdDoc) ref(key string) string { return refMark + key + refMark }

// heading writes a heading whose text is Markdown, and registers its anchor under key
// (when key is not empty). It returns the anchor.
func (d *mdDoc) heading(level int, text, key string) string {
	slug := d.slug(text)
	if key != "" {
		d.anchors[key] = slug
	}
	d.printf("%s %s\n\n", strings.Repeat("#", level), text)
	return slug
}

// slug gives a heading the anchor GitHub gives it: the rendered text lower-cased,
// with everything but letters, digits, marks, '-' and '_' dropped and spaces turned into
// '-'; repeated slugs get -1, -2, ...
func (d *mdDoc) slug(markdown string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(renderedText(markdown)) {
		switch {
		case r == ' ':
			b.WriteRune('-')
		case r == '-' || r == '_' || unicode.IsLetter(r) || unicode.IsDigit(r) || unicode.IsNumber(r) || unicode.IsMark(r):
			b.WriteRune(r)
		}
	}
	base := b.String()
	slug := base
	for {
		if _, taken := d.seen[slug]; !taken {
			break
		}
		d.seen[base]++
		slug = fmt.Sprintf("%s-%d", base, d.seen[base])
	}
	d.seen[slug] = 0
	return slug
}

// renderedText approximates the text a Markdown viewer shows for inline Markdown.
func renderedText(md string) string {
	r := strings.NewReplacer("`", "", "&lt;", "<", "&gt;", ">", "&amp;", "&")
	s := r.Replace(md)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] == '\\' && i+1 < len(s) && strings.IndexByte("\\`*_{}[]()#+-.!|<>", s[i+1]) >= 0 {
			i++
		}
		b.WriteByte(s[i])
	}
	return strings.TrimSpace(b.String())
}

func (d *mdDoc) printf(format string, args ...any) { fmt.Fprintf(&d.b, format, args...) }

func (d *mdDoc) line(s string) { d.b.WriteString(s + "\n") }

func (d *mdDoc) para(s string) { d.b.WriteString(s + "\n\n") }

// table writes a Markdown table; cells must already be escaped with cell or codeCell.
func (d *mdDoc) table(header []string, rows [][]string) {
	d.line("| " + strings.Join(header, " | ") + " |")
	seps := make([]string, len(header))
	for i := range seps {
		seps[i] = "---"
	}
	d.line("|" + strings.Join(seps, "|") + "|")
	for _, r := range rows {
		d.line("| " + strings.Join(r, " | ") + " |")
	}
	d.line("")
}

// fence writes a fenced code block that no backtick run in body can close.
func (d *mdDoc) fence(lang, body string) {
	f := strings.Repeat("`", max(3, longestRun(body, '`')+1))
	d.printf("%s%s\n%s\n%s\n\n", f, lang, strings.TrimRight(body, "\n"), f)
}

// bytes returns the document with every heading link resolved.
func (d *mdDoc) bytes() []byte {
	s := d.b.String()
	var out strings.Builder
	for {
		i := strings.Index(s, refMark)
		if i < 0 {
			out.WriteString(s)
			break
		}
		j := strings.Index(s[i+1:], refMark)
		if j < 0 {
			out.WriteString(s)
			break
		}
		out.WriteString(s[:i])
		out.WriteString(d.anchors[s[i+1:i+1+j]])
		s = s[i+1+j+1:]
	}
	return []byte(strings.TrimRight(out.String(), "\n") + "\n")
}

func longestRun(s string, c byte) int {
	best, n := 0, 0
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			n++
			best = max(best, n)
		} else {
			n = 0
		}
	}
	return best
}

// esc makes data from a run safe as inline Markdown text: no HTML, no emphasis, no
// code spans, one line.
func esc(s string) string {
	var b strings.Builder
	for _, r := range strings.Join(strings.Fields(s), " ") {
		switch r {
		case '\\', '`', '*':
			b.WriteRune('\\')
			b.WriteRune(r)
		case '<': // a backslash, not an HTML entity: the Markdown reads as it renders
			b.WriteString(`\<`)
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}

// cell makes data from a run safe inside a table cell.
func cell(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return strings.ReplaceAll(esc(s), "|", `\|`)
}

// mdCell puts trusted Markdown (bullet texts from the registry) in a table cell.
func mdCell(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "\n", " "), "|", `\|`)
}

// code returns s as an inline code span.
func code(s string) string {
	s = strings.Join(strings.Fields(s), " ")
	if s == "" {
		return ""
	}
	f := strings.Repeat("`", longestRun(s, '`')+1)
	if strings.HasPrefix(s, "`") || strings.HasSuffix(s, "`") || len(f) > 1 {
		return f + " " + s + " " + f
	}
	return f + s + f
}

// codeCell returns s as an inline code span inside a table cell.
func codeCell(s string) string {
	if strings.TrimSpace(s) == "" {
		return "—"
	}
	return strings.ReplaceAll(code(s), "|", `\|`)
}

// millis formats a duration in milliseconds for people: "0.4 ms", "63 ms", "6.4 s",
// "2 min 5 s".
func millis(ms float64) string {
	switch {
	case ms < 10:
		return strings.TrimSuffix(fmt.Sprintf("%.1f", ms), ".0") + " ms"
	case ms < 1000:
		return fmt.Sprintf("%.0f ms", ms)
	case ms < 60000:
		return fmt.Sprintf("%.1f s", ms/1000)
	default:
		s := int(math.Round(ms / 1000))
		return fmt.Sprintf("%d min %d s", s/60, s%60)
	}
}

func dur(d time.Duration) string { return millis(float64(d) / float64(time.Millisecond)) }

// size formats a byte count for people: "142 B", "47.1 KB", "2.3 MB".
func size(n int64) string {
	switch {
	case n < 1024:
		return fmt.Sprintf("%d B", n)
	case n < 1024*1024:
		return fmt.Sprintf("%.1f KB", float64(n)/1024)
	default:
		return fmt.Sprintf("%.1f MB", float64(n)/(1024*1024))
	}
}

// utc formats a timestamp for the documents.
func utc(t time.Time) string {
	if t.IsZero() {
		return "unknown time"
	}
	return t.UTC().Format("2006-01-02 15:04:05 UTC")
}

// plural returns "1 spec" or "2 specs".
func plural(n int, one, many string) string {
	if n == 1 {
		return fmt.Sprintf("%d %s", n, one)
	}
	return fmt.Sprintf("%d %s", n, many)
}

// relLink returns the link from a document to a file, both relative to the output
// directory and slash-separated.
func relLink(fromDoc, to string) string {
	depth := strings.Count(strings.Trim(fromDoc, "/"), "/")
	return strings.Repeat("../", depth) + strings.TrimLeft(to, "/")
}

// body returns a request or response body ready for a code block, and the fence
// language: JSON longer than one short line indented, at most maxLines lines.
func body(s string) (string, string) {
	const maxBytes, maxLines, oneLineUpTo = 4000, 30, 100
	s = evidence.Shorten(s, maxBytes)
	lang := "text"
	var buf bytes.Buffer
	if json.Valid([]byte(s)) {
		lang = "json"
		if len(s) > oneLineUpTo && json.Indent(&buf, []byte(s), "", "  ") == nil {
			s = buf.String()
		}
	}
	lines := strings.Split(s, "\n")
	if len(lines) > maxLines {
		s = strings.Join(lines[:maxLines], "\n") + fmt.Sprintf("\n… (%d more lines)", len(lines)-maxLines)
	}
	return s, lang
}
