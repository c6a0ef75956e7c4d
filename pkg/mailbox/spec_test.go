package mailbox_test

import (
	"strings"
	"testing"

	"github.com/smokeproof/smokeproof/pkg/mailbox"
)

func TestParseSpec(t *testing.T) {
	for _, c := range []struct{ in, kind, arg string }{
		{"mailpit:http://127.0.0.1:8025", "mailpit", "http://127.0.0.1:8025"},
		{" mailpit:https://mail.example.test/mailpit/ ", "mailpit", "https://mail.example.test/mailpit"},
		{"laravel-log:/srv/shop/storage/logs/laravel.log", "laravel-log", "/srv/shop/storage/logs/laravel.log"},
		{"notifications-table", "notifications-table", ""},
		{"none", "none", ""},
	} {
		kind, arg, err := mailbox.ParseSpec(c.in)
		if err != nil || kind != c.kind || arg != c.arg {
			t.Errorf("ParseSpec(%q) = %q, %q, %v; want %q, %q", c.in, kind, arg, err, c.kind, c.arg)
		}
	}
	for _, in := range []string{"", "mailpit", "mailpit:", "mailpit:127.0.0.1:8025", "laravel-log:", "smtp:localhost:25", "none:x", "notifications"} {
		_, _, err := mailbox.ParseSpec(in)
		if err == nil {
			t.Errorf("ParseSpec(%q): no error", in)
			continue
		}
		if msg := err.Error(); strings.Count(msg, ". ") > 0 || !strings.Contains(msg, in) {
			t.Errorf("ParseSpec(%q) error %q: want one sentence naming the setting", in, msg)
		}
	}
}
