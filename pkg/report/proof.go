package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"time"

	"github.com/smokeproof/smokeproof/pkg/evidence"
)

// SchemaVersion is the version of proof.json's schema; it changes when a field is
// renamed or removed, not when one is added.
const SchemaVersion = 1

// The proof.json schema. Field order is the order in the file; slices are never null.
type (
	proofRun struct {
		SchemaVersion int         `json:"schema_version"`
		Harness       string      `json:"harness"`
		Target        proofTarget `json:"target"`
		Started       string      `json:"started"` // RFC 3339, UTC
		DurationMS    int64       `json:"duration_ms"`
		Result        Result      `json:"result"`
		ReportFiles   []string    `json:"report_files"`
		Problems      []string    `json:"problems"`
		Items         []proofItem `json:"items"`
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
// and evidence files, indented, keys in a fixed order, ending with a newline. It
// returns an error only when encoding fails.
func (r *Run) Proof() ([]byte, error) {
	p := proofRun{
		SchemaVersion: SchemaVersion,
		Harness:       r.Facts.Harness,
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
		Started:     "",
		DurationMS:  ms(r.Duration),
		Result:      r.Result(),
		ReportFiles: nonNil(r.ReportFiles),
		Problems:    nonNil(r.Problems),
		Items:       []proofItem{},
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
