package proxy

import (
	"bytes"
	"fmt"
	"io"
	"net/url"
	"path"
	"path/filepath"
	"strconv"
	"sync"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/redact"
)

// Walk is one walk a client made: its first page and the pages its
// continuations asked for, judged as one walk and recorded as one
// recording.
type Walk struct {
	N    int
	File string // the recording's name, which findings name (under Config.Dir)
	// Exchanges counts the exchanges judged.
	Exchanges int
	Findings  []finding.Finding
	// Unjudged says why exchanges of the walk could not be judged.
	Unjudged []string
	// Complete says the walk reached its last page or an error answer.
	Complete bool
}

// Event is one judgement, told as it is made.
type Event struct {
	Walk     *Walk // nil for an exchange that belongs to no walk
	Exchange int   // of the walk; 0 with Note alone
	Findings []finding.Finding
	// Note says why an exchange could not be judged.
	Note string
	// Ended says the walk just ended complete.
	Ended bool
}

// maxOpen bounds the walks waiting for their next page: a client that
// starts walks and abandons them does not grow the proxy's memory. The
// oldest is ended, incomplete, to make room.
const maxOpen = 64

// judge checks captured exchanges, one at a time, in its own goroutine.
type judge struct {
	cfg      Config
	p        *Proxy
	walks    []*Walk
	open     []*openWalk
	unjudged int

	mu  sync.Mutex
	err error // the first recording that could not be written
}

// openWalk is a walk that expects its next page.
type openWalk struct {
	*Walk
	walker *check.Walker
	meta   map[string]string
	lines  int    // lines of the recording so far
	next   string // the continuation its next page's request sends
	// lastLimit is the page size the latest request asked for, if any.
	lastLimit string
	out       io.WriteCloser
}

func (j *judge) run(queue <-chan *capture, slots <-chan struct{}, done chan<- struct{}) {
	defer close(done)
	for c := range queue {
		j.exchange(c)
		<-slots // c's copy is done with
	}
}

func (j *judge) event(e Event) {
	if j.cfg.Event != nil {
		j.cfg.Event(e)
	}
}

func (j *judge) exchange(c *capture) {
	q, _ := url.ParseQuery(c.query)
	param, value := j.continuation(q)
	if !c.whole() {
		j.unjudged++
		e := Event{Note: c.why()}
		if w := j.find(param, value); w != nil {
			w.Unjudged = append(w.Unjudged, e.Note)
			e.Walk = w.Walk
			j.end(w, false) // its next page cannot be told
		}
		j.event(e)
		return
	}
	// Masked with what the request carries: a body may echo its
	// signature or token.
	var s redact.Secrets
	for name, vs := range c.header {
		for _, v := range vs {
			s.AddHeader(name, v)
		}
	}
	s.AddQuery(c.query)
	req := s.Mask(redact.Message(c.request))
	// The head says chunked when the endpoint sent it so: the body is
	// framed to agree, as the live client records it.
	body := s.Mask(c.body.Bytes())
	if c.chunked {
		body = exchange.Chunked(body, c.trailer, s.MaskString, false)
	}
	resp := append(s.Mask(redact.Message(c.head)), body...)

	w := j.find(param, value)
	if w == nil {
		w = j.start()
	}
	i := w.Exchanges + 1
	if name := j.cfg.Contract.Profile.Params.PageSize.Name; name != "" {
		w.lastLimit = q.Get(name)
	}
	src, err := exchange.FormatParts([]exchange.Part{
		{Name: fmt.Sprintf("%d/request", i), Data: req},
		{Name: fmt.Sprintf("%d/response", i), Data: resp}})
	if err != nil {
		j.unjudged++
		note := fmt.Sprintf("exchange %d: %v: not judged", i, err)
		w.Unjudged = append(w.Unjudged, note)
		j.end(w, false)
		j.event(Event{Walk: w.Walk, Note: note})
		return
	}
	j.write(w, src)
	fs := w.walker.Check(exchange.ParseParts(w.File, w.meta, src, w.lines, i))
	w.lines += bytes.Count(src, []byte{'\n'})
	w.Exchanges = i
	w.Findings = append(w.Findings, fs...)
	more := c.status/100 == 2 && j.follow(w, param, value)
	j.event(Event{Walk: w.Walk, Exchange: i, Findings: fs, Ended: !more})
	if !more {
		j.end(w, true)
	}
}

