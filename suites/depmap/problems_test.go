package depmap_test

import (
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/dbcheck"
)

// Plain unit tests of the checks behind the depmap specs: they fail on a schema without
// the chain. (The kill matrix turns the specs themselves red with the shop's
// schema-missing-producer-fk switch.)

var shopFKs = []dbcheck.ForeignKey{
	{Table: "order_items", Column: "product_id", RefTable: "products", RefColumn: "id"},
	{Table: "producers", Column: "user_id", RefTable: "users", RefColumn: "id"},
	{Table: "products", Column: "producer_id", RefTable: "producers", RefColumn: "id"},
}

func TestUnitChainProblems(t *testing.T) {
	if got := chainProblems(shopFKs, true); len(got) != 0 {
		t.Errorf("the shop's chain: %q, want no problem", got)
	}
	if got := chainProblems([]dbcheck.ForeignKey{{Table: "PRODUCTS", Column: "Producer_ID", RefTable: "producers", RefColumn: "id"}, shopFKs[1]}, true); len(got) != 0 {
		t.Errorf("names differing in case: %q, want no problem", got)
	}
	got := chainProblems(shopFKs[:2], false)
	want := []string{"no foreign key products.producer_id → producers.id", "no users.role column: the schema keeps no role per user"}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("a schema without products.producer_id and users.role: %q, want %q", got, want)
	}
	// A foreign key pointing the other way, or at another column, is not the link.
	reversed := []dbcheck.ForeignKey{{Table: "producers", Column: "id", RefTable: "products", RefColumn: "producer_id"}, shopFKs[1]}
	if got := chainProblems(reversed, true); len(got) != 1 {
		t.Errorf("reversed link: %q, want one problem", got)
	}
}

func TestUnitSchemaProblems(t *testing.T) {
	tables := []string{"order_items", "producers", "products", "users"}
	keys := dbcheck.Table{Columns: []string{"TABLE_NAME", "COLUMN_NAME", "DATA_TYPE", "COLUMN_KEY"}, Values: [][]string{
		{"order_items", "id", "bigint", "PRI"}, {"producers", "id", "bigint", "PRI"}, {"producers", "user_id", "bigint", "MUL"},
		{"products", "id", "bigint", "PRI"}, {"users", "id", "bigint", "PRI"},
	}}
	if got := schemaProblems(tables, keys, shopFKs); len(got) != 0 {
		t.Errorf("the shop's schema: %q, want no problem", got)
	}
	got := schemaProblems(tables[1:], dbcheck.Table{Columns: keys.Columns, Values: keys.Values[1:3]}, shopFKs)
	want := []string{
		"foreign key order_items.product_id → products.id names order_items, which is not a table of the schema",
		"table products has no primary key",
		"table users has no primary key",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("got %q\nwant %q", got, want)
	}
}
