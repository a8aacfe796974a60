// Package proxy is a reverse proxy that judges the GET Service exchanges
// a client makes through it. Every exchange passes to the upstream
// endpoint and back unchanged, streamed; the GET Service ones are copied
// on the way (up to a cap), then checked off the client's path, page
// after page, each walk a client makes (a first page, then the pages its
// tokens, markers or offsets ask for) as one walk of check.Walker: the
// same checks runner check makes on the recording the walk comes to.
package proxy

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
)

// Config is what a Proxy forwards to and how it judges.
type Config struct {
	Contract *contract.Contract
	// Upstream is the endpoint every request goes on to: its scheme and
	// host (and a path prefix, if any).
	Upstream *url.URL
	// Transport sends the requests upstream; nil: NewTransport with
	// live.DefaultLimits.
	Transport http.RoundTripper
	// MaxBody is the most of a GET Service response the proxy copies to
	// judge (default live.DefaultLimits.MaxBody): a longer one passes
	// through whole, unjudged.
	MaxBody int64
	// Record, when set, opens the file a walk's recording goes to, by its
	// name (<vendor>-proxy-walk-N.txtar).
	Record func(name string) (io.WriteCloser, error)
	// Dir, when set, is the directory findings name a recording in
	// (Dir/<name>, slash-separated): runner check, given Dir, names it so.
	Dir string
	// Source is the recordings' source line.
	Source string
	// Event, when set, is told each judgement as it is made, one at a
	// time, in the order the exchanges completed.
	Event func(Event)
}

// Proxy is an http.Handler. Close ends it.
type Proxy struct {
	cfg   Config
	rp    *httputil.ReverseProxy
	queue chan *capture // exchanges to judge, in the order they completed
	done  chan struct{} // closed when the judge has finished the queue

	// Guarded by mu.
	mu     sync.Mutex
	passed int // requests that are not GET Service
	busy   int // GET Service exchanges passed unjudged: every slot taken
	closed bool
	// inflight counts the GET Service exchanges passing: Close waits for
	// them to reach the queue.
	inflight  sync.WaitGroup
	closeOnce sync.Once
	firstWalk chan struct{} // closed when a walk first ends complete
	walkEnded bool

	// slots bound the GET Service exchanges copied at once, passing or
	// queued, each holding up to MaxBody bytes.
	slots chan struct{}

	judge judge // owned by the judging goroutine until done
}

// queueLen bounds the exchanges waiting to be judged: a client that
// outpaces the checks waits for them. maxCopies bounds those copied at
// once, passing or queued: more clients listing at once than that are
// passed through unjudged, so memory stays maxCopies times MaxBody.
const (
	queueLen  = 4
	maxCopies = 8
)

// New returns a proxy to cfg.Upstream.
func New(cfg Config) (*Proxy, error) {
	if cfg.Contract == nil || cfg.Upstream == nil || cfg.Upstream.Host == "" {
		return nil, errors.New("proxy: a contract and an upstream URL with a host are required")
	}
	if cfg.Upstream.Scheme != "http" && cfg.Upstream.Scheme != "https" {
		return nil, fmt.Errorf("proxy: upstream %s: the scheme must be http or https", cfg.Upstream.Redacted())
	}
	if cfg.Transport == nil {
		cfg.Transport = NewTransport(live.DefaultLimits)
	}
	if cfg.MaxBody <= 0 {
		cfg.MaxBody = live.DefaultLimits.MaxBody
	}
	p := &Proxy{cfg: cfg, queue: make(chan *capture, queueLen), done: make(chan struct{}), firstWalk: make(chan struct{}),
		slots: make(chan struct{}, maxCopies)}
	p.judge = judge{cfg: cfg, p: p}
	up := cfg.Upstream
	p.rp = &httputil.ReverseProxy{
		Director: func(r *http.Request) {
			r.URL.Scheme, r.URL.Host = up.Scheme, up.Host
			if up.Path != "" && up.Path != "/" {
				r.URL.Path = strings.TrimSuffix(up.Path, "/") + r.URL.Path
				if r.URL.RawPath != "" {
					r.URL.RawPath = strings.TrimSuffix(up.EscapedPath(), "/") + r.URL.RawPath
				}
			}
			// r.Host stays the Host the client sent and signed for.
			// ReverseProxy would add the client's address.
			r.Header["X-Forwarded-For"] = nil
		},
		Transport:      cfg.Transport,
		ModifyResponse: p.modifyResponse,
		ErrorHandler:   p.upstreamFailed,
	}
	go p.judge.run(p.queue, p.slots, p.done)
	return p, nil
}

// NewTransport is a transport to the upstream bounded as the live client
// is: connect and response-head timeouts, a cap on the head. It asks for
// no compression: bytes pass as the endpoint sent them.
func NewTransport(l live.Limits) *http.Transport {
	d := live.DefaultLimits
	connect, head, maxHead := cmpOr(l.ConnectTimeout, d.ConnectTimeout), cmpOr(l.HeaderTimeout, d.HeaderTimeout), cmpOr(l.MaxHead, d.MaxHead)
	dialer := &net.Dialer{Timeout: connect}
	return &http.Transport{
		DialContext:            dialer.DialContext,
		TLSHandshakeTimeout:    connect,
		ResponseHeaderTimeout:  head,
		MaxResponseHeaderBytes: maxHead,
		MaxIdleConnsPerHost:    16,
		IdleConnTimeout:        90 * time.Second,
		DisableCompression:     true,
		// HTTP/1.1, as the live client speaks: recordings read alike.
	}
}

