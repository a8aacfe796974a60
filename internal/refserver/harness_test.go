package refserver

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/http/httputil"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/jsonlenient"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/internal/xmljson"
	"github.com/getservice-conformance/gsc/internal/xmltree"
	"github.com/getservice-conformance/gsc/schemas"
)

const (
	testKey    = "AKIDEXAMPLE"
	testSecret = "SECRETEXAMPLE"
)

// t0 is the endpoint's clock in every test.
var t0 = time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)

var goodCreds = signer.Credentials{AccessKey: testKey, SecretKey: testSecret}

func loadContract(t testing.TB, vendor string) *contract.Contract {
	t.Helper()
	c, err := contract.Load(schemas.FS, vendor)
	if err != nil {
		t.Fatalf("loading %s: %v", vendor, err)
	}
	return c
}

// endpoint is a reference endpoint on loopback with its contract.
type endpoint struct {
	c   *contract.Contract
	srv *Server
	url string
}

func startEndpoint(t testing.TB, vendor string) *endpoint {
	t.Helper()
	c := loadContract(t, vendor)
	srv := New(c, Options{Keys: map[string]string{testKey: testSecret}, Now: func() time.Time { return t0 }})
	ts := httptest.NewServer(srv) // 127.0.0.1
	t.Cleanup(ts.Close)
	return &endpoint{c: c, srv: srv, url: ts.URL}
}

// call is one request to make.
type call struct {
	method  string // GET when empty
	path    string // "/" when empty
	query   url.Values
	header  http.Header
	host    string // Host header; the endpoint's address when empty
	body    []byte
	dialect string             // "" sends the request unsigned
	creds   signer.Credentials // goodCreds when empty
	at      time.Time          // signing time; t0 when zero
}

// reply is a response with its body decoded by the contract.
type reply struct {
	status int
	header http.Header
	body   []byte
	value  any // the JSON value, or the mapped XML
}

// session sends calls and records them; when the test ends, the project's
// checker judges the whole recording, which must give no finding.
type session struct {
	t         *testing.T
	e         *endpoint
	client    *http.Client
	exchanges [][2][]byte
	setupOK   int // set-up calls answered 2xx: not GET Service, not judged
}

func (e *endpoint) session(t *testing.T) *session {
	s := &session{t: t, e: e, client: &http.Client{Timeout: 30 * time.Second}}
	t.Cleanup(s.judge)
	return s
}

func (s *session) do(c call) reply {
	s.t.Helper()
	return s.doRequest(s.request(c))
}

// doRequest sends a prepared request and records the exchange.
func (s *session) doRequest(req *http.Request) reply {
	s.t.Helper()
	dump := dumpRequest(s.t, req)
	resp, err := s.client.Do(req)
	if err != nil {
		s.t.Fatalf("%s %s: %v", req.Method, req.URL, err)
	}
	defer resp.Body.Close()
	rdump, err := httputil.DumpResponse(resp, true)
	if err != nil {
		s.t.Fatalf("dumping the response: %v", err)
	}
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		s.t.Fatalf("reading the body: %v", err)
	}
	isService := req.Method == http.MethodGet
	if !isService && resp.StatusCode < 300 {
		s.setupOK++
	} else {
		s.exchanges = append(s.exchanges, [2][]byte{dump, rdump})
	}
	r := reply{status: resp.StatusCode, header: resp.Header, body: body}
	if len(body) > 0 {
		r.value = decodeBody(s.e.c, body)
	}
	return r
}

func (s *session) request(c call) *http.Request {
	s.t.Helper()
	method, path := c.method, c.path
	if method == "" {
		method = http.MethodGet
	}
	if path == "" {
		path = "/"
	}
	u := s.e.url + path
	if len(c.query) > 0 {
		u += "?" + c.query.Encode()
	}
	var body io.Reader
	if c.body != nil {
		body = bytes.NewReader(c.body)
	}
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		s.t.Fatal(err)
	}
	for k, vs := range c.header {
		req.Header[k] = vs
	}
	if c.host != "" {
		req.Host = c.host
	}
	if c.dialect != "" {
		creds, at := c.creds, c.at
		if creds == (signer.Credentials{}) {
			creds = goodCreds
		}
		if at.IsZero() {
			at = t0
		}
		if err := signer.Sign(c.dialect, req, creds, signer.Options{Region: s.e.srv.Region()}, at); err != nil {
			s.t.Fatalf("signing: %v", err)
		}
	}
	return req
}

// dumpRequest writes the request as the transport sends it, with the
// signature masked.
func dumpRequest(t *testing.T, req *http.Request) []byte {
	t.Helper()
	c := req.Clone(req.Context())
	if req.GetBody != nil {
		c.Body, _ = req.GetBody()
	}
	if v := c.Header.Get("Authorization"); v != "" {
		c.Header.Set("Authorization", maskSignature(v))
	}
	dump, err := httputil.DumpRequestOut(c, true)
	if err != nil {
		t.Fatalf("dumping the request: %v", err)
	}
	return dump
}

// signatures find the signature in each Authorization form: group 2 is
// masked.
var signatures = []*regexp.Regexp{
	regexp.MustCompile(`(Signature=|q-signature=)([0-9a-f]+)`),
	regexp.MustCompile(`^((?:AWS|OSS|QS) [^:\s]+:)(\S+)$`),
	regexp.MustCompile(`^(bce-auth-v1/.*/)([0-9a-f]+)$`),
}

func maskSignature(v string) string {
	for _, re := range signatures {
		if m := re.FindStringSubmatchIndex(v); m != nil {
			return v[:m[4]] + strings.Repeat("*", m[5]-m[4]) + v[m[5]:]
		}
	}
	return strings.Repeat("*", len(v))
}

