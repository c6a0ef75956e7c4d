package dbcheck

import (
	"context"
	"database/sql"
	"fmt"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/dbdsn"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// Probe runs read-only queries and records what it read.
type Probe struct {
	db  *sql.DB
	rec func(evidence.Record)
	pg  bool // db speaks PostgreSQL: ? placeholders become $n, the schema is read from pg_catalog
}

// New returns a Probe over db; rec (may be nil) receives one Rows record per query.
// It works on MySQL/MariaDB and on PostgreSQL (a handle opened with pgx).
func New(db *sql.DB, rec func(evidence.Record)) *Probe {
	return &Probe{db: db, rec: rec, pg: dbdsn.IsPostgres(db)}
}

// Postgres reports whether the probe's database is PostgreSQL.
func (p *Probe) Postgres() bool { return p.pg }

// Table is a query result as strings, NULL as "NULL".
type Table struct {
	Columns []string
	Values  [][]string
}

// Get returns the value of column col in row i ("" when absent).
func (t Table) Get(i int, col string) string {
	for j, c := range t.Columns {
		if c == col && i < len(t.Values) {
			return t.Values[i][j]
		}
	}
	return ""
}

// Query runs one SELECT and returns its rows as strings. Placeholders are written ?
// on every database (they become $1, $2, … on PostgreSQL). It returns an error for
// any statement that is not a SELECT, without sending it.
func (p *Probe) Query(ctx context.Context, title, query string, args ...any) (Table, error) {
	q := strings.TrimSpace(query)
	if !strings.HasPrefix(strings.ToUpper(q), "SELECT") || strings.Contains(q, ";") {
		return Table{}, fmt.Errorf("dbcheck only runs single SELECT statements, refused: %.60s", q)
	}
	if p.pg {
		q = dbdsn.Rebind(q)
	}
	rows, err := p.db.QueryContext(ctx, q, args...)
	if err != nil {
		return Table{}, fmt.Errorf("%s: %w", title, err)
	}
	defer rows.Close()
	cols, err := rows.Columns()
	if err != nil {
		return Table{}, fmt.Errorf("%s: columns: %w", title, err)
	}
	t := Table{Columns: cols}
	for rows.Next() {
		raw := make([]sql.RawBytes, len(cols))
		ptrs := make([]any, len(cols))
		for i := range raw {
			ptrs[i] = &raw[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return Table{}, fmt.Errorf("%s: scan: %w", title, err)
		}
		row := make([]string, len(cols))
		for i, b := range raw {
			if b == nil {
				row[i] = "NULL"
			} else {
				row[i] = string(b)
			}
		}
		t.Values = append(t.Values, row)
	}
	if err := rows.Err(); err != nil {
		return Table{}, fmt.Errorf("%s: %w", title, err)
	}
	if p.rec != nil {
		sargs := make([]string, len(args))
		for i, a := range args {
			sargs[i] = fmt.Sprint(a)
		}
		p.rec(evidence.Record{Kind: evidence.KindRows, Title: title, Rows: &evidence.Rows{Query: q, Args: sargs, Columns: cols, Values: t.Values}})
	}
	return t, nil
}

// Order returns the orders row with the given id (zero rows when it does not exist).
func (p *Probe) Order(ctx context.Context, id int64) (Table, error) {
	return p.Query(ctx, fmt.Sprintf("orders row %d", id),
		`SELECT o.id, u.email AS buyer, o.status, o.payment_status, o.shipping_method, o.currency, o.subtotal, o.tax_amount, o.shipping_amount, o.total_amount
		 FROM orders o LEFT JOIN users u ON u.id = o.user_id WHERE o.id = ?`, id)
}

// OrderItems returns the order_items rows of an order, by product id.
func (p *Probe) OrderItems(ctx context.Context, orderID int64) (Table, error) {
	return p.Query(ctx, fmt.Sprintf("order_items of order %d", orderID),
		`SELECT oi.product_id, oi.producer_id, oi.product_name, oi.quantity, oi.unit_price, oi.total_price
		 FROM order_items oi WHERE oi.order_id = ? ORDER BY oi.product_id`, orderID)
}

// Stock returns the stock of the product with the given slug.
func (p *Probe) Stock(ctx context.Context, slug string) (int, error) {
	t, err := p.Query(ctx, "stock of "+slug, `SELECT id, slug, stock FROM products WHERE slug = ?`, slug)
	if err != nil {
		return 0, err
	}
	if len(t.Values) != 1 {
		return 0, fmt.Errorf("stock of %s: product not found", slug)
	}
	var n int
	_, err = fmt.Sscan(t.Get(0, "stock"), &n)
	return n, err
}

// Product returns the products row with the given id (zero rows when deleted).
func (p *Probe) Product(ctx context.Context, id int64) (Table, error) {
	return p.Query(ctx, fmt.Sprintf("products row %d", id),
		`SELECT id, producer_id, name, slug, price, stock, is_active FROM products WHERE id = ?`, id)
}

// ProductIDsOf returns the ids of every product (active or not) of the producer whose
// user has the given e-mail, ordered.
func (p *Probe) ProductIDsOf(ctx context.Context, email string) ([]string, error) {
	t, err := p.Query(ctx, "products of "+email,
		`SELECT p.id FROM products p JOIN producers pr ON pr.id = p.producer_id JOIN users u ON u.id = pr.user_id WHERE u.email = ? ORDER BY p.id`, email)
	if err != nil {
		return nil, err
	}
	ids := make([]string, len(t.Values))
	for i, v := range t.Values {
		ids[i] = v[0]
	}
	return ids, nil
}

// ProducerIDOf returns the producer profile id of the user with the given e-mail.
func (p *Probe) ProducerIDOf(ctx context.Context, email string) (string, error) {
	t, err := p.Query(ctx, "producer profile of "+email,
		`SELECT pr.id FROM producers pr JOIN users u ON u.id = pr.user_id WHERE u.email = ?`, email)
	if err != nil {
		return "", err
	}
	if len(t.Values) != 1 {
		return "", fmt.Errorf("producer profile of %s: %d rows", email, len(t.Values))
	}
	return t.Values[0][0], nil
}

// OrderNotifications returns the order_notifications rows of an order.
func (p *Probe) OrderNotifications(ctx context.Context, orderID int64) (Table, error) {
	return p.Query(ctx, fmt.Sprintf("order_notifications of order %d", orderID),
		`SELECT order_id, recipient_type, recipient_email, event FROM order_notifications WHERE order_id = ?`, orderID)
}

// ForeignKey is one foreign key of the schema.
type ForeignKey struct {
	Table, Column, RefTable, RefColumn, OnDelete string
	// Unindexed is true when no index leads with Column. InnoDB creates one for every
	// foreign key; PostgreSQL does not, so a delete of a parent row scans the child
	// table and the key's own joins go unindexed.
	Unindexed bool
}

// ForeignKeys reads the schema's foreign keys. On MySQL/MariaDB they come from
// information_schema; the delete rule comes from REFERENTIAL_CONSTRAINTS, which MariaDB
// hides from a user with only SELECT: it is then empty, the keys are still listed. On
// PostgreSQL they come from pg_catalog (readable by any user), with the delete rule
// and whether an index leads with the key's column (column INDEXED, YES or NO).
func (p *Probe) ForeignKeys(ctx context.Context) ([]ForeignKey, error) {
	if p.pg {
		return p.pgForeignKeys(ctx)
	}
	t, err := p.Query(ctx, "foreign keys",
		`SELECT k.TABLE_NAME, k.COLUMN_NAME, k.REFERENCED_TABLE_NAME, k.REFERENCED_COLUMN_NAME, r.DELETE_RULE
		 FROM information_schema.KEY_COLUMN_USAGE k
		 LEFT JOIN information_schema.REFERENTIAL_CONSTRAINTS r ON r.CONSTRAINT_SCHEMA = k.CONSTRAINT_SCHEMA AND r.CONSTRAINT_NAME = k.CONSTRAINT_NAME
		 WHERE k.TABLE_SCHEMA = DATABASE() AND k.REFERENCED_TABLE_NAME IS NOT NULL
		 ORDER BY k.TABLE_NAME, k.COLUMN_NAME`)
	if err != nil {
		return nil, err
	}
	out := make([]ForeignKey, len(t.Values))
	for i, v := range t.Values {
		out[i] = ForeignKey{Table: v[0], Column: v[1], RefTable: v[2], RefColumn: v[3], OnDelete: v[4]}
	}
	return out, nil
}
