package market_test

import (
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/market"
)

const productBody = `{"id":1,"producer_id":1,"name":"Organic Tomatoes","slug":"organic-tomatoes","description":null,"price":"3.50","unit":"kg","stock":100,"is_active":true,"producer":{"id":1,"name":"Green Valley Farm","slug":"green-valley-farm"},"created_at":"2025-01-02T10:00:00Z","updated_at":"2025-01-02T10:00:00Z"}`

func server(b *testing.B) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		io.WriteString(w, productBody)
	}))
	b.Cleanup(srv.Close)
	return srv
}

// BenchmarkBareHTTP is the baseline: one GET with net/http, body read and decoded.
func BenchmarkBareHTTP(b *testing.B) {
	srv := server(b)
	hc := srv.Client()
	for b.Loop() {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, srv.URL+"/api/v1/public/products/1", nil)
		req.Header.Set("Accept", "application/json")
		resp, err := hc.Do(req)
		if err != nil {
			b.Fatal(err)
		}
		var p market.Product
		data, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err := jsonUnmarshal(data, &p); err != nil {
			b.Fatal(err)
		}
	}
}

// BenchmarkClient is the same call through the market client, recording evidence.
func BenchmarkClient(b *testing.B) {
	srv := server(b)
	var n int
	c := market.New(srv.URL+"/api", market.WithHTTPClient(srv.Client()), market.WithRecorder(func(evidence.Record) { n++ }))
	ctx := context.Background()
	for b.Loop() {
		if _, resp, err := c.PublicProduct(ctx, 1); err != nil || resp.Status != 200 {
			b.Fatal(err, resp)
		}
	}
	if n == 0 {
		b.Fatal("no evidence recorded")
	}
}
