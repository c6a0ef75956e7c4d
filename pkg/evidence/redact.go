package evidence

import (
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Mask replaces every secret the Redactor removes.
const Mask = "[REDACTED]"

// patterns catch secrets the Redactor was not told about: bearer tokens, Sanctum-style
// tokens, JSON fields that hold secrets, cookies and DSN passwords.
var patterns = []struct {
	re   *regexp.Regexp
	repl string
}{
	{regexp.MustCompile(`(?i)(bearer\s+)[A-Za-z0-9._~+/=|-]{16,}`), "${1}" + Mask},
	{regexp.MustCompile(`\b\d+\|[A-Za-z0-9]{40}\b`), Mask},
	{regexp.MustCompile(`(?i)("(?:password|password_confirmation|current_password|token|access_token|secret|api_key)"\s*:\s*)"(?:[^"\\]|\\.)*"`), `${1}"` + Mask + `"`},
	{regexp.MustCompile(`(?i)((?:set-)?cookie:\s*)[^\r\n]*`), "${1}" + Mask},
	{regexp.MustCompile(`(?i)\b((?:[a-z_]*session|XSRF-TOKEN|smokeproof_session|shop_session)=)[^;\s"]+`), "${1}" + Mask},
	{regexp.MustCompile(`([A-Za-z0-9_.-]+:)[^@/\s:]+(@(?:tcp|unix)?\(?)`), "${1}" + Mask + "${2}"},
	{regexp.MustCompile(`(?i)([?&](?:password|token|secret)=)[^&\s"]+`), "${1}" + Mask},
}

// Redactor removes secrets from text. It knows the exact secrets it was given with Add
// (passwords, tokens, DSN passwords) and a set of patterns for secrets it was not told
// about. The zero value is ready to use and safe for concurrent use.
type Redactor struct {
	mu      sync.RWMutex
	secrets []string
}

// Add registers exact secrets; empty strings and strings shorter than 4 bytes are
// ignored (masking them would mangle ordinary text).
func (r *Redactor) Add(secrets ...string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, s := range secrets {
		if len(s) < 4 {
			continue
		}
		r.secrets = append(r.secrets, s)
	}
	// Longest first, so a secret containing another is masked whole.
	sort.Slice(r.secrets, func(i, j int) bool { return len(r.secrets[i]) > len(r.secrets[j]) })
}

// String returns s with every known secret and every secret-looking pattern masked.
func (r *Redactor) String(s string) string {
	if r != nil {
		r.mu.RLock()
		for _, secret := range r.secrets {
			s = strings.ReplaceAll(s, secret, Mask)
		}
		r.mu.RUnlock()
	}
	for _, p := range patterns {
		s = p.re.ReplaceAllString(s, p.repl)
	}
	return s
}

// Record returns a copy of rec with every text field redacted.
func (r *Redactor) Record(rec Record) Record {
	out := rec
	out.Title = r.String(rec.Title)
	out.Note = r.String(rec.Note)
	if rec.HTTP != nil {
		h := *rec.HTTP
		h.Path = r.String(h.Path)
		h.RequestBody = r.String(h.RequestBody)
		h.ResponseBody = r.String(h.ResponseBody)
		h.Error = r.String(h.Error)
		out.HTTP = &h
	}
	if rec.Rows != nil {
		rows := *rec.Rows
		rows.Query = r.String(rows.Query)
		rows.Args = r.strings(rows.Args)
		rows.Values = make([][]string, len(rec.Rows.Values))
		for i, v := range rec.Rows.Values {
			rows.Values[i] = r.strings(v)
		}
		out.Rows = &rows
	}
	if rec.Mail != nil {
		m := *rec.Mail
		m.Subject = r.String(m.Subject)
		out.Mail = &m
	}
	if rec.Cell != nil {
		c := *rec.Cell
		c.Detail = r.String(c.Detail)
		out.Cell = &c
	}
	if rec.Fact != nil {
		f := *rec.Fact
		f.Details = r.String(f.Details)
		f.Status = r.String(f.Status)
		out.Fact = &f
	}
	return out
}

func (r *Redactor) strings(in []string) []string {
	if in == nil {
		return nil
	}
	out := make([]string, len(in))
	for i, s := range in {
		out[i] = r.String(s)
	}
	return out
}

// Shorten cuts s to at most n bytes (on a rune boundary), saying how much was cut.
func Shorten(s string, n int) string {
	if len(s) <= n {
		return s
	}
	cut := n
	for cut > 0 && !utf8RuneStart(s[cut]) {
		cut--
	}
	return s[:cut] + "… (" + itoa(len(s)-cut) + " more bytes)"
}

func utf8RuneStart(b byte) bool { return b&0xC0 != 0x80 }

func itoa(n int) string {
	if n == 0 {
		return "0"
	}
	var b [20]byte
	i := len(b)
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	return string(b[i:])
}
