package auth_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/contract"
	"github.com/smokeproof/smokeproof/pkg/evidence"
	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

var routes = spec.DoD("AUTH-ROUTES.auth-routes")

var _ = Describe("Auth routes", func() {
	It("registers a consumer and answers 201 with a bearer token and no password hash", routes, spec.Rules("register.201", "user.never-password-hash", "token.format", "users.role-enum"), spec.Writes, func(ctx SpecContext) {
		email := fmt.Sprintf("register-%d@smoke.test", time.Now().UnixNano())
		password := fmt.Sprintf("pw-%d", time.Now().UnixNano())
		spec.Secret(password)
		a, resp, err := spec.API().Register(ctx, market.Registration{Name: "Smoke Register", Email: email, Password: password, PasswordConfirmation: password, Role: "consumer"})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(201))
		spec.Secret(a.Token)
		Expect(a.TokenType).To(Equal("Bearer"))
		Expect(a.Token).To(MatchRegexp(`^\d+\|\S{40}$`), "token is <id>|<40 chars>")
		Expect(a.User.Email).To(Equal(email))
		Expect(a.User.Role).To(Equal("consumer"))
		var raw struct {
			User map[string]any `json:"user"`
		}
		Expect(json.Unmarshal(resp.Body, &raw)).To(Succeed())
		Expect(raw.User).NotTo(HaveKey("password"), "the user object never carries the password hash")

		By("reading the profile with the new token")
		u, resp, err := spec.API().As("new consumer", a.Token).Profile(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(u.Email).To(Equal(email))
	})

	It("refuses bad registrations with 422 in the contract's shape, and never an admin", routes, spec.Rules("register.422-bad-email", "register.422-duplicate-email", "register.422-short-password", "register.422-unconfirmed-password", "register.422-role", "register.no-admin", "errors.422-shape"), spec.Writes, func(ctx SpecContext) {
		good := func() market.Registration {
			e := fmt.Sprintf("reg-bad-%d@smoke.test", time.Now().UnixNano())
			return market.Registration{Name: "Bad", Email: e, Password: "long-enough-1", PasswordConfirmation: "long-enough-1", Role: "consumer"}
		}
		cases := []struct {
			what  string
			field string
			edit  func(*market.Registration)
		}{
			{"a malformed e-mail", "email", func(r *market.Registration) { r.Email = "not-an-email" }},
			{"a password under 8 characters", "password", func(r *market.Registration) { r.Password, r.PasswordConfirmation = "short", "short" }},
			{"an unconfirmed password", "password", func(r *market.Registration) { r.PasswordConfirmation = "something-else" }},
			{"role admin", "role", func(r *market.Registration) { r.Role = "admin" }},
			{"a duplicate e-mail", "email", func(r *market.Registration) { r.Email = spec.T().Accounts.Consumer.Email }},
		}
		for _, c := range cases {
			By("registering with " + c.what)
			r := good()
			c.edit(&r)
			_, resp, err := spec.API().Register(ctx, r)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(422), "registering with %s", c.what)
			Expect(resp.Message).NotTo(BeEmpty(), "422 has a message")
			Expect(resp.Errors).To(HaveKey(c.field), "422 names the field %s", c.field)
			if c.field == "role" {
				By("logging in as the refused admin")
				_, resp, err := spec.API().Login(ctx, r.Email, r.Password)
				Expect(err).NotTo(HaveOccurred())
				Expect(resp).To(spec.HaveStatus(401), "no account was created for the refused admin registration")
			}
		}
	})

	It("logs in with the right password and refuses a wrong one with 401", routes, spec.Rules("login.200", "login.401-invalid", "login.422-missing"), func(ctx SpecContext) {
		acct := spec.T().Accounts.Consumer
		By("logging in as the consumer account")
		a, resp, err := spec.API().Login(ctx, acct.Email, acct.Password)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		spec.Secret(a.Token)
		Expect(a.TokenType).To(Equal("Bearer"))
		Expect(a.User.Email).To(Equal(acct.Email))

		By("logging in with a wrong password")
		_, resp, err = spec.API().Login(ctx, acct.Email, acct.Password+"-wrong")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(401))
		Expect(resp.Message).To(Equal("Invalid credentials"))

		By("logging in without a password")
		resp, err = spec.API().Do(ctx, "POST", "/v1/auth/login", map[string]string{"email": acct.Email}, nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422))
		Expect(resp.Errors).To(HaveKey("password"))
	})

	It("rate-limits failed logins: the 11th try within a minute gets 429 with Retry-After", routes, spec.Rules("login.429-throttle", "errors.429-retry-after"), func(ctx SpecContext) {
		email := fmt.Sprintf("nobody-%d@smoke.test", time.Now().UnixNano())
		for i := 1; i <= 10; i++ {
			_, resp, err := spec.API().Login(ctx, email, "wrong-password")
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(401), "failed try %d", i)
		}
		_, resp, err := spec.API().Login(ctx, email, "wrong-password")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(429))
		Expect(resp.Header.Get("Retry-After")).NotTo(BeEmpty())
	})

	It("serves the profile to a bearer and 401 to everyone else", routes, spec.Rules("profile.200", "profile.401", "user.never-password-hash", "timestamps.rfc3339"), func(ctx SpecContext) {
		api := spec.SignIn(ctx, "consumer", spec.T().Accounts.Consumer)
		u, resp, err := api.Profile(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(u.Email).To(Equal(spec.T().Accounts.Consumer.Email))
		var raw struct {
			User map[string]any `json:"user"`
		}
		Expect(json.Unmarshal(resp.Body, &raw)).To(Succeed())
		Expect(raw.User).NotTo(BeEmpty(), "the profile holds the user")
		for _, k := range []string{"password", "password_hash", "remember_token"} {
			Expect(raw.User).NotTo(HaveKey(k), "the profile never shows %s", k)
		}
		Expect(string(resp.Body)).NotTo(MatchRegexp(`\$2[aby]\$`), "the profile never shows a bcrypt hash")
		createdAt, _ := raw.User["created_at"].(string)
		_, err = time.Parse(time.RFC3339, createdAt)
		Expect(err).NotTo(HaveOccurred(), "created_at %q is RFC 3339", createdAt)

		By("reading the profile as producer A")
		pu, resp, err := spec.SignIn(ctx, "producer A", spec.T().Accounts.ProducerA).Profile(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(pu.Role).To(Equal("producer"))

		By("asking without a token")
		_, resp, err = spec.API().Profile(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(401))
		Expect(resp.Message).To(Equal("Unauthenticated."))

		By("asking with a made-up token")
		_, resp, err = spec.API().As("made-up token", "1|"+fmt.Sprintf("%040d", 7)).Profile(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(401))
	})

	It("revokes the token on logout at once", routes, spec.Rules("logout.200", "logout.revokes-at-once"), func(ctx SpecContext) {
		acct := spec.T().Accounts.Consumer
		api, _, err := spec.API().SignIn(ctx, "consumer (own session)", acct.Email, acct.Password)
		Expect(err).NotTo(HaveOccurred())
		spec.Secret(api.Token())
		resp, err := api.Logout(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))

		By("using the revoked token")
		_, resp, err = api.InClass(evidence.ClassAnonymous).Profile(ctx) // a revoked token is no identity
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(401), "a revoked token is refused")
		resp, err = api.InClass(evidence.ClassAnonymous).Logout(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(401), "a revoked token is refused")
	})

	It("answers 401 Unauthenticated. to an anonymous caller on every bearer route of the contract", routes, spec.Rules("errors.401-unauthenticated", "logout.401", "profile.401", "cart.401", "producer-products.401"), spec.Writes, func(ctx SpecContext) {
		var n int
		for _, r := range contract.Marketplace().Routes {
			e, ok := r.Expect[contract.Anonymous]
			if r.Web || !ok || !e.Proves(http.StatusUnauthorized) {
				continue
			}
			n++
			path := strings.ReplaceAll(strings.TrimPrefix(r.Path, "/api"), "{id}", "1")
			By(r.Method + " " + r.Path + " without a token")
			var body any
			if r.Method == http.MethodPost || r.Method == http.MethodPatch {
				body = map[string]any{}
			}
			resp, err := spec.API().Do(ctx, r.Method, path, body, nil)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(http.StatusUnauthorized), "%s %s without a token", r.Method, r.Path)
			Expect(resp.Message).To(Equal("Unauthenticated."), "%s %s", r.Method, r.Path)
		}
		Expect(n).To(BeNumerically(">=", 10), "the contract lists the bearer routes")
		spec.Note("%d bearer routes of the contract answered 401 to an anonymous caller", n)
	})

	It("redirects /login and /register to the auth pages and serves the login form", routes, spec.Rules("web.login-redirects", "web.login-form"), func(ctx SpecContext) {
		web := spec.Web()
		for from, to := range map[string]string{"/login": "/auth/login", "/register": "/auth/register"} {
			By("GET " + from)
			resp, err := web.Get(ctx, from)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(307))
			Expect(resp.Header.Get("Location")).To(HaveSuffix(to))
		}
		By("GET /auth/login")
		resp, err := web.Get(ctx, "/auth/login")
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		for _, id := range []string{"login-form", "login-email", "login-password", "login-submit"} {
			Expect(string(resp.Body)).To(ContainSubstring(`data-testid="%s"`, id))
		}
	})

	It("stores only the SHA-256 of a token's random part and a bcrypt hash of the password", routes, spec.Rules("token.only-sha256-stored", "password.bcrypt"), spec.NeedsDB, func(ctx SpecContext) {
		acct := spec.T().Accounts.Consumer
		a, resp, err := spec.API().Login(ctx, acct.Email, acct.Password)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		spec.Secret(a.Token)
		id, random, ok := strings.Cut(a.Token, "|")
		Expect(ok).To(BeTrue(), "the token is <id>|<random>")
		sum := sha256.Sum256([]byte(random))

		By("reading the token's row")
		row, err := spec.DB().Query(ctx, "the token's row", "SELECT token FROM personal_access_tokens WHERE id = ?", id)
		Expect(err).NotTo(HaveOccurred())
		Expect(row.Values).To(HaveLen(1), "the token %s has a row", id)
		Expect(row.Get(0, "token")).To(Equal(hex.EncodeToString(sum[:])), "the row holds the SHA-256 hex of the random part, never the token")

		By("reading the password column of the consumer")
		pw, err := spec.DB().Query(ctx, "password hash format", "SELECT SUBSTRING(password, 1, 4) AS prefix, LENGTH(password) AS length FROM users WHERE email = ?", acct.Email)
		Expect(err).NotTo(HaveOccurred())
		Expect(pw.Values).To(HaveLen(1))
		Expect(pw.Get(0, "prefix")).To(BeElementOf("$2y$", "$2a$", "$2b$"), "the password is a bcrypt hash")
		Expect(pw.Get(0, "length")).To(Equal("60"), "a bcrypt hash is 60 characters")
	})

	It("shows the error toast after a failed login on the login page", routes, spec.Rules("web.login-failed-toast"), spec.Writes, func(ctx SpecContext) {
		acct := spec.T().Accounts.Consumer
		resp, err := spec.Web().PostForm(ctx, "/auth/login", url.Values{"email": {acct.Email}, "password": {"not-the-password"}})
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(401, 422))
		Expect(string(resp.Body)).To(ContainSubstring(`data-testid="error-toast"`))
	})
})
