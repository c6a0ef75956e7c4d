package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"regexp"
	"strings"
	"time"
)

// laravelRecord matches the first line of a Monolog record as Laravel writes it:
// "[2026-11-25 10:00:00] local.DEBUG: ". Newer formats add fractions and a zone.
var laravelRecord = regexp.MustCompile(`(?m)^\[(\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}:\d{2}(?:\.\d+)?(?:Z|[+-]\d{2}:?\d{2})?)\] ([\w.-]+)\.([A-Z]+): `)

type laravelLog struct{ path string }

// NewLaravelLog returns a Source reading the log file at path that Laravel's
// MAIL_MAILER=log writes (e.g. storage/logs/laravel.log): each DEBUG record holding a
// whole RFC 5322 message is one Message, received at the record's time (read as UTC,
// Laravel's default, unless it carries a zone). Its Name is "laravel-log".
func NewLaravelLog(path string) Source { return laravelLog{path: path} }

func (l laravelLog) Name() string { return SourceLaravelLog }

// Messages returns the logged messages matching q, oldest first. A missing file means
// no message yet, not an error; an unreadable one is an error.
func (l laravelLog) Messages(ctx context.Context, q Query) ([]Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	data, err := os.ReadFile(l.path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read Laravel log %s: %w", l.path, err)
	}
	var out []Message
	for _, m := range parseLaravelLog(string(data)) {
		if q.matches(m) {
			out = append(out, m)
		}
	}
	return out, nil
}

// parseLaravelLog returns the e-mails among the records of a Laravel log: the DEBUG
// records whose text parses as a message with a To or Subject header.
func parseLaravelLog(data string) []Message {
	locs := laravelRecord.FindAllStringSubmatchIndex(data, -1)
	var out []Message
	for i, loc := range locs {
		if data[loc[6]:loc[7]] != "DEBUG" {
			continue
		}
		end := len(data)
		if i+1 < len(locs) {
			end = locs[i+1][0]
		}
		// Monolog ends a record with "\n", after the (empty) context and extra
		// unless Laravel's formatter leaves them out.
		body := strings.TrimSuffix(data[loc[1]:end], "\n")
		body = strings.TrimSuffix(body, " [] []")
		if !strings.Contains(body, ":") {
			continue
		}
		received := parseLaravelTime(data[loc[2]:loc[3]])
		m, err := parseMessage(SourceLaravelLog, []byte(body), received)
		if m.Headers == nil || (m.Headers["To"] == nil && m.Headers["Subject"] == nil) {
			continue // a DEBUG record that is not an e-mail
		}
		if err != nil && m.Text == "" {
			m.Text = body
		}
		out = append(out, m)
	}
	return out
}

func parseLaravelTime(s string) time.Time {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.999999Z0700", "2006-01-02 15:04:05.999999Z07:00"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t
		}
	}
	s = strings.Replace(s, "T", " ", 1)
	if t, err := time.ParseInLocation("2006-01-02 15:04:05.999999999", s, time.UTC); err == nil {
		return t
	}
	return time.Time{}
}
