package auth_test

import (
	"encoding/json"
	"fmt"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/market"
	"github.com/smokeproof/smokeproof/pkg/spec"
)

var routes = spec.DoD("AUTH-ROUTES.auth-routes")

var _ = Describe("Auth routes", func() {
	It("registers a consumer and answers 201 with a bearer token and no password hash", routes, spec.Writes, func(ctx SpecContext) {
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

	It("refuses bad registrations with 422 in the contract's shape, and never an admin", routes, spec.Writes, func(ctx SpecContext) {
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
		}
	})

	It("logs in with the right password and refuses a wrong one with 401", routes, func(ctx SpecContext) {
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

	It("rate-limits failed logins: the 11th try within a minute gets 429 with Retry-After", routes, func(ctx SpecContext) {
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

	It("serves the profile to a bearer and 401 to everyone else", routes, func(ctx SpecContext) {
		api := spec.SignIn(ctx, "consumer", spec.T().Accounts.Consumer)
		u, resp, err := api.Profile(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))
		Expect(u.Email).To(Equal(spec.T().Accounts.Consumer.Email))

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

	It("revokes the token on logout at once", routes, func(ctx SpecContext) {
		acct := spec.T().Accounts.Consumer
		api, _, err := spec.API().SignIn(ctx, "consumer (own session)", acct.Email, acct.Password)
		Expect(err).NotTo(HaveOccurred())
		spec.Secret(api.Token())
		resp, err := api.Logout(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(200))

		By("using the revoked token")
		_, resp, err = api.Profile(ctx)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(401), "a revoked token is refused")
	})

	It("redirects /login and /register to the auth pages and serves the login form", routes, func(ctx SpecContext) {
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
})
