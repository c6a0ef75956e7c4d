package browser_test

import (
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
)

// fakeShop serves tiny pages that follow the contract's "Web pages" section.
type fakeShop struct {
	mu       sync.Mutex
	sessions map[string]string // cookie value → email
	n        int
}

const (
	producerEmail = "producer@example.test"
	producerPass  = "s3cret-pass"
	toastText     = "These credentials do not match our records."
)

func newFakeShop(t testing.TB) *httptest.Server {
	t.Helper()
	f := &fakeShop{sessions: map[string]string{}}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "/auth/login", http.StatusTemporaryRedirect)
	})
	mux.HandleFunc("GET /auth/login", func(w http.ResponseWriter, r *http.Request) { loginPage(w, http.StatusOK, "") })
	mux.HandleFunc("POST /auth/login", f.login)
	mux.HandleFunc("GET /producer/dashboard", f.dashboard)
	mux.HandleFunc("GET /", func(w http.ResponseWriter, r *http.Request) {
		page(w, http.StatusOK, "Home", "<h1>Marketplace</h1>")
	})
	srv := httptest.NewServer(mux)
	t.Cleanup(srv.Close)
	return srv
}

func page(w http.ResponseWriter, status int, title, body string) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(status)
	fmt.Fprintf(w, `<!doctype html><html><head><meta charset="utf-8"><title>%s</title>
<style>body{font-family:sans-serif;margin:2em} .toast{background:#fdd;padding:1em} li{height:400px}</style></head>
<body>%s</body></html>`, title, body)
}

func loginPage(w http.ResponseWriter, status int, toast string) {
	body := `<h1>Sign in</h1>`
	if toast != "" {
		body += `<div class="toast" data-testid="error-toast">` + html.EscapeString(toast) + `</div>`
	}
	body += `<form data-testid="login-form" method="post" action="/auth/login">
<input type="email" name="email" data-testid="login-email">
<input type="password" name="password" data-testid="login-password">
<button type="submit" data-testid="login-submit">Sign in</button>
</form>`
	page(w, status, "Sign in", body)
}

func (f *fakeShop) login(w http.ResponseWriter, r *http.Request) {
	if r.FormValue("email") != producerEmail || r.FormValue("password") != producerPass {
		loginPage(w, http.StatusUnprocessableEntity, toastText)
		return
	}
	f.mu.Lock()
	f.n++
	v := fmt.Sprintf("session-%d", f.n)
	f.sessions[v] = r.FormValue("email")
	f.mu.Unlock()
	http.SetCookie(w, &http.Cookie{Name: "shop_session", Value: v, Path: "/", HttpOnly: true, SameSite: http.SameSiteLaxMode})
	http.Redirect(w, r, "/producer/dashboard", http.StatusSeeOther)
}

func (f *fakeShop) dashboard(w http.ResponseWriter, r *http.Request) {
	c, err := r.Cookie("shop_session")
	f.mu.Lock()
	ok := err == nil && f.sessions[c.Value] != ""
	f.mu.Unlock()
	if !ok {
		http.Redirect(w, r, "/auth/login", http.StatusFound)
		return
	}
	var b strings.Builder
	b.WriteString("<h1>My products</h1><ul>")
	for _, p := range []struct{ id, name, price string }{{"11", "Olive oil", "12.50"}, {"12", "Honey", "8.00"}, {"15", "Feta", "6.20"}} {
		fmt.Fprintf(&b, `<li data-testid="product-row" data-product-id="%s"><b>%s</b> <span>%s EUR</span></li>`, p.id, p.name, p.price)
	}
	b.WriteString("</ul>")
	page(w, http.StatusOK, "Dashboard", b.String())
}
