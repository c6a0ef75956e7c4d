package mailbox

import (
	"context"
	"database/sql"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/smokeproof/smokeproof/pkg/dbdsn"
)

// notificationsQuery reads the order_placed rows of the order_notifications table.
const notificationsQuery = "SELECT order_id, recipient_email, event, sent_at FROM order_notifications WHERE event = 'order_placed'"

type notificationsTable struct{ db *sql.DB }

// NewNotificationsTable returns a Source reading the order_notifications table of db:
// each order_placed row is one Message with To = recipient_email, OrderID = order_id,
// Subject "order_placed", Received = sent_at and no headers or text. It proves that
// the shop recorded a notification, not that one was delivered. Its Name is
// "order_notifications". It reads MySQL/MariaDB and PostgreSQL alike.
func NewNotificationsTable(db *sql.DB) Source { return notificationsTable{db: db} }

func (t notificationsTable) Name() string { return SourceNotifications }

// Messages returns the order_placed rows matching q, in id order. It returns an error
// when the query fails (no such table, database down) or a row does not scan.
func (t notificationsTable) Messages(ctx context.Context, q Query) ([]Message, error) {
	query := notificationsQuery
	var args []any
	if id := strings.TrimSpace(q.OrderID); id != "" {
		n, err := strconv.ParseInt(id, 10, 64)
		if err != nil {
			return nil, nil // order ids are numbers: nothing can match
		}
		query += " AND order_id = ?"
		args = append(args, n)
	}
	query += " ORDER BY id"
	if dbdsn.IsPostgres(t.db) {
		query = dbdsn.Rebind(query)
	}
	rows, err := t.db.QueryContext(ctx, query, args...)
	if err != nil {
		return nil, fmt.Errorf("query order_notifications: %w", err)
	}
	defer rows.Close()
	var out []Message
	for rows.Next() {
		var (
			orderID      int64
			email, event string
			sentAt       any
		)
		if err := rows.Scan(&orderID, &email, &event, &sentAt); err != nil {
			return nil, fmt.Errorf("scan order_notifications row: %w", err)
		}
		m := Message{
			Source:   SourceNotifications,
			To:       strings.TrimSpace(email),
			Subject:  event,
			OrderID:  strconv.FormatInt(orderID, 10),
			Received: sqlTime(sentAt),
		}
		if q.matches(m) {
			out = append(out, m)
		}
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("read order_notifications rows: %w", err)
	}
	return out, nil
}

// sqlTime reads a TIMESTAMP column scanned into any: a time.Time with parseTime=true,
// else the text "2006-01-02 15:04:05[.frac]" (read as UTC, as the shop stores it).
func sqlTime(v any) time.Time {
	switch v := v.(type) {
	case time.Time:
		return v
	case []byte:
		return sqlTime(string(v))
	case string:
		if t, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", v, time.UTC); err == nil {
			return t
		}
		if t, err := time.Parse(time.RFC3339Nano, v); err == nil {
			return t
		}
	}
	return time.Time{}
}
