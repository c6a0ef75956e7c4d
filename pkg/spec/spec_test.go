package spec_test

import (
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
	"github.com/smokeproof/smokeproof/pkg/target"
)

func TestDoDGivesTheItemAndBulletLabels(t *testing.T) {
	got := spec.DoD("CHECKOUT-SMOKE.email", "CHECKOUT-SMOKE.flow", "AUTH-ROUTES.auth-routes")
	want := []string{"dod:AUTH-ROUTES", "dod:AUTH-ROUTES.auth-routes", "dod:CHECKOUT-SMOKE", "dod:CHECKOUT-SMOKE.email", "dod:CHECKOUT-SMOKE.flow"}
	if !slices.Equal([]string(got), want) {
		t.Errorf("DoD labels %v, want %v", got, want)
	}
}

func TestStopsDBIsDestructiveAndValid(t *testing.T) {
	for _, l := range spec.StopsDB {
		if strings.ContainsAny(l, "/&|!,()") {
			t.Errorf("label %q holds a character Ginkgo forbids", l)
		}
	}
	if !slices.Contains([]string(spec.StopsDB), "destructive") {
		t.Error("a spec that takes the database away must also be destructive (never on live)")
	}
}

func TestHaveStatusShowsTheResponse(t *testing.T) {
	m := spec.HaveStatus(200, 201)
	ok, err := m.Match(&market.Response{Status: 201})
	if err != nil || !ok {
		t.Errorf("201 against 200/201: %v %v", ok, err)
	}
	r := &market.Response{Status: 403, Body: []byte(`{"message":"This action is unauthorized."}`)}
	if ok, _ := m.Match(r); ok {
		t.Error("403 matched 200/201")
	}
	msg := m.FailureMessage(r)
	for _, want := range []string{"one of [200 201]", "403", "unauthorized"} {
		if !strings.Contains(msg, want) {
			t.Errorf("failure message %q lacks %q", msg, want)
		}
	}
	if _, err := m.Match("not a response"); err == nil {
		t.Error("a non-response matched without an error")
	}
}

func TestUseInstallsTheTargetAndRedactor(t *testing.T) {
	r := &evidence.Redactor{}
	tg := &target.Target{Endpoints: target.Endpoints{Kind: "embedded", APIBase: "http://127.0.0.1:1/api"}, HTTP: http.DefaultClient}
	spec.Use(spec.Env{Target: tg, Redactor: r, OutDir: t.TempDir()})
	if spec.T() != tg {
		t.Error("T does not return the installed target")
	}
	spec.Secret("s3cret-token-value")
	if got := spec.Redact("Bearer s3cret-token-value"); strings.Contains(got, "s3cret") {
		t.Errorf("a registered secret was not redacted: %q", got)
	}
	if spec.Settings().OutDir == "" {
		t.Error("Settings lost the output directory")
	}
}
