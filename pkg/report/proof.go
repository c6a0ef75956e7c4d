package report

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// SchemaVersion is the version of proof.json's schema; it changes when a field is
// renamed or removed, not when one is added.
const SchemaVersion = 1

// The proof.json schema. Field order is the order in the file; slices are never null.
type (
	proofRun struct {
		SchemaVersion int             `json:"schema_version"`
		Harness       string          `json:"harness"`
		HarnessCommit string          `json:"harness_commit"` // "abc1234", "" when unknown
		Target        proofTarget     `json:"target"`
		AppVersion    string          `json:"app_version"` // from the app's /api/health, "" when not measured
		Started       string          `json:"started"`     // RFC 3339, UTC
		DurationMS    int64           `json:"duration_ms"`
		Result        Result          `json:"result"`
		ReportFiles   []string        `json:"report_files"`
		ReportDigests []proofFile     `json:"report_digests"`
		Problems      []string        `json:"problems"`
		Items         []proofItem     `json:"items"`
		Contract      *contract.Proof `json:"contract,omitempty"` // the contract coverage (coverage.go)
	}
	proofTarget struct {
		Name        string               `json:"name"`
		App         string               `json:"app"`
		Database    string               `json:"database"`
		Mail        string               `json:"mail"`
		Faults      string               `json:"faults"`
		LabelFilter string               `json:"label_filter"`
		Startup     []evidence.Timing    `json:"startup"`
		Excluded    []evidence.Exclusion `json:"excluded"`
	}
	proofItem struct {
		ID       string        `json:"id"`
		Title    string        `json:"title"`
		Result   Result        `json:"result"`
		Reason   string        `json:"reason"`
		Document string        `json:"document"`
		Bullets  []proofBullet `json:"bullets"`
	}
	proofBullet struct {
		ID     string      `json:"id"`
		Text   string      `json:"text"`
		Kind   string      `json:"kind"`
		Status Status      `json:"status"`
		Reason string      `json:"reason"`
		Specs  []proofSpec `json:"specs"`
	}
	proofSpec struct {
		Name          string      `json:"name"`
		State         string      `json:"state"`
		DurationMS    int64       `json:"duration_ms"`
		Location      string      `json:"location"`
		Labels        []string    `json:"labels"`
		Reason        string      `json:"reason,omitempty"`
		Failure       string      `json:"failure,omitempty"`
		EvidenceFiles []proofFile `json:"evidence_files"`
	}
	proofFile struct {
		Path   string `json:"path"`
		SHA256 string `json:"sha256"`
	}
)

// Proof returns proof.json: the run's facts and every bullet's status with its specs
// and evidence files (each with its SHA-256), indented, keys in a fixed order, ending
// with a newline. Its report_digests are empty: only Write, which reads the report
// files, fills them in. It returns an error only when encoding fails.
func (r *Run) Proof() ([]byte, error) { return r.proof(nil) }