// judge runs the project's checker over everything the session recorded.
func (s *session) judge() {
	if len(s.exchanges) == 0 {
		return
	}
	src := recording(s.e.c.Profile.Vendor, s.t.Name(), s.exchanges)
	for _, f := range check.Recording(exchange.Parse(s.t.Name()+".txtar", src), s.e.c) {
		s.t.Errorf("checker: %s %s exchange %d %s: %s", f.Check, f.Severity, f.Exchange, f.Where(), f.Message)
	}
	if s.t.Failed() {
		s.t.Logf("recording:\n%s", src)
	}
}

// recording writes exchanges in the txtar format of fixtures/README.md.
// Every message gets one newline more: that last newline belongs to txtar.
func recording(vendor, title string, exchanges [][2][]byte) []byte {
	var b bytes.Buffer
	fmt.Fprintf(&b, "vendor: %s\ntitle: %s\nsource: internal/refserver tests\n", vendor, title)
	for i, ex := range exchanges {
		fmt.Fprintf(&b, "-- %d/request --\n%s\n-- %d/response --\n%s\n", i+1, ex[0], i+1, ex[1])
	}
	return b.Bytes()
}

// decodeBody decodes a body as the checker does: JSON as it is, XML by the
// contract's mapping.
func decodeBody(c *contract.Contract, body []byte) any {
	if c.Profile.Body == "json" {
		v, _ := jsonlenient.Parse(body)
		return v
	}
	doc, _ := xmltree.Parse(body)
	return xmljson.Map(doc.Root, c.Mapping)
}

// resolve follows a JSON pointer; where it meets an array it goes into
// every element, as the checker does.
func resolve(v any, pointer string) []any {
	items := []any{v}
	if pointer == "" {
		return items
	}
	for _, tok := range strings.Split(pointer, "/")[1:] {
		var next []any
		for _, it := range items {
			next = append(next, step(it, tok)...)
		}
		items = next
	}
	return items
}

// at returns the scalars at a JSON pointer.
func at(v any, pointer string) []string {
	var out []string
	for _, it := range flatten(resolve(v, pointer)) {
		switch x := it.(type) {
		case string:
			out = append(out, x)
		case json.Number:
			out = append(out, x.String())
		case bool:
			out = append(out, strconv.FormatBool(x))
		}
	}
	return out
}

func step(v any, tok string) []any {
	switch x := v.(type) {
	case map[string]any:
		if c, ok := x[tok]; ok {
			return []any{c}
		}
	case []any:
		var out []any
		for _, el := range x {
			out = append(out, step(el, tok)...)
		}
		return out
	}
	return nil
}

func first(v any, pointer string) string {
	if pointer == "" {
		return ""
	}
	if s := at(v, pointer); len(s) > 0 {
		return s[0]
	}
	return ""
}

// listed is a success body read by the profile's listing pointers.
type listed struct {
	names, regions, created []string
	truncated, next, count  string
}

func (s *session) listed(r reply) listed {
	s.t.Helper()
	if r.status != http.StatusOK {
		s.t.Fatalf("status %d, want 200; body:\n%s", r.status, r.body)
	}
	l := s.e.c.Profile.Listing
	var out listed
	for _, el := range flatten(resolve(r.value, l.Buckets)) {
		out.names = append(out.names, first(el, l.Name))
		out.regions = append(out.regions, first(el, l.Region))
		out.created = append(out.created, first(el, l.Created))
	}
	out.truncated = first(r.value, l.Truncated)
	out.next = first(r.value, l.NextMarker)
	out.count = first(r.value, l.Count)
	return out
}

func flatten(items []any) []any {
	var out []any
	for _, it := range items {
		if a, ok := it.([]any); ok {
			out = append(out, a...)
		} else {
			out = append(out, it)
		}
	}
	return out
}

// errorCode is the error code of an error body.
func (s *session) errorCode(r reply) string {
	return first(r.value, s.e.c.Profile.Auth.ErrorCode)
}

// expectError asserts an error answer's status, code and ids.
func (s *session) expectError(r reply, status int, code, what string) {
	s.t.Helper()
	if r.status != status || s.errorCode(r) != code {
		s.t.Errorf("%s: got %d %q, want %d %q; body:\n%s", what, r.status, s.errorCode(r), status, code, r.body)
	}
	s.expectIDs(r, what)
}

func (s *session) expectIDs(r reply, what string) {
	s.t.Helper()
	p := s.e.c.Profile
	if r.header.Get(p.RequestIDHeader) == "" {
		s.t.Errorf("%s: no %s header", what, p.RequestIDHeader)
	}
	for _, h := range p.Reference.ExtraIDHeaders {
		if r.header.Get(h) == "" {
			s.t.Errorf("%s: no %s header", what, h)
		}
	}
}

// TestJudgeSeesDefects proves the harness: the checker must find a defect
// put into an otherwise clean recorded exchange.
func TestJudgeSeesDefects(t *testing.T) {
	e := startEndpoint(t, "s3")
	s := &session{t: t, e: e, client: &http.Client{}}
	s.do(call{dialect: "s3-v4"})
	clean := recording("s3", "clean", s.exchanges)
	if fs := check.Recording(exchange.Parse("clean.txtar", clean), e.c); len(fs) != 0 {
		t.Fatalf("a clean exchange has findings: %v", fs)
	}
	broken := bytes.Replace(clean, []byte("X-Amz-Request-Id"), []byte("X-Request-Id"), 1)
	fs := check.Recording(exchange.Parse("broken.txtar", broken), e.c)
	if len(fs) != 1 || fs[0].Check != "header.request-id" {
		t.Errorf("without the request id: %v", fs)
	}
}
