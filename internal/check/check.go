// Package check holds every check the suite makes on recorded exchanges.
// Each check is generic: what it expects comes from the vendor's contract
// (schemas/<vendor>/), never from Go code that knows a vendor.
package check

import (
	"fmt"
	"runtime"
	"sort"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
)

// Recording checks every exchange of a recording in order, including what
// only a walk over several pages shows, and returns the findings sorted by
// exchange and place. Its exchanges form one walk.
func Recording(rec *exchange.Recording, c *contract.Contract) []finding.Finding {
	return NewWalker(c).Check(rec)
}

// Walker checks a long walk a few pages at a time: what it keeps between
// calls is what the checks across pages need, the set of names seen (for
// uniqueness), the last name (for order) and the marker, token or offset
// the next request must send, so memory grows with the names, never with
// the bodies.
type Walker struct {
	c    *contract.Contract
	walk *walk
}

// NewWalker starts a walk.
func NewWalker(c *contract.Contract) *Walker { return &Walker{c: c, walk: newWalk()} }

// Check checks the exchanges of rec as the next pages of the walk.
func (w *Walker) Check(rec *exchange.Recording) []finding.Finding {
	w.walk.scope = rec.Meta["scope"]
	r := &run{rec: rec, c: w.c, walk: w.walk}
	for i := range rec.Problems {
		r.findings = append(r.limit.note(r.findings, &rec.Problems[i]), rec.Problems[i])
	}
	for _, ex := range rec.Exchanges {
		r.exchange(ex)
	}
	return r.limit.finish(r.findings)
}

// Sort orders findings by file, exchange, position, then check id.
func Sort(fs []finding.Finding) {
	sort.SliceStable(fs, func(i, j int) bool {
		a, b := fs[i], fs[j]
		if a.File != b.File {
			return a.File < b.File
		}
		if a.Exchange != b.Exchange {
			return a.Exchange < b.Exchange
		}
		if a.Line != b.Line {
			return a.Line < b.Line
		}
		if a.Col != b.Col {
			return a.Col < b.Col
		}
		return a.Check < b.Check
	})
}

// run is the state of checking one recording.
type run struct {
	rec      *exchange.Recording
	c        *contract.Contract
	walk     *walk
	findings []finding.Finding
	limit    limiter
}

// exchangeRun is the state of checking one exchange.
type exchangeRun struct {
	*run
	ex   *exchange.Exchange
	body *body // the response body, decoded; nil without a response
}

func (r *run) exchange(ex *exchange.Exchange) {
	e := &exchangeRun{run: r, ex: ex}
	if ex.Request != nil {
		e.requestLint(ex.Request)
	}
	if ex.Response == nil {
		return
	}
	if ex.Response.Kind == exchange.Response {
		e.responseHeaders(ex.Response)
	}
	if !e.judgeable(ex.Response) {
		return
	}
	e.body = decode(r.c, ex.Response)
	probe()
	defer func() {
		probe()
		runtime.KeepAlive(e)
	}()
	for _, p := range e.body.syntax {
		e.add(p.check, p.off, "%s", p.msg)
	}
	if ex.Response.Status == 0 {
		return // without a status, success and error bodies cannot be told apart
	}
	e.schema()
	e.assertions()
	e.auth()
	if e.success() {
		e.semantics()
	}
}

// probe is called where an exchange's check holds the most: after the
// body is read, after each call of the full validator (its error tree in
// hand) and at the end. The memory test measures the heap there.
var probe = func() {}

// success reports whether the response is a 2xx (a bare body counts as one).
func (e *exchangeRun) success() bool {
	return e.ex.Response.Status >= 200 && e.ex.Response.Status < 300
}

// add records a finding of check at byte offset off in the recording
// (-1: no position).
func (e *exchangeRun) add(check string, off int, format string, args ...any) *finding.Finding {
	f := e.rec.At(check, e.ex.Index, off, fmt.Sprintf(format, args...))
	// Pruned before f joins, so that the caller may still set its fields
	// (severity, place) through the pointer returned.
	e.findings = append(e.limit.note(e.findings, &f), f)
	return &e.findings[len(e.findings)-1]
}