// continuation is the marker, token or offset a request sends, by the
// contract's names: "" when it sends none, a first page.
func (j *judge) continuation(q url.Values) (param, value string) {
	p := j.cfg.Contract.Profile.Params
	for _, name := range []string{p.Token, p.Marker, p.Offset} {
		if name != "" && q.Has(name) {
			return name, q.Get(name)
		}
	}
	return "", ""
}

// find returns the open walk whose next page a request with this
// continuation is, or nil: a first page, or one no walk asked for, starts
// a walk of its own.
func (j *judge) find(param, value string) *openWalk {
	if param == "" {
		return nil
	}
	for _, w := range j.open {
		if w.next == value {
			return w
		}
	}
	return nil
}

// follow sets what w's next page sends, from the page just checked, and
// says whether one is due.
func (j *judge) follow(w *openWalk, param, sent string) bool {
	p := j.cfg.Contract.Profile.Params
	pg := w.walker.Page()
	if p.Offset != "" && (param == p.Offset || param == "") {
		// Offsets run on until a page comes back short of its size.
		start, _ := strconv.Atoi(sent)
		size := p.PageSize.Default
		if n, err := strconv.Atoi(w.lastLimit); err == nil && n > 0 {
			size = n
		}
		w.next = strconv.Itoa(start + len(pg.Names))
		return len(pg.Names) > 0 && size > 0 && len(pg.Names) >= size
	}
	w.next = pg.Next
	return pg.Next != "" && pg.Truncated != "false"
}

// start opens walk N+1.
func (j *judge) start() *openWalk {
	if len(j.open) >= maxOpen {
		j.end(j.open[0], false)
	}
	n := len(j.walks) + 1
	name := fmt.Sprintf("%s-proxy-walk-%d.txtar", j.cfg.Contract.Profile.Vendor, n)
	file := name
	if j.cfg.Dir != "" {
		file = path.Join(filepath.ToSlash(j.cfg.Dir), name)
	}
	w := &openWalk{
		Walk:   &Walk{N: n, File: file},
		walker: check.NewWalker(j.cfg.Contract),
		meta:   map[string]string{},
	}
	j.walks = append(j.walks, w.Walk)
	j.open = append(j.open, w)
	head, err := exchange.FormatHeader([][2]string{
		{"vendor", j.cfg.Contract.Profile.Vendor},
		{"title", fmt.Sprintf("GET Service walk %d, as a client made it through runner proxy", n)},
		{"source", j.cfg.Source},
	})
	if err != nil {
		j.fail(fmt.Errorf("%s: %w", w.File, err))
		return w
	}
	w.lines = bytes.Count(head, []byte{'\n'})
	if j.cfg.Record != nil {
		out, err := j.cfg.Record(name)
		if err != nil {
			j.fail(fmt.Errorf("recording %s: %w", w.File, err))
			return w
		}
		w.out = out
		j.write(w, head)
	}
	return w
}

// write appends to w's recording, if it is recorded.
func (j *judge) write(w *openWalk, b []byte) {
	if w.out == nil {
		return
	}
	if _, err := w.out.Write(b); err != nil {
		j.fail(fmt.Errorf("recording %s: %w", w.File, err))
		w.out.Close()
		w.out = nil
	}
}

// end closes w: complete when it reached its last page or an error.
func (j *judge) end(w *openWalk, complete bool) {
	for i, o := range j.open {
		if o == w {
			j.open = append(j.open[:i], j.open[i+1:]...)
			break
		}
	}
	w.Complete = complete
	if w.out != nil {
		if err := w.out.Close(); err != nil {
			j.fail(fmt.Errorf("recording %s: %w", w.File, err))
		}
		w.out = nil
	}
	if complete && w.Exchanges > 0 {
		j.p.endedWalk()
	}
}

// finish ends the walks still open, incomplete, and returns them all.
func (j *judge) finish() []*Walk {
	for len(j.open) > 0 {
		j.end(j.open[0], false)
	}
	return j.walks
}

func (j *judge) fail(err error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	if j.err == nil {
		j.err = err
	}
}

func (j *judge) recordErr() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.err
}
