package canary_test

import (
	"encoding/json"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/tests/canary"
)

func TestScanFindsEverySecretInEveryForm(t *testing.T) {
	dir := t.TempDir()
	secret := `p@ss "word"|42`
	jsonForm, _ := json.Marshal(secret)
	files := map[string]string{
		"clean.txt":          "nothing to see",
		"raw.log":            "login with " + secret,
		"sub/escaped.json":   `{"body":` + string(jsonForm) + `}`,
		"sub/deep/query.txt": "GET /x?password=" + url.QueryEscape(secret),
		"token.md":           "| Authorization | Bearer 7|abcdefghij |",
	}
	for name, text := range files {
		p := filepath.Join(dir, filepath.FromSlash(name))
		os.MkdirAll(filepath.Dir(p), 0o755)
		os.WriteFile(p, []byte(text), 0o644)
	}
	hits, err := canary.Scan(dir, []canary.Secret{{Kind: "password", Value: secret}, {Kind: "bearer token", Value: "7|abcdefghij"}})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, h := range hits {
		got = append(got, h.File+" "+h.Kind)
	}
	want := "raw.log password, sub/deep/query.txt password, sub/escaped.json password, token.md bearer token"
	if strings.Join(got, ", ") != want {
		t.Fatalf("hits = %v\nwant %s", got, want)
	}
	if strings.Contains(hits[0].String(), secret) {
		t.Errorf("a hit prints the secret: %s", hits[0])
	}
	if _, err := canary.Scan(dir, []canary.Secret{{Kind: "pin", Value: "1234"}}); err == nil {
		t.Error("a 4-byte secret was accepted: finding it would prove nothing")
	}
}
