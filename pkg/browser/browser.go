package browser

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"sync"
	"time"

	cdpbrowser "github.com/chromedp/cdproto/browser"
	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// Timeouts. A caller's ctx can end any step earlier.
const (
	startTimeout = 15 * time.Second // launch and first answer
	stepTimeout  = 30 * time.Second // one page action (navigate, sign in, read, screenshot)
	signInWait   = 15 * time.Second // from the click on login-submit to the next page
	formWait     = 2 * time.Second  // for the login form's fields once the page has loaded
	pollEvery    = 25 * time.Millisecond
)

// Options configure Start.
type Options struct {
	ExecPath string // browser binary; "" = Find()
	Width    int    // window width in CSS pixels; 0 = 1280
	Height   int    // window height in CSS pixels; 0 = 800
}

// Browser is one headless browser process with its own fresh profile: cookies set in
// one Browser are never seen by another. It has one tab; use it from one goroutine
// at a time.
type Browser struct {
	allocCancel context.CancelFunc
	root        context.Context // chromedp context that launched, and owns, the browser
	rootCancel  context.CancelFunc
	tab         context.Context // chromedp context of the tab the steps run in
	tabCancel   context.CancelFunc
	dirty       bool // a step was cut short: the tab may be mid-navigation
	started     time.Duration
	version     string
	closeOnce   sync.Once
	closeErr    error
}

// Start launches a headless browser and checks that it answers. It returns an error
// when no browser can be found (see Find), when the browser does not start, or when
// it does not answer within 15 s or before ctx ends. ctx bounds only the start: the
// browser runs until Close.
func Start(ctx context.Context, opts Options) (*Browser, error) {
	t0 := time.Now()
	if opts.ExecPath == "" {
		p, err := Find()
		if err != nil {
			return nil, err
		}
		opts.ExecPath = p
	}
	if opts.Width <= 0 {
		opts.Width = 1280
	}
	if opts.Height <= 0 {
		opts.Height = 800
	}
	allocOpts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(opts.ExecPath),
		chromedp.WindowSize(opts.Width, opts.Height),
	)
	// The browser must outlive the ctx of Start, so its contexts do not derive
	// their cancellation from it.
	base := context.WithoutCancel(ctx)
	allocCtx, allocCancel := chromedp.NewExecAllocator(base, allocOpts...)
	root, rootCancel := chromedp.NewContext(allocCtx)
	// Steps run in root's own tab until one is cut short (see step).
	b := &Browser{allocCancel: allocCancel, root: root, rootCancel: rootCancel, tab: root}
	// The first Do launches the browser and binds its life to root, so it runs with
	// no deadline; the wait for it is bounded instead.
	if err := bounded(ctx, func() error { return chromedp.Do(root) }); err != nil {
		b.kill()
		return nil, fmt.Errorf("start browser %s: %w", opts.ExecPath, err)
	}
	err := b.step(ctx, startTimeout, func(c context.Context) error {
		v, err := chromedp.CallBrowser(c, cdpbrowser.GetVersion, cdp.Empty{})
		if err != nil {
			return err
		}
		b.version = v.Product
		_, err = chromedp.Run(c, chromedp.Evaluate[int](`1 + 1`))
		return err
	})
	if err != nil {
		b.kill()
		return nil, fmt.Errorf("start browser %s: it does not answer: %w", opts.ExecPath, err)
	}
	b.started = time.Since(t0)
	return b, nil
}

// Started returns how long Start took, from the call to the browser's first answer.
func (b *Browser) Started() time.Duration { return b.started }

// Version returns the browser's product and version, e.g. "Chrome/156.0.8078.108".
func (b *Browser) Version() string { return b.version }

// Close closes the browser and removes its profile. It returns an error when the
// browser does not close gracefully; the process is stopped either way. Closing
// again does nothing and returns the first result.
func (b *Browser) Close() error {
	b.closeOnce.Do(func() {
		if b.tabCancel != nil {
			b.tabCancel()
		}
		ctx, cancel := context.WithTimeout(b.root, 5*time.Second)
		defer cancel()
		err := chromedp.Cancel(ctx)
		b.kill()
		if err != nil && !errors.Is(err, context.Canceled) {
			b.closeErr = fmt.Errorf("close browser: %w", err)
		}
	})
	return b.closeErr
}

func (b *Browser) kill() {
	if b.tabCancel != nil {
		b.tabCancel()
	}
	b.rootCancel()
	b.allocCancel() // waits for the process to exit and removes the profile
}

// bounded runs f, which must not get a deadline of its own, and waits for it up to
// startTimeout or until ctx ends.
func bounded(ctx context.Context, f func() error) error {
	done := make(chan error, 1)
	go func() { done <- f() }()
	timer := time.NewTimer(startTimeout)
	defer timer.Stop()
	select {
	case err := <-done:
		return err
	case <-timer.C:
		return fmt.Errorf("no answer within %s", startTimeout)
	case <-ctx.Done():
		return ctx.Err()
	}
}

