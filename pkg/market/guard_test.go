package market_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/market"
)

func TestGuardRefusesWritesUnlessAllowed(t *testing.T) {
	g := market.LiveGuard(func() bool { return false })
	for _, c := range []struct {
		method, path string
		ok           bool
	}{
		{"GET", "/v1/public/products?per_page=100", true},
		{"HEAD", "/v1/public/products", true},
		{"OPTIONS", "/v1/orders", true},
		{"get", "/v1/orders", true},
		{"POST", "/v1/auth/login", true},
		{"POST", "/v1/auth/logout", true},
		{"POST", "/v1/auth/login?x=1", true},
		{"post", "v1/auth/logout", true},
		{"POST", "/v1/orders", false},
		{"POST", "/v1/orders/checkout", false},
		{"POST", "/v1/auth/register", false},
		{"POST", "/v1/cart/items", false},
		{"PATCH", "/v1/products/1", false},
		{"PUT", "/v1/products/1", false},
		{"DELETE", "/v1/cart/items/3", false},
		{"DELETE", "/v1/auth/login", false},
		{"PUT", "/v1/auth/login", false},
		{"POST", "/v1/auth/login/../../v1/orders", false},
		{"POST", "/v1/auth/loginx", false},
		{"POST", "/auth/login", false},
	} {
		err := g(c.method, c.path)
		if c.ok && err != nil {
			t.Errorf("%s %s refused: %v", c.method, c.path, err)
		}
		if !c.ok && err == nil {
			t.Errorf("%s %s allowed with writes off", c.method, c.path)
		}
		if err != nil && !strings.Contains(err.Error(), "SMOKE_ALLOW_WRITES=true") {
			t.Errorf("refusal does not say how to allow writes: %v", err)
		}
	}

	allowed := false
	g = market.LiveGuard(func() bool { return allowed })
	if err := g("POST", "/v1/orders"); err == nil {
		t.Fatal("POST /v1/orders allowed while allowWrites says false")
	}
	allowed = true
	if err := g("POST", "/v1/orders"); err != nil {
		t.Fatalf("POST /v1/orders refused while allowWrites says true: %v", err)
	}
	if err := market.LiveGuard(nil)("DELETE", "/v1/products/1"); err == nil {
		t.Fatal("a nil allowWrites allowed a DELETE")
	}
}

// A refused request never reaches the site.
func TestGuardedClientSendsNothingRefused(t *testing.T) {
	var hits atomic.Int64
	var mu sync.Mutex
	var seen []string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		hits.Add(1)
		mu.Lock()
		seen = append(seen, r.Method+" "+r.URL.Path)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, `{"token":"1|abc","user":{"id":1}}`)
	}))
	defer srv.Close()
	c := market.New(srv.URL+"/api", market.WithGuard(market.LiveGuard(func() bool { return false })))
	ctx := context.Background()

	_, resp, err := c.PlaceOrder(ctx, []market.Line{{ProductID: 1, Quantity: 1}}, "")
	if err == nil || resp != nil {
		t.Fatalf("PlaceOrder with writes off: resp %v, err %v; want a refusal", resp, err)
	}
	if _, err := c.DeleteProduct(ctx, 7); err == nil {
		t.Fatal("DeleteProduct with writes off was not refused")
	}
	if hits.Load() != 0 {
		t.Fatalf("refused requests reached the server: %v", seen)
	}
	if _, resp, err := c.Login(ctx, "a@b.c", "pw"); err != nil || resp.Status != 200 {
		t.Fatalf("login refused: %v %v", resp, err)
	}
	if _, _, err := c.PublicProducts(ctx, market.ListQuery{}); err != nil {
		t.Fatalf("GET refused: %v", err)
	}
	if hits.Load() != 2 {
		t.Fatalf("server saw %d requests %v, want the login and the GET", hits.Load(), seen)
	}
}

// flaky answers the first n requests with status, then 200.
func flaky(n int64, status int) (*httptest.Server, *atomic.Int64) {
	var hits atomic.Int64
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if hits.Add(1) <= n {
			w.WriteHeader(status)
			io.WriteString(w, `{"message":"blip"}`)
			return
		}
		io.WriteString(w, `{"status":"ok"}`)
	}))
	return srv, &hits
}

