package report

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
)

// StatusMismatch is a verdict proof.json records that its reports do not give: an item's
// result, a bullet's status or a spec's state edited by hand, or one the reports do
// not hold at all.
type StatusMismatch struct {
	Where    string // "the run", an item id, a bullet id, or "<bullet id>: <spec name>"
	Recorded string // what proof.json says; "" when it does not hold Where
	Derived  string // what the reports give; "" when they do not hold Where
}

// String says what differs, in one line.
func (m StatusMismatch) String() string {
	switch {
	case m.Recorded == "":
		return fmt.Sprintf("%s: %s in the reports but missing from proof.json", m.Where, m.Derived)
	case m.Derived == "":
		return fmt.Sprintf("%s: proof.json says %s but the reports hold no such entry", m.Where, m.Recorded)
	}
	return fmt.Sprintf("%s: proof.json says %s but the reports give %s", m.Where, m.Recorded, m.Derived)
}

// VerifyStatuses reads the report files the proof.json at path records (its
// report_digests, relative to its directory), builds the run from them as Build does,
// and returns every result, status and spec state proof.json records that differs
// from what the reports give, in proof.json's order. Call it after VerifyProof found
// every digest matching: only then are the reports the run's own. It returns an error
// when proof.json cannot be read or records no report, or a report cannot be read or
// built.
func VerifyStatuses(path string) ([]StatusMismatch, error) {
	raw, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("read proof: %w", err)
	}
	var recorded proofRun
	if err := json.Unmarshal(raw, &recorded); err != nil {
		return nil, fmt.Errorf("%s is not a smokeproof proof.json: %w", path, err)
	}
	if len(recorded.ReportDigests) == 0 {
		return nil, fmt.Errorf("%s records no report file, so its statuses cannot be re-derived; write it with smokeproof run or smokeproof proof", path)
	}
	var files []string
	for _, f := range recorded.ReportDigests {
		p := filepath.FromSlash(f.Path)
		if !filepath.IsAbs(p) {
			p = filepath.Join(filepath.Dir(path), p)
		}
		files = append(files, p)
	}
	reports, err := ReadReports(files...)
	if err != nil {
		return nil, err
	}
	run, err := Build(reports...)
	if err != nil {
		return nil, fmt.Errorf("re-derive the statuses of %s: %w", path, err)
	}
	derivedRaw, err := run.Proof()
	if err != nil {
		return nil, err
	}
	var derived proofRun
	if err := json.Unmarshal(derivedRaw, &derived); err != nil {
		return nil, fmt.Errorf("re-derive the statuses of %s: %w", path, err)
	}
	return diffStatuses(recorded, derived), nil
}

// diffStatuses compares the verdicts of two proofs: the run's result, and per item,
// bullet and spec (matched by id and name) the result, status and state.
func diffStatuses(rec, der proofRun) []StatusMismatch {
	var out []StatusMismatch
	add := func(where, r, d string) {
		if r != d {
			out = append(out, StatusMismatch{Where: where, Recorded: r, Derived: d})
		}
	}
	add("the run", string(rec.Result), string(der.Result))
	derItems := map[string]proofItem{}
	for _, it := range der.Items {
		derItems[it.ID] = it
	}
	recItems := map[string]bool{}
	for _, it := range rec.Items {
		recItems[it.ID] = true
		d, ok := derItems[it.ID]
		add(it.ID, string(it.Result), string(d.Result))
		if !ok {
			continue
		}
		derBullets := map[string]proofBullet{}
		for _, b := range d.Bullets {
			derBullets[b.ID] = b
		}
		recBullets := map[string]bool{}
		for _, b := range it.Bullets {
			recBullets[b.ID] = true
			db, ok := derBullets[b.ID]
			add(b.ID, string(b.Status), string(db.Status))
			if !ok {
				continue
			}
			derSpecs := map[string]string{}
			for _, s := range db.Specs {
				derSpecs[s.Name] = s.State
			}
			recSpecs := map[string]bool{}
			for _, s := range b.Specs {
				recSpecs[s.Name] = true
				add(b.ID+": "+s.Name, s.State, derSpecs[s.Name])
			}
			for _, s := range db.Specs {
				if !recSpecs[s.Name] {
					add(b.ID+": "+s.Name, "", s.State)
				}
			}
		}
		for _, b := range d.Bullets {
			if !recBullets[b.ID] {
				add(b.ID, "", string(b.Status))
			}
		}
	}
	for _, it := range der.Items {
		if !recItems[it.ID] {
			add(it.ID, "", string(it.Result))
		}
	}
	return out
}
