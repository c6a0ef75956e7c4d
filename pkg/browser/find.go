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
	return "Chromium not found: install it with `apt-get install -y --no-install-recommends chromium fonts-liberation`, or leave SMOKE_BROWSER at auto to report the frontend check as not run."
}

// NotFoundReason is why the browser check is not run when SMOKE_BROWSER=auto finds no
// browser: the documents, the plan and proof.json show it as ⏸ with this reason.
const NotFoundReason = "no Chromium on this machine"

// InstallHint is the one line that tells how to install a browser for the check.
const InstallHint = "to run the browser check too, install Chromium (Debian/Ubuntu: sudo apt-get install -y --no-install-recommends chromium fonts-liberation; macOS: brew install --cask chromium) or point CHROME_PATH at Chrome; SMOKE_BROWSER=require makes a missing browser fail the run."

// Missing reports whether no browser can be found where Find looks and CHROME_PATH is
// not set: the case SMOKE_BROWSER=auto reports as not run. A CHROME_PATH that names no
// executable is a mistake to show, not a missing browser.
func Missing() bool {
	_, err := Find()
	return err == ErrNotFound
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
