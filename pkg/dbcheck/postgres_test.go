package dbcheck_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/fixtures/pgsqld"
	fixturesql "github.com/smokeproof/smokeproof/fixtures/sql"
	"github.com/smokeproof/smokeproof/pkg/dbcheck"
	"github.com/smokeproof/smokeproof/pkg/dbdsn"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/mailbox"
)

// TestProbesOnPostgres runs the probes on Debian's PostgreSQL over the reference
// schema, through a read-only handle as the live target opens it.
func TestProbesOnPostgres(t *testing.T) {
	srv := pgsqld.StartT(t, "marketplace")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	rw, _, err := dbdsn.Open(ctx, srv.DSN("marketplace"), dbdsn.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer rw.Close()
	if err := fixturesql.Migrate(ctx, rw); err != nil {
		t.Fatal(err)
	}
	if err := fixturesql.Seed(ctx, rw); err != nil {
		t.Fatal(err)
	}
	if _, err := rw.ExecContext(ctx, `INSERT INTO orders (user_id, status, subtotal, total_amount) SELECT id, 'pending', 7.00, 7.00 FROM users WHERE email = $1`, fixturesql.Consumer1.Email); err != nil {
		t.Fatal(err)
	}
	if _, err := rw.ExecContext(ctx, `INSERT INTO order_notifications (order_id, recipient_type, recipient_email, event, sent_at) SELECT id, 'consumer', $1, 'order_placed', '2026-11-30 04:00:00' FROM orders`, fixturesql.Consumer1.Email); err != nil {
		t.Fatal(err)
	}

	ro, _, err := dbdsn.Open(ctx, srv.DSN("marketplace"), dbdsn.Options{Setting: "SMOKE_DB_DSN", ReadOnly: true})
	if err != nil {
		t.Fatal(err)
	}
	defer ro.Close()
	if v := dbdsn.Version(ctx, ro); !strings.HasPrefix(v, "PostgreSQL 1") || strings.Contains(v, "compiled") {
		t.Errorf("Version = %q, want PostgreSQL <major>.<minor> without the platform", v)
	}
	var recs []evidence.Record
	p := dbcheck.New(ro, func(r evidence.Record) { recs = append(recs, r) })
	if !p.Postgres() {
		t.Fatal("the probe does not see PostgreSQL")
	}

	order, err := p.Order(ctx, 1)
	if err != nil || len(order.Values) != 1 || order.Get(0, "buyer") != fixturesql.Consumer1.Email || order.Get(0, "total_amount") != "7.00" {
		t.Errorf("Order(1) = %+v, %v", order, err)
	}
	if n, err := p.Stock(ctx, "raw-milk"); err != nil || n != 200 {
		t.Errorf("Stock(raw-milk) = %d, %v", n, err)
	}
	ids, err := p.ProductIDsOf(ctx, fixturesql.ProducerB.Email)
	if err != nil || len(ids) != 4 {
		t.Errorf("ProductIDsOf(B) = %v, %v", ids, err)
	}
	if len(recs) == 0 || !strings.Contains(recs[0].Rows.Query, "$1") {
		t.Errorf("the recorded query is not the one sent: %+v", recs)
	}

	fks, err := p.ForeignKeys(ctx)
	if err != nil {
		t.Fatal(err)
	}
	got := map[string]dbcheck.ForeignKey{}
	for _, fk := range fks {
		got[fk.Table+"."+fk.Column] = fk
	}
	if len(fks) != 10 {
		t.Errorf("%d foreign keys, want the schema's 10: %+v", len(fks), fks)
	}
	if fk := got["products.producer_id"]; fk.RefTable != "producers" || fk.RefColumn != "id" || fk.OnDelete != "NO ACTION" || !fk.Unindexed {
		t.Errorf("products.producer_id: %+v; want → producers.id, NO ACTION, flagged unindexed", fk)
	}
	if fk := got["producers.user_id"]; fk.OnDelete != "CASCADE" || !fk.Unindexed {
		t.Errorf("producers.user_id: %+v", fk)
	}
	if fk := got["cart_items.user_id"]; fk.Unindexed {
		t.Errorf("cart_items.user_id leads a unique key, so it is indexed: %+v", fk)
	}
	tables, err := p.Tables(ctx)
	if err != nil || len(tables.Values) != 9 || tables.Columns[0] != "TABLE_NAME" {
		t.Errorf("Tables = %+v, %v", tables, err)
	}
	keys, err := p.KeyColumns(ctx)
	if err != nil {
		t.Fatal(err)
	}
	kinds := map[string]string{}
	for i := range keys.Values {
		kinds[keys.Get(i, "TABLE_NAME")+"."+keys.Get(i, "COLUMN_NAME")] = keys.Get(i, "COLUMN_KEY")
	}
	if kinds["users.id"] != "PRI" || kinds["users.email"] != "UNI" || kinds["cart_items.user_id"] != "MUL" || kinds["products.producer_id"] != "" {
		t.Errorf("key columns %v", kinds)
	}
	role, err := p.Column(ctx, "users", "role")
	if err != nil || len(role.Values) != 1 {
		t.Errorf("Column(users, role) = %+v, %v", role, err)
	}
	if none, err := p.Column(ctx, "users", "nickname"); err != nil || len(none.Values) != 0 {
		t.Errorf("Column(users, nickname) = %+v, %v", none, err)
	}

	msgs, err := mailbox.NewNotificationsTable(ro).Messages(ctx, mailbox.Query{OrderID: "1"})
	if err != nil || len(msgs) != 1 || msgs[0].To != fixturesql.Consumer1.Email || msgs[0].Received.IsZero() {
		t.Errorf("notifications table on PostgreSQL: %+v, %v", msgs, err)
	}

	// The guard refuses anything but a SELECT before it is sent...
	if _, err := p.Query(ctx, "write", "UPDATE products SET stock = 0"); err == nil || !strings.Contains(err.Error(), "only runs single SELECT") {
		t.Errorf("the guard let an UPDATE through: %v", err)
	}
	// ...and PostgreSQL itself refuses the writes a SELECT can hide, and a write sent
	// past the probe on the same read-only handle.
	for _, q := range []string{
		"SELECT nextval('products_id_seq')",
		"SELECT id FROM products WHERE slug = 'raw-milk' FOR UPDATE",
	} {
		if _, err := p.Query(ctx, "write in a SELECT", q); err == nil || !strings.Contains(err.Error(), "read-only transaction") {
			t.Errorf("%s: %v; want PostgreSQL's read-only refusal", q, err)
		}
	}
	if _, err := ro.ExecContext(ctx, "UPDATE products SET stock = 0"); err == nil || !strings.Contains(err.Error(), "25006") {
		t.Errorf("an UPDATE on the read-only handle: %v; want SQLSTATE 25006", err)
	}
	if n, err := p.Stock(ctx, "raw-milk"); err != nil || n != 200 {
		t.Errorf("stock after the refused writes: %d, %v", n, err)
	}
}
