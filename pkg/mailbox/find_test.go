package mailbox_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/mailbox"
)

func TestFindWaitsForLateMessage(t *testing.T) {
	s := startSink(t)
	since := time.Now()
	go func() {
		time.Sleep(300 * time.Millisecond)
		send(t, s, "ann@example.test", confirmation("ann@example.test", 21, "9.90"))
	}()
	start := time.Now()
	msgs, err := mailbox.Find(context.Background(), s, mailbox.Query{To: "ann@example.test", OrderID: "21", Since: since}, 3*time.Second)
	took := time.Since(start)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 1 || msgs[0].OrderID != "21" {
		t.Fatalf("Find = %+v, want the one message of order 21", msgs)
	}
	if took < 300*time.Millisecond || took > 2*time.Second {
		t.Errorf("Find took %v, want between 0.3 s (the send) and 2 s", took)
	}
	t.Logf("found after %v", took)
}

func TestFindTimesOut(t *testing.T) {
	s := startSink(t)
	send(t, s, "ann@example.test", confirmation("ann@example.test", 5, "1.00")) // another order
	start := time.Now()
	_, err := mailbox.Find(context.Background(), s, mailbox.Query{To: "ann@example.test", OrderID: "6"}, 200*time.Millisecond)
	took := time.Since(start)
	want := "no message to ann@example.test for order 6 within 200ms (source smtp-sink)"
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if took < 200*time.Millisecond || took > time.Second {
		t.Errorf("timed out after %v, want about 200ms", took)
	}
}

func TestFindSeesDuplicate(t *testing.T) {
	s := startSink(t)
	go func() {
		time.Sleep(100 * time.Millisecond)
		send(t, s, "ann@example.test", confirmation("ann@example.test", 30, "5.00"))
		send(t, s, "ann@example.test", confirmation("ann@example.test", 30, "5.00"))
	}()
	msgs, err := mailbox.Find(context.Background(), s, mailbox.Query{To: "ann@example.test", OrderID: "30"}, 3*time.Second)
	if err != nil {
		t.Fatal(err)
	}
	if len(msgs) != 2 {
		t.Fatalf("Find returned %d messages, want the 2 sent back to back", len(msgs))
	}
}

func TestFindStopsOnCancel(t *testing.T) {
	s := startSink(t)
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	start := time.Now()
	_, err := mailbox.Find(ctx, s, mailbox.Query{OrderID: "1"}, 10*time.Second)
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	if took := time.Since(start); took > time.Second {
		t.Errorf("Find returned %v after cancel, want at once", took)
	}
}

// failing is a Source whose reads always fail.
type failing struct{}

func (failing) Name() string { return "broken" }
func (failing) Messages(context.Context, mailbox.Query) ([]mailbox.Message, error) {
	return nil, errors.New("connection refused")
}

func TestFindReportsLastSourceError(t *testing.T) {
	_, err := mailbox.Find(context.Background(), failing{}, mailbox.Query{}, 100*time.Millisecond)
	if err == nil || !strings.HasPrefix(err.Error(), "no message to any recipient for order any within 100ms (source broken)") ||
		!strings.Contains(err.Error(), "connection refused") {
		t.Fatalf("err = %v, want the timeout sentence and the source's error", err)
	}
}

func TestMessageEvidence(t *testing.T) {
	m := mailbox.Message{Source: "mailpit", To: "ann@example.test", Subject: "Order confirmation #4", OrderID: "4"}
	r := m.Evidence(2, 1500*time.Microsecond)
	if r.Kind != evidence.KindMail || r.Mail == nil {
		t.Fatalf("record = %+v, want a mail record", r)
	}
	want := evidence.Mail{Source: "mailpit", To: "ann@example.test", Subject: "Order confirmation #4", OrderID: "4", Count: 2, Millis: 1.5}
	if *r.Mail != want {
		t.Errorf("Mail = %+v, want %+v", *r.Mail, want)
	}
	if !strings.Contains(r.Title, "ann@example.test") || !strings.Contains(r.Title, "4") {
		t.Errorf("Title = %q, want recipient and order", r.Title)
	}
}

func BenchmarkSendAndFind(b *testing.B) {
	s := startSink(b)
	msg := confirmation("ann@example.test", 99, "1.00")
	for b.Loop() {
		s.Reset()
		send(b, s, "ann@example.test", msg)
		if _, err := mailbox.Find(context.Background(), s, mailbox.Query{To: "ann@example.test", OrderID: "99"}, time.Second); err != nil {
			b.Fatal(err)
		}
	}
}
