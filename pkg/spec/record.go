package spec

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"

	"github.com/onsi/ginkgo/v2"

	"github.com/smokeproof/smokeproof/pkg/dbcheck"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/target"
)

// Record redacts rec and attaches it to the running spec's report. An exchange made
// while the target's database is taken away (StopDatabase) is marked degraded.
func Record(rec evidence.Record) {
	if rec.HTTP != nil && outage.Load() {
		h := *rec.HTTP
		h.Degraded = true
		rec.HTTP = &h
	}
	ginkgo.AddReportEntry(evidence.EntryName, state.redactor.Record(rec), ginkgo.ReportEntryVisibilityNever)
}

// Note records a line of free text as evidence.
func Note(format string, args ...any) {
	Record(evidence.Record{Kind: evidence.KindNote, Note: fmt.Sprintf(format, args...)})
}

// Secret registers a value that must never reach a written file (a token, a password
// made up by a spec).
func Secret(values ...string) { state.redactor.Add(values...) }

// Redact returns s with every known secret masked.
func Redact(s string) string { return state.redactor.String(s) }

// API returns an anonymous market client of the target that records every exchange.
//
// On live, the client refuses (before sending) every method but GET, HEAD and OPTIONS
// unless the running spec carries the writes label and writes are allowed; signing in
// and out stay allowed.
func API() *market.Client { return client(T().APIBase) }

func client(base string) *market.Client {
	t := T()
	opts := []market.Option{market.WithHTTPClient(t.HTTP), market.WithRecorder(Record)}
	if t.Caps.Guarded {
		opts = append(opts, market.WithGuard(market.LiveGuard(mayWrite)))
	}
	return market.New(base, opts...)
}

// mayWrite reports whether the running spec may change data on the target.
func mayWrite() bool {
	return T().Caps.Writes && slices.Contains(ginkgo.CurrentSpecReport().Labels(), "writes")
}

// SignIn returns a client calling as caller, signed in as acct. Sign-ins are cached
// per process and account (bcrypt makes each login cost tens of milliseconds), so only
// the first spec records the login exchange, and a target that signed its accounts in
// when it was opened (live: target.Endpoints.Sessions) hands its tokens over, so no
// spec signs them in again; a spec that revokes its token must sign in with
// API().SignIn itself. The token is registered as a secret. A failed login fails
// the spec; an account the target does not have skips it with the reason.
func SignIn(ctx context.Context, caller string, acct target.Account) *market.Client {
	ginkgo.GinkgoHelper()
	if acct.Email == "" {
		ginkgo.Skip(fmt.Sprintf("no %s account on this target (see SMOKE_ACCOUNTS)", caller))
	}
	sessions.Lock()
	defer sessions.Unlock()
	if token, ok := sessions.tokens[acct.Email]; ok {
		return API().As(caller, token)
	}
	c, _, err := API().SignIn(ctx, caller, acct.Email, acct.Password)
	if err != nil {
		ginkgo.Fail(err.Error())
	}
	Secret(c.Token())
	sessions.tokens[acct.Email] = c.Token()
	return c
}

var sessions = struct {
	sync.Mutex
	tokens map[string]string
}{tokens: map[string]string{}}

// DB returns a read-only probe of the target's database that records what it reads.
func DB() *dbcheck.Probe {
	t := T()
	if t.DB == nil {
		ginkgo.Fail("this spec reads the database but the target has none: label it spec.NeedsDB so it is filtered out")
	}
	return dbcheck.New(t.DB, Record)
}

var unsafeName = regexp.MustCompile(`[^a-zA-Z0-9._-]+`)

// SaveFile writes data under <out>/evidence/<name> and records it as evidence of the
// given kind; it returns the recorded file.
func SaveFile(kind evidence.Kind, name, mediaType string, data []byte) (evidence.File, error) {
	name = unsafeName.ReplaceAllString(strings.ToLower(name), "-")
	rel := filepath.ToSlash(filepath.Join("evidence", name))
	path := filepath.Join(state.env.OutDir, rel)
	if err := evidence.WriteFile(path, data); err != nil {
		return evidence.File{}, fmt.Errorf("save evidence %s: %w", rel, err)
	}
	sum := sha256.Sum256(data)
	f := evidence.File{Path: rel, MediaType: mediaType, Bytes: int64(len(data)), SHA256: hex.EncodeToString(sum[:])}
	Record(evidence.Record{Kind: kind, Title: name, File: &f})
	return f, nil
}

// Web returns a fresh client of the target's web pages, as a browser without
// JavaScript: text/html, its own cookie jar, redirects not followed (a spec sees the
// 307 and its Location), every exchange recorded.
func Web() *market.Web {
	t := T()
	opts := []market.Option{market.WithHTTPClient(t.HTTP), market.WithRecorder(Record)}
	if t.Caps.Guarded {
		opts = append(opts, market.WithGuard(market.LivePageGuard(mayWrite)))
	}
	return market.NewWeb(t.WebBase, opts...)
}

// NotApplicable ends the running spec as not applicable to this target, with the
// reason: the spec neither proves nor blocks its bullet, and the document says why.
// Use it only where the target makes the check meaningless (no certificate on a plain
// http site), never for a missing account or capability (those are not run).
func NotApplicable(reason string) {
	ginkgo.GinkgoHelper()
	ginkgo.Skip("not applicable: " + reason)
}
