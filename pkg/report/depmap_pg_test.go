package report_test

import (
	"strings"
	"testing"
)

// TestDataDependencyMapFlagsUnindexedForeignKeys: a foreign key read from PostgreSQL's
// catalog with INDEXED = NO is a candidate missing piece; one with YES is not.
func TestDataDependencyMapFlagsUnindexedForeignKeys(t *testing.T) {
	fks := rows("foreign keys", append(append([]string{}, fkColumns...), "INDEXED"),
		[]string{"cart_items", "user_id", "users", "id", "CASCADE", "YES"},
		[]string{"order_items", "order_id", "orders", "id", "CASCADE", "NO"},
		[]string{"producers", "user_id", "users", "id", "CASCADE", "NO"},
		[]string{"products", "producer_id", "producers", "id", "NO ACTION", "NO"},
	)
	doc := document(t, mustBuild(t, depmapSuite(facts(), passed, fks)), depmapDoc)
	mustContain(t, doc, "- · foreign key `products.producer_id → producers.id` has no index: the database does not create one (PostgreSQL), so a delete in `producers` scans `products`\n")
	mustContain(t, doc, "- · foreign key `order_items.order_id → orders.id` has no index")
	if strings.Contains(doc, "`cart_items.user_id → users.id` has no index") {
		t.Error("an indexed foreign key is flagged")
	}
	// MySQL's reads carry no INDEXED column: nothing is flagged.
	mysql := document(t, mustBuild(t, depmapSuite(facts(), passed, shopFKs())), depmapDoc)
	if strings.Contains(mysql, "has no index") {
		t.Error("a read without an INDEXED column flagged a key")
	}
}
