package live

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"net"
	"net/url"
	"strings"
	"time"
)

// Cert is what a site's TLS handshake showed about its certificate.
type Cert struct {
	Host     string    // the host name checked, e.g. shop.example.org
	Subject  string    // the leaf's common name, or its first DNS name
	Issuer   string    // the issuer's common name or organisation
	NotAfter time.Time // when the leaf certificate expires
	// Invalid says why the chain does not verify for Host ("" when it does): expired,
	// wrong host, unknown authority.
	Invalid string
}

// DaysLeft returns the whole days from now until the certificate expires (negative
// once it has).
func (c Cert) DaysLeft(now time.Time) int {
	return int(c.NotAfter.Sub(now).Hours() / 24)
}

// Certificate connects to the host of rawURL (an https URL; port 443 unless given),
// completes a TLS handshake and returns the leaf certificate's facts. It verifies the
// chain for the host against roots (nil means the system's roots) and reports a
// failure in Cert.Invalid rather than as an error, so that an expired certificate
// still shows its date. It returns an error when rawURL is not https or the handshake
// cannot happen at all (no answer, not TLS), within timeout.
func Certificate(ctx context.Context, rawURL string, roots *x509.CertPool, timeout time.Duration) (Cert, error) {
	u, err := url.Parse(rawURL)
	if err != nil || u.Scheme != "https" || u.Hostname() == "" {
		return Cert{}, fmt.Errorf("%s is not an https URL: only an https site has a certificate to check", publicURL(rawURL))
	}
	host, port := u.Hostname(), u.Port()
	if port == "" {
		port = "443"
	}
	if timeout <= 0 {
		timeout = probeTimeout
	}
	ctx, cancel := context.WithTimeout(ctx, timeout)
	defer cancel()
	d := tls.Dialer{NetDialer: &net.Dialer{}, Config: &tls.Config{ServerName: host, InsecureSkipVerify: true}}
	conn, err := d.DialContext(ctx, "tcp", net.JoinHostPort(host, port))
	if err != nil {
		return Cert{}, fmt.Errorf("TLS handshake with %s: %s", net.JoinHostPort(host, port), cause(err, timeout))
	}
	defer conn.Close()
	state := conn.(*tls.Conn).ConnectionState()
	if len(state.PeerCertificates) == 0 {
		return Cert{}, errors.New("TLS handshake with " + host + ": the server sent no certificate")
	}
	leaf := state.PeerCertificates[0]
	c := Cert{Host: host, Subject: leaf.Subject.CommonName, Issuer: leaf.Issuer.CommonName, NotAfter: leaf.NotAfter.UTC()}
	if c.Subject == "" && len(leaf.DNSNames) > 0 {
		c.Subject = leaf.DNSNames[0]
	}
	if c.Issuer == "" && len(leaf.Issuer.Organization) > 0 {
		c.Issuer = strings.Join(leaf.Issuer.Organization, ", ")
	}
	inter := x509.NewCertPool()
	for _, ic := range state.PeerCertificates[1:] {
		inter.AddCert(ic)
	}
	if _, err := leaf.Verify(x509.VerifyOptions{DNSName: host, Roots: roots, Intermediates: inter}); err != nil {
		c.Invalid = err.Error()
	}
	return c, nil
}
