package config_test

import (
	"slices"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/config"
)

// TestSecretsOfPostgresDSNs: the redactor learns the password of either PostgreSQL
// form, as written and decoded.
func TestSecretsOfPostgresDSNs(t *testing.T) {
	for dsn, want := range map[string][]string{
		"postgres://ro:pa55word@db:5432/shop":                 {"pa55word"},
		"postgresql://ro:p%40ss@db/shop?sslmode=require":      {"p%40ss", "p@ss"},
		"host=db user=ro password=pa55word dbname=shop":       {"pa55word"},
		"host=db user=ro password='pa 55\\'word' dbname=shop": {"pa 55\\'word", "pa 55'word"},
		"password=first dbname=shop":                          {"first"},
		"postgres://ro@db/shop":                               nil,
		"host=db user=ro dbname=shop":                         nil,
	} {
		c, err := config.Load(env(map[string]string{"SMOKE_DB_DSN": dsn}))
		if err != nil {
			t.Fatalf("%s: %v", dsn, err)
		}
		if got := c.Secrets(); !slices.Equal(got, want) {
			t.Errorf("Secrets of %q = %q, want %q", dsn, got, want)
		}
	}
}
