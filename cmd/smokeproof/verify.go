package main

import (
	"fmt"
	"io"
	"strings"

	"github.com/smokeproof/smokeproof/pkg/report"
)

// verifyStatuses re-derives the statuses of the proof.json at path (whose digests
// matched) from its reports and fails naming every one that differs.
func verifyStatuses(path string, stdout io.Writer) error {
	diff, err := report.VerifyStatuses(path)
	if err != nil {
		return &exitError{exitFailed, fmt.Sprintf("proof does not verify: %v", err)}
	}
	if len(diff) == 0 {
		fmt.Fprintf(stdout, "smokeproof: every result and status in %s follows from its reports\n", path)
		return nil
	}
	fmt.Fprintf(stdout, "smokeproof: %s in %s do not follow from its reports:\n", plural(len(diff), "status", "statuses"), path)
	names := make([]string, len(diff))
	for i, m := range diff {
		fmt.Fprintf(stdout, "  ❌ %s\n", m)
		names[i] = m.Where
	}
	return &exitError{exitFailed, fmt.Sprintf("proof does not verify: %s edited or missing; re-run the suites (or smokeproof proof) to issue a new proof", strings.Join(names, ", "))}
}
