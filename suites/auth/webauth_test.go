package auth_test

import (
	"fmt"
	"net/url"
	"time"

	. "github.com/onsi/ginkgo/v2"
	. "github.com/onsi/gomega"

	"github.com/smokeproof/smokeproof/pkg/spec"
)

var _ = Describe("Web sign-up and sign-out", func() {
	It("serves the home and register pages, registers through the form, refuses an admin, and signs out", routes, spec.Writes, func(ctx SpecContext) {
		web := spec.Web()
		By("GET / and GET /auth/register")
		for _, p := range []string{"/", "/auth/register"} {
			resp, err := web.Get(ctx, p)
			Expect(err).NotTo(HaveOccurred())
			Expect(resp).To(spec.HaveStatus(200), p)
		}
		email := fmt.Sprintf("web-%d-%d@smoke.test", time.Now().UnixNano(), GinkgoParallelProcess())
		password := fmt.Sprintf("web-pass-%d", time.Now().UnixNano()%1e9)
		spec.Secret(password)
		form := url.Values{"name": {"Web Buyer"}, "email": {email}, "password": {password}, "password_confirmation": {password}}

		By("registering as admin through the form: refused with 422")
		admin := url.Values{}
		for k, v := range form {
			admin[k] = v
		}
		admin.Set("email", "admin-"+email)
		admin.Set("role", "admin")
		resp, err := web.PostForm(ctx, "/auth/register", admin)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(422), "registering as admin through the web form")
		Expect(web.Cookie("market_session")).To(BeEmpty(), "a refused registration starts no session")

		By("registering as a consumer through the form: 303 and a session")
		form.Set("role", "consumer")
		resp, err = web.PostForm(ctx, "/auth/register", form)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(303))
		Expect(web.Cookie("market_session")).NotTo(BeEmpty(), "the form signs the new user in")

		By("signing out: 303 to /auth/login and the session is gone")
		resp, err = web.PostForm(ctx, "/auth/logout", nil)
		Expect(err).NotTo(HaveOccurred())
		Expect(resp).To(spec.HaveStatus(303))
		Expect(resp.Header.Get("Location")).To(HaveSuffix("/auth/login"))
		Expect(web.Cookie("market_session")).To(BeEmpty(), "sign-out clears the session cookie")
	})
})
