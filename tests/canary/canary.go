package canary

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/httputil"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"sort"
	"strings"
	"sync"
)

// Secret is a value that must never reach a written file, and what kind of secret it
// is (named in a hit instead of the value, so a failure never prints the secret).
type Secret struct {
	Kind  string // e.g. "password of the admin smoke account", "bearer token"
	Value string
}

// Hit is one secret found in one file.
type Hit struct {
	File   string // path relative to the scanned directory
	Kind   string
	Offset int // byte offset of the first occurrence
}

func (h Hit) String() string {
	return fmt.Sprintf("%s holds a %s (at byte %d)", h.File, h.Kind, h.Offset)
}

// Scan reads every byte of every regular file under dir and returns each secret found
// in each file, sorted by file then kind. Secrets shorter than 6 bytes are refused (an
// error), since finding them would prove nothing. It returns an error when a file
// cannot be read.
func Scan(dir string, secrets []Secret) ([]Hit, error) {
	for _, s := range secrets {
		if len(s.Value) < 6 {
			return nil, fmt.Errorf("secret %q is too short to look for (%d bytes)", s.Kind, len(s.Value))
		}
	}
	var hits []Hit
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(path)
		if err != nil {
			return fmt.Errorf("read %s: %w", path, err)
		}
		rel, _ := filepath.Rel(dir, path)
		hits = append(hits, ScanBytes(filepath.ToSlash(rel), data, secrets)...)
		return nil
	})
	if err != nil {
		return nil, err
	}
	sort.Slice(hits, func(i, j int) bool {
		if hits[i].File != hits[j].File {
			return hits[i].File < hits[j].File
		}
		return hits[i].Kind < hits[j].Kind
	})
	return hits, nil
}

// ScanBytes returns each secret found in data, named as file. Besides the value
// itself it looks for its JSON-escaped and URL-escaped forms.
func ScanBytes(file string, data []byte, secrets []Secret) []Hit {
	var hits []Hit
	for _, s := range secrets {
		for _, form := range forms(s.Value) {
			if i := bytes.Index(data, []byte(form)); i >= 0 {
				hits = append(hits, Hit{File: file, Kind: s.Kind, Offset: i})
				break
			}
		}
	}
	return hits
}

// forms returns v as written raw, inside a JSON string and in a URL.
func forms(v string) []string {
	out := []string{v}
	j, _ := json.Marshal(v)
	if s := strings.Trim(string(j), `"`); s != v {
		out = append(out, s)
	}
	if q := url.QueryEscape(v); q != v {
		out = append(out, q)
	}
	return out
}

// Proxy is a reverse proxy in front of a site that remembers every secret crossing it:
// the bearer tokens of requests, the tokens in JSON response bodies and the values of
// cookies set or sent. It is safe for concurrent use.
type Proxy struct {
	handler  http.Handler
	mu       sync.Mutex
	tokens   map[string]bool
	cookies  map[string]bool
	requests int
}

// sanctum matches a Sanctum-style token "<id>|<40 random chars>".
var sanctum = regexp.MustCompile(`\b\d+\|[A-Za-z0-9]{40}\b`)

// NewProxy returns a Proxy forwarding to target (e.g. http://127.0.0.1:8080).
func NewProxy(target *url.URL) *Proxy {
	p := &Proxy{tokens: map[string]bool{}, cookies: map[string]bool{}}
	rp := &httputil.ReverseProxy{}
	rp.Rewrite = func(pr *httputil.ProxyRequest) {
		pr.SetURL(target)
		pr.Out.Host = pr.In.Host
		r := pr.Out
		p.mu.Lock()
		defer p.mu.Unlock()
		p.requests++
		if tok, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer "); ok {
			p.addToken(tok)
		}
		for _, c := range r.Cookies() {
			p.addCookie(c.Value)
		}
	}
	rp.ModifyResponse = func(resp *http.Response) error {
		body, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return err
		}
		resp.Body = io.NopCloser(bytes.NewReader(body))
		p.mu.Lock()
		defer p.mu.Unlock()
		for _, c := range resp.Cookies() {
			p.addCookie(c.Value)
		}
		for _, tok := range sanctum.FindAllString(string(body), -1) {
			p.addToken(tok)
		}
		if strings.Contains(resp.Header.Get("Content-Type"), "json") {
			var v any
			if json.Unmarshal(body, &v) == nil {
				p.walk(v)
			}
		}
		return nil
	}
	p.handler = rp
	return p
}

// walk collects the string values of "token"-like fields of a JSON value.
func (p *Proxy) walk(v any) {
	switch x := v.(type) {
	case map[string]any:
		for k, val := range x {
			if s, ok := val.(string); ok && strings.Contains(strings.ToLower(k), "token") && k != "token_type" {
				p.addToken(s)
			}
			p.walk(val)
		}
	case []any:
		for _, val := range x {
			p.walk(val)
		}
	}
}

func (p *Proxy) addToken(tok string) {
	tok = strings.TrimSpace(tok)
	if len(tok) < 8 {
		return
	}
	p.tokens[tok] = true
	// The random part alone is the secret: a leak of it without the id counts too.
	if _, random, ok := strings.Cut(tok, "|"); ok && len(random) >= 8 {
		p.tokens[random] = true
	}
}

func (p *Proxy) addCookie(v string) {
	if len(v) >= 8 {
		p.cookies[v] = true
	}
}

// ServeHTTP forwards r to the site.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) { p.handler.ServeHTTP(w, r) }

// Secrets returns every token and cookie value seen so far, as Secrets.
func (p *Proxy) Secrets() []Secret {
	p.mu.Lock()
	defer p.mu.Unlock()
	var out []Secret
	for _, t := range sortedKeys(p.tokens) {
		out = append(out, Secret{Kind: "bearer token", Value: t})
	}
	for _, c := range sortedKeys(p.cookies) {
		out = append(out, Secret{Kind: "session cookie", Value: c})
	}
	return out
}

// Counts returns how many requests crossed the proxy and how many distinct tokens and
// cookie values it saw.
func (p *Proxy) Counts() (requests, tokens, cookies int) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.requests, len(p.tokens), len(p.cookies)
}

func sortedKeys(m map[string]bool) []string {
	out := make([]string, 0, len(m))
	for k := range m {
		out = append(out, k)
	}
	sort.Strings(out)
	return out
}
