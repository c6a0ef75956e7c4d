package market

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"strings"
	"time"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// Web is a client of the site's server-rendered pages, as a browser without
// JavaScript would use them: it asks for text/html, keeps the session cookie between
// calls and does not follow redirects (a spec sees the 3xx and its Location). Page
// requests never go through the JSON API client: a Laravel app answers an API-style
// request for a protected page with 401, a browser-style one with a redirect.
type Web struct {
	c *Client
}

// NewWeb returns a page client of the site at webBase (e.g. "http://127.0.0.1:8080")
// with its own cookie jar; opts are the API client's (HTTP client, recorder, guard).
func NewWeb(webBase string, opts ...Option) *Web {
	c := New(webBase, opts...)
	hc := *c.hc
	jar, _ := cookiejar.New(nil) // never fails without options
	hc.Jar = jar
	if hc.CheckRedirect == nil {
		hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	}
	c.hc = &hc
	c.caller = "browser (anonymous)"
	return &Web{c: c}
}

// As returns a copy named caller in evidence, sharing the cookie jar. A page client
// carries its identity in the session cookie, not a token, so its caller class is
// guessed from the name ("producer A (session)" is a producer; a name that says no
// role is anonymous).
func (w *Web) As(caller string) *Web {
	c := w.c.As(caller, "")
	if class := evidence.GuessClass(caller); class != "" {
		c = c.InClass(class)
	}
	return &Web{c: c}
}

// OnOthersRows returns a copy whose exchanges are marked as acting on another user's
// rows (for the contract coverage), sharing the cookie jar.
func (w *Web) OnOthersRows() *Web { return &Web{c: w.c.OnOthersRows()} }

// Get fetches a page.
func (w *Web) Get(ctx context.Context, path string) (*Response, error) {
	return w.send(ctx, http.MethodGet, path, nil, "")
}

// PostForm submits a form as application/x-www-form-urlencoded.
func (w *Web) PostForm(ctx context.Context, path string, form url.Values) (*Response, error) {
	return w.send(ctx, http.MethodPost, path, []byte(form.Encode()), "application/x-www-form-urlencoded")
}

// Cookie returns the value of the named cookie the site set for its base URL.
func (w *Web) Cookie(name string) string {
	u, err := url.Parse(w.c.base)
	if err != nil || w.c.hc.Jar == nil {
		return ""
	}
	for _, ck := range w.c.hc.Jar.Cookies(u) {
		if ck.Name == name {
			return ck.Value
		}
	}
	return ""
}

func (w *Web) send(ctx context.Context, method, path string, body []byte, contentType string) (*Response, error) {
	c := w.c
	if c.guard != nil {
		if err := c.guard(method, path); err != nil {
			return nil, err
		}
	}
	var rd io.Reader
	if body != nil {
		rd = strings.NewReader(string(body))
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "text/html,application/xhtml+xml")
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.record(method, path, body, nil, time.Since(start), err)
		return nil, fmt.Errorf("%s %s%s: %w", method, c.base, path, err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	r := &Response{Status: resp.StatusCode, Body: data, Header: resp.Header, Duration: time.Since(start)}
	c.record(method, path, body, r, r.Duration, err)
	if err != nil {
		return r, fmt.Errorf("read %s %s: %w", method, path, err)
	}
	return r, nil
}
