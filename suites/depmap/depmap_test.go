package depmap_test

import (
	"fmt"
	"strings"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/dbcheck"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

var (
	chain   = spec.DoD("DATA-DEPENDENCY-MAP.chain")
	current = spec.DoD("DATA-DEPENDENCY-MAP.current-state")
)

// chainLinks are the foreign keys the chain Products → Producers → Users rests on
// (MARKETPLACE-API.md, "Roles and ownership" and "Tables").
var chainLinks = []dbcheck.ForeignKey{
	{Table: "products", Column: "producer_id", RefTable: "producers", RefColumn: "id"},
	{Table: "producers", Column: "user_id", RefTable: "users", RefColumn: "id"},
}

// roleColumn is where the contract keeps a user's role: users.role.
const roleColumn = "role"

var _ = Describe("Data dependency map", func() {
	It("finds the chain products → producers → users and the users' roles in the live schema", chain, spec.NeedsDB, func(ctx SpecContext) {
		db := spec.DB()
		By("reading the foreign keys from the schema (information_schema, or pg_catalog on PostgreSQL)")
		fks, err := db.ForeignKeys(ctx)
		Expect(err).NotTo(HaveOccurred())

		By("reading the column that holds the users' roles")
		roles, err := db.Column(ctx, "users", roleColumn)
		Expect(err).NotTo(HaveOccurred())

		By("checking every link of the chain")
		Expect(chainProblems(fks, len(roles.Values) > 0)).To(BeEmpty(), "the chain Products → Producers → Users/roles is broken in the schema")
	})

	It("reads every table and foreign key of the schema as it is today", current, spec.NeedsDB, func(ctx SpecContext) {
		db := spec.DB()
		By("reading the tables from information_schema")
		tables, err := db.Tables(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(tables.Values).NotTo(BeEmpty(), "the target's database holds no table")

		By("reading the key columns (primary, unique and indexed)")
		keys, err := db.KeyColumns(ctx)
		Expect(err).NotTo(HaveOccurred())

		By("reading the foreign keys")
		fks, err := db.ForeignKeys(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(fks).NotTo(BeEmpty(), "the schema declares no foreign key, so no link between tables can be shown")

		By("checking that every foreign key joins two tables of the schema")
		Expect(schemaProblems(column(tables, "TABLE_NAME"), keys, fks)).To(BeEmpty())
	})
})

// chainProblems returns what is missing from the chain: each chain link without its
// foreign key, and the users' role column.
func chainProblems(fks []dbcheck.ForeignKey, hasRole bool) []string {
	var out []string
	for _, want := range chainLinks {
		found := false
		for _, fk := range fks {
			found = found || sameLink(fk, want)
		}
		if !found {
			out = append(out, fmt.Sprintf("no foreign key %s.%s → %s.%s", want.Table, want.Column, want.RefTable, want.RefColumn))
		}
	}
	if !hasRole {
		out = append(out, "no users."+roleColumn+" column: the schema keeps no role per user")
	}
	return out
}

// schemaProblems returns the foreign keys whose table or referenced table is not a
// table of the schema, and the tables without a primary key (keys holds TABLE_NAME and
// COLUMN_KEY columns).
func schemaProblems(tables []string, keys dbcheck.Table, fks []dbcheck.ForeignKey) []string {
	known := map[string]bool{}
	for _, t := range tables {
		known[strings.ToLower(t)] = true
	}
	var out []string
	for _, fk := range fks {
		for _, t := range []string{fk.Table, fk.RefTable} {
			if !known[strings.ToLower(t)] {
				out = append(out, fmt.Sprintf("foreign key %s.%s → %s.%s names %s, which is not a table of the schema", fk.Table, fk.Column, fk.RefTable, fk.RefColumn, t))
			}
		}
	}
	keyed := map[string]bool{}
	kinds := column(keys, "COLUMN_KEY")
	for i, t := range column(keys, "TABLE_NAME") {
		if i < len(kinds) && strings.EqualFold(kinds[i], "PRI") {
			keyed[strings.ToLower(t)] = true
		}
	}
	for _, t := range tables {
		if !keyed[strings.ToLower(t)] {
			out = append(out, fmt.Sprintf("table %s has no primary key", t))
		}
	}
	return out
}

func sameLink(a, b dbcheck.ForeignKey) bool {
	return strings.EqualFold(a.Table, b.Table) && strings.EqualFold(a.Column, b.Column) &&
		strings.EqualFold(a.RefTable, b.RefTable) && strings.EqualFold(a.RefColumn, b.RefColumn)
}

// column returns the values of one column of t, matched case-insensitively.
func column(t dbcheck.Table, name string) []string {
	for j, c := range t.Columns {
		if strings.EqualFold(c, name) {
			out := make([]string, len(t.Values))
			for i, v := range t.Values {
				out[i] = v[j]
			}
			return out
		}
	}
	return nil
}
