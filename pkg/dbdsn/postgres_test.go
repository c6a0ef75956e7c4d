package dbdsn_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/fixtures/pgsqld"
	"github.com/smokeproof/smokeproof/pkg/dbdsn"
)

// TestMySQLPlaceholdersOnPostgres: SQL written for MySQL runs on PostgreSQL through
// the option: ? placeholders, LastInsertId and RowsAffected, in and out of a
// transaction, and errors still come back.
func TestMySQLPlaceholdersOnPostgres(t *testing.T) {
	srv := pgsqld.StartT(t, "")
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	db, info, err := dbdsn.Open(ctx, srv.DSN(""), dbdsn.Options{MySQLPlaceholders: true})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if info.Kind != dbdsn.Postgres || !dbdsn.IsPostgres(db) {
		t.Fatalf("opened %+v, IsPostgres %v", info, dbdsn.IsPostgres(db))
	}
	for _, q := range []string{
		"CREATE TABLE items (id BIGSERIAL PRIMARY KEY, name VARCHAR(20) NOT NULL UNIQUE, qty INT NOT NULL)",
		"CREATE TABLE tags (name VARCHAR(20) NOT NULL)",
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	res, err := db.ExecContext(ctx, "INSERT INTO items (name, qty) VALUES (?, ?)", "a", 1)
	if err != nil {
		t.Fatal(err)
	}
	if id, err := res.LastInsertId(); err != nil || id != 1 {
		t.Errorf("LastInsertId = %d, %v; want 1", id, err)
	}
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	res, err = tx.ExecContext(ctx, "INSERT INTO items (name, qty) SELECT ?, qty + ? FROM items WHERE name = ?", "b", 1, "a")
	if err != nil {
		t.Fatal(err)
	}
	if id, err := res.LastInsertId(); err != nil || id != 2 {
		t.Errorf("LastInsertId in a transaction = %d, %v; want 2", id, err)
	}
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	res, err = db.ExecContext(ctx, "UPDATE items SET qty = qty + ? WHERE qty >= ?", 10, 1)
	if n, _ := res.RowsAffected(); err != nil || n != 2 {
		t.Errorf("UPDATE: %d rows, %v; want 2", n, err)
	}
	var qty int
	if err := db.QueryRowContext(ctx, "SELECT qty FROM items WHERE name = ? AND id = ?", "b", 2).Scan(&qty); err != nil || qty != 12 {
		t.Errorf("qty of b = %d, %v; want 12", qty, err)
	}
	res, err = db.ExecContext(ctx, "INSERT INTO tags (name) VALUES (?), (?)", "x", "y")
	if err != nil {
		t.Fatal(err)
	}
	if n, _ := res.RowsAffected(); n != 2 {
		t.Errorf("two tags: RowsAffected %d", n)
	}
	if _, err := res.LastInsertId(); err == nil {
		t.Error("LastInsertId of a table without an id column succeeded")
	}
	if _, err := db.ExecContext(ctx, "INSERT INTO items (name, qty) VALUES (?, ?)", "a", 5); err == nil || !strings.Contains(err.Error(), "23505") {
		t.Errorf("a duplicate INSERT: %v; want the unique violation", err)
	}
}
