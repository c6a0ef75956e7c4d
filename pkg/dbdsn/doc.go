// Package dbdsn tells a PostgreSQL DSN (a postgres:// URL or a keyword DSN such as
// "host=db user=app dbname=marketplace") from a go-sql-driver/mysql DSN
// ("user:pass@tcp(host:3306)/name") and opens the matching driver: pgx's database/sql
// driver for PostgreSQL, go-sql-driver/mysql otherwise.
//
// On PostgreSQL a read-only handle sets default_transaction_read_only at connection
// start, so the server itself refuses a write. For SQL written for MySQL (the
// reference shop's) Options.MySQLPlaceholders rewrites ? placeholders to $1, $2, …
// and makes an INSERT report the id it created through Result.LastInsertId.
package dbdsn
