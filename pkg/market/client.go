package market

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// Recorder receives one evidence record per exchange.
type Recorder func(evidence.Record)

// Guard decides whether a request may be sent; a non-nil error refuses it before it
// leaves the process (the live target uses it to refuse unsafe methods outside specs
// allowed to write).
type Guard func(method, path string) error

// Client talks to the marketplace API. It is cheap to copy: As returns a client for
// another caller sharing the HTTP connection pool.
type Client struct {
	base   string
	hc     *http.Client
	rec    Recorder
	guard  Guard
	token  string
	caller string
	class  string // evidence.Class*
	rows   string // evidence.RowsOwn, evidence.RowsOther or ""
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sets the HTTP client (its Timeout bounds every call).
func WithHTTPClient(hc *http.Client) Option { return func(c *Client) { c.hc = hc } }

// WithRecorder sets where evidence goes.
func WithRecorder(r Recorder) Option { return func(c *Client) { c.rec = r } }

// WithGuard sets a guard consulted before each request.
func WithGuard(g Guard) Option { return func(c *Client) { c.guard = g } }

// New returns a client of the API at apiBase (e.g. "http://127.0.0.1:8080/api"),
// calling as "anonymous".
func New(apiBase string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(apiBase, "/"), hc: &http.Client{Timeout: 10 * time.Second}, caller: "anonymous", class: evidence.ClassAnonymous}
	for _, o := range opts {
		o(c)
	}
	return c
}

// As returns a copy of c that sends the bearer token and is named caller in evidence.
// An empty token calls anonymously. The copy's caller class is guessed from the name
// (evidence.GuessClass; anonymous without a token) and its rows mark is cleared: use
// InClass and OnOthersRows to say it exactly.
func (c *Client) As(caller, token string) *Client {
	cp := *c
	cp.caller, cp.token, cp.rows = caller, token, ""
	cp.class = evidence.GuessClass(caller)
	if token == "" {
		cp.class = evidence.ClassAnonymous
	}
	return &cp
}

// InClass returns a copy of c that records class (one of the evidence.Class*
// constants) as its caller class on every exchange.
func (c *Client) InClass(class string) *Client {
	cp := *c
	cp.class = class
	return &cp
}

// OnOthersRows returns a copy of c whose exchanges are marked as acting on another
// user's rows (another consumer's order or cart item, another producer's product), so
// the contract coverage counts them as the non-owner's attempt.
func (c *Client) OnOthersRows() *Client {
	cp := *c
	cp.rows = evidence.RowsOther
	return &cp
}

// OnOwnRows returns a copy of c whose exchanges are marked as acting on the caller's
// own rows.
func (c *Client) OnOwnRows() *Client {
	cp := *c
	cp.rows = evidence.RowsOwn
	return &cp
}

// CallerClass returns the caller class this client records (evidence.Class*, or ""
// when its name suggested none).
func (c *Client) CallerClass() string { return c.class }

// Rows returns whose rows this client's exchanges are marked as acting on
// (evidence.RowsOwn, evidence.RowsOther, or "" when unmarked).
func (c *Client) Rows() string { return c.rows }

// Caller returns the name this client records as the caller.
func (c *Client) Caller() string { return c.caller }

// Token returns the bearer token this client sends ("" when anonymous).
func (c *Client) Token() string { return c.token }

// Response is what came back from one call.
type Response struct {
	Status   int
	Body     []byte
	Header   http.Header
	Duration time.Duration
	// Message and Errors are the contract's error shape, decoded when present.
	Message string
	Errors  map[string][]string
}

// OK reports whether the status is 2xx.
func (r *Response) OK() bool { return r != nil && r.Status >= 200 && r.Status < 300 }

// String describes the response in one line, for failure messages.
func (r *Response) String() string {
	if r == nil {
		return "no response"
	}
	return fmt.Sprintf("%d %s", r.Status, evidence.Shorten(strings.TrimSpace(string(r.Body)), 300))
}

// Do sends method path (relative to the API base, e.g. "/v1/orders") with body encoded
// as JSON (nil for none) and decodes a 2xx body into out (nil to skip). It returns an
// error only when no response was received or a 2xx body does not decode.
func (c *Client) Do(ctx context.Context, method, path string, body, out any) (*Response, error) {
	var reqBody []byte
	if body != nil {
		b, err := json.Marshal(body)
		if err != nil {
			return nil, fmt.Errorf("encode %s %s body: %w", method, path, err)
		}
		reqBody = b
	}
	if c.guard != nil {
		if err := c.guard(method, path); err != nil {
			return nil, err
		}
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, bytes.NewReader(reqBody))
	if err != nil {
		return nil, fmt.Errorf("build %s %s: %w", method, path, err)
	}
	req.Header.Set("Accept", "application/json")
	if reqBody != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if c.token != "" {
		req.Header.Set("Authorization", "Bearer "+c.token)
	}
	start := time.Now()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.record(method, path, reqBody, nil, time.Since(start), err)
		return nil, fmt.Errorf("%s %s%s: %w", method, c.base, path, err)
	}
	data, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	r := &Response{Status: resp.StatusCode, Body: data, Header: resp.Header, Duration: time.Since(start)}
	c.record(method, path, reqBody, r, r.Duration, err)
	if err != nil {
		return r, fmt.Errorf("read %s %s: %w", method, path, err)
	}
	if !r.OK() {
		var e struct {
			Message string              `json:"message"`
			Errors  map[string][]string `json:"errors"`
		}
		if json.Unmarshal(data, &e) == nil {
			r.Message, r.Errors = e.Message, e.Errors
		}
		return r, nil
	}
	if out != nil && len(bytes.TrimSpace(data)) > 0 {
		if err := json.Unmarshal(data, out); err != nil {
			return r, fmt.Errorf("decode %s %s (%d): %w", method, path, r.Status, err)
		}
	}
	return r, nil
}

// BodyLimit is how much of each body goes into evidence.
const BodyLimit = 1200

func (c *Client) record(method, path string, reqBody []byte, r *Response, d time.Duration, err error) {
	if c.rec == nil {
		return
	}
	h := &evidence.HTTP{Caller: c.caller, CallerClass: c.class, Rows: c.rows, Method: method, Path: path, Millis: float64(d.Microseconds()) / 1000,
		RequestBody: evidence.Shorten(string(reqBody), BodyLimit)}
	if r != nil {
		h.Status = r.Status
		h.ResponseBody = evidence.Shorten(string(r.Body), BodyLimit)
		h.ResponseBytes = len(r.Body)
	}
	if err != nil {
		h.Error = err.Error()
	}
	c.rec(evidence.Record{Kind: evidence.KindHTTP, HTTP: h})
}
