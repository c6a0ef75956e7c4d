package live_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/target/live"
)

// TestOpenFailsFastOnABadOrUnreachablePostgres: a PostgreSQL SMOKE_DB_DSN, in either
// form, that is malformed or cannot be reached fails the open with one sentence
// naming SMOKE_DB_DSN and never its password.
func TestOpenFailsFastOnABadOrUnreachablePostgres(t *testing.T) {
	s := newSite(t, 200)
	addr := closedPort(t)
	port := addr[strings.LastIndex(addr, ":")+1:]
	for name, c := range map[string]struct {
		dsn  string
		want []string
	}{
		"bad URL":             {"postgres://ro:s3cret-pw@db:port/marketplace", []string{"SMOKE_DB_DSN is not a valid DSN", "postgres://"}},
		"bad keyword DSN":     {"host=db port=x user=ro password=s3cret-pw dbname=marketplace", []string{"SMOKE_DB_DSN is not a valid DSN"}},
		"unreachable URL":     {"postgres://ro:s3cret-pw@" + addr + "/marketplace?sslmode=disable", []string{"SMOKE_DB_DSN", "PostgreSQL", addr, "connection refused"}},
		"unreachable keyword": {"host=127.0.0.1 port=" + port + " user=ro password=s3cret-pw dbname=marketplace", []string{"SMOKE_DB_DSN", "PostgreSQL", addr, "connection refused"}},
	} {
		t.Run(name, func(t *testing.T) {
			start := time.Now()
			_, _, err := live.Open(context.Background(), live.Options{BaseURL: s.URL, DSN: c.dsn, Getenv: env(nil)})
			oneSentence(t, err, time.Since(start), c.want, "s3cret-pw")
		})
	}
}
