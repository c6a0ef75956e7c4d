package report_test

import (
	"fmt"
	"os"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

// TestMain registers the item declarations of the repository's suites: the golden
// tests render their documents.
func TestMain(m *testing.M) {
	if err := dod.LoadFS(os.DirFS("../../suites"), "*/item.json"); err != nil {
		fmt.Fprintln(os.Stderr, err)
		os.Exit(2)
	}
	os.Exit(m.Run())
}
