package mailbox_test

import (
	"context"
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/mailbox"
)

// fakeMailpit mimics the parts of Mailpit v1.33's HTTP API that the source uses, with
// the JSON shapes of server/apiv1.MessagesSummary and storage.MessageSummary.
type fakeMailpit struct {
	mu       sync.Mutex
	msgs     []fakeMail // oldest first
	paths    []string   // every request path and query
	markRead bool       // set when a call that marks a message read was made
}

type fakeMail struct {
	id      string
	to      string
	subject string
	created time.Time
	raw     string
}

type addr struct {
	Name    string
	Address string
}

func (f *fakeMailpit) add(id, to, subject string, created time.Time, raw []byte) {
	f.mu.Lock()
	f.msgs = append(f.msgs, fakeMail{id: id, to: to, subject: subject, created: created, raw: string(raw)})
	f.mu.Unlock()
}

func (f *fakeMailpit) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.paths = append(f.paths, r.URL.RequestURI())
	summary := func(m fakeMail) map[string]any {
		return map[string]any{
			"ID": m.id, "MessageID": m.id + "@example.test", "Read": false,
			"From": addr{"Shop", "shop@example.test"}, "To": []addr{{"", m.to}},
			"Cc": []addr{}, "Bcc": []addr{}, "ReplyTo": []addr{},
			"Subject": m.subject, "Created": m.created.Format(time.RFC3339Nano),
			"Username": "", "Tags": []string{}, "Size": len(m.raw), "Attachments": 0, "Snippet": "Thank you",
		}
	}
	list := func(match func(fakeMail) bool) {
		var out []map[string]any
		for i := len(f.msgs) - 1; i >= 0; i-- { // newest first, as Mailpit sorts
			if match(f.msgs[i]) {
				out = append(out, summary(f.msgs[i]))
			}
		}
		if out == nil {
			out = []map[string]any{}
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{
			"total": len(f.msgs), "unread": len(f.msgs), "count": len(out),
			"messages_count": len(out), "messages_unread": len(out), "start": 0,
			"tags": []string{}, "messages": out,
		})
	}
	switch {
	case r.URL.Path == "/api/v1/messages":
		list(func(fakeMail) bool { return true })
	case r.URL.Path == "/api/v1/search":
		q := r.URL.Query().Get("query")
		if q == "" {
			http.Error(w, "Error: no search query", http.StatusBadRequest)
			return
		}
		// Mailpit: to:<term> is a case-insensitive substring match; quotes are dropped.
		term := strings.ToLower(strings.ReplaceAll(strings.TrimPrefix(q, "to:"), `"`, ""))
		list(func(m fakeMail) bool { return strings.Contains(strings.ToLower(m.to), term) })
	case strings.HasPrefix(r.URL.Path, "/api/v1/message/"):
		rest := strings.TrimPrefix(r.URL.Path, "/api/v1/message/")
		id, sub, _ := strings.Cut(rest, "/")
		for _, m := range f.msgs {
			if m.id != id {
				continue
			}
			switch sub {
			case "raw":
				w.Header().Set("Content-Type", "text/plain; charset=utf-8")
				_, _ = w.Write([]byte(m.raw))
			case "":
				f.markRead = true
				_ = json.NewEncoder(w).Encode(summary(m))
			default:
				http.NotFound(w, r)
			}
			return
		}
		http.Error(w, "404 page not found", http.StatusNotFound)
	default:
		http.Error(w, "404 page not found", http.StatusNotFound)
	}
}