// proof is Proof with the SHA-256 of the report files that were found.
func (r *Run) proof(reportDigests []proofFile) ([]byte, error) {
	p := proofRun{
		SchemaVersion: SchemaVersion,
		Harness:       r.Facts.Harness,
		HarnessCommit: HarnessCommit(r.Facts.Harness),
		AppVersion:    r.AppVersion(),
		Target: proofTarget{
			Name:        r.Facts.Target,
			App:         r.Facts.App,
			Database:    r.Facts.Database,
			Mail:        r.Facts.Mail,
			Faults:      r.Facts.Faults,
			LabelFilter: r.Facts.LabelFilter,
			Startup:     nonNil(r.Facts.Startup),
			Excluded:    nonNil(r.Facts.Excluded),
		},
		Started:       "",
		DurationMS:    ms(r.Duration),
		Result:        r.Result(),
		ReportFiles:   nonNil(r.ReportFiles),
		ReportDigests: nonNil(reportDigests),
		Problems:      nonNil(r.Problems),
		Items:         []proofItem{},
	}
	if !r.Started.IsZero() {
		p.Started = r.Started.UTC().Format(time.RFC3339Nano)
	}
	for _, it := range r.Items {
		pi := proofItem{ID: it.Item.ID, Title: it.Item.Title, Result: it.Result, Reason: it.Reason, Document: it.Item.Document, Bullets: []proofBullet{}}
		for _, b := range it.Bullets {
			pb := proofBullet{ID: b.Bullet.ID(), Text: b.Bullet.Text, Kind: string(b.Bullet.Kind), Status: b.Status, Reason: b.Reason, Specs: []proofSpec{}}
			for _, s := range b.Specs {
				ps := proofSpec{
					Name:          s.Name,
					State:         s.State.String(),
					DurationMS:    ms(s.Duration),
					Location:      s.Location,
					Labels:        nonNil(s.Labels),
					Reason:        s.Reason,
					EvidenceFiles: []proofFile{},
				}
				if s.Failure != nil {
					ps.Failure = s.Failure.Message
				}
				for _, rec := range s.Evidence {
					if rec.File != nil {
						ps.EvidenceFiles = append(ps.EvidenceFiles, proofFile{Path: rec.File.Path, SHA256: rec.File.SHA256})
					}
				}
				pb.Specs = append(pb.Specs, ps)
			}
			pi.Bullets = append(pi.Bullets, pb)
		}
		p.Items = append(p.Items, pi)
	}
	if len(r.Items) > 0 {
		_, cov := r.coverageDocument()
		cp := cov.Proof()
		p.Contract = &cp
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	if err := enc.Encode(p); err != nil {
		return nil, fmt.Errorf("encode proof.json: %w", err)
	}
	return buf.Bytes(), nil
}

func ms(d time.Duration) int64 { return d.Round(time.Millisecond).Milliseconds() }

func nonNil[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

// digestReports returns the SHA-256 of each report file that exists, its path taken
// relative to outDir unless absolute. It returns an error when a file exists but
// cannot be read.
func digestReports(outDir string, files []string) ([]proofFile, error) {
	var out []proofFile
	for _, f := range files {
		path := filepath.FromSlash(f)
		if !filepath.IsAbs(path) {
			path = filepath.Join(outDir, path)
		}
		sum, err := FileSHA256(path)
		if errors.Is(err, fs.ErrNotExist) {
			continue
		}
		if err != nil {
			return nil, err
		}
		out = append(out, proofFile{Path: f, SHA256: sum})
	}
	return out, nil
}

// FileSHA256 returns the SHA-256 of a file's bytes, in lower-case hex, as proof.json
// records it. It returns an error when the file cannot be read.
func FileSHA256(path string) (string, error) {
	f, err := os.Open(path)
	if err != nil {
		return "", fmt.Errorf("digest: %w", err)
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, f); err != nil {
		return "", fmt.Errorf("digest %s: %w", path, err)
	}
	return hex.EncodeToString(h.Sum(nil)), nil
}

// Mismatch is an evidence or report file whose bytes no longer match proof.json.
type Mismatch struct {
	Path string // the path proof.json records, relative to its directory
	Want string // the SHA-256 proof.json records
	Got  string // the file's SHA-256 now; "" when the file is missing
}

// String says what is wrong with the file, in one line.
func (m Mismatch) String() string {
	if m.Got == "" {
		return m.Path + ": missing (proof.json records sha256 " + shortHash(m.Want) + ")"
	}
	return m.Path + ": changed (proof.json records sha256 " + shortHash(m.Want) + ", the file has " + shortHash(m.Got) + ")"
}

// VerifyProof recomputes the SHA-256 of every evidence file and report file the
// proof.json at path records, each taken relative to proof.json's directory (absolute
// paths as they are). It returns how many files it checked and those that are missing
// or whose bytes changed, in the order proof.json names them. It returns an error
// wrapping fs.ErrNotExist when there is no proof.json at path, and another error when
// it is not a smokeproof proof.json of this schema version or a file cannot be read.
func VerifyProof(path string) (int, []Mismatch, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return 0, nil, fmt.Errorf("read proof: %w", err)
	}
	var p proofRun
	if err := json.Unmarshal(raw, &p); err != nil {
		return 0, nil, fmt.Errorf("%s is not a smokeproof proof.json: %w", path, err)
	}
	if p.SchemaVersion != SchemaVersion {
		return 0, nil, fmt.Errorf("%s has schema_version %d, this smokeproof reads version %d; verify it with the smokeproof that wrote it", path, p.SchemaVersion, SchemaVersion)
	}
	var files []proofFile
	files = append(files, p.ReportDigests...)
	for _, it := range p.Items {
		for _, b := range it.Bullets {
			for _, s := range b.Specs {
				files = append(files, s.EvidenceFiles...)
			}
		}
	}
	dir := filepath.Dir(path)
	seen := map[proofFile]bool{}
	var bad []Mismatch
	for _, f := range files {
		if seen[f] {
			continue
		}
		seen[f] = true
		full := filepath.FromSlash(f.Path)
		if !filepath.IsAbs(full) {
			full = filepath.Join(dir, full)
		}
		sum, err := FileSHA256(full)
		switch {
		case errors.Is(err, fs.ErrNotExist):
			bad = append(bad, Mismatch{Path: f.Path, Want: f.SHA256})
		case err != nil:
			return len(seen), bad, err
		case sum != strings.ToLower(f.SHA256):
			bad = append(bad, Mismatch{Path: f.Path, Want: f.SHA256, Got: sum})
		}
	}
	return len(seen), bad, nil
}
