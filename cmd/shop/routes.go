package main

import (
	"encoding/json"
	"fmt"
	"io"
	"strings"
	"text/tabwriter"

	"github.com/smokeproof/smokeproof/fixtures/shop"
)

// printRoutes is `shop routes [--json]`: every route the shop serves, from the
// table its router is built from. --json prints the shape of Laravel's
// `php artisan route:list --json`.
func printRoutes(args []string, stdout io.Writer) error {
	asJSON := false
	for _, a := range args {
		switch a {
		case "--json", "-json":
			asJSON = true
		default:
			return usageError{fmt.Sprintf("shop routes takes only --json (got %q).", a)}
		}
	}
	routes := shop.LaravelRoutes()
	if asJSON {
		enc := json.NewEncoder(stdout)
		enc.SetEscapeHTML(false)
		if err := enc.Encode(routes); err != nil {
			return fmt.Errorf("write routes: %w", err)
		}
		return nil
	}
	tw := tabwriter.NewWriter(stdout, 0, 4, 2, ' ', 0)
	fmt.Fprintln(tw, "METHOD\tURI\tNAME\tMIDDLEWARE\tACTION")
	for _, r := range routes {
		name := ""
		if r.Name != nil {
			name = *r.Name
		}
		fmt.Fprintf(tw, "%s\t%s\t%s\t%s\t%s\n", r.Method, r.URI, name, strings.Join(r.Middleware, ","), r.Action)
	}
	if err := tw.Flush(); err != nil {
		return fmt.Errorf("write routes: %w", err)
	}
	return nil
}
