package dbdsn

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"errors"
	"fmt"
	"net"
	"regexp"
	"strconv"
	"strings"
	"time"

	"github.com/go-sql-driver/mysql"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"
)

// Kind is the database family a DSN names.
type Kind string

// The database families.
const (
	MySQL    Kind = "mysql"    // MySQL and MariaDB, through go-sql-driver/mysql
	Postgres Kind = "postgres" // PostgreSQL, through pgx
)

// keywordDSN matches the start of a libpq keyword DSN ("host=… dbname=…").
var keywordDSN = regexp.MustCompile(`^[a-z_]+\s*=`)

// KindOf returns the family a DSN names: Postgres for a postgres:// or postgresql://
// URL or a keyword DSN, MySQL for anything else.
func KindOf(dsn string) Kind {
	s := strings.TrimSpace(dsn)
	l := strings.ToLower(s)
	if strings.HasPrefix(l, "postgres://") || strings.HasPrefix(l, "postgresql://") || keywordDSN.MatchString(l) {
		return Postgres
	}
	return MySQL
}

// Info is what a DSN says about its server, without the password.
type Info struct {
	Kind     Kind
	Addr     string // host:port (or the socket path)
	User     string
	Database string
}

// Parse parses dsn as its family's driver does. It returns an error, with the
// password masked, when the driver refuses it.
func Parse(dsn string) (Info, error) {
	dsn = strings.TrimSpace(dsn)
	if KindOf(dsn) == Postgres {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil {
			return Info{Kind: Postgres}, errors.New(Redact(err.Error(), dsn))
		}
		return Info{Kind: Postgres, Addr: net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port))), User: cfg.User, Database: cfg.Database}, nil
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return Info{Kind: MySQL}, errors.New(Redact(err.Error(), dsn))
	}
	return Info{Kind: MySQL, Addr: cfg.Addr, User: cfg.User, Database: cfg.DBName}, nil
}

// Example returns the DSN form to suggest for kind in an error message.
func Example(kind Kind) string {
	if kind == Postgres {
		return "postgres://user:password@host:5432/name or host=host user=user password=password dbname=name"
	}
	return "user:password@tcp(host:3306)/name"
}

// Options configure Open.
type Options struct {
	// Setting names where the DSN came from (e.g. "SMOKE_DB_DSN"); every error
	// starts with it. Empty means "the database DSN".
	Setting string
	// ReadOnly makes every session read-only in the server's eyes: SET SESSION
	// TRANSACTION READ ONLY on MySQL, default_transaction_read_only=on on PostgreSQL.
	ReadOnly bool
	// MySQLPlaceholders (PostgreSQL only) lets SQL written for MySQL run: ?
	// placeholders become $1, $2, … and an INSERT reports its new id through
	// LastInsertId (it runs with RETURNING *, and the id is the returned "id" column).
	MySQLPlaceholders bool
	// PingTimeout bounds the first ping; zero means 5 s. Also the connect timeout
	// when the DSN sets none.
	PingTimeout time.Duration
}

// Connector returns a database/sql connector for dsn with the driver its form picks,
// set up as o says (o.PingTimeout is the connect timeout when the DSN sets none). It
// does not connect. Its error is one sentence that starts with o.Setting.
func Connector(dsn string, o Options) (driver.Connector, Info, error) {
	setting := o.setting()
	if o.PingTimeout <= 0 {
		o.PingTimeout = 5 * time.Second
	}
	dsn = strings.TrimSpace(dsn)
	kind := KindOf(dsn)
	info, err := Parse(dsn)
	if err != nil {
		return nil, info, fmt.Errorf("%s is not a valid %s DSN (%s): write it as %s", setting, kindName(kind), strings.TrimSuffix(err.Error(), "."), Example(kind))
	}
	if kind == Postgres {
		cfg, err := pgx.ParseConfig(dsn)
		if err != nil { // parsed above; kept for the compiler
			return nil, info, fmt.Errorf("%s is not a valid PostgreSQL DSN: write it as %s", setting, Example(kind))
		}
		if cfg.ConnectTimeout == 0 {
			cfg.ConnectTimeout = o.PingTimeout
		}
		if o.ReadOnly {
			cfg.RuntimeParams["default_transaction_read_only"] = "on"
		}
		var c driver.Connector = stdlib.GetConnector(*cfg)
		if o.MySQLPlaceholders {
			c = compatConnector{c}
		}
		return c, info, nil
	}
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, info, fmt.Errorf("%s is not a valid MySQL DSN: write it as %s", setting, Example(kind))
	}
	cfg.ParseTime = true
	cfg.Loc = time.UTC
	if cfg.Timeout == 0 {
		cfg.Timeout = o.PingTimeout
	}
	base, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, info, fmt.Errorf("%s cannot be used (%s): check its parameters", setting, Redact(err.Error(), dsn))
	}
	if o.ReadOnly {
		return mysqlReadOnly{base}, info, nil
	}
	return base, info, nil
}

