// Package live sends GET Service requests (and the few set-up calls a run
// needs) to a real endpoint, carefully: bounded in time and size, retrying
// only what may be retried, never following redirects, and keeping every
// exchange, redacted, for the same checks recorded exchanges get.
package live

import (
	"bytes"
	"context"
	"crypto/tls"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/redact"
)

// Limits bound every request. A zero field takes DefaultLimits' value.
type Limits struct {
	ConnectTimeout time.Duration // TCP and TLS handshake
	HeaderTimeout  time.Duration // from request sent to response head
	Timeout        time.Duration // whole exchange, body included
	Stall          time.Duration // a body read with no byte for this long ends the exchange
	MaxBody        int64         // response body bytes kept; more is a finding
	MaxHead        int64         // response head bytes read; more ends the exchange
	Retries        int           // for 5xx and throttling only
	Backoff        time.Duration // first retry delay, doubled each time
	MaxRetryAfter  time.Duration // a longer Retry-After is not waited for
}

// DefaultLimits suit a storage endpoint on a sane network.
var DefaultLimits = Limits{
	ConnectTimeout: 5 * time.Second,
	HeaderTimeout:  15 * time.Second,
	Timeout:        30 * time.Second,
	Stall:          10 * time.Second,
	MaxBody:        64 << 20,
	MaxHead:        1 << 20,
	Retries:        2,
	Backoff:        200 * time.Millisecond,
	MaxRetryAfter:  10 * time.Second,
}

func (l Limits) withDefaults() Limits {
	d := DefaultLimits
	for _, f := range []struct{ v, def *time.Duration }{
		{&l.ConnectTimeout, &d.ConnectTimeout}, {&l.HeaderTimeout, &d.HeaderTimeout}, {&l.Timeout, &d.Timeout},
		{&l.Stall, &d.Stall}, {&l.Backoff, &d.Backoff}, {&l.MaxRetryAfter, &d.MaxRetryAfter},
	} {
		if *f.v <= 0 {
			*f.v = *f.def
		}
	}
	if l.MaxBody <= 0 {
		l.MaxBody = d.MaxBody
	}
	if l.MaxHead <= 0 {
		l.MaxHead = d.MaxHead
	}
	return l
}

// Exchange is one request and its response as sent and received, with
// secrets masked. Err says what went wrong in transport, if anything.
type Exchange struct {
	Request  []byte // raw request, redacted
	Response []byte // raw response head and body, as far as received
	Status   int
	Body     []byte
	Header   http.Header
	// Truncated says the body was longer than Limits.MaxBody.
	Truncated bool
	// Err is a *TransportError when the exchange ended without a whole
	// response, another error when the request could not be built.
	Err error
	// Retries lists why each earlier attempt was retried, and why a
	// retryable answer was not.
	Retries []string
	// Tamper is how the request's authentication was spoilt (List sets
	// it), so that a repro spoils it the same way.
	Tamper Tamper
}

// Client sends requests within Limits. Once an exchange times out or
// stalls, it gives the endpoint up: every later request fails at once
// (see EvenIfUnusable), so that a trickling endpoint costs one timeout,
// not one per request.
type Client struct {
	limits   Limits
	http     *http.Client
	secrets  redact.Secrets
	requests atomic.Int64

	mu     sync.Mutex
	gaveUp *TransportError

	// Tape, when set, keeps every attempt (runner run --record).
	Tape *Tape
	// noWait skips the waits between retries: a playback's were waited
	// live.
	noWait bool
}

