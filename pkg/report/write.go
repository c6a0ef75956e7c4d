package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2/types"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// ReadReports reads Ginkgo JSON report files (each holds a []types.Report, as written
// by ginkgo --json-report) and returns every report they hold, in order. It returns an
// error naming the file that cannot be read or is not a Ginkgo JSON report.
func ReadReports(paths ...string) ([]types.Report, error) {
	var out []types.Report
	for _, p := range paths {
		raw, err := os.ReadFile(p)
		if err != nil {
			return nil, fmt.Errorf("read Ginkgo report: %w", err)
		}
		var reports []types.Report
		if err := json.Unmarshal(raw, &reports); err != nil {
			return nil, fmt.Errorf("%s is not a Ginkgo JSON report (write one with ginkgo --json-report=report.json): %w", p, err)
		}
		out = append(out, reports...)
	}
	return out, nil
}

// Write writes the run's documents and proof.json under outDir, creating directories
// as needed; each file is written to a temporary file and renamed into place, so a
// reader never sees half a document. proof.json records the SHA-256 of every one of
// ReportFiles found (a relative path is taken from outDir). It returns the first error.
func (r *Run) Write(outDir string) error {
	docs, err := r.Documents()
	if err != nil {
		return err
	}
	digests, err := digestReports(outDir, r.ReportFiles)
	if err != nil {
		return err
	}
	proof, err := r.proof(digests)
	if err != nil {
		return err
	}
	docs = append(docs, Document{Path: ProofPath, Body: proof})
	for _, d := range docs {
		if err := WriteFile(filepath.Join(outDir, filepath.FromSlash(d.Path)), d.Body); err != nil {
			return err
		}
	}
	return nil
}

// WriteAll builds the run from reports and writes its documents and proof.json under
// outDir. It returns an error when the reports cannot be built or a file not written.
func WriteAll(outDir string, reports ...types.Report) error {
	run, err := Build(reports...)
	if err != nil {
		return err
	}
	return run.Write(outDir)
}

// RenderFiles reads the Ginkgo JSON report files, builds the run (naming the files,
// relative to outDir, in the documents' footers and proof.json) and writes everything
// under outDir. It returns the run, so the caller can decide its exit code from Failed
// or OK.
func RenderFiles(outDir string, paths ...string) (*Run, error) {
	reports, err := ReadReports(paths...)
	if err != nil {
		return nil, err
	}
	run, err := Build(reports...)
	if err != nil {
		return nil, err
	}
	for _, p := range paths {
		run.ReportFiles = append(run.ReportFiles, relTo(outDir, p))
	}
	return run, run.Write(outDir)
}

// WriteFile writes body to path atomically (a temporary file in the same directory,
// then a rename), creating the directory; an existing file keeps its permissions, a
// new one gets 0644. Every file smokeproof writes goes through it, so a reader never
// sees half a document.
func WriteFile(path string, body []byte) error { return evidence.WriteFile(path, body) }

// relTo returns path relative to dir, slash-separated; the absolute path when there is
// no relative one.
func relTo(dir, path string) string {
	absDir, err1 := filepath.Abs(dir)
	absPath, err2 := filepath.Abs(path)
	if err1 == nil && err2 == nil {
		if rel, err := filepath.Rel(absDir, absPath); err == nil {
			return filepath.ToSlash(rel)
		}
	}
	if err2 == nil {
		return filepath.ToSlash(absPath)
	}
	return filepath.ToSlash(path)
}
