package diff

import (
	"bytes"
	"mime"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/getservice-conformance/gsc/internal/exchange"
)

// runToken stands for a run's id: bucket names, prefixes and markers of
// two runs are the same names under different run ids.
const runToken = "RUN"

// Masks for the values that differ between any two runs.
const (
	maskToken = "<token>"
	maskID    = "<id>"
	maskOwner = "<owner>"
	datePre   = "<date "
)

// normalised is one exchange with what must differ between two runs
// masked: the run's id, request ids, dates, owner ids, tokens.
type normalised struct {
	request string // method and target
	status  int
	headers map[string]string // lower-case name: value
	media   string            // the content type without its parameters
	params  string            // the content type's parameters, sorted
	body    *node             // nil: not XML or JSON (see raw)
	layout  string            // how the body is laid out, when it parsed
	raw     string
}

// ignoredHeaders are headers every answer varies in: identifiers of the
// request, the time, the framing, the server's name. An endpoint that
// lacks a request id is caught by the checks, not by comparison.
var ignoredHeaders = []string{"date", "content-length", "connection", "keep-alive", "transfer-encoding", "server", "etag", "last-modified", "vary", "x-amz-id-2"}

func ignoredHeader(name string) bool {
	return slices.Contains(ignoredHeaders, name) || strings.HasSuffix(name, "-id") ||
		strings.Contains(name, "requestid") || strings.Contains(name, "trace")
}

// volatileLeaf says a body's element names what identifies one answer:
// a request, a host of the vendor's, a trace.
func volatileLeaf(lower string) bool {
	switch lower {
	case "requestid", "request_id", "hostid", "host_id", "traceid", "trace_id", "debugid":
		return true
	}
	return false
}

// volatileParam says a query parameter's value differs run to run:
// tokens, signatures, times, keys.
func volatileParam(name string) bool {
	n := strings.ToLower(name)
	for _, s := range []string{"token", "signature", "date", "credential", "expires", "accesskey", "security", "x-amz-", "x-bce-", "authorization"} {
		if strings.Contains(n, s) {
			return true
		}
	}
	return false
}

// endpointToken stands for the endpoint's host, which answers may name
// (an error's Resource).
const endpointToken = "<endpoint>"

// normalise masks one exchange of the run runID.
func normalise(ex *exchange.Exchange, runID string) *normalised {
	n := &normalised{headers: map[string]string{}}
	m := &masker{run: runID}
	if req := ex.Request; req != nil {
		n.request = req.Method + " " + normaliseTarget(req.Path, req.Query, runID)
		m.host = req.Get("Host")
	}
	resp := ex.Response
	if resp == nil {
		return n
	}
	n.status = resp.Status
	for _, h := range resp.Headers {
		name := strings.ToLower(h.Name)
		if ignoredHeader(name) {
			continue
		}
		if name == "content-type" {
			n.media, n.params = splitContentType(h.Value)
			continue
		}
		n.headers[name] = m.value(h.Value)
	}
	n.body = parseBody(resp.Body)
	if n.body != nil {
		m.tree(n.body, false)
		n.layout = layoutOf(resp.Body)
	} else {
		n.raw = m.names(string(resp.Body))
	}
	return n
}

// masker masks the values of one exchange.
type masker struct {
	run  string // the run's id
	host string // the endpoint's, as the request named it
}

// names puts the tokens for the run's id and the endpoint's host.
func (m *masker) names(s string) string {
	s = strings.ReplaceAll(s, m.run, runToken)
	if m.host != "" {
		s = strings.ReplaceAll(s, m.host, endpointToken)
	}
	return s
}

// value masks a value's names, and its date.
func (m *masker) value(s string) string { return maskValue(m.names(s)) }

func normaliseTarget(path string, q url.Values, runID string) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	var b strings.Builder
	b.WriteString(strings.ReplaceAll(path, runID, runToken))
	for i, k := range keys {
		sep := "&"
		if i == 0 {
			sep = "?"
		}
		for _, v := range q[k] {
			if volatileParam(k) && v != "" {
				v = maskToken
			}
			b.WriteString(sep + k + "=" + strings.ReplaceAll(v, runID, runToken))
			sep = "&"
		}
	}
	return b.String()
}

