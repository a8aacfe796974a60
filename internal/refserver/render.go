package refserver

import (
	"bytes"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"fmt"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"text/template"

	"github.com/getservice-conformance/gsc/internal/signer"
)

// listingBody is what listing.tmpl renders.
type listingBody struct {
	Owner   Owner
	Buckets []bucketEntry

	Prefix      string // the prefix sent, PrefixSent says whether one was
	PrefixSent  bool
	Marker      string // the marker sent
	MarkerSent  bool
	MaxKeys     int // the page size in force; 0 when unbounded
	MaxKeysSent bool

	IsTruncated bool
	// NextMarker (marker vendors) or ContinuationToken (token vendors)
	// leads to the next page; both are empty on the last page.
	NextMarker        string
	ContinuationToken string
	Offset            int // the offset sent
	Count             int // buckets the request selects over all pages
}

// bucketEntry is one bucket as listed: the date already formatted.
type bucketEntry struct {
	Name, Region, Created string
	Group                 string // resource group id; "" where the profile has none
}

// errorBody is what error.tmpl renders.
type errorBody struct {
	Code, Message string
	Resource      string // the request path
	Host          string // the Host the request was sent to
	RequestID     string
	ExtraID       string // the value of the first extra id header (HostId, TraceId)
	Skew          *skew  // set on a clock-skew rejection
}

// skew is what an S3-style RequestTimeTooSkewed body adds.
type skew struct {
	RequestTime, ServerTime string
	MaxMillis               int64
}

// apiError is an answer other than success: an error kind (a key of
// reference.errors, or an auth failure) and a message for people.
type apiError struct {
	kind    string
	message string
	skew    *skew
}

func failf(kind, format string, args ...any) *apiError {
	return &apiError{kind: kind, message: fmt.Sprintf(format, args...)}
}

// answer is the status and code of an error kind.
func (s *Server) answer(kind string) (int, string) {
	for _, f := range authFailures {
		if kind == string(f) {
			status, code := rejection(s.prof, f)
			return s.faults.answer(s.prof, f, status, code)
		}
	}
	if f := signer.Failure(kind); slices.Contains(signer.Finer(), f) {
		return rejection(s.prof, f)
	}
	a := s.ref.Errors[kind]
	return a.Status, a.Code
}

// fail writes an error answer rendered by error.tmpl.
func (s *Server) fail(x *request, e *apiError) {
	status, code := s.answer(e.kind)
	id := x.id
	if s.faults[ErrorBodyNoID] {
		id = ""
	}
	s.send(x, status, s.errorT, &errorBody{
		Code:      code,
		Message:   e.message,
		Resource:  x.r.URL.Path,
		Host:      x.r.Host,
		RequestID: id,
		ExtraID:   extraID(x.id),
		Skew:      e.skew,
	})
}

// bufs recycles render buffers; a page of 1,000 buckets is some 200 KB.
var bufs = sync.Pool{New: func() any { return new(bytes.Buffer) }}

// maxPooled keeps one huge listing from pinning its buffer for good.
const maxPooled = 4 << 20

// send renders a body and writes it with an exact Content-Length.
func (s *Server) send(x *request, status int, t *template.Template, data any) {
	buf := bufs.Get().(*bytes.Buffer)
	buf.Reset()
	defer func() {
		if buf.Cap() <= maxPooled {
			bufs.Put(buf)
		}
	}()
	h := s.headers(x)
	if err := t.Execute(buf, data); err != nil {
		// A template defect, not the client's: say so plainly.
		msg := fmt.Sprintf("refserver: rendering %s: %v\n", t.Name(), err)
		h.Set("Content-Type", "text/plain; charset=utf-8")
		h.Set("Content-Length", strconv.Itoa(len(msg)))
		x.w.WriteHeader(http.StatusInternalServerError)
		x.w.Write([]byte(msg))
		return
	}
	body := s.corrupt(t == s.listing, status, buf.Bytes())
	h.Set("Content-Type", s.contentType())
	h.Set("Content-Length", strconv.Itoa(len(body)))
	x.w.WriteHeader(status)
	x.w.Write(body)
}

// empty writes a bodiless success (set-up calls).
func (s *Server) empty(x *request, status int) {
	h := s.headers(x)
	if status != http.StatusNoContent {
		h.Set("Content-Length", "0")
	}
	x.w.WriteHeader(status)
}

// headers sets what every response carries: Date and the request ids.
func (s *Server) headers(x *request) http.Header {
	h := x.w.Header()
	h.Set("Date", x.now.Format(http.TimeFormat))
	if !s.faults[MissingRequestID] {
		h.Set(s.prof.RequestIDHeader, x.id)
	}
	if len(s.ref.ExtraIDHeaders) > 0 {
		extra := extraID(x.id)
		for _, name := range s.ref.ExtraIDHeaders {
			h.Set(name, extra)
		}
	}
	return h
}

// idSource makes request ids: 32 hex digits, a random half per server and
// a counter, unique without a random read per request.
type idSource struct {
	prefix string
	n      atomic.Uint64
}

func newIDSource() *idSource {
	var b [8]byte
	rand.Read(b[:]) // never fails (crypto/rand, Go 1.24+)
	return &idSource{prefix: hex.EncodeToString(b[:])}
}

func (g *idSource) next() string {
	return g.prefix + fmt.Sprintf("%016x", g.n.Add(1))
}

// extraID derives the second id (x-amz-id-2 and kin) from the request id,
// so that both headers and the body name the same request.
func extraID(id string) string {
	sum := sha256.Sum256([]byte(id))
	return base64.StdEncoding.EncodeToString(sum[:])
}
