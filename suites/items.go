// Package suites holds one folder per DoD item: its declaration (item.json), its
// Ginkgo suite and its specs. This file only registers the declarations for the CLI
// (render, proof, lint, mutants), which knows every item without naming any: a new
// folder with an item.json is picked up as it is.
package suites

import (
	"embed"

	"github.com/smokeproof/smokeproof/pkg/dod"
)

//go:embed */item.json
var declarations embed.FS

func init() {
	if err := dod.LoadFS(declarations, "*/item.json"); err != nil {
		panic(err)
	}
}
