package target

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
	"net/url"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
)

// OpenDB opens and pings a MySQL-protocol database. With readOnly every connection
// runs SET SESSION TRANSACTION READ ONLY before it is used (MySQL and MariaDB both
// know it), so even a bug in a probe cannot write. Errors name the address, never the
// password.
func OpenDB(ctx context.Context, dsn string, readOnly bool) (*sql.DB, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		msg := err.Error()
		if c2, e2 := mysql.ParseDSN(dsn); e2 == nil && c2.Passwd != "" {
			msg = strings.ReplaceAll(msg, c2.Passwd, "[REDACTED]")
		}
		return nil, fmt.Errorf("the database DSN is not valid (%s): use user:password@tcp(host:3306)/name", msg)
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Timeout == 0 {
		cfg.Timeout = 5 * time.Second
	}
	base, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, fmt.Errorf("the database DSN is not valid: %w", err)
	}
	var connector driver.Connector = base
	if readOnly {
		connector = readOnlyConnector{base}
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(8)
	db.SetConnMaxIdleTime(30 * time.Second)
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		return nil, fmt.Errorf("cannot reach the database at %s (%v): check the DSN and that the server accepts connections from here", cfg.Addr, err)
	}
	return db, nil
}

type readOnlyConnector struct{ driver.Connector }

func (c readOnlyConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, fmt.Errorf("database driver cannot make the session read-only")
	}
	if _, err := ex.ExecContext(ctx, "SET SESSION TRANSACTION READ ONLY", nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("make the database session read-only: %w", err)
	}
	return conn, nil
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
