package embedded

import (
	"context"
	"errors"
	"io"
	"net"
	"sync"
)

// outage is a TCP relay between the shop and its database that the harness can cut:
// while it is down, every connection through it is closed and new ones are closed as
// soon as they are accepted, so the shop sees its database gone exactly as it would see
// a crashed server. The harness's own probe connects to the database directly.
type outage struct {
	backend string
	ln      net.Listener

	mu    sync.Mutex
	down  bool
	conns map[net.Conn]struct{}
	wg    sync.WaitGroup
}

func newOutage(backend string) (*outage, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	o := &outage{backend: backend, ln: ln, conns: map[net.Conn]struct{}{}}
	o.wg.Add(1)
	go o.accept()
	return o, nil
}

// Addr is the address the shop connects to.
func (o *outage) Addr() string { return o.ln.Addr().String() }

func (o *outage) accept() {
	defer o.wg.Done()
	for {
		c, err := o.ln.Accept()
		if err != nil {
			return
		}
		o.mu.Lock()
		if o.down {
			o.mu.Unlock()
			c.Close()
			continue
		}
		o.conns[c] = struct{}{}
		o.mu.Unlock()
		go o.relay(c)
	}
}

func (o *outage) relay(c net.Conn) {
	defer o.forget(c)
	b, err := net.Dial("tcp", o.backend)
	if err != nil {
		return
	}
	o.mu.Lock()
	o.conns[b] = struct{}{}
	o.mu.Unlock()
	defer o.forget(b)
	done := make(chan struct{}, 2)
	go func() { _, _ = io.Copy(b, c); done <- struct{}{} }()
	go func() { _, _ = io.Copy(c, b); done <- struct{}{} }()
	<-done
}

func (o *outage) forget(c net.Conn) {
	c.Close()
	o.mu.Lock()
	delete(o.conns, c)
	o.mu.Unlock()
}

// Stop takes the database away from the shop.
func (o *outage) Stop(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.down = true
	for c := range o.conns {
		c.Close()
	}
	return nil
}

// Start gives the database back.
func (o *outage) Start(context.Context) error {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.down = false
	return nil
}

// Close stops the relay for good.
func (o *outage) Close() error {
	err := o.ln.Close()
	_ = o.Stop(context.Background())
	o.wg.Wait()
	if errors.Is(err, net.ErrClosed) {
		return nil
	}
	return err
}
