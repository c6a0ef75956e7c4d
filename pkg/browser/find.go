package browser

import (
	"fmt"
	"os"
	"os/exec"
)

// binaries are the names Find looks for on PATH, in order.
var binaries = []string{"chromium", "chromium-browser", "google-chrome", "google-chrome-stable"}

// ErrNotFound is the error Find returns when no browser can be found; its text is
// the one sentence a user sees.
var ErrNotFound error = notFoundError{}

type notFoundError struct{}

func (notFoundError) Error() string {
	return "Chromium not found: install it with `apt-get install -y --no-install-recommends chromium fonts-liberation`, or set SMOKE_BROWSER=off to leave the frontend check out (it is then reported as not run)."
}

// Find returns the path of the browser to drive: CHROME_PATH when it is set, else the
// first of chromium, chromium-browser, google-chrome and google-chrome-stable on PATH.
// It returns ErrNotFound, one sentence saying how to install Chromium, when there is
// none, and a one-sentence error naming CHROME_PATH when that is not an executable.
func Find() (string, error) {
	if p := os.Getenv("CHROME_PATH"); p != "" {
		found, err := exec.LookPath(p)
		if err != nil {
			return "", fmt.Errorf("CHROME_PATH is %q, which is not an executable browser: point it at chromium or unset it", p)
		}
		return found, nil
	}
	for _, name := range binaries {
		if p, err := exec.LookPath(name); err == nil {
			return p, nil
		}
	}
	return "", ErrNotFound
}
