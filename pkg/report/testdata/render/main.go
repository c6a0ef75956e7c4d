// Command render renders Ginkgo JSON reports with pkg/report; a helper for looking at
// the documents by hand: go run ./pkg/report/testdata/render OUTDIR REPORT.json...
package main

import (
	"fmt"
	"os"

	"github.com/smokeproof/smokeproof/pkg/report"
)

func main() {
	run, err := report.RenderFiles(os.Args[1], os.Args[2:]...)
	if err != nil {
		fmt.Println("error:", err)
		os.Exit(1)
	}
	for _, b := range run.Failed() {
		fmt.Println("FAILED", b.Bullet.ID(), b.Reason)
	}
}
