package browser_test

import (
	"bytes"
	"context"
	"errors"
	"image/png"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/smokeproof/smokeproof/pkg/browser"
)

// needBrowser skips the test, loudly, when no Chromium is installed; with
// SMOKE_REQUIRE_BROWSER=1 (for CI, which installs it) it fails instead.
func needBrowser(t testing.TB) {
	t.Helper()
	if _, err := browser.Find(); err != nil {
		if os.Getenv("SMOKE_REQUIRE_BROWSER") == "1" {
			t.Fatalf("SMOKE_REQUIRE_BROWSER=1 but: %v", err)
		}
		t.Skipf("SKIPPING BROWSER TEST: %v", err)
	}
}

// startBrowser starts a browser and closes it when the test ends; see needBrowser.
func startBrowser(t testing.TB) *browser.Browser {
	t.Helper()
	needBrowser(t)
	b, err := browser.Start(context.Background(), browser.Options{})
	if err != nil {
		t.Fatalf("Start: %v", err)
	}
	t.Cleanup(func() {
		if err := b.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return b
}

func TestSignInDashboardScreenshot(t *testing.T) {
	shop := newFakeShop(t)
	b := startBrowser(t)
	t.Logf("browser %s started in %v", b.Version(), b.Started())
	if b.Started() <= 0 || b.Started() > 15*time.Second {
		t.Errorf("Started = %v", b.Started())
	}
	if !strings.Contains(b.Version(), "/") {
		t.Errorf("Version = %q, want product/version", b.Version())
	}
	ctx := context.Background()

	if err := b.SignIn(ctx, shop.URL+"/", producerEmail, producerPass); err != nil {
		t.Fatalf("SignIn: %v", err)
	}
	rows, err := b.DashboardRows(ctx, shop.URL)
	if err != nil {
		t.Fatalf("DashboardRows: %v", err)
	}
	var ids []string
	for _, r := range rows {
		ids = append(ids, r.ProductID)
	}
	if strings.Join(ids, ",") != "11,12,15" {
		t.Fatalf("row ids = %q, want 11,12,15", ids)
	}
	if rows[1].Text != "Honey 8.00 EUR" {
		t.Errorf("row 12 text = %q, want %q", rows[1].Text, "Honey 8.00 EUR")
	}

	shot, err := b.Screenshot(ctx)
	if err != nil {
		t.Fatalf("Screenshot: %v", err)
	}
	if !bytes.HasPrefix(shot, []byte("\x89PNG\r\n\x1a\n")) {
		t.Fatalf("screenshot starts with %q, want the PNG signature", shot[:min(8, len(shot))])
	}
	img, err := png.Decode(bytes.NewReader(shot))
	if err != nil {
		t.Fatalf("decode screenshot: %v", err)
	}
	// The dashboard's three 400 px rows make it taller than the 800 px window.
	if w, h := img.Bounds().Dx(), img.Bounds().Dy(); w != 1280 || h <= 1200 {
		t.Errorf("screenshot is %dx%d, want 1280 wide and the whole page (> 1200) high", w, h)
	}
}

func TestSignInWrongPassword(t *testing.T) {
	shop := newFakeShop(t)
	b := startBrowser(t)
	err := b.SignIn(context.Background(), shop.URL, producerEmail, "wrong-password")
	if err == nil {
		t.Fatal("SignIn with a wrong password succeeded")
	}
	if !strings.Contains(err.Error(), toastText) {
		t.Errorf("err = %v, want the error-toast text %q", err, toastText)
	}
	if strings.Contains(err.Error(), "wrong-password") {
		t.Errorf("err = %v shows the password", err)
	}
	if _, err := b.DashboardRows(context.Background(), shop.URL); err == nil {
		t.Error("DashboardRows after a failed sign-in succeeded")
	}
	if err := b.Close(); err != nil {
		t.Errorf("Close: %v", err)
	}
	if _, err := b.Screenshot(context.Background()); err == nil {
		t.Error("Screenshot after Close succeeded")
	}
	// The cleanup closes b a second time.
}

func TestBrowsersShareNoCookies(t *testing.T) {
	shop := newFakeShop(t)
	signedIn := startBrowser(t)
	if err := signedIn.SignIn(context.Background(), shop.URL, producerEmail, producerPass); err != nil {
		t.Fatal(err)
	}
	other := startBrowser(t)
	rows, err := other.DashboardRows(context.Background(), shop.URL)
	if err == nil {
		t.Fatalf("a second browser read the dashboard (%d rows) with the first one's cookie", len(rows))
	}
	if !strings.Contains(err.Error(), "/auth/login") || !strings.Contains(err.Error(), "not signed in") {
		t.Errorf("err = %v, want a redirect to /auth/login, not signed in", err)
	}
}

func TestSignInPageWithoutForm(t *testing.T) {
	shop := newFakeShop(t)
	b := startBrowser(t)
	start := time.Now()
	err := b.SignIn(context.Background(), shop.URL+"/nothing-here", producerEmail, producerPass)
	if err == nil || !strings.Contains(err.Error(), "login-email, login-password, login-submit") {
		t.Fatalf("err = %v, want the missing data-testids named", err)
	}
	if took := time.Since(start); took > 10*time.Second {
		t.Errorf("took %v to notice the missing form", took)
	}

	shop.Close()
	err = b.SignIn(context.Background(), shop.URL, producerEmail, producerPass)
	if err == nil || !strings.Contains(err.Error(), "ERR_CONNECTION_REFUSED") || !strings.Contains(err.Error(), shop.URL+"/auth/login") {
		t.Fatalf("err = %v, want a refused connection to the login page", err)
	}
}

func TestSignInCancelled(t *testing.T) {
	shop := newFakeShop(t)
	b := startBrowser(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if err := b.SignIn(ctx, shop.URL, producerEmail, producerPass); !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// Cancelled half-way: the step ends at once, and the browser is still usable.
	for _, after := range []time.Duration{20 * time.Millisecond, 150 * time.Millisecond} {
		ctx, cancel := context.WithTimeout(context.Background(), after)
		start := time.Now()
		err := b.SignIn(ctx, shop.URL, producerEmail, producerPass)
		cancel()
		if took := time.Since(start); took > after+time.Second {
			t.Errorf("SignIn cancelled after %v returned after %v", after, took)
		}
		t.Logf("cancelled after %v: %v", after, err)
	}
	if err := b.SignIn(context.Background(), shop.URL, producerEmail, producerPass); err != nil {
		t.Fatalf("SignIn after a cancelled one: %v", err)
	}
}

func TestFindNoBrowser(t *testing.T) {
	t.Setenv("PATH", "")
	t.Setenv("CHROME_PATH", "")
	os.Unsetenv("CHROME_PATH")
	_, err := browser.Find()
	want := "Chromium not found: install it with `apt-get install -y --no-install-recommends chromium fonts-liberation`, or leave SMOKE_BROWSER at auto to report the frontend check as not run."
	if err == nil || err.Error() != want {
		t.Fatalf("err = %v, want %q", err, want)
	}
	if !errors.Is(err, browser.ErrNotFound) {
		t.Error("err is not ErrNotFound")
	}
	if _, err := browser.Start(context.Background(), browser.Options{}); !errors.Is(err, browser.ErrNotFound) {
		t.Errorf("Start with no browser: err = %v, want ErrNotFound", err)
	}
}

func TestFindChromePath(t *testing.T) {
	t.Setenv("CHROME_PATH", "/nonexistent/chrome")
	_, err := browser.Find()
	if err == nil || !strings.Contains(err.Error(), "/nonexistent/chrome") || errors.Is(err, browser.ErrNotFound) {
		t.Fatalf("err = %v, want one naming CHROME_PATH's value", err)
	}
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("CHROME_PATH", self)
	if got, err := browser.Find(); err != nil || got != self {
		t.Errorf("Find = %q, %v; want CHROME_PATH %q", got, err, self)
	}
}

// BenchmarkDashboardCheck measures the frontend check as a suite runs it: start a
// browser, sign in, read the dashboard, take a screenshot, close.
func BenchmarkDashboardCheck(b *testing.B) {
	needBrowser(b)
	shop := newFakeShop(b)
	ctx := context.Background()
	var phases [5]time.Duration // start, sign-in, rows, screenshot, close
	lap := func(i int, t0 *time.Time) { phases[i] += time.Since(*t0); *t0 = time.Now() }
	n := 0
	for b.Loop() {
		n++
		t0 := time.Now()
		br, err := browser.Start(ctx, browser.Options{})
		if err != nil {
			b.Fatal(err)
		}
		lap(0, &t0)
		if err := br.SignIn(ctx, shop.URL, producerEmail, producerPass); err != nil {
			b.Fatal(err)
		}
		lap(1, &t0)
		rows, err := br.DashboardRows(ctx, shop.URL)
		if err != nil || len(rows) != 3 {
			b.Fatalf("rows %d, %v", len(rows), err)
		}
		lap(2, &t0)
		if _, err := br.Screenshot(ctx); err != nil {
			b.Fatal(err)
		}
		lap(3, &t0)
		if err := br.Close(); err != nil {
			b.Fatal(err)
		}
		lap(4, &t0)
	}
	for i, name := range []string{"start", "signin", "rows", "shot", "close"} {
		b.ReportMetric(float64(phases[i].Milliseconds())/float64(n), name+"-ms/op")
	}
}