// NewClient returns a client; tlsConfig may be nil.
func NewClient(l Limits, tlsConfig *tls.Config) *Client {
	l = l.withDefaults()
	dialer := &net.Dialer{Timeout: l.ConnectTimeout}
	transport := &http.Transport{
		DialContext: func(ctx context.Context, network, addr string) (net.Conn, error) {
			conn, err := dialer.DialContext(ctx, network, addr)
			if err != nil {
				return nil, err
			}
			return &countingConn{Conn: conn}, nil
		},
		TLSHandshakeTimeout:    l.ConnectTimeout,
		TLSClientConfig:        tlsConfig,
		MaxResponseHeaderBytes: l.MaxHead,
		MaxIdleConnsPerHost:    4,
		DisableCompression:     true, // bodies are checked as sent
	}
	return &Client{limits: l, http: &http.Client{
		Transport: transport,
		// A redirect is a finding, not something to follow with credentials.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Requests returns how many requests the client has sent, retries included.
func (c *Client) Requests() int { return int(c.requests.Load()) }

// Secrets is the set of values masked in every exchange: add the keys and
// tokens requests are signed with. Signatures and tokens a request
// carries are added as it is sent.
func (c *Client) Secrets() *redact.Secrets { return &c.secrets }

// Unusable returns why the client gave the endpoint up, or nil.
func (c *Client) Unusable() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.gaveUp == nil {
		return nil
	}
	return unusable(c.gaveUp)
}

type evenIfUnusable struct{}

// EvenIfUnusable returns a context under which the client sends requests
// even to an endpoint it gave up on: cleanup must still try to delete what
// a run created.
func EvenIfUnusable(ctx context.Context) context.Context {
	return context.WithValue(ctx, evenIfUnusable{}, true)
}

// Do sends the request built by build (called again for each retry, so
// that a fresh signature and date go out) and returns the exchange.
func (c *Client) Do(ctx context.Context, build func() (*http.Request, error)) *Exchange {
	var retries []string
	delay := c.limits.Backoff
	for attempt := 0; ; attempt++ {
		if err := c.Unusable(); err != nil && ctx.Value(evenIfUnusable{}) == nil {
			return &Exchange{Err: err, Retries: retries}
		}
		ex := c.once(ctx, build)
		if c.Tape != nil {
			c.Tape.add(ctx, ex)
		}
		ex.Retries = retries
		why := retryable(ex)
		if why == "" {
			return ex
		}
		wait := delay
		if v := ex.Header.Get("Retry-After"); v != "" {
			d, ok := retryAfter(v, time.Now())
			if ok && d > c.limits.MaxRetryAfter {
				ex.Retries = append(retries[:len(retries):len(retries)], fmt.Sprintf("attempt %d: %s with Retry-After: %s, longer than the %s a run waits: not retried", attempt+1, why, v, c.limits.MaxRetryAfter))
				return ex
			}
			wait = max(wait, d)
		}
		if attempt >= c.limits.Retries {
			return ex
		}
		if c.noWait {
			wait = 0
		}
		retries = append(retries, fmt.Sprintf("attempt %d: %s; retried after %s", attempt+1, why, wait))
		select {
		case <-ctx.Done():
			ex.Err = classify(failure{err: context.Cause(ctx), parent: ctx, attempt: ctx})
			return ex
		case <-time.After(wait):
		}
		delay *= 2
	}
}

// retryable says why an exchange may be tried again: a 5xx or a throttling
// answer. Anything else, transport errors included, is reported as it is.
func retryable(ex *Exchange) string {
	switch {
	case ex.Err != nil:
		return ""
	case ex.Status == http.StatusTooManyRequests || ex.Status >= 500:
		return strconv.Itoa(ex.Status) + " " + http.StatusText(ex.Status)
	}
	return ""
}

// retryAfter reads a Retry-After value: seconds or an HTTP date.
func retryAfter(v string, now time.Time) (time.Duration, bool) {
	if secs, err := strconv.ParseInt(v, 10, 64); err == nil {
		if secs < 0 {
			return 0, false
		}
		return time.Duration(min(secs, int64(24*time.Hour/time.Second))) * time.Second, true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

func (c *Client) once(ctx context.Context, build func() (*http.Request, error)) *Exchange {
	ex := &Exchange{}
	req, err := build()
	if err != nil {
		ex.Err = fmt.Errorf("building the request: %w", err)
		return ex
	}
	req.URL.User = nil // it would go out as Basic auth
	for name, values := range req.Header {
		for _, v := range values {
			c.secrets.AddHeader(name, v)
		}
	}
	c.secrets.AddQuery(req.URL.RawQuery)

	// The attempt's own context ends at the exchange timeout, or earlier
	// when the response head or the body is too slow; its cause says which.
	tctx, stop := context.WithTimeoutCause(ctx, c.limits.Timeout, errExchangeTimeout)
	defer stop()
	actx, cancel := context.WithCancelCause(tctx)
	defer cancel(nil)
	// Dumped before it is traced: the dump's own round trip must not
	// start the attempt's timers.
	if dump, err := httputil.DumpRequestOut(req.WithContext(ctx), true); err == nil {
		ex.Request = c.secrets.Mask(redact.Message(asSent(dump, req)))
	}
	// The dump read the body the copy shares with req: a fresh one is
	// sent, else a new connection gets none (a reused one happened to
	// rewind it).
	if req.GetBody != nil {
		body, err := req.GetBody()
		if err != nil {
			ex.Err = fmt.Errorf("building the request: the body: %w", err)
			return ex
		}
		req.Body = body
	}
	a := &attempt{headTimeout: c.limits.HeaderTimeout, cancel: cancel}
	req = req.WithContext(a.traced(actx))
	fail := func(err error, bodyBytes, bodyLen int64) *TransportError {
		received, first := a.received()
		te := classify(failure{
			err: err, host: canonicalAddr(req), parent: ctx, attempt: actx, phase: a.phaseNow(),
			received: received, first: first, plain: req.URL.Scheme == "http",
			bodyBytes: bodyBytes, bodyLen: bodyLen, limits: c.limits,
		})
		if te.Kind == Timeout || te.Kind == Stalled {
			c.mu.Lock()
			if c.gaveUp == nil {
				c.gaveUp = te
			}
			c.mu.Unlock()
		}
		return te
	}

	c.requests.Add(1)
	resp, err := c.http.Do(req)
	a.gotHead(err == nil)
	if err != nil {
		ex.Err = fail(err, 0, -1)
		return ex
	}
	defer resp.Body.Close()
	ex.Status = resp.StatusCode
	ex.Header = make(http.Header, len(resp.Header))
	for name, values := range resp.Header {
		for _, v := range values {
			ex.Header.Add(name, c.secrets.MaskString(v))
		}
	}
	head, _ := httputil.DumpResponse(resp, false)

	stall := time.AfterFunc(c.limits.Stall, func() { cancel(errStalled) })
	defer stall.Stop()
	body, err := io.ReadAll(io.LimitReader(&progressReader{r: resp.Body, stall: stall, after: c.limits.Stall}, c.limits.MaxBody+1))
	if int64(len(body)) > c.limits.MaxBody {
		body, ex.Truncated = body[:c.limits.MaxBody], true
	}
	if err != nil {
		ex.Err = fail(err, int64(len(body)), resp.ContentLength)
	}
	ex.Body = c.secrets.Mask(body)
	framed := ex.Body
	if len(resp.TransferEncoding) > 0 && resp.TransferEncoding[0] == "chunked" {
		framed = exchange.Chunked(ex.Body, resp.Trailer, c.secrets.MaskString, ex.Truncated || err != nil)
	}
	ex.Response = append(c.secrets.Mask(redact.Message(head)), framed...)
	return ex
}

// asSent removes from a request dump the Accept-Encoding: gzip that
// DumpRequestOut's own transport adds: the client's transport has
// compression off and sends none.
func asSent(dump []byte, req *http.Request) []byte {
	if req.Header.Get("Accept-Encoding") != "" {
		return dump
	}
	head, body, _ := bytes.Cut(dump, []byte("\r\n\r\n"))
	head = bytes.Replace(head, []byte("\r\nAccept-Encoding: gzip"), nil, 1)
	return append(append(head, "\r\n\r\n"...), body...)
}

// canonicalAddr is the host:port a request dials.
func canonicalAddr(req *http.Request) string {
	if port := req.URL.Port(); port != "" {
		return req.URL.Host
	}
	if req.URL.Scheme == "https" {
		return net.JoinHostPort(req.URL.Hostname(), "443")
	}
	return net.JoinHostPort(req.URL.Hostname(), "80")
}

// progressReader restarts the stall timer whenever bytes arrive.
type progressReader struct {
	r     io.Reader
	stall *time.Timer
	after time.Duration
}

func (p *progressReader) Read(b []byte) (int, error) {
	n, err := p.r.Read(b)
	if n > 0 {
		p.stall.Reset(p.after)
	}
	return n, err
}
