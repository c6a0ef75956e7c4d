package dbdsn

import (
	"context"
	"database/sql/driver"
	"errors"
	"io"
	"strconv"
	"strings"
)

// Rebind rewrites the ? placeholders of a MySQL-style query as PostgreSQL's $1, $2, …
// It leaves ? alone inside quoted strings, quoted identifiers and comments, and
// returns a query without ? unchanged.
func Rebind(query string) string {
	if !strings.Contains(query, "?") {
		return query
	}
	var b strings.Builder
	b.Grow(len(query) + 8)
	n := 0
	for i := 0; i < len(query); i++ {
		c := query[i]
		switch {
		case c == '\'' || c == '"' || c == '`':
			j := i + 1
			for j < len(query) {
				if query[j] == c {
					if j+1 < len(query) && query[j+1] == c { // doubled quote
						j += 2
						continue
					}
					break
				}
				j++
			}
			if j >= len(query) {
				j = len(query) - 1
			}
			b.WriteString(query[i : j+1])
			i = j
		case c == '-' && i+1 < len(query) && query[i+1] == '-':
			j := strings.IndexByte(query[i:], '\n')
			if j < 0 {
				j = len(query) - i - 1
			}
			b.WriteString(query[i : i+j+1])
			i += j
		case c == '/' && i+1 < len(query) && query[i+1] == '*':
			j := strings.Index(query[i+2:], "*/")
			end := len(query) - 1
			if j >= 0 {
				end = i + 2 + j + 1
			}
			b.WriteString(query[i : end+1])
			i = end
		case c == '?':
			n++
			b.WriteByte('$')
			b.WriteString(strconv.Itoa(n))
		default:
			b.WriteByte(c)
		}
	}
	return b.String()
}

// compatConnector wraps a pgx connector for SQL written for MySQL.
type compatConnector struct{ driver.Connector }

func (c compatConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.Connector.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return &compatConn{conn}, nil
}

// compatConn rebinds placeholders and answers LastInsertId for INSERTs. pgx's
// connection implements every optional interface used here.
type compatConn struct{ driver.Conn }

var errNoContext = errors.New("dbdsn: the PostgreSQL connection lacks a context method")

func (c *compatConn) Prepare(query string) (driver.Stmt, error) {
	return c.Conn.Prepare(Rebind(query))
}

func (c *compatConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if p, ok := c.Conn.(driver.ConnPrepareContext); ok {
		return p.PrepareContext(ctx, Rebind(query))
	}
	return c.Conn.Prepare(Rebind(query))
}

func (c *compatConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	b, ok := c.Conn.(driver.ConnBeginTx)
	if !ok {
		return nil, errNoContext
	}
	return b.BeginTx(ctx, opts)
}

func (c *compatConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, errNoContext
	}
	return q.QueryContext(ctx, Rebind(query), args)
}

// ExecContext runs query; an INSERT without RETURNING runs as a query with
// RETURNING *, so that the result can report the "id" column of its last row.
func (c *compatConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	query = Rebind(query)
	if isInsert(query) {
		return c.insert(ctx, query, args)
	}
	e, ok := c.Conn.(driver.ExecerContext)
	if !ok {
		return nil, errNoContext
	}
	return e.ExecContext(ctx, query, args)
}

func (c *compatConn) insert(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	q, ok := c.Conn.(driver.QueryerContext)
	if !ok {
		return nil, errNoContext
	}
	rows, err := q.QueryContext(ctx, strings.TrimRight(strings.TrimSpace(query), ";")+" RETURNING *", args)
	if err != nil {
		return nil, err
	}
	defer rows.Close() // closed below too, where its error counts
	idCol := -1
	for i, name := range rows.Columns() {
		if name == "id" {
			idCol = i
		}
	}
	res := insertResult{id: -1}
	dest := make([]driver.Value, len(rows.Columns()))
	for {
		err := rows.Next(dest)
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, err
		}
		res.n++
		if idCol >= 0 {
			if id, ok := dest[idCol].(int64); ok {
				res.id = id
			}
		}
	}
	if err := rows.Close(); err != nil {
		return nil, err
	}
	return res, nil
}

func (c *compatConn) Ping(ctx context.Context) error {
	if p, ok := c.Conn.(driver.Pinger); ok {
		return p.Ping(ctx)
	}
	return nil
}

func (c *compatConn) CheckNamedValue(nv *driver.NamedValue) error {
	if ch, ok := c.Conn.(driver.NamedValueChecker); ok {
		return ch.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

func (c *compatConn) ResetSession(ctx context.Context) error {
	if r, ok := c.Conn.(driver.SessionResetter); ok {
		return r.ResetSession(ctx)
	}
	return nil
}

func (c *compatConn) IsValid() bool {
	if v, ok := c.Conn.(driver.Validator); ok {
		return v.IsValid()
	}
	return true
}

// isInsert reports whether query is an INSERT without its own RETURNING clause.
func isInsert(query string) bool {
	q := strings.ToUpper(strings.TrimSpace(query))
	return strings.HasPrefix(q, "INSERT") && !strings.Contains(q, "RETURNING")
}

type insertResult struct{ id, n int64 }

func (r insertResult) LastInsertId() (int64, error) {
	if r.id < 0 {
		return 0, errors.New("dbdsn: the INSERT returned no id column")
	}
	return r.id, nil
}

func (r insertResult) RowsAffected() (int64, error) { return r.n, nil }
