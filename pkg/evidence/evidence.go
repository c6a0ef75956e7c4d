package evidence

import (
	"encoding/json"
	"fmt"
	"strings"
	"time"
)

// EntryName is the name of the Ginkgo report entry that carries one Record.
const EntryName = "smokeproof.evidence"

// RunEntryName is the name of the report entry, added once per run in the suite's
// setup, that carries the run's RunFacts.
const RunEntryName = "smokeproof.run"

// Kind says which field of a Record is set.
type Kind string

// The kinds of evidence.
const (
	KindHTTP       Kind = "http"
	KindRows       Kind = "rows"
	KindMail       Kind = "mail"
	KindScreenshot Kind = "screenshot"
	KindCell       Kind = "cell"
	KindFact       Kind = "fact"
	KindNote       Kind = "note"
	// KindAppRoutes carries the app's own route list (Note: Laravel route:list JSON or
	// OpenAPI 3) for the contract coverage; documents do not print it.
	KindAppRoutes Kind = "app-routes"
)

// Record is one piece of evidence. Exactly one of the pointer fields matching Kind is
// set; Note is free text (already redacted).
type Record struct {
	Kind  Kind   `json:"kind"`
	Title string `json:"title,omitempty"`
	HTTP  *HTTP  `json:"http,omitempty"`
	Rows  *Rows  `json:"rows,omitempty"`
	Mail  *Mail  `json:"mail,omitempty"`
	File  *File  `json:"file,omitempty"`
	Cell  *Cell  `json:"cell,omitempty"`
	Fact  *Fact  `json:"fact,omitempty"`
	Note  string `json:"note,omitempty"`
}

// HTTP is one request/response exchange with the target.
type HTTP struct {
	Caller        string  `json:"caller,omitempty"` // who made the call: "consumer (fresh)", "producer A", "anonymous"
	Method        string  `json:"method"`
	Path          string  `json:"path"` // path and query, no host
	Status        int     `json:"status"`
	Millis        float64 `json:"ms"`
	RequestBody   string  `json:"request_body,omitempty"`  // redacted, shortened
	ResponseBody  string  `json:"response_body,omitempty"` // redacted, shortened
	ResponseBytes int     `json:"response_bytes"`
	Error         string  `json:"error,omitempty"` // transport error, if the call never got a status
	// Degraded marks an exchange made while the harness had taken a dependency of the
	// target away (its database): it shows the app under failure, so the contract
	// coverage does not count it as the route's normal answer.
	Degraded bool `json:"degraded,omitempty"`
	// CallerClass is the caller's class in the contract's terms (one of the Class*
	// constants); empty in evidence recorded before classes existed.
	CallerClass string `json:"caller_class,omitempty"`
	// Rows says whose rows the call acted on: RowsOwn, RowsOther, or empty when the
	// spec did not say (a call on no particular row, or an unmarked one).
	Rows string `json:"rows,omitempty"`
}

// The caller classes of the contract (HTTP.CallerClass).
const (
	ClassAnonymous         = "anonymous"
	ClassConsumer          = "consumer"
	ClassProducer          = "producer"
	ClassProducerNoProfile = "producer-no-profile"
	ClassAdmin             = "admin"
)

// Whose rows a call acted on (HTTP.Rows).
const (
	RowsOwn   = "own"
	RowsOther = "other"
)

// GuessClass returns the caller class a caller name suggests ("producer A" → producer,
// "consumer (fresh)" → consumer, "producer without profile" → producer-no-profile), or
// "" when the name says nothing. It lets evidence recorded without a class, and
// clients named the old way, still be counted.
func GuessClass(caller string) string {
	c := strings.ToLower(caller)
	switch {
	case c == "" || strings.Contains(c, "anonymous"):
		return ClassAnonymous
	case strings.Contains(c, "without profile") || strings.Contains(c, "no profile") || strings.Contains(c, "no-profile"):
		return ClassProducerNoProfile
	case strings.Contains(c, "admin"):
		return ClassAdmin
	case strings.Contains(c, "producer"):
		return ClassProducer
	case strings.Contains(c, "consumer") || strings.Contains(c, "buyer"):
		return ClassConsumer
	}
	return ""
}

// Rows is the result of one read-only database probe.
type Rows struct {
	Query   string     `json:"query"` // the SQL with placeholders, never with secrets
	Args    []string   `json:"args,omitempty"`
	Columns []string   `json:"columns"`
	Values  [][]string `json:"values"`
}

// Mail is a message found in the target's mail source.
type Mail struct {
	Source  string  `json:"source"` // "smtp-sink", "mailpit", "laravel-log", "order_notifications"
	To      string  `json:"to"`
	Subject string  `json:"subject,omitempty"`
	OrderID string  `json:"order_id,omitempty"` // the X-Order-Id header, or the row's order_id
	Count   int     `json:"count"`              // how many matching messages the source held
	Millis  float64 `json:"ms"`                 // how long finding it took
}

// File is an artefact written under the output directory (a screenshot, a full body).
type File struct {
	Path      string `json:"path"` // relative to the output directory, slash-separated
	MediaType string `json:"media_type"`
	Bytes     int64  `json:"bytes"`
	SHA256    string `json:"sha256"`
}

// Cell is one cell of an authorization matrix: a caller attempting an action.
type Cell struct {
	Caller   string `json:"caller"`
	Action   string `json:"action"`
	Expected int    `json:"expected"`
	Observed int    `json:"observed"`
	Detail   string `json:"detail,omitempty"` // e.g. "row unchanged", "3 own ids"
}

// OK reports whether the observed status is the expected one.
func (c Cell) OK() bool { return c.Expected == c.Observed }

// Fact is one measured fact about the target (prod facts page).
type Fact struct {
	Name    string  `json:"name"`    // "GET /api/health"
	Status  string  `json:"status"`  // what was observed, e.g. "200", "503", "42 days"
	Millis  float64 `json:"ms"`      // how long the measurement took
	Details string  `json:"details"` // e.g. "database: connected"
	OK      bool    `json:"ok"`
}

// Timing is a named duration (container start-up, browser start).
type Timing struct {
	Name   string  `json:"name"`
	Millis float64 `json:"ms"`
}

// Exclusion says why specs carrying Label were not run on this target.
type Exclusion struct {
	Label  string `json:"label"`
	Reason string `json:"reason"`
}

// RunFacts describes the run: the target, the harness and what the target cannot do.
type RunFacts struct {
	Target      string      `json:"target"` // embedded | containers | live
	App         string      `json:"app"`    // "shop (in-process)", "smokeproof/shop:local", a URL
	Database    string      `json:"database"`
	Mail        string      `json:"mail"`
	Faults      string      `json:"faults,omitempty"` // SHOP_FAULTS of the reference shop, when set
	Harness     string      `json:"harness"`          // "smokeproof 0.1.0 (abc1234)"
	Started     time.Time   `json:"started"`
	Startup     []Timing    `json:"startup,omitempty"`
	Excluded    []Exclusion `json:"excluded,omitempty"`
	LabelFilter string      `json:"label_filter,omitempty"`
}

// Decode decodes a report entry's JSON value into v, with a clear error.
func Decode(raw string, v any) error {
	if err := json.Unmarshal([]byte(raw), v); err != nil {
		return fmt.Errorf("decode evidence %.40q: %w", raw, err)
	}
	return nil
}
