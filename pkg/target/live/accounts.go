package live

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/target"
)

// verifyAccounts signs in once as every account that is set, all at once, and keeps
// the sessions (e-mail → bearer token) for the suites: one login per account and run,
// where every suite process used to sign in again and leave its token on the site.
// signOut revokes them all; it is never nil and also undoes a failed check. Wrong
// credentials, a refused or rate-limited login and a user of another role are errors
// naming the variable; a server error is not (the site may be sick, which the suites
// must report rather than refuse to run).
func verifyAccounts(ctx context.Context, api string, hc *http.Client, accts target.Accounts) (sessions map[string]string, signOut func(), err error) {
	var (
		mu   sync.Mutex
		errs = map[int]error{}
		wg   sync.WaitGroup
	)
	sessions = map[string]string{}
	for i, k := range target.AccountKinds() {
		a := *k.Field(&accts)
		if a.Email == "" {
			continue
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			token, err := verifyAccount(ctx, api, hc, k, a)
			mu.Lock()
			defer mu.Unlock()
			if token != "" {
				sessions[a.Email] = token
			}
			if err != nil {
				errs[i] = err
			}
		}()
	}
	wg.Wait()
	signOut = func() { signOutAll(api, hc, sessions) }
	keys := make([]int, 0, len(errs))
	for i := range errs {
		keys = append(keys, i)
	}
	sort.Ints(keys)
	var out []error
	for _, i := range keys {
		out = append(out, errs[i])
	}
	return sessions, signOut, errors.Join(out...)
}

// signOutAll revokes the sessions, all at once, on a context of its own (the run's
// may be cancelled); a failure changes nothing worth reporting.
func signOutAll(api string, hc *http.Client, sessions map[string]string) {
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	var wg sync.WaitGroup
	for _, token := range sessions {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, _ = market.New(api, market.WithHTTPClient(hc)).As("smoke account", token).Logout(ctx)
		}()
	}
	wg.Wait()
}

// verifyAccount signs in as a and returns the token (also with an error about the
// role, so that it is signed out again).
func verifyAccount(ctx context.Context, api string, hc *http.Client, k target.AccountKind, a target.Account) (string, error) {
	c := market.New(api, market.WithHTTPClient(hc))
	auth, resp, err := c.Login(ctx, a.Email, a.Password)
	if err != nil {
		if resp == nil {
			return "", fmt.Errorf("cannot check %s_EMAIL/%s_PASSWORD: the login of %s got no answer (%s): check that the site is up", k.Prefix, k.Prefix, a.Email, cause(err, probeTimeout))
		}
		return "", fmt.Errorf("%s_EMAIL=%s: the login answered %d with a body that is not the contract's (%v): check SMOKE_BASE_URL points at the marketplace", k.Prefix, a.Email, resp.Status, err)
	}
	switch {
	case resp.Status == http.StatusOK && auth.Token != "":
	case resp.Status >= 500:
		return "", nil // the site is sick: the specs will say so
	case resp.Status == http.StatusTooManyRequests:
		return "", fmt.Errorf("%s_EMAIL=%s: the site rate-limited the login (429): wait a minute and run again", k.Prefix, a.Email)
	case resp.Status == http.StatusUnauthorized || resp.Status == http.StatusUnprocessableEntity || resp.Status == http.StatusForbidden:
		return "", fmt.Errorf("%s_EMAIL/%s_PASSWORD are wrong: the site refused the login of %s with %d %s: fix the %s smoke account's credentials", k.Prefix, k.Prefix, a.Email, resp.Status, orDash(resp.Message), k.Name)
	default:
		return "", fmt.Errorf("%s_EMAIL=%s: the login answered %d, not 200 with a token: check SMOKE_BASE_URL points at the marketplace", k.Prefix, a.Email, resp.Status)
	}
	if auth.User.Role != "" && auth.User.Role != k.Role {
		return auth.Token, fmt.Errorf("%s_EMAIL=%s signs in as %s, not %s: name %s account there", k.Prefix, a.Email, article(auth.User.Role), article(k.Role), article(k.Role))
	}
	return auth.Token, nil
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
