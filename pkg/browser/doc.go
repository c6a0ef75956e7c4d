// Package browser drives a headless Chromium through the shop's web pages, as a
// person would: sign in through the login form, read the producer dashboard, take a
// screenshot.
//
// [Find] locates the browser binary (Debian's chromium, or CHROME_PATH); [Start]
// launches one headless browser with a fresh profile, so two Browser values never
// share cookies. The page contract (data-testid attributes, redirects) is the one in
// the marketplace contract's "Web pages" section.
package browser
