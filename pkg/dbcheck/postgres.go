package dbcheck

import (
	"context"
	"fmt"
)

// pgForeignKeys reads the foreign keys of the current schema from pg_catalog, with
// MySQL's column names so that a document reads them the same way. Multi-column keys
// show their first column (Laravel's keys have one).
func (p *Probe) pgForeignKeys(ctx context.Context) ([]ForeignKey, error) {
	t, err := p.Query(ctx, "foreign keys",
		`SELECT c.relname AS "TABLE_NAME", a.attname AS "COLUMN_NAME", rc.relname AS "REFERENCED_TABLE_NAME", ra.attname AS "REFERENCED_COLUMN_NAME",
		 CASE k.confdeltype WHEN 'c' THEN 'CASCADE' WHEN 'r' THEN 'RESTRICT' WHEN 'n' THEN 'SET NULL' WHEN 'd' THEN 'SET DEFAULT' ELSE 'NO ACTION' END AS "DELETE_RULE",
		 CASE WHEN EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = k.conrelid AND i.indkey[0] = k.conkey[1]) THEN 'YES' ELSE 'NO' END AS "INDEXED"
		 FROM pg_constraint k
		 JOIN pg_class c ON c.oid = k.conrelid
		 JOIN pg_class rc ON rc.oid = k.confrelid
		 JOIN pg_attribute a ON a.attrelid = k.conrelid AND a.attnum = k.conkey[1]
		 JOIN pg_attribute ra ON ra.attrelid = k.confrelid AND ra.attnum = k.confkey[1]
		 WHERE k.contype = 'f' AND c.relnamespace = current_schema()::regnamespace
		 ORDER BY c.relname, a.attname`)
	if err != nil {
		return nil, err
	}
	out := make([]ForeignKey, len(t.Values))
	for i, v := range t.Values {
		out[i] = ForeignKey{Table: v[0], Column: v[1], RefTable: v[2], RefColumn: v[3], OnDelete: v[4], Unindexed: v[5] == "NO"}
	}
	return out, nil
}

// Tables returns the base tables of the schema in a TABLE_NAME column, by name.
func (p *Probe) Tables(ctx context.Context) (Table, error) {
	schema := "DATABASE()"
	if p.pg {
		schema = "current_schema()"
	}
	return p.Query(ctx, "schema tables",
		`SELECT TABLE_NAME AS "TABLE_NAME" FROM information_schema.TABLES
		 WHERE TABLE_SCHEMA = `+schema+` AND TABLE_TYPE = 'BASE TABLE' ORDER BY TABLE_NAME`)
}

// KeyColumns returns the columns of the schema that are part of a key, as the
// columns TABLE_NAME, COLUMN_NAME, DATA_TYPE and COLUMN_KEY (PRI, UNI or MUL, as
// MySQL's information_schema.COLUMNS says; on PostgreSQL derived from pg_index: a
// column leading a primary, unique or plain index).
func (p *Probe) KeyColumns(ctx context.Context) (Table, error) {
	if !p.pg {
		return p.Query(ctx, "schema key columns",
			`SELECT TABLE_NAME, COLUMN_NAME, DATA_TYPE, COLUMN_KEY FROM information_schema.COLUMNS
			 WHERE TABLE_SCHEMA = DATABASE() AND COLUMN_KEY <> '' ORDER BY TABLE_NAME, ORDINAL_POSITION`)
	}
	return p.Query(ctx, "schema key columns",
		`SELECT c.relname AS "TABLE_NAME", a.attname AS "COLUMN_NAME", format_type(a.atttypid, a.atttypmod) AS "DATA_TYPE",
		 CASE WHEN bool_or(i.indisprimary) THEN 'PRI' WHEN bool_or(i.indisunique AND i.indnkeyatts = 1) THEN 'UNI' ELSE 'MUL' END AS "COLUMN_KEY"
		 FROM pg_index i
		 JOIN pg_class c ON c.oid = i.indrelid
		 JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = i.indkey[0]
		 WHERE c.relnamespace = current_schema()::regnamespace AND c.relkind = 'r'
		 GROUP BY c.relname, a.attname, a.attnum, a.atttypid, a.atttypmod
		 ORDER BY c.relname, a.attnum`)
}

// Column returns the column's name and type (COLUMN_NAME, COLUMN_TYPE) when table
// has it: zero rows when it does not.
func (p *Probe) Column(ctx context.Context, table, column string) (Table, error) {
	title := fmt.Sprintf("%s column of %s", column, table)
	if !p.pg {
		return p.Query(ctx, title,
			`SELECT COLUMN_NAME, COLUMN_TYPE FROM information_schema.COLUMNS
			 WHERE TABLE_SCHEMA = DATABASE() AND TABLE_NAME = ? AND COLUMN_NAME = ?`, table, column)
	}
	return p.Query(ctx, title,
		`SELECT column_name AS "COLUMN_NAME", data_type AS "COLUMN_TYPE" FROM information_schema.columns
		 WHERE table_schema = current_schema() AND table_name = ? AND column_name = ?`, table, column)
}
