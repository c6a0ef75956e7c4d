package report_test

// The item declarations of the repository's suites, registered as the CLI registers
// them: the golden tests render their documents.
import _ "github.com/smokeproof/smokeproof/suites"
