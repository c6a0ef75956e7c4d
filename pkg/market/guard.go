package market

import (
	"fmt"
	"io"
	"net/http"
	"path"
	"strings"
	"time"
)

// alwaysAllowed are the unsafe requests every spec may send on a live site: signing
// the smoke accounts in and out changes nothing a customer sees.
var alwaysAllowed = map[string]bool{
	"POST /v1/auth/login":  true,
	"POST /v1/auth/logout": true,
}

// LiveGuard returns the live target's request guard for the market client. GET, HEAD and
// OPTIONS always pass, and so do POST /v1/auth/login and POST /v1/auth/logout (paths
// relative to the API base, compared after cleaning, without the query). Any other
// request is refused before it is sent — the guard returns an error saying so — unless
// allowWrites reports true when asked (nil allowWrites never allows). The lead wires
// allowWrites to "writes are allowed in this run and the running spec is labelled
// writes".
func LiveGuard(allowWrites func() bool) Guard {
	return func(method, p string) error {
		m := strings.ToUpper(strings.TrimSpace(method))
		switch m {
		case http.MethodGet, http.MethodHead, http.MethodOptions:
			return nil
		}
		clean := p
		if i := strings.IndexAny(clean, "?#"); i >= 0 {
			clean = clean[:i]
		}
		clean = path.Clean("/" + clean)
		if alwaysAllowed[m+" "+clean] {
			return nil
		}
		if allowWrites != nil && allowWrites() {
			return nil
		}
		return fmt.Errorf("refused %s %s on the live target before sending it: writes are not allowed here (run with SMOKE_ALLOW_WRITES=true and label the spec spec.Writes to let it write as the smoke accounts)", m, clean)
	}
}

// LivePageGuard is LiveGuard for the web page client (paths relative to the site's
// web base): the sign-in form POST /auth/login and POST /auth/logout always pass too.
func LivePageGuard(allowWrites func() bool) Guard {
	api := LiveGuard(allowWrites)
	return func(method, p string) error {
		m := strings.ToUpper(strings.TrimSpace(method))
		if c := path.Clean("/" + p); m == http.MethodPost && (c == "/auth/login" || c == "/auth/logout") {
			return nil
		}
		return api(method, p)
	}
}

// retryDelays are the waits before the first and second retry of a read.
var retryDelays = []time.Duration{200 * time.Millisecond, 600 * time.Millisecond}

// RetryingTransport returns a RoundTripper that sends requests through base (nil means
// http.DefaultTransport) and retries a GET up to twice, 200 ms and then 600 ms later,
// when it got no response at all or a 502, 503 or 504 — a deployed site behind a load
// balancer blips. It never retries other methods, and never a path ending in /health
// or /healthz: the prod-facts page must see a failing health check at once. A request
// whose context ends while waiting returns the context's error.
func RetryingTransport(base http.RoundTripper) http.RoundTripper {
	if base == nil {
		base = http.DefaultTransport
	}
	return retrying{base: base}
}

type retrying struct{ base http.RoundTripper }

func (t retrying) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Method != http.MethodGet || isHealth(req.URL.Path) {
		return t.base.RoundTrip(req)
	}
	hasBody := req.Body != nil && req.Body != http.NoBody
	if hasBody && req.GetBody == nil {
		return t.base.RoundTrip(req) // the body cannot be sent twice
	}
	cur := req
	for attempt := 0; ; attempt++ {
		resp, err := t.base.RoundTrip(cur)
		if attempt == len(retryDelays) || !retryable(resp, err) || req.Context().Err() != nil {
			return resp, err
		}
		if resp != nil {
			io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
			resp.Body.Close()
		}
		timer := time.NewTimer(retryDelays[attempt])
		select {
		case <-req.Context().Done():
			timer.Stop()
			return nil, req.Context().Err()
		case <-timer.C:
		}
		cur = req.Clone(req.Context())
		if hasBody {
			body, err := req.GetBody()
			if err != nil {
				return nil, err
			}
			cur.Body = body
		}
	}
}

func retryable(resp *http.Response, err error) bool {
	if err != nil {
		return true
	}
	switch resp.StatusCode {
	case http.StatusBadGateway, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
		return true
	}
	return false
}

func isHealth(p string) bool {
	p = strings.TrimRight(p, "/")
	return strings.HasSuffix(p, "/health") || strings.HasSuffix(p, "/healthz")
}
