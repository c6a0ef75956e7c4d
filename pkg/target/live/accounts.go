package live

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"sort"
	"strings"
	"sync"

	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/target"
)

// accountKind is one smoke account the suites know: its variables' prefix, how the
// documents name it and the role the site must report for it.
type accountKind struct {
	prefix string // SMOKE_ADMIN → SMOKE_ADMIN_EMAIL, SMOKE_ADMIN_PASSWORD
	name   string
	role   string
	field  func(*target.Accounts) *target.Account
}

var accountKinds = []accountKind{
	{"SMOKE_ADMIN", "admin", "admin", func(a *target.Accounts) *target.Account { return &a.Admin }},
	{"SMOKE_PRODUCER_A", "producer A", "producer", func(a *target.Accounts) *target.Account { return &a.ProducerA }},
	{"SMOKE_PRODUCER_B", "producer B", "producer", func(a *target.Accounts) *target.Account { return &a.ProducerB }},
	{"SMOKE_PRODUCER_NOPROFILE", "producer without profile", "producer", func(a *target.Accounts) *target.Account { return &a.ProducerNoProfile }},
	{"SMOKE_CONSUMER", "consumer", "consumer", func(a *target.Accounts) *target.Account { return &a.Consumer }},
}

// AccountVars returns the names of every account variable, in a stable order
// (SMOKE_ADMIN_EMAIL, SMOKE_ADMIN_PASSWORD, SMOKE_PRODUCER_A_EMAIL, ...).
func AccountVars() []string {
	var out []string
	for _, k := range accountKinds {
		out = append(out, k.prefix+"_EMAIL", k.prefix+"_PASSWORD")
	}
	return out
}

// LoadAccounts reads the smoke accounts from file (the SMOKE_ACCOUNTS file: KEY=VALUE
// lines, blank lines and # comments ignored, an optional "export " prefix and quotes
// around the value allowed; "" for no file) and then from getenv, whose non-empty
// values win. An account given without its e-mail or without its password, an unknown
// key in the file, an unreadable file or two kinds naming the same e-mail is an error
// naming the variable; a missing account is not (specs needing it are reported as not
// run).
func LoadAccounts(getenv func(string) string, file string) (target.Accounts, error) {
	if getenv == nil {
		getenv = os.Getenv
	}
	vals := map[string]string{}
	if file != "" {
		fromFile, err := readAccountsFile(file)
		if err != nil {
			return target.Accounts{}, err
		}
		vals = fromFile
	}
	for _, v := range AccountVars() {
		if s := strings.TrimSpace(getenv(v)); s != "" {
			vals[v] = s
		}
	}
	var out target.Accounts
	seen := map[string]string{}
	for _, k := range accountKinds {
		email, password := vals[k.prefix+"_EMAIL"], vals[k.prefix+"_PASSWORD"]
		switch {
		case email == "" && password == "":
			continue
		case email == "":
			return target.Accounts{}, fmt.Errorf("%s_PASSWORD is set but %s_EMAIL is not: give the %s smoke account's e-mail too, or neither", k.prefix, k.prefix, k.name)
		case password == "":
			return target.Accounts{}, fmt.Errorf("%s_EMAIL is set but %s_PASSWORD is not: give the %s smoke account's password too, or neither", k.prefix, k.prefix, k.name)
		}
		if other, dup := seen[strings.ToLower(email)]; dup {
			return target.Accounts{}, fmt.Errorf("%s_EMAIL and %s_EMAIL name the same account %s: each smoke account must be a different user", other, k.prefix, email)
		}
		seen[strings.ToLower(email)] = k.prefix
		*k.field(&out) = target.Account{Email: email, Password: password}
	}
	return out, nil
}

