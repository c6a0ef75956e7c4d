package mailbox

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	"strings"
	"sync"
	"time"

	"github.com/emersion/go-smtp"
)

// Sink is an in-memory SMTP server that keeps every message it receives. It offers no
// authentication and no STARTTLS, which is what a shop configured with a plain SMTP
// host and port expects from a test mail server. A Sink is a [Source] named "smtp-sink".
type Sink struct {
	srv  *smtp.Server
	ln   net.Listener
	done chan struct{}

	mu   sync.Mutex
	msgs []sinkMessage
}

type sinkMessage struct {
	msg  Message
	rcpt []string // envelope recipients
}

// StartSink starts an SMTP sink listening on addr ("127.0.0.1:0", a free loopback
// port, when addr is ""). ctx bounds only the start; stop the sink with Close. It
// returns an error when addr cannot be listened on.
func StartSink(ctx context.Context, addr string) (*Sink, error) {
	if addr == "" {
		addr = "127.0.0.1:0"
	}
	var lc net.ListenConfig
	ln, err := lc.Listen(ctx, "tcp", addr)
	if err != nil {
		return nil, fmt.Errorf("start SMTP sink on %s: %w", addr, err)
	}
	s := &Sink{ln: ln, done: make(chan struct{})}
	srv := smtp.NewServer(smtp.BackendFunc(func(*smtp.Conn) (smtp.Session, error) {
		return &sinkSession{sink: s}, nil
	}))
	srv.Domain = "localhost"
	srv.ReadTimeout = 30 * time.Second
	srv.WriteTimeout = 30 * time.Second
	srv.MaxMessageBytes = 10 << 20
	srv.MaxRecipients = 100
	srv.ErrorLog = log.New(io.Discard, "", 0)
	s.srv = srv
	go func() {
		defer close(s.done)
		_ = srv.Serve(ln)
	}()
	return s, nil
}

// Addr returns the host:port the sink listens on.
func (s *Sink) Addr() string { return s.ln.Addr().String() }

// Host returns the IP address the sink listens on.
func (s *Sink) Host() string {
	if a, ok := s.ln.Addr().(*net.TCPAddr); ok {
		return a.IP.String()
	}
	h, _, _ := net.SplitHostPort(s.Addr())
	return h
}

// Port returns the TCP port the sink listens on.
func (s *Sink) Port() int {
	if a, ok := s.ln.Addr().(*net.TCPAddr); ok {
		return a.Port
	}
	return 0
}

// Close stops the sink and drops its connections. It returns an error only when the
// listener fails to close; closing twice returns nil.
func (s *Sink) Close() error {
	err := s.srv.Close()
	// Serve may not have registered the listener yet; closing it here too makes
	// sure Serve returns.
	_ = s.ln.Close()
	<-s.done
	if errors.Is(err, smtp.ErrServerClosed) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("close SMTP sink %s: %w", s.Addr(), err)
	}
	return nil
}

// Reset forgets every message received so far.
func (s *Sink) Reset() {
	s.mu.Lock()
	s.msgs = nil
	s.mu.Unlock()
}

// Name returns "smtp-sink".
func (s *Sink) Name() string { return SourceSink }

// Messages returns the received messages matching q, oldest first. q.To also matches
// an envelope recipient (RCPT TO). It never returns an error unless ctx is done.
func (s *Sink) Messages(ctx context.Context, q Query) ([]Message, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Message
	for _, sm := range s.msgs {
		if q.matches(sm.msg, sm.rcpt...) {
			out = append(out, sm.msg)
		}
	}
	return out, nil
}

func (s *Sink) store(m Message, rcpt []string) {
	s.mu.Lock()
	s.msgs = append(s.msgs, sinkMessage{msg: m, rcpt: rcpt})
	s.mu.Unlock()
}

type sinkSession struct {
	sink *Sink
	from string
	rcpt []string
}

func (ss *sinkSession) Reset()        { ss.from, ss.rcpt = "", nil }
func (ss *sinkSession) Logout() error { return nil }

func (ss *sinkSession) Mail(from string, _ *smtp.MailOptions) error {
	ss.from = from
	return nil
}

func (ss *sinkSession) Rcpt(to string, _ *smtp.RcptOptions) error {
	ss.rcpt = append(ss.rcpt, strings.TrimSpace(to))
	return nil
}

func (ss *sinkSession) Data(r io.Reader) error {
	raw, err := io.ReadAll(r)
	if err != nil {
		return fmt.Errorf("read message data: %w", err)
	}
	m, err := parseMessage(SourceSink, raw, time.Now())
	if err != nil && m.Headers == nil {
		// Not even the header parses: keep what the envelope says, so that the
		// message still counts and its problem is visible in Text.
		m = Message{Source: SourceSink, To: strings.Join(ss.rcpt, ", "), Text: string(raw), Received: time.Now()}
	}
	if m.From == "" {
		m.From = ss.from
	}
	ss.sink.store(m, append([]string(nil), ss.rcpt...))
	return nil
}
