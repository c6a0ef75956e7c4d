package mailbox

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// SinkHandler serves GET /messages?to=&order_id=&since=: the sink's matching messages as JSON.
func SinkHandler(src Source) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet || r.URL.Path != "/messages" {
			http.NotFound(w, r)
			return
		}
		q := Query{To: r.URL.Query().Get("to"), OrderID: r.URL.Query().Get("order_id")}
		if since, err := time.Parse(time.RFC3339Nano, r.URL.Query().Get("since")); err == nil {
			q.Since = since
		}
		msgs, err := src.Messages(r.Context(), q)
		if err != nil {
			http.Error(w, err.Error(), http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(msgs)
	})
}

// NewSinkSource returns a mail source reading the sink view at baseURL (the part of a
// "sink:<url>" mail spec after the colon).
func NewSinkSource(baseURL string, hc *http.Client) Source {
	return sinkSource{url: strings.TrimRight(baseURL, "/") + "/messages", hc: hc}
}

type sinkSource struct {
	url string
	hc  *http.Client
}

func (s sinkSource) Name() string { return "smtp-sink" }

func (s sinkSource) Messages(ctx context.Context, q Query) ([]Message, error) {
	v := url.Values{"to": {q.To}, "order_id": {q.OrderID}}
	if !q.Since.IsZero() {
		v.Set("since", q.Since.UTC().Format(time.RFC3339Nano))
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.url+"?"+v.Encode(), nil)
	if err != nil {
		return nil, err
	}
	resp, err := s.hc.Do(req)
	if err != nil {
		return nil, fmt.Errorf("read the mail sink: %w", err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("read the mail sink: status %d", resp.StatusCode)
	}
	var out []Message
	if err := json.NewDecoder(resp.Body).Decode(&out); err != nil {
		return nil, fmt.Errorf("decode the mail sink: %w", err)
	}
	return out, nil
}
