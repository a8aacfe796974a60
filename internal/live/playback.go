package live

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httputil"
	"net/url"
	"sync"

	"github.com/getservice-conformance/gsc/internal/signer"
)

// NewPlayback returns a client that sends nothing: it answers every
// request from the tape, as the live run was answered. A request is
// matched by its method, host, path, query (in any order) and how it was
// signed (the tamper: signatures and dates differ from run to run), and
// takes the next attempt the tape holds for that key, in the order they
// were sent. The limits must be the live run's: they decide what was
// retried and where a body was cut. A request the tape cannot answer ends as a transport error
// of kind Unrecorded that names it: never a guess.
func NewPlayback(tp *Tape, l Limits) *Client {
	return playbackClient(newPlayback(keptTape(tp.Entries())), l)
}

// NewPlaybackFile is NewPlayback for a tape read where it lies: each
// answer is read from the file when it is asked for.
func NewPlaybackFile(tf *TapeFile, l Limits) (*Client, error) {
	p, err := newPlaybackErr(tf)
	if err != nil {
		return nil, err
	}
	return playbackClient(p, l), nil
}

func playbackClient(p *playback, l Limits) *Client {
	c := NewClient(l, nil)
	c.http.Transport = p
	c.noWait = true // the waits were waited live
	return c
}

// tapeSource is where a playback finds the attempts: in memory or in a
// tape file.
type tapeSource interface {
	Len() int
	// request returns attempt i's request and tamper, entry all of it.
	request(i int) ([]byte, Tamper, error)
	entry(i int) (TapeEntry, error)
}

// keptTape is a tape's attempts in memory.
type keptTape []TapeEntry

func (k keptTape) Len() int                              { return len(k) }
func (k keptTape) request(i int) ([]byte, Tamper, error) { return k[i].Request, k[i].Tamper, nil }
func (k keptTape) entry(i int) (TapeEntry, error)        { return k[i], nil }

// playback is the RoundTripper of NewPlayback: the attempts of each key,
// by their place on the tape.
type playback struct {
	src      tapeSource
	mu       sync.Mutex
	queues   map[string][]int
	recorded map[string]int // how many attempts the tape holds per key
}

func newPlayback(src tapeSource) *playback {
	p, _ := newPlaybackErr(src) // a kept tape reads without failing
	return p
}

func newPlaybackErr(src tapeSource) (*playback, error) {
	p := &playback{src: src, queues: map[string][]int{}, recorded: map[string]int{}}
	for i := 0; i < src.Len(); i++ {
		raw, tm, err := src.request(i)
		if err != nil {
			return nil, err
		}
		req, err := http.ReadRequest(bufio.NewReader(bytes.NewReader(raw)))
		if err != nil {
			continue // never matched; a request that needs it says so
		}
		k := playbackKey(req.Method, req.Host, req.URL, tm)
		p.queues[k] = append(p.queues[k], i)
		p.recorded[k]++
	}
	return p, nil
}

// playbackKey is what a request is matched by: the request without what
// signing puts into a query (a presigned URL's credential, date and
// signature differ every run, and a tape keeps signatures masked); the
// tamper tells those requests apart.
func playbackKey(method, host string, u *url.URL, tm Tamper) string {
	q, err := url.ParseQuery(u.RawQuery)
	for name := range q {
		if signer.IsQueryParam(name) {
			delete(q, name)
		}
	}
	query := q.Encode() // sorted by name
	if err != nil {
		query = u.RawQuery
	}
	return fmt.Sprintf("%s %s %s?%s tamper=%s", method, host, u.Path, query, tm.Name())
}

func (p *playback) RoundTrip(req *http.Request) (*http.Response, error) {
	if req.Body != nil {
		req.Body.Close()
	}
	host := req.Host
	if host == "" {
		host = req.URL.Host
	}
	k := playbackKey(req.Method, host, req.URL, tamperOf(req.Context()))
	p.mu.Lock()
	queue := p.queues[k]
	i := -1
	if len(queue) > 0 {
		i, p.queues[k] = queue[0], queue[1:]
	}
	n := p.recorded[k]
	p.mu.Unlock()
	if i < 0 {
		why := "the run never sent it"
		if n > 0 {
			why = fmt.Sprintf("the run sent it %d time(s), and this is one more", n)
		}
		return nil, &TransportError{Kind: Unrecorded, Msg: fmt.Sprintf("playback: the recordings hold no answer to %s: %s", k, why)}
	}
	e, err := p.src.entry(i)
	if err != nil {
		return nil, &TransportError{Kind: Protocol, Msg: fmt.Sprintf("playback: reading the tape: %v", err)}
	}
	if e.Response == nil {
		return nil, &TransportError{Kind: e.Kind, Msg: e.Err}
	}
	return e.response(req)
}

// response rebuilds the recorded response: its head as received, its
// body as the client read it (and a byte more where the body was cut, so
// that it is cut again), ending in the recorded failure if there was one.
func (e TapeEntry) response(req *http.Request) (*http.Response, error) {
	head, body, ok := bytes.Cut(e.Response, []byte("\r\n\r\n"))
	if !ok {
		return nil, &TransportError{Kind: Protocol, Msg: "playback: the recorded response has no end of head"}
	}
	resp, err := http.ReadResponse(bufio.NewReader(bytes.NewReader(append(head, "\r\n\r\n"...))), req)
	if err != nil {
		return nil, &TransportError{Kind: Protocol, Msg: fmt.Sprintf("playback: reading the recorded response: %v", err)}
	}
	resp.Body.Close()
	if len(resp.TransferEncoding) > 0 && resp.TransferEncoding[0] == "chunked" {
		// Recorded chunked (exchange.Chunked); the client reads it
		// unchunked. A body cut short ends without its last chunk.
		body, _ = io.ReadAll(httputil.NewChunkedReader(bytes.NewReader(body)))
	}
	if e.Truncated {
		body = append(body[:len(body):len(body)], 0)
	}
	var r io.Reader = bytes.NewReader(body)
	if e.Err != "" {
		r = io.MultiReader(r, failingReader{&TransportError{Kind: e.Kind, Msg: e.Err}})
	}
	resp.Body = io.NopCloser(r)
	return resp, nil
}

type failingReader struct{ err error }

func (f failingReader) Read([]byte) (int, error) { return 0, f.err }
