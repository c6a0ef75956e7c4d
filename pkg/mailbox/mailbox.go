package mailbox

import (
	"context"
	"fmt"
	"net/mail"
	"strings"
	"time"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// Source names, as [Message.Source] and [Source.Name] report them.
const (
	SourceSink          = "smtp-sink"
	SourceMailpit       = "mailpit"
	SourceLaravelLog    = "laravel-log"
	SourceNotifications = "order_notifications"
)

// Query says which messages to look for. Zero fields match anything.
type Query struct {
	To      string    // recipient address, case-insensitive; "" = any
	OrderID string    // matches the X-Order-Id header, or "#<id>" at the end of the subject; "" = any
	Since   time.Time // ignore older messages; zero = all (compared at whole seconds, as logs and tables store them)
}

// Message is one e-mail (or, for the table source, one notification row) found in a source.
type Message struct {
	Source   string              // "smtp-sink" | "mailpit" | "laravel-log" | "order_notifications"
	From     string              // bare address of the From header ("" when absent)
	To       string              // bare addresses of the To header, joined by ", "
	Subject  string              // decoded subject
	OrderID  string              // X-Order-Id header (or the order_id column)
	Headers  map[string][]string // canonical MIME keys; nil for the table source
	Text     string              // text body ("" for the table source)
	Received time.Time           // when the source got it
}

// Source is a place where the target's e-mails land.
type Source interface {
	// Name is the source's name, one of the Source* constants.
	Name() string
	// Messages returns every stored message matching q, oldest first. It returns an
	// error when the source cannot be read (server down, unreadable file, failed query).
	Messages(ctx context.Context, q Query) ([]Message, error)
}

// Poll timings of Find.
const (
	pollEvery = 50 * time.Millisecond
	settle    = 150 * time.Millisecond
)

// Find polls src until at least one message matches q, then polls once more after a
// short settle (~150 ms, so that a duplicate sent right after is seen) and returns all
// matches. When wait runs out with none it returns an error saying "no message to
// <to> for order <id> within <wait> (source <name>)", with the source's last read
// error appended if it had one. A cancelled ctx ends it at once with ctx's error.
func Find(ctx context.Context, src Source, q Query, wait time.Duration) ([]Message, error) {
	deadline := time.Now().Add(wait)
	var lastErr error
	for {
		msgs, err := src.Messages(ctx, q)
		if ctx.Err() != nil {
			return nil, fmt.Errorf("find mail in %s: %w", src.Name(), ctx.Err())
		}
		if err != nil {
			lastErr = err
		} else if len(msgs) > 0 {
			if err := sleep(ctx, settle); err != nil {
				return nil, fmt.Errorf("find mail in %s: %w", src.Name(), err)
			}
			if again, err := src.Messages(ctx, q); err == nil && len(again) >= len(msgs) {
				msgs = again
			}
			return msgs, nil
		}
		left := time.Until(deadline)
		if left <= 0 {
			break
		}
		if err := sleep(ctx, min(pollEvery, left)); err != nil {
			return nil, fmt.Errorf("find mail in %s: %w", src.Name(), err)
		}
	}
	to, id := q.To, q.OrderID
	if to == "" {
		to = "any recipient"
	}
	if id == "" {
		id = "any"
	}
	if lastErr != nil {
		return nil, fmt.Errorf("no message to %s for order %s within %s (source %s): %w", to, id, wait, src.Name(), lastErr)
	}
	return nil, fmt.Errorf("no message to %s for order %s within %s (source %s)", to, id, wait, src.Name())
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Evidence returns a KindMail record of m; count is how many matching messages the
// source held and took how long finding them took.
func (m Message) Evidence(count int, took time.Duration) evidence.Record {
	title := "e-mail to " + m.To
	if m.OrderID != "" {
		title += " for order " + m.OrderID
	}
	return evidence.Record{
		Kind:  evidence.KindMail,
		Title: title,
		Mail: &evidence.Mail{
			Source:  m.Source,
			To:      m.To,
			Subject: m.Subject,
			OrderID: m.OrderID,
			Count:   count,
			Millis:  float64(took.Microseconds()) / 1000,
		},
	}
}

// matches reports whether m matches q; extra holds more recipient addresses (the
// SMTP envelope) that a To query may match.
func (q Query) matches(m Message, extra ...string) bool {
	if !q.Since.IsZero() && m.Received.Before(q.Since.Truncate(time.Second)) {
		return false
	}
	if q.To != "" && !recipientMatches(q.To, m, extra) {
		return false
	}
	if q.OrderID != "" && !orderMatches(q.OrderID, m) {
		return false
	}
	return true
}

func recipientMatches(want string, m Message, extra []string) bool {
	want = strings.TrimSpace(want)
	if a, err := mail.ParseAddress(want); err == nil {
		want = a.Address
	}
	var addrs []string
	addrs = append(addrs, extra...)
	addrs = append(addrs, splitAddresses(m.To)...)
	for _, k := range []string{"To", "Cc"} {
		for _, v := range m.Headers[k] {
			addrs = append(addrs, splitAddresses(v)...)
		}
	}
	for _, a := range addrs {
		if strings.EqualFold(strings.TrimSpace(a), want) {
			return true
		}
	}
	return false
}

func orderMatches(id string, m Message) bool {
	id = strings.TrimSpace(id)
	if strings.TrimSpace(m.OrderID) == id {
		return true
	}
	for _, v := range m.Headers["X-Order-Id"] {
		if strings.TrimSpace(v) == id {
			return true
		}
	}
	return strings.HasSuffix(strings.TrimSpace(m.Subject), "#"+id)
}

// splitAddresses returns the bare addresses of an address-list header value; a value
// that does not parse is split on commas as it is.
func splitAddresses(v string) []string {
	if strings.TrimSpace(v) == "" {
		return nil
	}
	if list, err := mail.ParseAddressList(v); err == nil {
		out := make([]string, len(list))
		for i, a := range list {
			out[i] = a.Address
		}
		return out
	}
	var out []string
	for _, p := range strings.Split(v, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}
