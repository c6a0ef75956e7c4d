package mailbox

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"syscall"
	"time"
)

// mailpitLimit is how many of the newest matching messages one poll reads.
const mailpitLimit = 200

type mailpit struct {
	base string
	hc   *http.Client

	mu     sync.Mutex
	parsed map[string]Message // by Mailpit ID; a stored message never changes
}

var errMailpitNotFound = errors.New("not found")

// NewMailpit returns a Source reading the Mailpit server at baseURL (its HTTP API,
// e.g. "http://127.0.0.1:8025") with hc (http.DefaultClient when nil). It searches
// with GET /api/v1/search (or lists /api/v1/messages when the query names no
// recipient) and reads each candidate's source from /api/v1/message/{ID}/raw, which,
// unlike /api/v1/message/{ID}, does not mark it read. Its Name is "mailpit".
func NewMailpit(baseURL string, hc *http.Client) Source {
	if hc == nil {
		hc = http.DefaultClient
	}
	return &mailpit{base: strings.TrimRight(baseURL, "/"), hc: hc, parsed: map[string]Message{}}
}

func (mp *mailpit) Name() string { return SourceMailpit }

// mailpitAddress is net/mail.Address as Mailpit encodes it.
type mailpitAddress struct {
	Name    string `json:"Name"`
	Address string `json:"Address"`
}

// mailpitSummary is the part of Mailpit's storage.MessageSummary that we read.
type mailpitSummary struct {
	ID      string           `json:"ID"`
	Read    bool             `json:"Read"`
	From    *mailpitAddress  `json:"From"`
	To      []mailpitAddress `json:"To"`
	Cc      []mailpitAddress `json:"Cc"`
	Bcc     []mailpitAddress `json:"Bcc"`
	Subject string           `json:"Subject"`
	Created time.Time        `json:"Created"`
}

// mailpitList is the part of Mailpit's apiv1.MessagesSummary that we read.
type mailpitList struct {
	MessagesCount uint64           `json:"messages_count"`
	Messages      []mailpitSummary `json:"messages"`
}

// Messages returns the stored messages matching q, oldest first. It returns an error
// when Mailpit cannot be reached, answers with a status other than 200, or sends
// something that is not its JSON.
func (mp *mailpit) Messages(ctx context.Context, q Query) ([]Message, error) {
	v := url.Values{"limit": {fmt.Sprint(mailpitLimit)}}
	path := "/api/v1/messages"
	if q.To != "" {
		path = "/api/v1/search"
		v.Set("query", fmt.Sprintf("to:%q", strings.TrimSpace(q.To)))
	}
	var list mailpitList
	if err := mp.getJSON(ctx, path+"?"+v.Encode(), &list); err != nil {
		return nil, err
	}
	var out []Message
	for _, s := range list.Messages {
		// Cheap checks on the summary first; the source is fetched only for candidates.
		if !q.Since.IsZero() && s.Created.Before(q.Since.Truncate(time.Second)) {
			continue
		}
		m, err := mp.message(ctx, s)
		if errors.Is(err, errMailpitNotFound) {
			continue // deleted since the listing
		}
		if err != nil {
			return nil, err
		}
		var bcc []string
		for _, a := range s.Bcc {
			bcc = append(bcc, a.Address)
		}
		if q.matches(m, bcc...) {
			out = append(out, m)
		}
	}
	// Mailpit lists newest first.
	slices.SortStableFunc(out, func(a, b Message) int { return a.Received.Compare(b.Received) })
	return out, nil
}

// message returns the parsed source of the message s, from the cache when it was read before.
func (mp *mailpit) message(ctx context.Context, s mailpitSummary) (Message, error) {
	mp.mu.Lock()
	m, ok := mp.parsed[s.ID]
	mp.mu.Unlock()
	if ok {
		return m, nil
	}
	raw, err := mp.get(ctx, "/api/v1/message/"+url.PathEscape(s.ID)+"/raw")
	if err != nil {
		return Message{}, err
	}
	m, err = parseMessage(SourceMailpit, raw, s.Created)
	if err != nil && m.Headers == nil {
		return Message{}, fmt.Errorf("mailpit message %s: %w", s.ID, err)
	}
	mp.mu.Lock()
	mp.parsed[s.ID] = m
	mp.mu.Unlock()
	return m, nil
}

func (mp *mailpit) getJSON(ctx context.Context, path string, v any) error {
	body, err := mp.get(ctx, path)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(body, v); err != nil {
		return fmt.Errorf("mailpit at %s answered GET %s with something that is not its JSON (%.60q): %w", mp.base, path, body, err)
	}
	return nil
}

func (mp *mailpit) get(ctx context.Context, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, mp.base+path, nil)
	if err != nil {
		return nil, fmt.Errorf("mailpit URL %q is not valid: %w", mp.base, err)
	}
	req.Header.Set("Accept", "application/json")
	resp, err := mp.hc.Do(req)
	if err != nil {
		if errors.Is(err, syscall.ECONNREFUSED) {
			return nil, fmt.Errorf("mailpit at %s refused the connection: is it running and is the URL its HTTP API (default port 8025)?: %w", mp.base, err)
		}
		return nil, fmt.Errorf("reach mailpit at %s: %w", mp.base, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(io.LimitReader(resp.Body, 20<<20))
	if err != nil {
		return nil, fmt.Errorf("read mailpit answer to GET %s: %w", path, err)
	}
	switch {
	case resp.StatusCode == http.StatusNotFound:
		return nil, fmt.Errorf("mailpit at %s answered 404 to GET %s: the URL is not a Mailpit HTTP API, check the base URL and any path prefix (%w)", mp.base, path, errMailpitNotFound)
	case resp.StatusCode != http.StatusOK:
		return nil, fmt.Errorf("mailpit at %s answered %d to GET %s: %.200s", mp.base, resp.StatusCode, path, strings.TrimSpace(string(body)))
	}
	return body, nil
}
