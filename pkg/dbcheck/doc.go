// Package dbcheck runs read-only SQL probes against the target's database (order rows,
// order items, stock, notifications, the schema's foreign keys) and records every
// result as evidence. It only ever issues SELECT statements; Query refuses anything
// else before it reaches the database.
package dbcheck
