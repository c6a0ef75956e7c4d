package mailbox_test

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/mailbox"
)

// notifRows is a hand-written database/sql driver serving an order_notifications
// table from memory. It understands only the statements the source sends: the
// order_placed filter, and an optional order_id = ? argument.
type notifDriver struct {
	mu      sync.Mutex
	rows    [][]driver.Value // id, order_id, recipient_email, event, sent_at
	queries []string
	fail    error
}

func (d *notifDriver) Open(string) (driver.Conn, error) { return notifConn{d}, nil }

type notifConn struct{ d *notifDriver }

func (c notifConn) Prepare(string) (driver.Stmt, error) { return nil, errors.New("not supported") }
func (c notifConn) Close() error                        { return nil }
func (c notifConn) Begin() (driver.Tx, error)           { return nil, errors.New("not supported") }

func (c notifConn) QueryContext(_ context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	d := c.d
	d.mu.Lock()
	defer d.mu.Unlock()
	d.queries = append(d.queries, query)
	if d.fail != nil {
		return nil, d.fail
	}
	if !strings.Contains(query, "FROM order_notifications WHERE event = 'order_placed'") {
		return nil, errors.New("unexpected query " + query)
	}
	var out [][]driver.Value
	for _, r := range d.rows {
		if r[3] != "order_placed" {
			continue
		}
		if len(args) == 1 && r[1] != args[0].Value {
			continue
		}
		out = append(out, []driver.Value{r[1], r[2], r[3], r[4]})
	}
	return &notifResult{rows: out}, nil
}

type notifResult struct {
	rows [][]driver.Value
	i    int
}

func (r *notifResult) Columns() []string {
	return []string{"order_id", "recipient_email", "event", "sent_at"}
}
func (r *notifResult) Close() error { return nil }
func (r *notifResult) Next(dest []driver.Value) error {
	if r.i >= len(r.rows) {
		return io.EOF
	}
	copy(dest, r.rows[r.i])
	r.i++
	return nil
}

var registerOnce sync.Once
var theDriver = &notifDriver{}

func TestNotificationsTable(t *testing.T) {
	registerOnce.Do(func() { sql.Register("mailbox-notif-fake", theDriver) })
	db, err := sql.Open("mailbox-notif-fake", "")
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	theDriver.rows = [][]driver.Value{
		{int64(1), int64(12), "ann@example.test", "order_placed", []byte("2026-11-25 10:00:00")},
		{int64(2), int64(12), "ann@example.test", "order_shipped", []byte("2026-11-25 11:00:00")},
		{int64(3), int64(13), "Bob@example.test", "order_placed", time.Date(2026, 11, 25, 10, 5, 0, 0, time.UTC)},
	}
	src := mailbox.NewNotificationsTable(db)
	if src.Name() != "order_notifications" {
		t.Errorf("Name = %q", src.Name())
	}

	got, err := src.Messages(context.Background(), mailbox.Query{To: "ann@example.test", OrderID: "12"})
	if err != nil {
		t.Fatal(err)
	}
	want := mailbox.Message{Source: "order_notifications", To: "ann@example.test", Subject: "order_placed", OrderID: "12",
		Received: time.Date(2026, 11, 25, 10, 0, 0, 0, time.UTC)}
	if len(got) != 1 || got[0].Source != want.Source || got[0].To != want.To || got[0].Subject != want.Subject ||
		got[0].OrderID != want.OrderID || !got[0].Received.Equal(want.Received) || got[0].Headers != nil || got[0].Text != "" {
		t.Fatalf("got %+v, want [%+v]", got, want)
	}
	if q := theDriver.queries[len(theDriver.queries)-1]; !strings.Contains(q, "AND order_id = ?") {
		t.Errorf("query %q does not filter by order", q)
	}

	got, _ = src.Messages(context.Background(), mailbox.Query{To: "bob@EXAMPLE.test"})
	if len(got) != 1 || got[0].OrderID != "13" {
		t.Errorf("bob = %+v, want order 13", got)
	}
	got, _ = src.Messages(context.Background(), mailbox.Query{Since: time.Date(2026, 11, 25, 10, 1, 0, 0, time.UTC)})
	if len(got) != 1 || got[0].OrderID != "13" {
		t.Errorf("since 10:01 = %+v, want order 13", got)
	}
	if got, err := src.Messages(context.Background(), mailbox.Query{OrderID: "x"}); err != nil || len(got) != 0 {
		t.Errorf("non-numeric order = %+v, %v; want none", got, err)
	}

	theDriver.fail = errors.New("Table 'shop.order_notifications' doesn't exist")
	defer func() { theDriver.fail = nil }()
	if _, err := src.Messages(context.Background(), mailbox.Query{}); err == nil || !strings.Contains(err.Error(), "order_notifications") {
		t.Errorf("failing query: err = %v", err)
	}
}
