package target

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"time"
)

// HandoffEnv is the environment variable through which `smokeproof run` hands the
// target it opened to every suite process: the URL of a loopback server holding the
// target's endpoints and, when the target has one, its database switch. A suite
// that finds it attaches instead of opening a target of its own, so a run starts its
// containers (or the embedded shop) once, not once per suite. The URL carries a random
// token; what it serves (accounts, DSN) stays in memory and never reaches a file.
const HandoffEnv = "SMOKE_HANDOFF"

// Handoff serves an opened target to the suite processes of one run.
type Handoff struct {
	// URL is the value of HandoffEnv for the suite processes.
	URL string
	srv *http.Server
}

// ServeHandoff serves o on a fresh loopback port until Close.
func ServeHandoff(o *Opened) (*Handoff, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("serve the target to the suites: %w", err)
	}
	token := make([]byte, 16)
	_, _ = rand.Read(token)
	prefix := "/" + hex.EncodeToString(token)
	body := o.Marshal()
	mux := http.NewServeMux()
	mux.HandleFunc("GET "+prefix+"/endpoints", func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Write(body)
	})
	database := func(f func(Database, context.Context) error) http.HandlerFunc {
		return func(w http.ResponseWriter, r *http.Request) {
			if o.Database == nil {
				http.Error(w, "this target's database cannot be taken away", http.StatusNotImplemented)
				return
			}
			if err := f(o.Database, r.Context()); err != nil {
				http.Error(w, err.Error(), http.StatusBadGateway)
				return
			}
			w.WriteHeader(http.StatusNoContent)
		}
	}
	mux.Handle("POST "+prefix+"/database/stop", database(Database.Stop))
	mux.Handle("POST "+prefix+"/database/start", database(Database.Start))
	h := &Handoff{URL: "http://" + ln.Addr().String() + prefix, srv: &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second}}
	go h.srv.Serve(ln)
	return h, nil
}

// Close stops serving.
func (h *Handoff) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	return h.srv.Shutdown(ctx)
}

// FetchHandoff reads the target served at url (the value of HandoffEnv). The Database
// it returns takes the target's database away through the server; it is nil when the
// target cannot.
func FetchHandoff(ctx context.Context, url string) (Endpoints, Database, error) {
	hc := &http.Client{Timeout: 10 * time.Second}
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, strings.TrimSuffix(url, "/")+"/endpoints", nil)
	if err != nil {
		return Endpoints{}, nil, fmt.Errorf("%s=%q is not a URL: it is set by smokeproof run; unset it to open the target here: %w", HandoffEnv, url, err)
	}
	resp, err := hc.Do(req)
	if err != nil {
		return Endpoints{}, nil, fmt.Errorf("the target handed over by smokeproof run (%s) does not answer; unset %s to open the target here: %w", HandoffEnv, HandoffEnv, err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return Endpoints{}, nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return Endpoints{}, nil, fmt.Errorf("the target handed over by smokeproof run (%s) answered %s", HandoffEnv, resp.Status)
	}
	e, err := UnmarshalEndpoints(b)
	if err != nil {
		return e, nil, err
	}
	var db Database
	if e.Caps.StopDB {
		db = remoteDatabase{url: strings.TrimSuffix(url, "/") + "/database/", hc: &http.Client{Timeout: 2 * time.Minute}}
	}
	return e, db, nil
}

// remoteDatabase is a Database behind a handoff server.
type remoteDatabase struct {
	url string
	hc  *http.Client
}

func (d remoteDatabase) Stop(ctx context.Context) error  { return d.post(ctx, "stop") }
func (d remoteDatabase) Start(ctx context.Context) error { return d.post(ctx, "start") }

func (d remoteDatabase) post(ctx context.Context, what string) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, d.url+what, nil)
	if err != nil {
		return err
	}
	resp, err := d.hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusNoContent {
		msg, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return errors.New(strings.TrimSpace(string(msg)))
	}
	return nil
}