func TestRetryingTransportRetriesReadsOnGatewayErrors(t *testing.T) {
	t.Parallel()
	hc := &http.Client{Transport: market.RetryingTransport(nil), Timeout: 5 * time.Second}
	for _, c := range []struct {
		status     int
		fails      int64
		wantStatus int
	}{{502, 2, 200}, {503, 2, 200}, {504, 2, 200}, {503, 10, 503}} {
		t.Run(fmt.Sprintf("%d×%d", c.fails, c.status), func(t *testing.T) {
			t.Parallel()
			srv, hits := flaky(c.fails, c.status)
			defer srv.Close()
			start := time.Now()
			resp, err := hc.Get(srv.URL + "/api/v1/public/products")
			took := time.Since(start)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			// Two retries at most: the third answer is returned as it is.
			if resp.StatusCode != c.wantStatus || hits.Load() != 3 {
				t.Errorf("%d× %d then 200: got %d after %d requests, want %d after 3", c.fails, c.status, resp.StatusCode, hits.Load(), c.wantStatus)
			}
			if took < 800*time.Millisecond || took > 3*time.Second {
				t.Errorf("two retries took %s, want 200 ms + 600 ms of backoff", took)
			}
		})
	}
}

func TestRetryingTransportLeavesHealthWritesAndOtherStatusesAlone(t *testing.T) {
	hc := &http.Client{Transport: market.RetryingTransport(nil), Timeout: 5 * time.Second}
	for _, c := range []struct {
		method, path string
		status       int
	}{
		{"GET", "/api/health", 503},
		{"GET", "/api/healthz", 503},
		{"GET", "/api/health/", 502},
		{"POST", "/api/v1/orders", 503},
		{"DELETE", "/api/v1/cart/items/1", 502},
		{"GET", "/api/v1/public/products", 500},
		{"GET", "/api/v1/public/products", 404},
		{"GET", "/api/v1/public/products", 429},
	} {
		srv, hits := flaky(1, c.status)
		req, _ := http.NewRequest(c.method, srv.URL+c.path, strings.NewReader(""))
		start := time.Now()
		resp, err := hc.Do(req)
		srv.Close()
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.status || hits.Load() != 1 || time.Since(start) > 150*time.Millisecond {
			t.Errorf("%s %s answered %d: got %d after %d requests in %s, want it returned at once", c.method, c.path, c.status, resp.StatusCode, hits.Load(), time.Since(start))
		}
	}
}

// countingFail is a RoundTripper that fails every request with a transport error.
type countingFail struct{ n atomic.Int64 }

func (c *countingFail) RoundTrip(*http.Request) (*http.Response, error) {
	c.n.Add(1)
	return nil, errors.New("connection reset by peer")
}

func TestRetryingTransportRetriesTransportErrorsAndStopsWithTheContext(t *testing.T) {
	t.Parallel()
	base := &countingFail{}
	rt := market.RetryingTransport(base)
	req, _ := http.NewRequest("GET", "http://shop.invalid/api/v1/public/products", nil)
	if _, err := rt.RoundTrip(req); err == nil {
		t.Fatal("a failing transport gave no error")
	}
	if base.n.Load() != 3 {
		t.Fatalf("transport error: %d attempts, want 3", base.n.Load())
	}

	base = &countingFail{}
	rt = market.RetryingTransport(base)
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	req, _ = http.NewRequestWithContext(ctx, "GET", "http://shop.invalid/api/v1/public/products", nil)
	start := time.Now()
	_, err := rt.RoundTrip(req)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 150*time.Millisecond || base.n.Load() != 1 {
		t.Fatalf("context ended during the backoff: err %v after %s and %d attempts; want the context's error at once", err, time.Since(start), base.n.Load())
	}

	base = &countingFail{}
	req, _ = http.NewRequest("GET", "http://shop.invalid/api/health", nil)
	market.RetryingTransport(base).RoundTrip(req)
	if base.n.Load() != 1 {
		t.Fatalf("health with a transport error: %d attempts, want 1", base.n.Load())
	}
}
