package target

import (
	"context"
	"database/sql"
	"net/url"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/dbdsn"
)

// OpenDB opens and pings a MySQL-protocol or PostgreSQL database; the DSN's form picks
// the driver (pkg/dbdsn). With readOnly the server itself refuses writes: every MySQL
// connection runs SET SESSION TRANSACTION READ ONLY before it is used, a PostgreSQL
// one starts with default_transaction_read_only=on, so even a bug in a probe cannot
// write. Errors name the address, never the password.
func OpenDB(ctx context.Context, dsn string, readOnly bool) (*sql.DB, error) {
	db, _, err := dbdsn.Open(ctx, dsn, dbdsn.Options{ReadOnly: readOnly})
	return db, err
}

// DSNPassword returns the password of a DSN (user:password@tcp(...)/db or a URL), "" when
// there is none; for the redactor.
func DSNPassword(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && u.Scheme != "" && u.User != nil {
		pw, _ := u.User.Password()
		return pw
	}
	userinfo, _, ok := strings.Cut(dsn, "@")
	if !ok {
		return ""
	}
	_, pw, _ := strings.Cut(userinfo, ":")
	return pw
}
