package embedded_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/mailbox"
	"github.com/smokeproof/smokeproof/pkg/target/embedded"
)

func TestOpenServesTheShopAndSharesTheSink(t *testing.T) {
	e, stop, err := embedded.Open(context.Background(), embedded.Options{})
	t.Cleanup(func() { stop() })
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(e.APIBase + "/health")
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("health: %v %v", err, resp)
	}
	resp.Body.Close()
	if e.Accounts.Admin.Email == "" || e.DSN == "" || !strings.HasPrefix(e.Mail, "sink:") {
		t.Fatalf("endpoints incomplete: %+v", e)
	}
	src := mailbox.NewSinkSource(strings.TrimPrefix(e.Mail, "sink:"), http.DefaultClient)
	msgs, err := src.Messages(context.Background(), mailbox.Query{To: "nobody@x.test"})
	if err != nil || len(msgs) != 0 {
		t.Fatalf("empty sink view: %v %v", msgs, err)
	}
	if _, err := mailbox.Find(context.Background(), src, mailbox.Query{To: "nobody@x.test"}, 100*time.Millisecond); err == nil {
		t.Fatal("Find found a message that was never sent")
	}
}

func TestUnknownFaultIsOneSentence(t *testing.T) {
	_, stop, err := embedded.Open(context.Background(), embedded.Options{Faults: "nonsense"})
	stop()
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "wrong-tax") {
		t.Fatalf("got %v", err)
	}
}
