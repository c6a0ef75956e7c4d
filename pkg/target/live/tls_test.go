package live_test

import (
	"context"
	"crypto/x509"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/target/live"
)

func TestCertificateOfAnHTTPSSite(t *testing.T) {
	srv := httptest.NewTLSServer(nil)
	defer srv.Close()
	ctx := context.Background()
	roots := x509.NewCertPool()
	roots.AddCert(srv.Certificate())

	c, err := live.Certificate(ctx, srv.URL+"/api", roots, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if !c.NotAfter.Equal(srv.Certificate().NotAfter.UTC()) || c.Invalid != "" || c.Host != "127.0.0.1" {
		t.Fatalf("cert = %+v; want NotAfter %s, valid for 127.0.0.1", c, srv.Certificate().NotAfter)
	}
	if d := c.DaysLeft(time.Now()); d < 365 {
		t.Errorf("days left = %d for a certificate expiring %s", d, c.NotAfter)
	}
	if d := c.DaysLeft(c.NotAfter.Add(10 * 24 * time.Hour)); d != -10 {
		t.Errorf("days left ten days after expiry = %d, want -10", d)
	}

	// Against the system roots the test certificate does not verify, and says why,
	// but its date is still read.
	c, err = live.Certificate(ctx, srv.URL, nil, time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if c.Invalid == "" || c.NotAfter.IsZero() {
		t.Errorf("cert = %+v; want it read but marked invalid (unknown authority)", c)
	}

	if _, err := live.Certificate(ctx, "http://127.0.0.1:1", nil, time.Second); err == nil || !strings.Contains(err.Error(), "not an https URL") {
		t.Errorf("http URL: err = %v", err)
	}
	if _, err := live.Certificate(ctx, "https://"+closedPort(t), nil, time.Second); err == nil || !strings.Contains(err.Error(), "connection refused") {
		t.Errorf("closed port: err = %v", err)
	}
}
