package dod_test

// The item declarations of the repository's suites, registered as the CLI registers
// them.
import _ "github.com/smokeproof/smokeproof/suites"
