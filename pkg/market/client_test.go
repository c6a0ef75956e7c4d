package market_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/market"
)

func TestClientRecordsDecodesAndKeepsErrorShape(t *testing.T) {
	var gotAuth, gotAccept string
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		gotAuth, gotAccept = r.Header.Get("Authorization"), r.Header.Get("Accept")
		w.Header().Set("Content-Type", "application/json")
		if r.URL.Path == "/api/v1/products" {
			w.WriteHeader(422)
			io.WriteString(w, `{"message":"The name field is required.","errors":{"name":["The name field is required."]}}`)
			return
		}
		io.WriteString(w, productBody)
	}))
	defer srv.Close()
	var recs []evidence.Record
	c := market.New(srv.URL+"/api", market.WithRecorder(func(r evidence.Record) { recs = append(recs, r) })).As("producer A", "1|tok")

	p, resp, err := c.PublicProduct(context.Background(), 1)
	if err != nil || resp.Status != 200 || p.Name != "Organic Tomatoes" || !p.IsActive.Bool() || p.Producer.Slug != "green-valley-farm" {
		t.Fatalf("decode: %v %v %+v", err, resp, p)
	}
	if gotAuth != "Bearer 1|tok" || gotAccept != "application/json" {
		t.Errorf("headers: %q %q", gotAuth, gotAccept)
	}
	_, resp, err = c.CreateProduct(context.Background(), market.ProductInput{})
	if err != nil || resp.Status != 422 || resp.Message != "The name field is required." || len(resp.Errors["name"]) != 1 {
		t.Fatalf("422 shape: %v %+v", err, resp)
	}
	if len(recs) != 2 || recs[0].HTTP.Caller != "producer A" || recs[1].HTTP.Method != "POST" || recs[1].HTTP.Status != 422 || recs[0].HTTP.ResponseBytes == 0 {
		t.Fatalf("evidence: %+v", recs)
	}
}

func TestGuardRefusesBeforeSending(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	refuse := errors.New("refused")
	c := market.New(srv.URL, market.WithGuard(func(method, path string) error {
		if method != "GET" {
			return refuse
		}
		return nil
	}))
	if _, err := c.DeleteProduct(context.Background(), 1); !errors.Is(err, refuse) {
		t.Fatalf("got %v", err)
	}
	if hits != 0 {
		t.Fatal("a refused request reached the server")
	}
}

func TestTransportErrorNamesTheURL(t *testing.T) {
	c := market.New("http://127.0.0.1:1/api")
	_, _, err := c.Health(context.Background())
	if err == nil || !strings.Contains(err.Error(), "127.0.0.1:1/api/health") {
		t.Fatalf("got %v", err)
	}
}

func TestEveryExchangeCarriesCallerClassAndRows(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, `{"message":"Order not found"}`)
	}))
	defer srv.Close()
	var recs []evidence.Record
	anon := market.New(srv.URL+"/api", market.WithRecorder(func(r evidence.Record) { recs = append(recs, r) }))
	ctx := context.Background()
	cases := []struct {
		name        string
		client      *market.Client
		class, rows string
	}{
		{"new client", anon, evidence.ClassAnonymous, ""},
		{"named producer", anon.As("producer A", "1|tok"), evidence.ClassProducer, ""},
		{"named but no token", anon.As("producer A", ""), evidence.ClassAnonymous, ""},
		{"fresh consumer on another's rows", anon.As("consumer (fresh)", "2|tok").OnOthersRows(), evidence.ClassConsumer, evidence.RowsOther},
		{"own rows", anon.As("consumer (fresh)", "2|tok").OnOwnRows(), evidence.ClassConsumer, evidence.RowsOwn},
		{"explicit class", anon.As("the smoke account", "3|tok").InClass(evidence.ClassProducerNoProfile), evidence.ClassProducerNoProfile, ""},
		{"As clears the rows mark", anon.OnOthersRows().As("admin", "4|tok"), evidence.ClassAdmin, ""},
	}
	for _, tc := range cases {
		recs = nil
		if _, _, err := tc.client.Order(ctx, 7); err != nil {
			t.Fatalf("%s: %v", tc.name, err)
		}
		if len(recs) != 1 {
			t.Fatalf("%s: %d records", tc.name, len(recs))
		}
		h := recs[0].HTTP
		if h.CallerClass != tc.class || h.Rows != tc.rows || tc.client.CallerClass() != tc.class || tc.client.Rows() != tc.rows {
			t.Errorf("%s: recorded class %q rows %q, client says %q %q; want %q %q", tc.name, h.CallerClass, h.Rows, tc.client.CallerClass(), tc.client.Rows(), tc.class, tc.rows)
		}
	}
	if anon.Rows() != "" || anon.CallerClass() != evidence.ClassAnonymous {
		t.Error("marking a copy changed the original client")
	}
}
