package dbdsn_test

import (
	"context"
	"fmt"
	"net"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/dbdsn"
)

func TestKindOf(t *testing.T) {
	for dsn, want := range map[string]dbdsn.Kind{
		"postgres://app:pw@db:5432/marketplace":           dbdsn.Postgres,
		"postgresql://app@db/marketplace?sslmode=disable": dbdsn.Postgres,
		" host=db user=app dbname=marketplace":            dbdsn.Postgres,
		"dbname=marketplace":                              dbdsn.Postgres,
		"app:pw@tcp(db:3306)/marketplace":                 dbdsn.MySQL,
		"root@unix(/run/mysqld.sock)/":                    dbdsn.MySQL,
		"app:p=w@tcp(db:3306)/marketplace":                dbdsn.MySQL,
		"":                                                dbdsn.MySQL,
	} {
		if got := dbdsn.KindOf(dsn); got != want {
			t.Errorf("KindOf(%q) = %s, want %s", dsn, got, want)
		}
	}
}

func TestParse(t *testing.T) {
	for dsn, want := range map[string]dbdsn.Info{
		"postgres://ro:pw@db.example:6432/market": {Kind: dbdsn.Postgres, Addr: "db.example:6432", User: "ro", Database: "market"},
		"host=10.0.0.5 user=ro dbname=market":     {Kind: dbdsn.Postgres, Addr: "10.0.0.5:5432", User: "ro", Database: "market"},
		"ro:pw@tcp(db:3306)/market":               {Kind: dbdsn.MySQL, Addr: "db:3306", User: "ro", Database: "market"},
	} {
		got, err := dbdsn.Parse(dsn)
		if err != nil || got != want {
			t.Errorf("Parse(%q) = %+v, %v; want %+v", dsn, got, err, want)
		}
	}
}

func TestRebind(t *testing.T) {
	for in, want := range map[string]string{
		"SELECT 1": "SELECT 1",
		"SELECT * FROM t WHERE a = ? AND b IN (?, ?)":    "SELECT * FROM t WHERE a = $1 AND b IN ($2, $3)",
		"SELECT '?' AS q, \"a?\" FROM t WHERE x = ?":     "SELECT '?' AS q, \"a?\" FROM t WHERE x = $1",
		"SELECT 'it''s ?' FROM t WHERE x = ? -- why?\n":  "SELECT 'it''s ?' FROM t WHERE x = $1 -- why?\n",
		"SELECT /* ? */ x FROM t WHERE y = ? AND z = ?":  "SELECT /* ? */ x FROM t WHERE y = $1 AND z = $2",
		"INSERT INTO t (a, b) VALUES (?, ?)":             "INSERT INTO t (a, b) VALUES ($1, $2)",
		"SELECT x FROM t WHERE y LIKE ? ESCAPE '\\'":     "SELECT x FROM t WHERE y LIKE $1 ESCAPE '\\'",
		"SELECT x FROM t WHERE a = 'unterminated ? text": "SELECT x FROM t WHERE a = 'unterminated ? text",
		"SELECT x FROM t WHERE a = ? /* unterminated ? ": "SELECT x FROM t WHERE a = $1 /* unterminated ? ",
	} {
		if got := dbdsn.Rebind(in); got != want {
			t.Errorf("Rebind(%q)\n got %q\nwant %q", in, got, want)
		}
	}
}

func TestRedact(t *testing.T) {
	for _, dsn := range []string{
		"postgres://ro:s3cret-pw@db:5432/market",
		"host=db user=ro password=s3cret-pw dbname=market",
		"host=db user=ro password='s3cret-pw' dbname=market",
		"ro:s3cret-pw@tcp(db:3306)/market",
	} {
		if got := dbdsn.Redact("failed: "+dsn, dsn); strings.Contains(got, "s3cret-pw") || !strings.Contains(got, "[REDACTED]") {
			t.Errorf("Redact kept the password of %q: %s", dsn, got)
		}
	}
}

// TestOpenErrorsAreOneSentence: a bad or unreachable DSN of either family fails fast
// with one sentence that names the setting and the address, never the password.
func TestOpenErrorsAreOneSentence(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := ln.Addr().String()
	ln.Close() // nothing listens there now
	for name, c := range map[string]struct{ dsn, want string }{
		"bad postgres URL":     {"postgres://ro:s3cret-pw@db:port/market", "SMOKE_DB_DSN is not a valid PostgreSQL DSN"},
		"bad keyword DSN":      {"host=db port=x user=ro password=s3cret-pw", "SMOKE_DB_DSN is not a valid PostgreSQL DSN"},
		"unreachable postgres": {"postgres://ro:s3cret-pw@" + addr + "/market", "SMOKE_DB_DSN: cannot reach the PostgreSQL database at " + addr + " (dial error: dial tcp " + addr + ": connect: connection refused): check the DSN"},
		"unreachable no TLS":   {"postgres://ro:s3cret-pw@" + addr + "/market?sslmode=disable", "SMOKE_DB_DSN: cannot reach the PostgreSQL database at " + addr + " (dial error: dial tcp " + addr + ": connect: connection refused): check the DSN"},
		"unreachable keyword":  {fmt.Sprintf("host=127.0.0.1 port=%s user=ro password=s3cret-pw dbname=market", addr[strings.LastIndex(addr, ":")+1:]), "SMOKE_DB_DSN: cannot reach the PostgreSQL database at " + addr},
		"unreachable MySQL":    {"ro:s3cret-pw@tcp(" + addr + ")/market", "SMOKE_DB_DSN: cannot reach the MySQL database at " + addr},
		"bad MySQL":            {"ro:s3cret-pw@tcp(" + addr, "SMOKE_DB_DSN is not a valid MySQL DSN"},
	} {
		start := time.Now()
		db, _, err := dbdsn.Open(context.Background(), c.dsn, dbdsn.Options{Setting: "SMOKE_DB_DSN", ReadOnly: true, PingTimeout: 2 * time.Second})
		if db != nil {
			db.Close()
		}
		if err == nil {
			t.Errorf("%s: opened", name)
			continue
		}
		msg := err.Error()
		if !strings.Contains(msg, c.want) || strings.Contains(msg, "s3cret-pw") || strings.Contains(msg, "\n") {
			t.Errorf("%s: %q; want one sentence with %q and no password", name, msg, c.want)
		}
		if d := time.Since(start); d > 3*time.Second {
			t.Errorf("%s took %s", name, d)
		}
	}
}

func TestUnreachableMessageIsShort(t *testing.T) {
	_, _, err := dbdsn.Open(context.Background(), "postgres://ro:pw@127.0.0.1:1/market", dbdsn.Options{Setting: "SMOKE_DB_DSN"})
	if err == nil || strings.Contains(err.Error(), "dial error: dial tcp") && strings.Count(err.Error(), "connection refused") > 1 {
		t.Errorf("one reason per message, not one per connection attempt: %v", err)
	}
	t.Log(err)
}