func splitContentType(v string) (media, params string) {
	m, p, err := mime.ParseMediaType(v)
	if err != nil {
		return strings.TrimSpace(strings.ToLower(v)), ""
	}
	var ps []string
	for k, v := range p {
		ps = append(ps, k+"="+strings.ToLower(v))
	}
	slices.Sort(ps)
	return m, strings.Join(ps, "; ")
}

// tree masks a body's volatile values in place; owned says the node is
// within an owner, whose every value is the account's.
func (m *masker) tree(n *node, owned bool) {
	lower := strings.ToLower(n.name)
	owned = owned || lower == "owner"
	if len(n.children) == 0 {
		switch {
		case n.text == "":
		case owned:
			n.text = maskOwner
		case strings.Contains(lower, "token"):
			n.text = maskToken
		case volatileLeaf(lower):
			n.text = maskID
		default:
			n.text = m.value(n.text)
		}
	}
	kept := n.children[:0]
	for _, c := range n.children {
		m.tree(c, owned)
		if !foreignBucket(c) {
			kept = append(kept, c)
		}
	}
	n.children = kept
}

// foreignBucket says n is a listed bucket of someone else's, named after
// masking: another run's, or the account's own. Only the run's buckets
// are the same on both sides; the checks have judged the rest.
func foreignBucket(n *node) bool {
	if l := strings.ToLower(n.name); l != "bucket" && l != "buckets" {
		return false
	}
	for _, c := range n.children {
		if strings.ToLower(c.name) == "name" && len(c.children) == 0 {
			return !strings.HasPrefix(c.text, runToken+"-")
		}
	}
	return false
}

// dateValue matches the dates these APIs write: ISO 8601 (extended and
// basic, as in X-Amz-Date) and HTTP dates.
var dateValue = regexp.MustCompile(`^(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(:\d{2})?|\d{8}T\d{6}Z?$|[A-Z][a-z]{2}, \d{1,2} [A-Z][a-z]{2} \d{4} \d{2}:\d{2}:\d{2})`)

// maskValue masks a date, keeping its shape (digits as 9, letters as
// a): two runs differ in the time, two endpoints may differ in the
// precision or the format.
func maskValue(v string) string {
	if !dateValue.MatchString(v) {
		return v
	}
	shape := []byte(v)
	for i, c := range shape {
		switch {
		case c >= '0' && c <= '9':
			shape[i] = '9'
		case c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z':
			shape[i] = 'a'
		}
	}
	return datePre + string(shape) + ">"
}

// betweenTags is the white space between two tags.
var betweenTags = regexp.MustCompile(`>(\s*)<`)

// layoutOf says how a body is laid out, in words that do not depend on
// how much it holds: its XML declaration, and whether it is on one
// line, broken into lines, or indented.
func layoutOf(body []byte) string {
	trimmed := bytes.TrimSpace(body)
	var breaks, indent bool
	decl := ""
	if bytes.HasPrefix(trimmed, []byte("<")) {
		decl = "no XML declaration, "
		if bytes.HasPrefix(trimmed, []byte("<?xml")) {
			decl = "an XML declaration, "
		}
		for _, m := range betweenTags.FindAllSubmatch(trimmed, -1) {
			ws := m[1]
			if i := bytes.LastIndexByte(ws, '\n'); i >= 0 {
				breaks = true
				indent = indent || i < len(ws)-1
			}
		}
	} else {
		// JSON: white space outside strings is layout.
		inString, escaped := false, false
		for i, c := range trimmed {
			switch {
			case escaped:
				escaped = false
			case inString && c == '\\':
				escaped = true
			case c == '"':
				inString = !inString
			case !inString && c == '\n':
				breaks = true
				indent = indent || i+1 < len(trimmed) && (trimmed[i+1] == ' ' || trimmed[i+1] == '\t')
			}
		}
	}
	switch {
	case indent:
		return decl + "indented"
	case breaks:
		return decl + "broken into lines"
	}
	return decl + "on one line"
}
