package mailbox_test

import (
	"context"
	"fmt"
	"net/smtp"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/mailbox"
)

// startSink starts a sink on a free loopback port and closes it when the test ends.
func startSink(t testing.TB) *mailbox.Sink {
	t.Helper()
	s, err := mailbox.StartSink(context.Background(), "")
	if err != nil {
		t.Fatalf("StartSink: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// confirmation is an order confirmation as the contract describes it.
func confirmation(to string, orderID int, total string) []byte {
	return []byte(strings.ReplaceAll(fmt.Sprintf(`From: Shop <shop@example.test>
To: Buyer <%s>
Subject: Order confirmation #%d
X-Order-Id: %d
Date: %s
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8

Thank you for order %d.
Total: %s EUR
`, to, orderID, orderID, time.Now().Format(time.RFC1123Z), orderID, total), "\n", "\r\n"))
}

func send(t testing.TB, s *mailbox.Sink, to string, msg []byte) {
	t.Helper()
	if err := smtp.SendMail(s.Addr(), nil, "shop@example.test", []string{to}, msg); err != nil {
		t.Errorf("SendMail to %s: %v", s.Addr(), err)
	}
}

func TestSinkReceivesSendMail(t *testing.T) {
	s := startSink(t)
	if s.Host() != "127.0.0.1" || s.Port() == 0 || s.Addr() != fmt.Sprintf("127.0.0.1:%d", s.Port()) {
		t.Fatalf("Host/Port/Addr = %q/%d/%q, want 127.0.0.1, a port, and both joined", s.Host(), s.Port(), s.Addr())
	}
	if s.Name() != "smtp-sink" {
		t.Errorf("Name = %q, want smtp-sink", s.Name())
	}
	send(t, s, "Ann@Example.test", confirmation("Ann@Example.test", 12, "16.00"))

	msgs, err := s.Messages(context.Background(), mailbox.Query{To: "ann@example.TEST", OrderID: "12"})
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 {
		t.Fatalf("got %d messages, want 1", len(msgs))
	}
	m := msgs[0]
	if m.Source != "smtp-sink" || m.From != "shop@example.test" || m.To != "Ann@Example.test" ||
		m.Subject != "Order confirmation #12" || m.OrderID != "12" {
		t.Errorf("message = %+v", m)
	}
	if got := m.Headers["X-Order-Id"]; len(got) != 1 || got[0] != "12" {
		t.Errorf(`Headers["X-Order-Id"] = %q, want ["12"]`, got)
	}
	if !strings.Contains(m.Text, "Total: 16.00 EUR") {
		t.Errorf("Text = %q, want the total", m.Text)
	}
	if time.Since(m.Received) > 5*time.Second || m.Received.After(time.Now()) {
		t.Errorf("Received = %v, want about now", m.Received)
	}

	for _, q := range []mailbox.Query{
		{To: "bob@example.test"},
		{OrderID: "1"},
		{OrderID: "123"},
		{Since: time.Now().Add(10 * time.Second)},
	} {
		got, err := s.Messages(context.Background(), q)
		if err != nil || len(got) != 0 {
			t.Errorf("Messages(%+v) = %d messages, %v; want none", q, len(got), err)
		}
	}

	s.Reset()
	if got, _ := s.Messages(context.Background(), mailbox.Query{}); len(got) != 0 {
		t.Errorf("after Reset: %d messages, want 0", len(got))
	}
}

func TestSinkMatchesEnvelopeRecipientAndSubjectOrder(t *testing.T) {
	s := startSink(t)
	// No X-Order-Id header: the order is found from the subject; the recipient is only
	// in the envelope (a Bcc).
	msg := strings.ReplaceAll("From: shop@example.test\nTo: someone@example.test\nSubject: Order confirmation #7\n\nbody\n", "\n", "\r\n")
	send(t, s, "hidden@example.test", []byte(msg))
	got, err := s.Messages(context.Background(), mailbox.Query{To: "hidden@example.test", OrderID: "7"})
	if err != nil || len(got) != 1 {
		t.Fatalf("Messages = %d, %v; want 1", len(got), err)
	}
	if got[0].OrderID != "" {
		t.Errorf("OrderID = %q, want empty (no X-Order-Id header)", got[0].OrderID)
	}
}

func TestSinkCloseTwice(t *testing.T) {
	s, err := mailbox.StartSink(context.Background(), "")
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Errorf("second Close: %v", err)
	}
	if err := smtp.SendMail(s.Addr(), nil, "a@b.test", []string{"c@d.test"}, []byte("Subject: x\r\n\r\n")); err == nil {
		t.Error("SendMail to a closed sink succeeded")
	}
}

func TestStartSinkBadAddr(t *testing.T) {
	s := startSink(t)
	if _, err := mailbox.StartSink(context.Background(), s.Addr()); err == nil || !strings.Contains(err.Error(), s.Addr()) {
		t.Errorf("StartSink on a used port: err = %v, want one naming %s", err, s.Addr())
	}
}