func (o Options) setting() string {
	if o.Setting == "" {
		return "the database DSN"
	}
	return o.Setting
}

// Open opens and pings the database dsn names, with the driver its form picks. Every
// error is one sentence that starts with the setting (when o.Setting is set), names
// the server address (never the password) and says what to fix.
func Open(ctx context.Context, dsn string, o Options) (*sql.DB, Info, error) {
	connector, info, err := Connector(dsn, o)
	if err != nil {
		return nil, info, err
	}
	if o.PingTimeout <= 0 {
		o.PingTimeout = 5 * time.Second
	}
	db := sql.OpenDB(connector)
	db.SetMaxOpenConns(8)
	db.SetConnMaxIdleTime(30 * time.Second)
	pctx, cancel := context.WithTimeout(ctx, o.PingTimeout)
	defer cancel()
	if err := db.PingContext(pctx); err != nil {
		db.Close()
		prefix := ""
		if o.Setting != "" {
			prefix = o.Setting + ": "
		}
		return nil, info, fmt.Errorf("%scannot reach the %s database at %s (%s): check the DSN and that the server accepts connections from here", prefix, kindName(info.Kind), info.Addr, strings.TrimSuffix(Redact(cause(err), dsn), "."))
	}
	return db, info, nil
}

// cause returns err's message on one line: pgx lists one line per attempt (TLS, then
// plain), so only the last attempt's reason is kept, without its address prefix.
func cause(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return "the server says: " + pe.Message + " (SQLSTATE " + pe.Code + ")"
	}
	msg := err.Error()
	if i := strings.LastIndex(msg, "\n"); i >= 0 { // "failed to connect to `…`:\n\thost (ip): reason\n\thost (ip): reason"
		msg = strings.TrimSpace(msg[i+1:])
	} else if strings.HasPrefix(msg, "failed to connect to `") { // "failed to connect to `…`: host (ip): reason"
		if _, rest, ok := strings.Cut(msg, "`: "); ok {
			msg = rest
		}
	}
	if m := attemptPrefix.FindStringIndex(msg); m != nil {
		msg = msg[m[1]:]
	}
	return msg
}

func kindName(k Kind) string {
	if k == Postgres {
		return "PostgreSQL"
	}
	return "MySQL"
}

// IsPostgres reports whether db was opened with pgx's database/sql driver.
func IsPostgres(db *sql.DB) bool {
	if db == nil {
		return false
	}
	_, ok := db.Driver().(*stdlib.Driver)
	return ok
}

// Redact masks the password of dsn wherever it appears in msg.
func Redact(msg, dsn string) string {
	var pw string
	if KindOf(dsn) == Postgres {
		if cfg, err := pgx.ParseConfig(dsn); err == nil {
			pw = cfg.Password
		} else if m := pwKeyword.FindStringSubmatch(dsn); m != nil {
			pw = m[1]
		} else if m := pwURL.FindStringSubmatch(dsn); m != nil {
			pw = m[1]
		}
	} else if userinfo, _, ok := strings.Cut(dsn, "@"); ok {
		if _, p, ok := strings.Cut(userinfo, ":"); ok {
			pw = p
		}
	}
	if pw == "" {
		return msg
	}
	return strings.ReplaceAll(msg, pw, "[REDACTED]")
}

// attemptPrefix is the "host:port (ip): " pgx puts before the reason of one attempt.
var attemptPrefix = regexp.MustCompile(`^\S+ \([^)]*\): `)

var (
	pwKeyword = regexp.MustCompile(`password\s*=\s*'?([^'\s]+)`)
	pwURL     = regexp.MustCompile(`://[^:/@]*:([^@]*)@`)
)

// mysqlReadOnly runs SET SESSION TRANSACTION READ ONLY on every new connection.
type mysqlReadOnly struct{ driver.Connector }

func (c mysqlReadOnly) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	ex, ok := conn.(driver.ExecerContext)
	if !ok {
		conn.Close()
		return nil, errors.New("database driver cannot make the session read-only")
	}
	if _, err := ex.ExecContext(ctx, "SET SESSION TRANSACTION READ ONLY", nil); err != nil {
		conn.Close()
		return nil, fmt.Errorf("make the database session read-only: %w", err)
	}
	return conn, nil
}

// Version returns the server's name and version as SELECT VERSION() says it, without
// the platform and compiler PostgreSQL adds ("PostgreSQL 15.18 (Debian 15.18-0+deb12u1)",
// "10.11.11-MariaDB-0+deb12u1"); "" when it cannot be read.
func Version(ctx context.Context, db *sql.DB) string {
	var v string
	if err := db.QueryRowContext(ctx, "SELECT VERSION()").Scan(&v); err != nil {
		return ""
	}
	if i := strings.Index(v, " on "); i > 0 && strings.HasPrefix(v, "PostgreSQL") {
		v = v[:i]
	}
	return v
}
