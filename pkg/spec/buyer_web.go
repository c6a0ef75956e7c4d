package spec

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"

	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/market"
)

// WebBuyer is a consumer that a browser can sign in as through the login form.
type WebBuyer struct {
	Client   *market.Client // the consumer's API client (bearer token)
	User     market.User    // its profile
	Email    string
	Password string // registered as a secret: it never reaches a written file
}

// BuyerWithPassword is Buyer for specs that sign in through the web form: it returns
// the consumer with its e-mail and password. On targets the harness owns it registers
// a fresh consumer with an empty cart; elsewhere it is the smoke consumer account, whose
// cart it empties first. A failed registration or sign-in fails the spec; a target
// without a smoke consumer account skips it.
func BuyerWithPassword(ctx context.Context) WebBuyer {
	ginkgo.GinkgoHelper()
	t := T()
	if !t.Caps.Owned {
		c, u := Buyer(ctx)
		return WebBuyer{Client: c, User: u, Email: t.Accounts.Consumer.Email, Password: t.Accounts.Consumer.Password}
	}
	n := consumerSeq.Add(1)
	email := fmt.Sprintf("web-buyer-%d-%d-%d@smoke.test", time.Now().UnixNano(), ginkgo.GinkgoParallelProcess(), n)
	password := fmt.Sprintf("web-buyer-pass-%d-%d", time.Now().UnixNano()%1e9, n)
	Secret(password)
	a, resp, err := API().Register(ctx, market.Registration{Name: "Smoke Web Buyer", Email: email, Password: password, PasswordConfirmation: password, Role: "consumer"})
	if err != nil {
		ginkgo.Fail(err.Error())
	}
	if resp.Status != 201 || a.Token == "" {
		ginkgo.Fail(fmt.Sprintf("register a fresh consumer: expected 201 with a token, got %s", resp))
	}
	Secret(a.Token)
	return WebBuyer{Client: API().As("consumer (fresh)", a.Token), User: a.User, Email: email, Password: password}
}

// SaveScreenshot writes a PNG under <out>/evidence/<name> and records it as a
// screenshot titled step (the name a strip of screenshots shows above it); it returns
// the recorded file, or an error when the file cannot be written.
func SaveScreenshot(step, name string, png []byte) (evidence.File, error) {
	name = unsafeName.ReplaceAllString(strings.ToLower(name), "-")
	rel := filepath.ToSlash(filepath.Join("evidence", name))
	if err := evidence.WriteFile(filepath.Join(state.env.OutDir, rel), png); err != nil {
		return evidence.File{}, fmt.Errorf("save screenshot %s: %w", rel, err)
	}
	sum := sha256.Sum256(png)
	f := evidence.File{Path: rel, MediaType: "image/png", Bytes: int64(len(png)), SHA256: hex.EncodeToString(sum[:])}
	Record(evidence.Record{Kind: evidence.KindScreenshot, Title: step, File: &f})
	return f, nil
}