// readAccountsFile parses a SMOKE_ACCOUNTS file into its KEY=VALUE pairs.
func readAccountsFile(path string) (map[string]string, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, fmt.Errorf("cannot read the SMOKE_ACCOUNTS file %s (%v): point SMOKE_ACCOUNTS at a readable file of KEY=VALUE lines", path, errors.Unwrap(err))
	}
	known := map[string]bool{}
	for _, v := range AccountVars() {
		known[v] = true
	}
	out := map[string]string{}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		line = strings.TrimPrefix(line, "export ")
		key, value, ok := strings.Cut(line, "=")
		key = strings.TrimSpace(key)
		if !ok || key == "" {
			return nil, fmt.Errorf("the SMOKE_ACCOUNTS file %s, line %d, is not KEY=VALUE: write each account variable as e.g. SMOKE_ADMIN_EMAIL=admin@example.org", path, n)
		}
		if !known[key] {
			return nil, fmt.Errorf("the SMOKE_ACCOUNTS file %s, line %d, sets %s, which is not an account variable: use %s", path, n, key, strings.Join(AccountVars(), ", "))
		}
		out[key] = unquote(strings.TrimSpace(value))
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("cannot read the SMOKE_ACCOUNTS file %s (%v): check the file", path, err)
	}
	return out, nil
}

func unquote(s string) string {
	if len(s) >= 2 && (s[0] == '"' || s[0] == '\'') && s[len(s)-1] == s[0] {
		return s[1 : len(s)-1]
	}
	return s
}

// verifyAccounts signs in once as every account that is set, all at once, and signs
// out again. Wrong credentials, a refused or rate-limited login and a user of another
// role are errors naming the variable; a server error is not (the site may be sick,
// which the suites must report rather than refuse to run).
func verifyAccounts(ctx context.Context, api string, hc *http.Client, accts target.Accounts) error {
	var (
		mu   sync.Mutex
		errs = map[int]error{}
		wg   sync.WaitGroup
	)
	for i, k := range accountKinds {
		a := *k.field(&accts)
		if a.Email == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			if err := verifyAccount(ctx, api, hc, k, a); err != nil {
				mu.Lock()
				errs[i] = err
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	keys := make([]int, 0, len(errs))
	for i := range errs {
		keys = append(keys, i)
	}
	sort.Ints(keys)
	var out []error
	for _, i := range keys {
		out = append(out, errs[i])
	}
	return errors.Join(out...)
}

func verifyAccount(ctx context.Context, api string, hc *http.Client, k accountKind, a target.Account) error {
	c := market.New(api, market.WithHTTPClient(hc))
	auth, resp, err := c.Login(ctx, a.Email, a.Password)
	if err != nil {
		if resp == nil {
			return fmt.Errorf("cannot check %s_EMAIL/%s_PASSWORD: the login of %s got no answer (%s): check that the site is up", k.prefix, k.prefix, a.Email, cause(err, probeTimeout))
		}
		return fmt.Errorf("%s_EMAIL=%s: the login answered %d with a body that is not the contract's (%v): check SMOKE_BASE_URL points at the marketplace", k.prefix, a.Email, resp.Status, err)
	}
	switch {
	case resp.Status == http.StatusOK && auth.Token != "":
	case resp.Status >= 500:
		return nil // the site is sick: the specs will say so
	case resp.Status == http.StatusTooManyRequests:
		return fmt.Errorf("%s_EMAIL=%s: the site rate-limited the login (429): wait a minute and run again", k.prefix, a.Email)
	case resp.Status == http.StatusUnauthorized || resp.Status == http.StatusUnprocessableEntity || resp.Status == http.StatusForbidden:
		return fmt.Errorf("%s_EMAIL/%s_PASSWORD are wrong: the site refused the login of %s with %d %s: fix the %s smoke account's credentials", k.prefix, k.prefix, a.Email, resp.Status, orDash(resp.Message), k.name)
	default:
		return fmt.Errorf("%s_EMAIL=%s: the login answered %d, not 200 with a token: check SMOKE_BASE_URL points at the marketplace", k.prefix, a.Email, resp.Status)
	}
	// Sign out again so the check leaves no token behind; a failure here changes nothing.
	_, _ = c.As(k.name, auth.Token).Logout(ctx)
	if auth.User.Role != "" && auth.User.Role != k.role {
		return fmt.Errorf("%s_EMAIL=%s signs in as %s, not %s: name %s account there", k.prefix, a.Email, article(auth.User.Role), article(k.role), article(k.role))
	}
	return nil
}

func orDash(s string) string {
	if s == "" {
		return "—"
	}
	return s
}

// article returns word with "a" or "an" before it.
func article(word string) string {
	if word != "" && strings.ContainsRune("aeiou", rune(word[0])) {
		return "an " + word
	}
	return "a " + word
}
