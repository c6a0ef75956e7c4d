package browser

import (
	"context"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// The steps of the checkout flow, in order; each one leaves a screenshot.
const (
	StepSignIn       = "sign in"
	StepProduct      = "product page"
	StepCart         = "cart"
	StepCheckout     = "checkout"
	StepConfirmation = "confirmation"
)

// CheckoutFlow says what Checkout does: who signs in, which product it buys, how many
// and how it is shipped.
type CheckoutFlow struct {
	WebBase   string // the shop's web base URL, e.g. http://127.0.0.1:8080
	Email     string // the consumer who signs in through /auth/login
	Password  string // never shown in an error
	ProductID int64  // the product whose page /products/{id} is opened
	Quantity  int    // typed into add-to-cart-quantity, 1..100
	Shipping  string // chosen in checkout-shipping: HOME, COURIER or PICKUP; "" keeps the form's choice
	Notes     string // typed into checkout-notes; "" leaves it empty
	// OnStep, when set, is called with each step's name (a Step* constant) before the
	// step starts, on the caller's goroutine: a spec narrates the steps with it.
	OnStep func(step string)
}

// Shot is the screenshot of one step of a flow, taken once the step's page loaded and
// before its checks, so a failed step still shows what the browser saw.
type Shot struct {
	Step string // one of the Step* names
	URL  string // the page's address when it was taken
	PNG  []byte
}

// Page is one HTML document the browser requested during a flow: redirects are pages
// of their own (POST /cart → 303, then GET /cart → 200).
type Page struct {
	Method string
	Path   string // path and query, no host
	Status int
	Millis float64 // from the request to the response headers
	Bytes  int     // bytes received for the document, as the browser counted them (0 for a redirect)
}

// CartRow is one [data-testid=cart-row] of the cart page.
type CartRow struct {
	ProductID string // data-product-id
	Quantity  string // text of cart-quantity inside the row
	Subtotal  string // text of cart-subtotal inside the row
}

// OrderItem is one [data-testid=order-item] of the confirmation page.
type OrderItem struct {
	ProductID string // data-product-id
	Text      string // its visible text, trimmed
}

// CheckoutResult is what the browser saw during Checkout. After an error it holds what
// the steps before (and the failing step, as far as it got) saw.
type CheckoutResult struct {
	Shots     []Shot    // one per step reached, in order
	Pages     []Page    // every document the tab loaded, in order
	CartRows  []CartRow // the cart page's rows after the add
	CartTotal string    // text of cart-total

	OrderID      string      // text of order-id on the confirmation page
	OrderTotal   string      // text of order-total, e.g. "2.64"
	OrderStatus  string      // text of order-status, e.g. "pending"
	OrderItems   []OrderItem // the confirmation's order-item rows
	ConfirmedURL string      // the confirmation page's address, e.g. …/orders/12 (the reference shop's)
}

// Checkout does what a person does to buy a product: sign in at /auth/login, open
// /products/{id}, type the quantity and click add-to-cart-submit, land on the cart, follow
// checkout-link, choose the shipping and click checkout-submit, land on the order
// confirmation (order-confirmation) and read the order id from it. It takes a screenshot at each step.
//
// It returns an error naming the step and what was missing when a page does not load,
// answers an HTTP error, sends the browser back to /auth/login, lacks one of the
// contract's data-testid elements, shows an error-toast, when the cart has no row for
// the product with the quantity typed, or when the confirmation's order-id is empty or
// differs from its data-order-id or from the id of an /orders/{id} address. Where the
// confirmation lives is left to the app: whether the order exists is the database's to
// say, so the caller looks the order id up there.
func (b *Browser) Checkout(ctx context.Context, f CheckoutFlow) (*CheckoutResult, error) {
	res := &CheckoutResult{}
	if f.Quantity < 1 {
		return res, fmt.Errorf("checkout flow: the quantity must be at least 1, not %d", f.Quantity)
	}
	if f.ProductID < 1 {
		return res, fmt.Errorf("checkout flow: the product id must be positive, not %d", f.ProductID)
	}
	log := &pageLog{pending: map[network.RequestID]pendingPage{}, loading: map[network.RequestID]int{}}
	stop, err := log.listen(b.tab)
	if err != nil {
		return res, fmt.Errorf("checkout flow: listen to the browser's requests: %w", err)
	}
	defer func() {
		stop()
		res.Pages = log.list()
	}()

	onStep := f.OnStep
	if onStep == nil {
		onStep = func(string) {}
	}
	onStep(StepSignIn)
	if err := b.SignIn(ctx, f.WebBase, f.Email, f.Password); err != nil {
		return res, fmt.Errorf("step %q: %w", StepSignIn, err)
	}
	steps := []struct {
		name string
		run  func(c context.Context) error
	}{
		{StepSignIn, shoot}, // the page the sign-in landed on
		{StepProduct, func(c context.Context) error { return b.productStep(c, f) }},
		{StepCart, func(c context.Context) error { return b.cartStep(c, f, res) }},
		{StepCheckout, func(c context.Context) error { return b.checkoutStep(c, f) }},
		{StepConfirmation, func(c context.Context) error { return b.confirmationStep(c, res) }},
	}
	for i, s := range steps {
		if i > 0 {
			onStep(s.name)
		}
		err := b.step(ctx, stepTimeout, func(c context.Context) error {
			return s.run(withShot(c, s.name, res))
		})
		if err != nil {
			return res, fmt.Errorf("step %q: %w", s.name, err)
		}
	}
	return res, nil
}

type shotKey struct{}

type shotter struct {
	step string
	res  *CheckoutResult
}

func withShot(c context.Context, step string, res *CheckoutResult) context.Context {
	return context.WithValue(c, shotKey{}, shotter{step, res})
}

// shoot takes the screenshot of the step that c runs and adds it to the result.
func shoot(c context.Context) error {
	s := c.Value(shotKey{}).(shotter)
	png, err := chromedp.Run(c, chromedp.FullScreenshot(100))
	if err != nil {
		return fmt.Errorf("take a screenshot: %w", err)
	}
	loc, _ := chromedp.Run(c, chromedp.Location())
	s.res.Shots = append(s.res.Shots, Shot{Step: s.step, URL: loc, PNG: png})
	return nil
}

// shootAnyway takes the screenshot of a step that already failed: the step's error is
// what the caller reports, so a failed screenshot only leaves the strip one short.
func shootAnyway(c context.Context) { _ = shoot(c) }

// landed checks the document a step ended on: no error status, not the login page,
// and (when wantPath is not "") at wantPath. It returns the page's URL.
func landed(c context.Context, resp *network.Response, what string, wantPath func(string) bool, want string) (*url.URL, error) {
	loc, err := chromedp.Run(c, chromedp.Location())
	if err != nil {
		return nil, fmt.Errorf("read the address of %s: %w", what, err)
	}
	u, err := url.Parse(loc)
	if err != nil {
		return nil, fmt.Errorf("read the address of %s: %w", what, err)
	}
	if isLoginPath(u.Path) {
		return u, fmt.Errorf("%s sent the browser to %s: it is not signed in", what, loc)
	}
	if resp != nil && resp.Status >= 400 {
		return u, fmt.Errorf("%s answered %d at %s%s", what, resp.Status, loc, toastSuffix(c))
	}
	if wantPath != nil && !wantPath(u.Path) {
		return u, fmt.Errorf("%s ended at %s, not at %s%s", what, loc, want, toastSuffix(c))
	}
	return u, nil
}

// toastSuffix returns ", showing error-toast "…"" when the page shows one, else "".
func toastSuffix(c context.Context) string {
	s, err := chromedp.Run(c, chromedp.Evaluate[loginState](loginStateJS))
	if err != nil || s.Toast == "" {
		return ""
	}
	return fmt.Sprintf(", showing error-toast %q", s.Toast)
}

// missing returns the data-testids of ids that the page lacks.
func missing(c context.Context, ids ...string) ([]string, error) {
	q := make([]string, len(ids))
	for i, id := range ids {
		q[i] = strconv.Quote(id)
	}
	js := fmt.Sprintf(`[%s].filter(id => !document.querySelector('[data-testid="' + id + '"]'))`, strings.Join(q, ","))
	return chromedp.Run(c, chromedp.Evaluate[[]string](js))
}

// need fails when the page lacks one of ids.
func need(c context.Context, page string, ids ...string) error {
	m, err := missing(c, ids...)
	if err != nil {
		return fmt.Errorf("read %s: %w", page, err)
	}
	if len(m) > 0 {
		return fmt.Errorf("%s has no element with data-testid %s%s", page, strings.Join(m, ", "), toastSuffix(c))
	}
	return nil
}

func (b *Browser) productStep(c context.Context, f CheckoutFlow) error {
	u := pageURL(f.WebBase, fmt.Sprintf("/products/%d", f.ProductID))
	resp, err := open(c, u)
	if err != nil {
		return fmt.Errorf("open %s: %w", u, err)
	}
	what := "the product page " + u
	if _, err := landed(c, resp, what, nil, ""); err != nil {
		return err
	}
	if err := need(c, what, "add-to-cart-form", "add-to-cart-quantity", "add-to-cart-submit"); err != nil {
		shootAnyway(c) // show the page that lacks the form
		return err
	}
	if err := chromedp.Do(c, chromedp.SetValue(testID("add-to-cart-quantity"), strconv.Itoa(f.Quantity))); err != nil {
		return fmt.Errorf("type %d into add-to-cart-quantity of %s: %w", f.Quantity, what, err)
	}
	return shoot(c)
}

const cartJS = `(() => {
	const text = (root, id) => { const e = root.querySelector('[data-testid="' + id + '"]'); return e ? (e.innerText || e.textContent || '').trim() : ''; };
	return {
		rows: Array.from(document.querySelectorAll('[data-testid="cart-row"]')).map(r => ({
			id: r.getAttribute('data-product-id') || '',
			quantity: text(r, 'cart-quantity'),
			subtotal: text(r, 'cart-subtotal'),
		})),
		total: text(document, 'cart-total'),
		empty: !!document.querySelector('[data-testid="cart-empty"]'),
	};
})()`

type cartJSON struct {
	Rows []struct {
		ID       string `json:"id"`
		Quantity string `json:"quantity"`
		Subtotal string `json:"subtotal"`
	} `json:"rows"`
	Total string `json:"total"`
	Empty bool   `json:"empty"`
}

func (b *Browser) cartStep(c context.Context, f CheckoutFlow, res *CheckoutResult) error {
	resp, err := chromedp.RunResponse(c, chromedp.Click(testID("add-to-cart-submit")))
	if err != nil {
		return fmt.Errorf("click add-to-cart-submit: %w", err)
	}
	isCart := func(p string) bool {
		return strings.TrimRight(p, "/") == "/cart" || strings.HasSuffix(strings.TrimRight(p, "/"), "/cart")
	}
	u, err := landed(c, resp, "adding to the cart", isCart, "/cart")
	if err != nil {
		shootAnyway(c)
		return err
	}
	if err := shoot(c); err != nil {
		return err
	}
	got, err := chromedp.Run(c, chromedp.Evaluate[cartJSON](cartJS))
	if err != nil {
		return fmt.Errorf("read the cart page %s: %w", u, err)
	}
	res.CartTotal = got.Total
	id := strconv.FormatInt(f.ProductID, 10)
	var row *CartRow
	for _, r := range got.Rows {
		res.CartRows = append(res.CartRows, CartRow{ProductID: r.ID, Quantity: r.Quantity, Subtotal: r.Subtotal})
		if r.ID == id {
			row = &res.CartRows[len(res.CartRows)-1]
		}
	}
	switch {
	case row == nil && got.Empty:
		return fmt.Errorf("the cart page %s shows cart-empty after adding %d of product %s: no cart-row with data-product-id %s", u, f.Quantity, id, id)
	case row == nil:
		return fmt.Errorf("the cart page %s has no cart-row with data-product-id %s after adding %d of it (%d other rows)", u, id, f.Quantity, len(got.Rows))
	case row.Quantity != strconv.Itoa(f.Quantity):
		return fmt.Errorf("the cart page %s shows cart-quantity %q for product %s, want %d", u, row.Quantity, id, f.Quantity)
	}
	return need(c, "the cart page "+u.String(), "cart-total", "checkout-link")
}

func (b *Browser) checkoutStep(c context.Context, f CheckoutFlow) error {
	resp, err := chromedp.RunResponse(c, chromedp.Click(testID("checkout-link")))
	if err != nil {
		return fmt.Errorf("click checkout-link: %w", err)
	}
	isCheckout := func(p string) bool { return strings.HasSuffix(strings.TrimRight(p, "/"), "/checkout") }
	u, err := landed(c, resp, "following checkout-link", isCheckout, "/checkout")
	if err != nil {
		shootAnyway(c)
		return err
	}
	what := "the checkout page " + u.String()
	if err := need(c, what, "checkout-form", "checkout-shipping", "checkout-submit"); err != nil {
		shootAnyway(c)
		return err
	}
	if f.Shipping != "" {
		opts, err := chromedp.Run(c, chromedp.Evaluate[[]string](`Array.from(document.querySelector('[data-testid="checkout-shipping"]').options || []).map(o => o.value)`))
		if err != nil {
			return fmt.Errorf("read the options of checkout-shipping of %s: %w", what, err)
		}
		if !slices.Contains(opts, f.Shipping) {
			return fmt.Errorf("checkout-shipping of %s has no option %s (it has %s)", what, f.Shipping, strings.Join(opts, ", "))
		}
		if err := chromedp.Do(c, chromedp.SetValue(testID("checkout-shipping"), f.Shipping)); err != nil {
			return fmt.Errorf("choose %s in checkout-shipping of %s: %w", f.Shipping, what, err)
		}
	}
	if f.Notes != "" {
		if err := need(c, what, "checkout-notes"); err != nil {
			return err
		}
		if err := chromedp.Do(c, chromedp.SendKeys(testID("checkout-notes"), f.Notes)); err != nil {
			return fmt.Errorf("type into checkout-notes of %s: %w", what, err)
		}
	}
	return shoot(c)
}

const orderJS = `(() => {
	const text = id => { const e = document.querySelector('[data-testid="' + id + '"]'); return e ? (e.innerText || e.textContent || '').trim() : ''; };
	const conf = document.querySelector('[data-testid="order-confirmation"]');
	return {
		confirmation: !!conf,
		data_id: conf ? (conf.getAttribute('data-order-id') || '') : '',
		id: text('order-id'),
		total: text('order-total'),
		status: text('order-status'),
		items: Array.from(document.querySelectorAll('[data-testid="order-item"]')).map(e => ({
			id: e.getAttribute('data-product-id') || '',
			text: (e.innerText || e.textContent || '').trim().replace(/\s+/g, ' '),
		})),
	};
})()`

type orderJSON struct {
	Confirmation bool   `json:"confirmation"`
	DataID       string `json:"data_id"`
	ID           string `json:"id"`
	Total        string `json:"total"`
	Status       string `json:"status"`
	Items        []struct {
		ID   string `json:"id"`
		Text string `json:"text"`
	} `json:"items"`
}

func (b *Browser) confirmationStep(c context.Context, res *CheckoutResult) error {
	resp, err := chromedp.RunResponse(c, chromedp.Click(testID("checkout-submit")))
	if err != nil {
		return fmt.Errorf("click checkout-submit: %w", err)
	}
	// The page after the submit must be the confirmation; where it lives is the app's
	// choice (the reference shop redirects to /orders/{id}): the database, not the
	// address, proves the order.
	u, err := landed(c, resp, "submitting checkout-form", nil, "")
	if err != nil {
		shootAnyway(c)
		return err
	}
	res.ConfirmedURL = u.String()
	if err := shoot(c); err != nil {
		return err
	}
	got, err := chromedp.Run(c, chromedp.Evaluate[orderJSON](orderJS))
	if err != nil {
		return fmt.Errorf("read the confirmation page %s: %w", u, err)
	}
	res.OrderID, res.OrderTotal, res.OrderStatus = got.ID, got.Total, got.Status
	for _, it := range got.Items {
		res.OrderItems = append(res.OrderItems, OrderItem{ProductID: it.ID, Text: it.Text})
	}
	what := "the confirmation page " + u.String()
	if err := need(c, what, "order-confirmation", "order-id", "order-total", "order-status", "order-item"); err != nil {
		return err
	}
	_, pathID, onOrder := strings.Cut(u.Path, "/orders/")
	pathID = strings.Trim(pathID, "/")
	switch {
	case got.ID == "":
		return fmt.Errorf("%s shows an empty order-id", what)
	case got.ID != got.DataID:
		return fmt.Errorf("%s shows order-id %q but order-confirmation has data-order-id %q", what, got.ID, got.DataID)
	case onOrder && got.ID != pathID:
		return fmt.Errorf("%s shows order-id %q but its address names order %q", what, got.ID, pathID)
	}
	return nil
}

// pageLog collects the documents a tab requests, from its network events.
type pageLog struct {
	mu      sync.Mutex
	pending map[network.RequestID]pendingPage
	loading map[network.RequestID]int // index in pages of a document whose body is loading
	pages   []Page
}

type pendingPage struct {
	method, path string
	at           float64 // monotonic seconds
}

// listen starts collecting the events of tab; stop ends it.
func (l *pageLog) listen(tab context.Context) (stop func(), err error) {
	lctx, cancel := context.WithCancel(tab)
	if err := chromedp.Listen(lctx, l.event); err != nil {
		cancel()
		return func() {}, err
	}
	return cancel, nil
}

func (l *pageLog) event(ev any) {
	l.mu.Lock()
	defer l.mu.Unlock()
	switch ev := ev.(type) {
	case *network.EventRequestWillBeSent:
		if ev.Type != network.ResourceTypeDocument || ev.Request == nil {
			return
		}
		if p, ok := l.pending[ev.RequestID]; ok && ev.RedirectResponse != nil {
			l.pages = append(l.pages, Page{Method: p.method, Path: p.path, Status: int(ev.RedirectResponse.Status), Millis: ms(ev.Timestamp.Float64() - p.at)})
		}
		l.pending[ev.RequestID] = pendingPage{method: ev.Request.Method, path: pathOf(ev.Request.URL), at: ev.Timestamp.Float64()}
	case *network.EventResponseReceived:
		p, ok := l.pending[ev.RequestID]
		if !ok || ev.Response == nil {
			return
		}
		delete(l.pending, ev.RequestID)
		l.loading[ev.RequestID] = len(l.pages)
		l.pages = append(l.pages, Page{Method: p.method, Path: p.path, Status: int(ev.Response.Status), Millis: ms(ev.Timestamp.Float64() - p.at)})
	case *network.EventLoadingFinished:
		if i, ok := l.loading[ev.RequestID]; ok {
			delete(l.loading, ev.RequestID)
			l.pages[i].Bytes = int(ev.EncodedDataLength)
		}
	}
}

func (l *pageLog) list() []Page {
	l.mu.Lock()
	defer l.mu.Unlock()
	return append([]Page(nil), l.pages...)
}

func ms(seconds float64) float64 {
	return float64(time.Duration(seconds*float64(time.Second)).Microseconds()) / 1000
}

func pathOf(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return raw
	}
	return u.RequestURI()
}
