package mailbox_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/mailbox"
)

// laravelLog is what Laravel 11's log mailer and Monolog write: two mails, with an
// INFO record and a non-mail DEBUG record between them. The second mail is
// multipart with a quoted-printable text part, as Symfony Mailer builds it.
var laravelLog = strings.Join([]string{
	"[2026-11-25 10:00:00] local.DEBUG: From: Marketplace <shop@example.test>\r\n" +
		"To: ann@example.test\r\n" +
		"Subject: Order confirmation #12\r\n" +
		"X-Order-Id: 12\r\n" +
		"Message-ID: <a1@example.test>\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Date: Wed, 25 Nov 2026 10:00:00 +0000\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n" +
		"\r\n" +
		"Thank you for order 12.\r\n" +
		"Total: 16.00 EUR\r\n",
	"[2026-11-25 10:00:01] local.INFO: Order 13 placed {\"user_id\":4} ",
	"[2026-11-25 10:00:01] local.DEBUG: cache miss for key products ",
	"[2026-11-25 10:00:02] local.DEBUG: From: Marketplace <shop@example.test>\r\n" +
		"To: \"Bob B.\" <Bob@Example.test>\r\n" +
		"Subject: =?utf-8?Q?Order_confirmation_#13?=\r\n" +
		"X-Order-Id: 13\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/alternative; boundary=b1\r\n" +
		"\r\n" +
		"--b1\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"Content-Transfer-Encoding: quoted-printable\r\n" +
		"\r\n" +
		"Order 13 =E2=80=94 total 7.50 EUR, a long line that Symfony wraps with a s=\r\n" +
		"oft break.\r\n" +
		"--b1\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n" +
		"\r\n" +
		"<p>Order 13</p>\r\n" +
		"--b1--\r\n" +
		" [] []",
	"",
}, "\n")

func writeLog(t *testing.T, content string) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "laravel.log")
	if err := os.WriteFile(p, []byte(content), 0o600); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestLaravelLogTwoRecords(t *testing.T) {
	src := mailbox.NewLaravelLog(writeLog(t, laravelLog))
	if src.Name() != "laravel-log" {
		t.Errorf("Name = %q", src.Name())
	}
	all, err := src.Messages(context.Background(), mailbox.Query{})
	if err != nil {
		t.Fatal(err)
	}
	if len(all) != 2 {
		t.Fatalf("got %d messages, want 2 (the INFO and plain DEBUG records are not mail): %+v", len(all), all)
	}
	a, b := all[0], all[1]
	if a.To != "ann@example.test" || a.Subject != "Order confirmation #12" || a.OrderID != "12" || a.From != "shop@example.test" {
		t.Errorf("first = %+v", a)
	}
	if want := time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC); !a.Received.Equal(want) {
		t.Errorf("first Received = %v, want %v", a.Received, want)
	}
	if a.Text != "Thank you for order 12.\nTotal: 16.00 EUR\n" {
		t.Errorf("first Text = %q", a.Text)
	}
	if b.To != "Bob@Example.test" || b.Subject != "Order confirmation #13" || b.OrderID != "13" {
		t.Errorf("second = %+v", b)
	}
	if !strings.Contains(b.Text, "Order 13 — total 7.50 EUR") || !strings.Contains(b.Text, "a soft break.") || strings.Contains(b.Text, "<p>") {
		t.Errorf("second Text = %q, want the decoded text part only", b.Text)
	}

	got, err := src.Messages(context.Background(), mailbox.Query{To: "bob@example.test", OrderID: "13"})
	if err != nil || len(got) != 1 || got[0].OrderID != "13" {
		t.Errorf("query bob/13 = %+v, %v", got, err)
	}
	got, _ = src.Messages(context.Background(), mailbox.Query{Since: time.Date(2026, 11, 25, 10, 0, 1, 500e6, time.UTC)})
	if len(got) != 1 || got[0].OrderID != "13" {
		t.Errorf("query since 10:00:01.5 = %+v, want order 13 only", got)
	}
}

func TestLaravelLogMissingFile(t *testing.T) {
	src := mailbox.NewLaravelLog(filepath.Join(t.TempDir(), "storage", "logs", "laravel.log"))
	got, err := src.Messages(context.Background(), mailbox.Query{})
	if err != nil || len(got) != 0 {
		t.Fatalf("missing file: %d messages, %v; want none and no error", len(got), err)
	}
}

func TestLaravelLogUnreadable(t *testing.T) {
	src := mailbox.NewLaravelLog(t.TempDir()) // a directory
	if _, err := src.Messages(context.Background(), mailbox.Query{}); err == nil {
		t.Fatal("reading a directory as the log: no error")
	}
}

func TestLaravelLogFindAppended(t *testing.T) {
	p := writeLog(t, "")
	go func() {
		time.Sleep(150 * time.Millisecond)
		f, err := os.OpenFile(p, os.O_APPEND|os.O_WRONLY, 0)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		_, _ = f.WriteString(laravelLog)
	}()
	msgs, err := mailbox.Find(context.Background(), mailbox.NewLaravelLog(p), mailbox.Query{To: "ann@example.test", OrderID: "12"}, 2*time.Second)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Find = %d, %v", len(msgs), err)
	}
}
