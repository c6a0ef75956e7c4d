package mailbox

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/mail"
	"strings"
	"time"
)

var wordDecoder = mime.WordDecoder{}

// parseMessage parses a whole RFC 5322 message into a Message of source src.
// received is used when it is not zero; otherwise the Date header, when it parses.
func parseMessage(src string, raw []byte, received time.Time) (Message, error) {
	pm, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		return Message{}, fmt.Errorf("parse message: %w", err)
	}
	headers := make(map[string][]string, len(pm.Header))
	for k, v := range pm.Header {
		headers[k] = v // net/mail already canonicalises the keys
	}
	m := Message{
		Source:   src,
		Subject:  decodeWords(pm.Header.Get("Subject")),
		OrderID:  strings.TrimSpace(pm.Header.Get("X-Order-Id")),
		Headers:  headers,
		Received: received,
	}
	if from := splitAddresses(decodeWords(pm.Header.Get("From"))); len(from) > 0 {
		m.From = from[0]
	}
	var to []string
	for _, v := range pm.Header["To"] {
		to = append(to, splitAddresses(decodeWords(v))...)
	}
	m.To = strings.Join(to, ", ")
	if m.Received.IsZero() {
		if d, err := pm.Header.Date(); err == nil {
			m.Received = d
		}
	}
	text, err := textBody(pm.Header.Get("Content-Type"), pm.Header.Get("Content-Transfer-Encoding"), pm.Body)
	if err != nil {
		return m, fmt.Errorf("read body of %q: %w", m.Subject, err)
	}
	m.Text = text
	return m, nil
}

func decodeWords(s string) string {
	if d, err := wordDecoder.DecodeHeader(s); err == nil {
		return d
	}
	return s
}

// textBody returns the text/plain content of a body: the body itself for a text part,
// the first text/plain part (else the first text part) of a multipart body.
func textBody(contentType, encoding string, body io.Reader) (string, error) {
	mediaType, params, err := mime.ParseMediaType(contentType)
	if err != nil || contentType == "" {
		mediaType, params = "text/plain", nil
	}
	if strings.HasPrefix(mediaType, "multipart/") && params["boundary"] != "" {
		mr := multipart.NewReader(body, params["boundary"])
		var fallback string
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return fallback, nil
			}
			if err != nil {
				return fallback, fmt.Errorf("read multipart body: %w", err)
			}
			pt := p.Header.Get("Content-Type")
			t, err := textBody(pt, p.Header.Get("Content-Transfer-Encoding"), p)
			if err != nil {
				return t, err
			}
			pmt, _, _ := mime.ParseMediaType(pt)
			switch {
			case pt == "" || pmt == "text/plain":
				return t, nil
			case fallback == "" && t != "":
				fallback = t
			}
		}
	}
	if !strings.HasPrefix(mediaType, "text/") && !strings.HasPrefix(mediaType, "multipart/") {
		return "", nil
	}
	raw, err := io.ReadAll(body)
	if err != nil {
		return "", fmt.Errorf("read body: %w", err)
	}
	switch strings.ToLower(strings.TrimSpace(encoding)) {
	case "quoted-printable":
		if d, err := io.ReadAll(quotedprintable.NewReader(bytes.NewReader(raw))); err == nil {
			raw = d
		}
	case "base64":
		clean := strings.Map(func(r rune) rune {
			if r == '\r' || r == '\n' || r == ' ' || r == '\t' {
				return -1
			}
			return r
		}, string(raw))
		if d, err := base64.StdEncoding.DecodeString(clean); err == nil {
			raw = d
		}
	}
	return strings.ReplaceAll(string(raw), "\r\n", "\n"), nil
}