func TestMailpitSource(t *testing.T) {
	f := &fakeMailpit{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	now := time.Now().UTC()
	f.add("a1", "ann@example.test", "Order confirmation #12", now.Add(-time.Hour), confirmation("ann@example.test", 12, "1.00"))
	f.add("b2", "xann@example.test", "Order confirmation #14", now, confirmation("xann@example.test", 14, "2.00"))
	f.add("c3", "ann@example.test", "Order confirmation #14", now, confirmation("ann@example.test", 14, "3.00"))

	src := mailbox.NewMailpit(srv.URL+"/", srv.Client())
	if src.Name() != "mailpit" {
		t.Errorf("Name = %q", src.Name())
	}
	got, err := src.Messages(context.Background(), mailbox.Query{To: "Ann@example.test", OrderID: "14"})
	if err != nil {
		t.Fatal(err)
	}
	if len(got) != 1 {
		t.Fatalf("got %d messages, want 1 (xann@ is another recipient, #12 another order): %+v", len(got), got)
	}
	m := got[0]
	if m.Source != "mailpit" || m.To != "ann@example.test" || m.OrderID != "14" || !strings.Contains(m.Text, "Total: 3.00 EUR") {
		t.Errorf("message = %+v", m)
	}
	if !m.Received.Equal(now) {
		t.Errorf("Received = %v, want Mailpit's Created %v", m.Received, now)
	}
	if h := m.Headers["X-Order-Id"]; len(h) != 1 || h[0] != "14" {
		t.Errorf("X-Order-Id = %q", h)
	}

	// Both messages to ann, oldest first; Since leaves the old one out.
	got, _ = src.Messages(context.Background(), mailbox.Query{To: "ann@example.test"})
	if len(got) != 2 || got[0].OrderID != "12" || got[1].OrderID != "14" {
		t.Errorf("all to ann = %+v, want orders 12 then 14", got)
	}
	got, _ = src.Messages(context.Background(), mailbox.Query{OrderID: "14", Since: now.Add(-time.Minute)})
	if len(got) != 2 {
		t.Errorf("order 14 since a minute ago = %d messages, want 2", len(got))
	}

	f.mu.Lock()
	defer f.mu.Unlock()
	if f.markRead {
		t.Error("the source called GET /api/v1/message/{ID}, which marks messages read")
	}
	var sawSearch bool
	for _, p := range f.paths {
		if strings.HasPrefix(p, "/api/v1/search?") && strings.Contains(p, "query=to%3A%22Ann%40example.test%22") {
			sawSearch = true
		}
	}
	if !sawSearch {
		t.Errorf("no search by recipient among the requests %q", f.paths)
	}
	raws := 0
	for _, p := range f.paths {
		if strings.HasSuffix(p, "/raw") {
			raws++
		}
	}
	if raws != 3 {
		t.Errorf("fetched %d raw messages over four queries, want 3 (each once)", raws)
	}
}

func TestMailpitFindLate(t *testing.T) {
	f := &fakeMailpit{}
	srv := httptest.NewServer(f)
	defer srv.Close()
	time.AfterFunc(200*time.Millisecond, func() {
		f.add("z9", "ann@example.test", "Order confirmation #40", time.Now(), confirmation("ann@example.test", 40, "4.00"))
	})
	msgs, err := mailbox.Find(context.Background(), mailbox.NewMailpit(srv.URL, nil), mailbox.Query{To: "ann@example.test", OrderID: "40"}, 2*time.Second)
	if err != nil || len(msgs) != 1 {
		t.Fatalf("Find = %d, %v", len(msgs), err)
	}
}

func TestMailpitNotFound(t *testing.T) {
	srv := httptest.NewServer(http.NotFoundHandler())
	defer srv.Close()
	_, err := mailbox.NewMailpit(srv.URL, nil).Messages(context.Background(), mailbox.Query{To: "a@b.test"})
	if err == nil || !strings.Contains(err.Error(), "404") || !strings.Contains(err.Error(), "not a Mailpit HTTP API") {
		t.Fatalf("err = %v, want a 404 that says the URL is not Mailpit's API", err)
	}
}

func TestMailpitNotJSON(t *testing.T) {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_, _ = w.Write([]byte("<html>login</html>"))
	}))
	defer srv.Close()
	_, err := mailbox.NewMailpit(srv.URL, nil).Messages(context.Background(), mailbox.Query{})
	if err == nil || !strings.Contains(err.Error(), "not its JSON") {
		t.Fatalf("err = %v", err)
	}
}

func TestMailpitConnectionRefused(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	url := "http://" + ln.Addr().String()
	ln.Close() // nothing listens there now
	_, err = mailbox.NewMailpit(url, nil).Messages(context.Background(), mailbox.Query{})
	if err == nil || !strings.Contains(err.Error(), "refused the connection") || !strings.Contains(err.Error(), url) {
		t.Fatalf("err = %v, want a refused connection naming %s", err, url)
	}
}
