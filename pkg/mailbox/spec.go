package mailbox

import (
	"fmt"
	"net/url"
	"strings"
)

// Kinds of mail source that ParseSpec returns.
const (
	KindMailpit       = "mailpit"
	KindLaravelLog    = "laravel-log"
	KindNotifications = "notifications-table"
	KindNone          = "none"
)

// ParseSpec reads a mail-source setting: "mailpit:<url>" (an http or https URL),
// "laravel-log:<path>", "notifications-table" or "none"; it returns the kind (one of
// the Kind* constants) and its argument (the URL or path, else ""). Anything else
// returns a one-sentence error saying what the valid forms are.
func ParseSpec(s string) (kind, arg string, err error) {
	s = strings.TrimSpace(s)
	k, a, hasArg := strings.Cut(s, ":")
	k = strings.ToLower(strings.TrimSpace(k))
	a = strings.TrimSpace(a)
	switch {
	case k == KindMailpit && hasArg:
		u, perr := url.Parse(a)
		if perr != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			return "", "", fmt.Errorf("mail source %q has no valid Mailpit URL: write it as mailpit:http://host:8025", s)
		}
		return KindMailpit, strings.TrimRight(a, "/"), nil
	case k == KindLaravelLog && hasArg:
		if a == "" {
			return "", "", fmt.Errorf("mail source %q names no log file: write it as laravel-log:/path/to/storage/logs/laravel.log", s)
		}
		return KindLaravelLog, a, nil
	case (k == KindNotifications || k == KindNone) && !hasArg:
		return k, "", nil
	}
	return "", "", fmt.Errorf("mail source %q is not one of mailpit:<url>, laravel-log:<path>, notifications-table or none: set one of those", s)
}
