package report_test

import (
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/report"
)

func TestVerifyProofRechecksEveryDigest(t *testing.T) {
	out := t.TempDir()
	shot := []byte("png bytes")
	if err := os.MkdirAll(filepath.Join(out, "evidence"), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "evidence", "dash.png"), shot, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(out, "report.json"), []byte("[]"), 0o644); err != nil {
		t.Fatal(err)
	}
	sum := sha256.Sum256(shot)
	rec := evidence.Record{Kind: evidence.KindScreenshot, File: &evidence.File{Path: "evidence/dash.png", MediaType: "image/png", Bytes: int64(len(shot)), SHA256: hex.EncodeToString(sum[:])}}
	specs := allPassed()
	withEvidence(rec)(&specs[0])
	run := mustBuild(t, suite("checkout", facts(), specs...))
	run.ReportFiles = []string{"report.json", "reports/gone.json"} // a listed report that is not there gets no digest
	if err := run.Write(out); err != nil {
		t.Fatal(err)
	}
	proof := filepath.Join(out, report.ProofPath)
	n, bad, err := report.VerifyProof(proof)
	if err != nil || n != 2 || len(bad) != 0 {
		t.Fatalf("VerifyProof = %d, %v, %v; want 2 files, all matching", n, bad, err)
	}

	os.WriteFile(filepath.Join(out, "evidence", "dash.png"), []byte("edited"), 0o644)
	os.Remove(filepath.Join(out, "report.json"))
	_, bad, err = report.VerifyProof(proof)
	if err != nil || len(bad) != 2 {
		t.Fatalf("VerifyProof after edits = %v, %v; want two mismatches", bad, err)
	}
	if got := bad[0].String(); got != "report.json: missing (proof.json records sha256 "+shortHash(bad[0].Want)+")" {
		t.Errorf("first mismatch: %q", got)
	}
	if got := bad[1].String(); !strings.HasPrefix(got, "evidence/dash.png: changed (proof.json records sha256 "+hex.EncodeToString(sum[:])[:12]+"…, the file has ") {
		t.Errorf("second mismatch: %q", got)
	}

	if _, _, err := report.VerifyProof(filepath.Join(out, "nope.json")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("VerifyProof(missing) err = %v, want fs.ErrNotExist", err)
	}
	other := filepath.Join(out, "other.json")
	os.WriteFile(other, []byte(`{"schema_version": 99}`), 0o644)
	if _, _, err := report.VerifyProof(other); err == nil || !strings.Contains(err.Error(), "schema_version 99") {
		t.Errorf("VerifyProof(other schema) err = %v", err)
	}
}

func shortHash(h string) string { return h[:12] + "…" }