func cmpOr[T comparable](v, def T) T {
	var zero T
	if v == zero {
		return def
	}
	return v
}

type captureKey struct{}

// ServeHTTP forwards r; a GET Service exchange is copied to be judged.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if !p.isGetService(r) {
		p.mu.Lock()
		p.passed++
		p.mu.Unlock()
		p.rp.ServeHTTP(w, r)
		return
	}
	p.mu.Lock()
	if p.closed {
		p.mu.Unlock()
		p.rp.ServeHTTP(w, r) // closing: passed, not judged
		return
	}
	select {
	case p.slots <- struct{}{}: // the judge frees it
	default:
		p.busy++
		p.mu.Unlock()
		p.rp.ServeHTTP(w, r)
		return
	}
	p.inflight.Add(1)
	p.mu.Unlock()
	defer p.inflight.Done()
	c := &capture{max: p.cfg.MaxBody}
	// As the upstream gets it: a request a client sent in absolute form
	// (the proxy as its HTTP proxy) goes on in origin form, with its Host.
	origin := *r
	origin.RequestURI = ""
	c.request, c.dumpErr = httputil.DumpRequest(&origin, false)
	c.header, c.query = r.Header.Clone(), r.URL.RawQuery
	p.rp.ServeHTTP(w, r.WithContext(context.WithValue(r.Context(), captureKey{}, c)))
	// The client has every byte before the exchange is judged.
	http.NewResponseController(w).Flush()
	p.queue <- c // open until every exchange in flight is queued
}

func (p *Proxy) modifyResponse(resp *http.Response) error {
	c, _ := resp.Request.Context().Value(captureKey{}).(*capture)
	if c == nil {
		return nil
	}
	// Dumped as the live client dumps a response: the head as received,
	// the body after it as read.
	c.head, _ = httputil.DumpResponse(resp, false)
	c.status, c.contentLength = resp.StatusCode, resp.ContentLength
	// The transport fills the trailer in once the body has been read,
	// which is before the exchange is judged.
	c.chunked, c.trailer = len(resp.TransferEncoding) > 0 && resp.TransferEncoding[0] == "chunked", resp.Trailer
	if resp.ContentLength > 0 && resp.ContentLength <= c.max {
		c.body.Grow(int(resp.ContentLength))
	}
	resp.Body = &tee{ReadCloser: resp.Body, c: c}
	return nil
}

func (p *Proxy) upstreamFailed(w http.ResponseWriter, r *http.Request, err error) {
	if c, _ := r.Context().Value(captureKey{}).(*capture); c != nil {
		c.err = err
	}
	w.WriteHeader(http.StatusBadGateway)
}

// isGetService says r asks for the bucket listing: a GET on one of the
// contract's service paths, to a host that does not name a bucket.
func (p *Proxy) isGetService(r *http.Request) bool {
	if r.Method != http.MethodGet {
		return false
	}
	path := r.URL.Path
	if path == "" {
		path = "/"
	}
	if !slices.Contains(p.cfg.Contract.Profile.Paths, path) {
		return false
	}
	return !bucketHost(r.Host, p.cfg.Upstream.Hostname())
}

// bucketHost says host is a virtual-hosted bucket's: a name under the
// upstream's host ("photos.s3.example.com" under "s3.example.com"), or a
// name under localhost, as clients address buckets on a proxy on
// loopback ("photos.localhost:8080").
func bucketHost(host, upstream string) bool {
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	host = strings.ToLower(strings.TrimSuffix(host, "."))
	if net.ParseIP(host) != nil {
		return false
	}
	for _, parent := range []string{strings.ToLower(upstream), "localhost"} {
		if parent != "" && net.ParseIP(parent) == nil && strings.HasSuffix(host, "."+parent) {
			return true
		}
	}
	return false
}

// Stats counts what passed through.
type Stats struct {
	Judged   int // GET Service exchanges checked
	Unjudged int // GET Service exchanges that could not be (no whole response, too large, too many at once)
	Passed   int // other requests, forwarded and not judged
	Walks    int // walks with at least one exchange checked
}

// FirstWalk is closed when a walk first ends complete: its last page, or
// an error answer.
func (p *Proxy) FirstWalk() <-chan struct{} { return p.firstWalk }

// endedWalk closes FirstWalk, once.
func (p *Proxy) endedWalk() {
	p.mu.Lock()
	defer p.mu.Unlock()
	if !p.walkEnded {
		p.walkEnded = true
		close(p.firstWalk)
	}
}

// Close stops judging: exchanges that start afterwards pass unjudged.
// It waits for those passing and queued, ends the walks still open and returns
// every walk, in the order each started, with the counts.
func (p *Proxy) Close() ([]*Walk, Stats) {
	p.mu.Lock()
	p.closed = true
	p.mu.Unlock()
	p.closeOnce.Do(func() {
		p.inflight.Wait()
		close(p.queue)
	})
	<-p.done
	walks := p.judge.finish()
	p.mu.Lock()
	defer p.mu.Unlock()
	s := Stats{Passed: p.passed, Unjudged: p.judge.unjudged + p.busy}
	for _, w := range walks {
		s.Judged += w.Exchanges
		if w.Exchanges > 0 {
			s.Walks++
		}
	}
	return walks, s
}

// Err is the first error writing a recording, or nil.
func (p *Proxy) Err() error { return p.judge.recordErr() }
