package newitem

import (
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/config"
)

const itemJSON = `{
  "id": "THROWAWAY-%s",
  "title": "Throwaway item %s",
  "plan_title": "",
  "document": "docs/TESTS/THROWAWAY-%s.md",
  "suite": "%s",
  "bullets": [
    {"key": "health", "kind": "checked", "text": "Health answers 200", "how": "GET /api/health"},
    {"key": "document", "kind": "document", "text": "Document: this page", "how": "rendered from the run"}
  ]
}
`

const suiteFile = `package %s_test

import (
	_ "embed"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/suite"
)

//go:embed item.json
var item []byte

func TestThrowaway(t *testing.T) { suite.Run(t, item) }
`

const specFile = `package %s_test

import (
	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/spec"
)

var _ = Describe("throwaway", func() {
	It("answers health with 200", spec.DoD("THROWAWAY-%s.health"), func(ctx SpecContext) {
		resp, err := spec.API().Do(ctx, "GET", "/health", nil, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
	})
})
`

func TestANewItemIsOneFolder(t *testing.T) {
	if testing.Short() {
		t.Skip("builds and runs a suite")
	}
	b := make([]byte, 4)
	_, _ = rand.Read(b)
	id := strings.ToUpper(hex.EncodeToString(b))
	name := "zzthrowaway" + strings.ToLower(id)
	root := config.RepoRoot()
	dir := filepath.Join(root, "suites", name)
	if err := os.MkdirAll(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	for file, body := range map[string]string{
		"item.json":             fmt.Sprintf(itemJSON, id, id, id, name),
		name + "_suite_test.go": fmt.Sprintf(suiteFile, name),
		name + "_test.go":       fmt.Sprintf(specFile, name, id),
	} {
		if err := os.WriteFile(filepath.Join(dir, file), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	out := t.TempDir()
	cmd := exec.Command("go", "test", "-count=1", "./suites/"+name)
	cmd.Dir = root
	cmd.Env = append(os.Environ(), "SMOKE_OUT="+out, "SMOKE_TARGET=embedded", "SMOKE_BROWSER=off")
	if b, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("the throwaway suite failed: %v\n%s", err, b)
	}
	doc, err := os.ReadFile(filepath.Join(out, "docs", "TESTS", "THROWAWAY-"+id+".md"))
	if err != nil {
		t.Fatalf("its document was not rendered: %v", err)
	}
	for _, want := range []string{"# Throwaway item " + id, "✅", "Health answers 200"} {
		if !strings.Contains(string(doc), want) {
			t.Errorf("the document lacks %q:\n%s", want, doc)
		}
	}
	proof, err := os.ReadFile(filepath.Join(out, "proof.json"))
	if err != nil || !strings.Contains(string(proof), `"THROWAWAY-`+id+`"`) {
		t.Errorf("proof.json does not carry the item (%v)", err)
	}
}