// newTab replaces the tab the steps run in by a new one of the same browser (same
// profile, same cookies). The first tab belongs to root, which owns the browser, so
// it is left open, idle; later ones are closed.
func (b *Browser) newTab(ctx context.Context) error {
	if b.tabCancel != nil {
		b.tabCancel()
	}
	b.tab, b.tabCancel = chromedp.NewContext(b.root)
	if err := bounded(ctx, func() error { return chromedp.Do(b.tab) }); err != nil {
		return err
	}
	b.dirty = false
	return nil
}

// step runs f with a context of the tab that ends after timeout or when ctx ends,
// whichever is first. The browser stays open either way; a tab that a step left cut
// short is replaced before the next step, so that a half-done navigation cannot
// abort the next one.
func (b *Browser) step(ctx context.Context, timeout time.Duration, f func(context.Context) error) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	if b.dirty {
		if err := b.newTab(ctx); err != nil {
			return fmt.Errorf("replace the tab of an interrupted step: %w", err)
		}
	}
	c, cancel := context.WithTimeout(b.tab, timeout)
	defer cancel()
	stop := context.AfterFunc(ctx, cancel)
	defer stop()
	err := f(c)
	if c.Err() != nil {
		b.dirty = true
	}
	if err != nil && ctx.Err() != nil {
		return fmt.Errorf("%w (stopped: %w)", err, ctx.Err())
	}
	return err
}

// open navigates the tab to u and returns the response of its document. A navigation
// that an earlier, abandoned one aborts is tried once more.
func open(c context.Context, u string) (*network.Response, error) {
	resp, err := chromedp.Run(c, chromedp.NavigateResponse(u))
	var le *chromedp.LoadError
	if errors.As(err, &le) && strings.Contains(le.ErrorText, "ERR_ABORTED") && c.Err() == nil {
		resp, err = chromedp.Run(c, chromedp.NavigateResponse(u))
	}
	return resp, err
}

// isLoginPath reports whether a URL path is the login page's.
func isLoginPath(p string) bool { return strings.HasSuffix(strings.TrimRight(p, "/"), "/auth/login") }

// testID is the CSS selector of the element with that data-testid.
func testID(id string) chromedp.CSS { return chromedp.CSS(fmt.Sprintf(`[data-testid=%q]`, id)) }

// pageURL joins the web base URL and a path.
func pageURL(webBase, path string) string { return strings.TrimRight(webBase, "/") + path }

// loginState is what the page shows while a sign-in is under way.
type loginState struct {
	Same  bool   `json:"same"` // still the document the click happened in
	Path  string `json:"path"`
	Href  string `json:"href"`
	Ready string `json:"ready"`
	Toast string `json:"toast"` // text of a visible error-toast, "" when none
}

const loginStateJS = `(() => {
	const t = document.querySelector('[data-testid="error-toast"]');
	const visible = !!t && !!(t.offsetWidth || t.offsetHeight || t.getClientRects().length);
	return {
		same: window.__smokeproofSignIn === true,
		path: location.pathname,
		href: location.href,
		ready: document.readyState,
		toast: visible ? ((t.innerText || t.textContent || '').trim() || 'error-toast shown') : '',
	};
})()`

// SignIn opens <webBase>/auth/login, types email and password into the fields with
// data-testid login-email and login-password, clicks login-submit and waits for the
// next page. It returns an error containing the text of the page's error-toast when
// one shows, an error when the login page does not load or lacks the fields, when the
// browser is still on /auth/login afterwards, or when nothing happens within 15 s.
// The password never appears in an error.
func (b *Browser) SignIn(ctx context.Context, webBase, email, password string) error {
	loginURL := pageURL(webBase, "/auth/login")
	return b.step(ctx, stepTimeout, func(c context.Context) error {
		resp, err := open(c, loginURL)
		if err != nil {
			return fmt.Errorf("open %s: %w", loginURL, err)
		}
		if resp != nil && resp.Status >= 400 {
			return fmt.Errorf("open %s: the login page answered %d", loginURL, resp.Status)
		}
		if err := waitForm(c, loginURL); err != nil {
			return err
		}
		before, err := chromedp.Run(c, chromedp.Evaluate[loginState](loginStateJS))
		if err != nil {
			return fmt.Errorf("read %s: %w", loginURL, err)
		}
		if err := chromedp.Do(c,
			chromedp.SendKeys(testID("login-email"), email),
			chromedp.SendKeys(testID("login-password"), password),
			chromedp.Evaluate[chromedp.Void](`window.__smokeproofSignIn = true`),
			chromedp.Click(testID("login-submit")),
		); err != nil {
			return fmt.Errorf("fill the login form at %s (data-testid login-email, login-password, login-submit): %w", loginURL, err)
		}
		return b.waitSignedIn(c, email, loginURL, before)
	})
}

