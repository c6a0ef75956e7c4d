package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// editProof rewrites proof.json through edit, as someone editing it by hand would.
func editProof(t *testing.T, path string, edit func(p map[string]any)) {
	t.Helper()
	var p map[string]any
	if err := json.Unmarshal(readFile(t, path), &p); err != nil {
		t.Fatal(err)
	}
	edit(p)
	raw, err := json.MarshalIndent(p, "", "  ")
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, raw, 0o644); err != nil {
		t.Fatal(err)
	}
}

// item returns the item with the given id, and bullet its bullet with the given id.
func item(p map[string]any, id string) map[string]any {
	for _, it := range p["items"].([]any) {
		if m := it.(map[string]any); m["id"] == id {
			return m
		}
	}
	return nil
}

func bullet(it map[string]any, id string) map[string]any {
	for _, b := range it["bullets"].([]any) {
		if m := b.(map[string]any); m["id"] == id {
			return m
		}
	}
	return nil
}

func TestProofVerifyFailsOnAStatusEditedByHand(t *testing.T) {
	dir := t.TempDir()
	rep := greenRun(t, dir, "email")
	if _, stderr, code := cli(t, "proof", "--report", rep); code != exitFailed {
		t.Fatalf("proof of a red run: exit %d: %s", code, stderr)
	}
	proof := filepath.Join(dir, "out", "proof.json")
	stdout, stderr, code := cli(t, "proof", "verify", proof)
	if code != exitOK || !strings.Contains(stdout, "every result and status in "+proof+" follows from its reports") {
		t.Fatalf("verify of an untouched red run: exit %d\n%s%s", code, stdout, stderr)
	}
	orig := readFile(t, proof)

	for _, tc := range []struct {
		name  string
		edit  func(p map[string]any)
		wants []string
	}{
		{"❌ to ✅", func(p map[string]any) {
			bullet(item(p, "CHECKOUT-SMOKE"), "CHECKOUT-SMOKE.email")["status"] = "passed"
		}, []string{"❌ CHECKOUT-SMOKE.email: proof.json says passed but the reports give failed"}},
		{"NOT DONE to DONE", func(p map[string]any) {
			p["result"] = "DONE"
			item(p, "CHECKOUT-SMOKE")["result"] = "DONE"
		}, []string{"❌ the run: proof.json says DONE but the reports give NOT DONE", "❌ CHECKOUT-SMOKE: proof.json says DONE but the reports give NOT DONE"}},
		{"the failed spec passed", func(p map[string]any) {
			spec := bullet(item(p, "CHECKOUT-SMOKE"), "CHECKOUT-SMOKE.email")["specs"].([]any)[0].(map[string]any)
			spec["state"] = "passed"
		}, []string{"❌ CHECKOUT-SMOKE.email: mails the buyer: proof.json says passed but the reports give failed"}},
		{"the failed bullet removed", func(p map[string]any) {
			it := item(p, "CHECKOUT-SMOKE")
			var keep []any
			for _, b := range it["bullets"].([]any) {
				if b.(map[string]any)["id"] != "CHECKOUT-SMOKE.email" {
					keep = append(keep, b)
				}
			}
			it["bullets"] = keep
		}, []string{"❌ CHECKOUT-SMOKE.email: failed in the reports but missing from proof.json"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			defer os.WriteFile(proof, orig, 0o644)
			editProof(t, proof, tc.edit)
			stdout, stderr, code := cli(t, "proof", "verify", proof)
			if code != exitFailed {
				t.Errorf("exit %d, want %d", code, exitFailed)
			}
			for _, want := range tc.wants {
				if !strings.Contains(stdout, want) {
					t.Errorf("output lacks %q:\n%s", want, stdout)
				}
			}
			if !strings.Contains(stderr, "proof does not verify: ") {
				t.Errorf("stderr: %s", stderr)
			}
		})
	}

	// A proof.json that names no report cannot be re-derived: that fails too.
	editProof(t, proof, func(p map[string]any) { p["report_digests"] = []any{} })
	_, stderr, code = cli(t, "proof", "verify", proof)
	if code != exitFailed || !strings.Contains(stderr, "records no report file, so its statuses cannot be re-derived") {
		t.Errorf("verify without reports: exit %d: %s", code, stderr)
	}
}
