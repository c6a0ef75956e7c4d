package main

import (
	"database/sql/driver"
	"fmt"

	"github.com/smokeproof/smokeproof/pkg/dbdsn"
)

// loadPostgres takes a PostgreSQL SHOP_DB_DSN (a postgres:// URL or a keyword DSN),
// then reads the other variables.
func loadPostgres(c config, raw string, getenv func(string) string) (config, error) {
	info, err := dbdsn.Parse(raw)
	if err != nil {
		return c, usageError{fmt.Sprintf("SHOP_DB_DSN is not a valid PostgreSQL DSN (%v): use the form postgres://user:password@host:5432/database.", err)}
	}
	if info.Database == "" {
		return c, usageError{"SHOP_DB_DSN names no database: add /<database> to the URL (postgres://user:password@host:5432/marketplace) or dbname=<database>."}
	}
	c.pgDSN, c.pgAddr = raw, info.Addr
	return loadOthers(c, getenv)
}

// postgresConnector opens the PostgreSQL DSN so that the shop's MySQL-style SQL
// (? placeholders, LastInsertId) runs on it.
func postgresConnector(c config) (driver.Connector, error) {
	conn, _, err := dbdsn.Connector(c.pgDSN, dbdsn.Options{Setting: "SHOP_DB_DSN", MySQLPlaceholders: true})
	return conn, err
}