const missingFieldsJS = `['login-email', 'login-password', 'login-submit']
	.filter(id => !document.querySelector('[data-testid="' + id + '"]'))`

// waitForm waits up to formWait for the login form's fields, so that a page that
// lacks them fails at once with their names rather than at the step's timeout.
func waitForm(c context.Context, loginURL string) error {
	deadline := time.Now().Add(formWait)
	for {
		missing, err := chromedp.Run(c, chromedp.Evaluate[[]string](missingFieldsJS))
		if err == nil && len(missing) == 0 {
			return nil
		}
		if c.Err() != nil || time.Now().After(deadline) {
			if err != nil {
				return fmt.Errorf("read the login form at %s: %w", loginURL, err)
			}
			return fmt.Errorf("the login page %s has no element with data-testid %s", loginURL, strings.Join(missing, ", "))
		}
		select {
		case <-c.Done():
		case <-time.After(pollEvery):
		}
	}
}

// waitSignedIn polls the tab after the click on login-submit until a new page has
// loaded or an error-toast shows.
func (b *Browser) waitSignedIn(c context.Context, email, loginURL string, before loginState) error {
	deadline := time.Now().Add(signInWait)
	var last loginState
	for {
		// Evaluating fails while a navigation swaps the document: try again.
		s, err := chromedp.Run(c, chromedp.Evaluate[loginState](loginStateJS))
		if err == nil {
			last = s
			switch {
			case s.Toast != "" && (!s.Same || s.Toast != before.Toast):
				return fmt.Errorf("sign in as %s at %s: the page shows error-toast %q", email, loginURL, s.Toast)
			case !s.Same && s.Ready == "complete":
				if s.Path == before.Path || isLoginPath(s.Path) {
					return fmt.Errorf("sign in as %s at %s: the browser is still on the login page and it shows no error-toast", email, loginURL)
				}
				return nil
			case s.Same && s.Ready == "complete" && s.Path != before.Path && !isLoginPath(s.Path):
				return nil // a client-side router moved on without a new document
			}
		}
		if c.Err() != nil {
			return fmt.Errorf("sign in as %s at %s: %w", email, loginURL, c.Err())
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("sign in as %s at %s: no new page and no error-toast within %s after clicking login-submit (last at %s)", email, loginURL, signInWait, last.Href)
		}
		select {
		case <-c.Done():
		case <-time.After(pollEvery):
		}
	}
}

// Row is one [data-testid=product-row] of the producer dashboard.
type Row struct {
	ProductID string // its data-product-id
	Text      string // its visible text, trimmed
}

type rowJSON struct {
	ProductID string `json:"id"`
	Text      string `json:"text"`
}

const rowsJS = `Array.from(document.querySelectorAll('[data-testid="product-row"]')).map(e => ({
	id: e.getAttribute('data-product-id') || '',
	text: (e.innerText || e.textContent || '').trim(),
}))`

// DashboardRows opens <webBase>/producer/dashboard and returns every element with
// data-testid product-row, in page order, with its data-product-id and text. It
// returns an error when the browser ends on /auth/login (not signed in), when the page
// answers with an HTTP error status, or when it cannot be read.
func (b *Browser) DashboardRows(ctx context.Context, webBase string) ([]Row, error) {
	dashURL := pageURL(webBase, "/producer/dashboard")
	var rows []Row
	err := b.step(ctx, stepTimeout, func(c context.Context) error {
		resp, err := open(c, dashURL)
		if err != nil {
			return fmt.Errorf("open %s: %w", dashURL, err)
		}
		loc, err := chromedp.Run(c, chromedp.Location())
		if err != nil {
			return fmt.Errorf("read the location after opening %s: %w", dashURL, err)
		}
		if u, err := url.Parse(loc); err == nil && isLoginPath(u.Path) {
			return fmt.Errorf("open %s: redirected to %s, the browser is not signed in", dashURL, loc)
		}
		if resp != nil && resp.Status >= 400 {
			return fmt.Errorf("open %s: the page answered %d", dashURL, resp.Status)
		}
		got, err := chromedp.Run(c, chromedp.Evaluate[[]rowJSON](rowsJS))
		if err != nil {
			return fmt.Errorf("read product rows of %s: %w", dashURL, err)
		}
		rows = make([]Row, len(got))
		for i, r := range got {
			rows[i] = Row(r)
		}
		return nil
	})
	return rows, err
}

// Screenshot returns a PNG of the whole current page, beyond the window when the page
// is longer. It returns an error when the browser cannot capture it.
func (b *Browser) Screenshot(ctx context.Context) ([]byte, error) {
	var png []byte
	err := b.step(ctx, stepTimeout, func(c context.Context) error {
		var err error
		png, err = chromedp.Run(c, chromedp.FullScreenshot(100))
		if err != nil {
			return fmt.Errorf("take a screenshot: %w", err)
		}
		return nil
	})
	return png, err
}
