package live

import (
	"context"
	"crypto/tls"
	"net"
	"net/http/httptrace"
	"sync"
	"time"
)

// attempt follows one request through its phases, to time out a slow
// response head and to say where a failure happened.
type attempt struct {
	headTimeout time.Duration
	cancel      context.CancelCauseFunc

	mu        sync.Mutex
	phase     phase
	conn      *countingConn
	headTimer *time.Timer
	done      bool // the response head arrived, or the request failed
}

func (a *attempt) traced(ctx context.Context) context.Context {
	set := func(p phase) {
		a.mu.Lock()
		a.phase = p
		a.mu.Unlock()
	}
	return httptrace.WithClientTrace(ctx, &httptrace.ClientTrace{
		DNSStart:          func(httptrace.DNSStartInfo) { set(phaseConnect) },
		ConnectStart:      func(string, string) { set(phaseConnect) },
		TLSHandshakeStart: func() { set(phaseHandshake) },
		GotConn: func(info httptrace.GotConnInfo) {
			conn := info.Conn
			if tc, ok := conn.(*tls.Conn); ok {
				conn = tc.NetConn()
			}
			a.mu.Lock()
			defer a.mu.Unlock()
			a.phase = phaseWrite
			if cc, ok := conn.(*countingConn); ok {
				a.conn = cc
				cc.mark()
			}
		},
		WroteRequest: func(httptrace.WroteRequestInfo) {
			a.mu.Lock()
			defer a.mu.Unlock()
			if a.done {
				return
			}
			a.phase = phaseHead
			a.headTimer = time.AfterFunc(a.headTimeout, func() { a.cancel(errHeadTimeout) })
		},
	})
}

// gotHead ends the wait for the response head.
func (a *attempt) gotHead(ok bool) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.done = true
	if a.headTimer != nil {
		a.headTimer.Stop()
	}
	if ok {
		a.phase = phaseBody
	}
}

func (a *attempt) phaseNow() phase {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.phase
}

// received returns the bytes this attempt read from its connection, and
// the first of them.
func (a *attempt) received() (int64, []byte) {
	a.mu.Lock()
	conn := a.conn
	a.mu.Unlock()
	if conn == nil {
		return 0, nil
	}
	return conn.seen()
}

// countingConn counts the bytes read from a connection since the last
// mark, and keeps the first few: what an endpoint that does not speak
// HTTP sent.
type countingConn struct {
	net.Conn

	mu    sync.Mutex
	n     int64
	first []byte
}

const keepFirst = 64

func (c *countingConn) Read(b []byte) (int, error) {
	n, err := c.Conn.Read(b)
	c.mu.Lock()
	c.n += int64(n)
	if room := keepFirst - len(c.first); room > 0 {
		c.first = append(c.first, b[:min(n, room)]...)
	}
	c.mu.Unlock()
	return n, err
}

func (c *countingConn) mark() {
	c.mu.Lock()
	c.n, c.first = 0, nil
	c.mu.Unlock()
}

func (c *countingConn) seen() (int64, []byte) {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.n, append([]byte(nil), c.first...)
}
