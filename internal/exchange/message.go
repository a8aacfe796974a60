package exchange

import (
	"bytes"
	"fmt"
	"net/url"
	"strconv"
	"strings"
)

// Kind says which side of an exchange a message is.
type Kind int

const (
	Request  Kind = iota
	Response      // status line, headers, body
	BodyOnly      // a response body shown without its head (documentation templates)
)

// Message is one raw HTTP message as recorded, read leniently. Offsets are
// byte offsets into the recording file.
type Message struct {
	Kind   Kind
	Offset int    // first byte of the message
	Raw    []byte // the message exactly as recorded

	// Request line; Target is as sent, Path and Query are read from it
	// leniently (spaces inside the target are dropped after being reported).
	Method, Target, Path string
	Query                url.Values
	// Response status line.
	Status int
	Proto  string // "HTTP/1.1"; empty when the start line had none

	Headers []Header
	// Body is the message body as its head frames it: chunked transfer
	// coding and gzip or deflate content coding removed. BodyOffset is
	// where the body starts in the recording; Pos maps an offset of Body
	// to the recording.
	Body       []byte
	BodyOffset int
	// Framed is the body exactly as recorded, before any decoding.
	Framed []byte
	// Chunked says the body was sent with Transfer-Encoding chunked;
	// Trailers are the fields after its last chunk.
	Chunked  bool
	Trailers []Header
	// Coding names the content codings removed from Body ("gzip"); ""
	// when none. Undecoded, when not "", says why Body is still coded
	// (an unknown coding, a body that does not decode, the size cap):
	// such a body cannot be judged.
	Coding, Undecoded string

	segments []segment
}

// Header is one "Name: value" line.
type Header struct {
	Name, Value string
	Offset      int // first byte of the line
	ValueOffset int // first byte of the value
}

// Header returns the first header with this name, case-insensitively.
func (m *Message) Header(name string) (Header, bool) {
	for _, h := range m.Headers {
		if strings.EqualFold(h.Name, name) {
			return h, true
		}
	}
	return Header{}, false
}

// Get returns the value of the first header with this name, or "".
func (m *Message) Get(name string) string {
	h, _ := m.Header(name)
	return h.Value
}

// line is one line of a message without its line end.
type line struct {
	text   []byte
	offset int
}

func splitLines(b []byte, base int) []line {
	var lines []line
	for off := 0; off < len(b); {
		l, next := nextLine(b, off, base)
		lines = append(lines, l)
		off = next
	}
	return lines
}

// nextLine returns the line of b starting at off and where the next begins.
func nextLine(b []byte, off, base int) (line, int) {
	end := bytes.IndexByte(b[off:], '\n')
	next := off + end + 1
	if end < 0 {
		end, next = len(b)-off, len(b)
	}
	return line{bytes.TrimSuffix(b[off:off+end], []byte("\r")), base + off}, next
}

// parseMessage reads one part. Every defect is reported through problem
// (check id, absolute offset, message); nothing is repaired silently.
func parseMessage(kind Kind, data []byte, offset int, problem func(check string, off int, msg string)) *Message {
	m := &Message{Kind: kind, Offset: offset, Raw: data}
	if kind == BodyOnly {
		m.Status, m.Body, m.BodyOffset, m.Framed = 200, data, offset, data
		return m
	}
	if len(data) == 0 {
		problem("http.status-line", offset, "the message is empty")
		m.BodyOffset = offset
		return m
	}
	first, off := nextLine(data, 0, offset)
	mark := curlMark(kind, first.text)
	first = unmark(first, mark)
	if kind == Request {
		m.parseRequestLine(first, problem)
	} else {
		m.parseStatusLine(first, problem)
	}

	// Header block: up to the first empty line. A line that is not a header
	// either starts a body that lacks its blank line, or is a broken header
	// line; which one is told by whether a blank line still follows. Only
	// the head is split into lines: bodies can be large.
	bodyStart := len(data)
	for off < len(data) {
		l, next := nextLine(data, off, offset)
		if mark != "" && curlNote(l.text) {
			off = next
			continue
		}
		l = unmark(l, mark)
		if len(l.text) == 0 {
			bodyStart = next
			break
		}
		if h, ok := parseHeaderLine(l); ok {
			controlBytes(h, problem)
			m.Headers = append(m.Headers, h)
			off = next
			continue
		}
		if looksLikeBody(l.text) || !looksLikeHeader(l.text) && !blankLineFollows(data[next:], mark) {
			problem("http.header-end", l.offset, "no blank line between the header block and the body")
			bodyStart = off
			break
		}
		problem("http.header-line", l.offset, "not a header line (want Name: value): "+quote(l.text))
		off = next
	}
	m.Body = data[bodyStart:]
	m.BodyOffset = offset + bodyStart
	m.unframe(problem)
	return m
}

// controlBytes reports a control byte in a header value: RFC 9110 5.5
// allows visible characters, spaces and tabs only (and obsolete text
// from 0x80 up), and a NUL or CR there is how requests are smuggled.
func controlBytes(h Header, problem func(string, int, string)) {
	for i := 0; i < len(h.Value); i++ {
		if c := h.Value[i]; c < ' ' && c != '\t' || c == 0x7f {
			problem("http.header-value", h.ValueOffset+i, fmt.Sprintf("%s has the control byte 0x%02X in its value (RFC 9110 5.5 allows none)", h.Name, c))
			return
		}
	}
}

// curlMark returns the mark curl -v puts before each line of a head it
// shows, "> " for what it sent and "< " for what it received, when the
// start line has it; "" otherwise.
func curlMark(kind Kind, first []byte) string {
	mark := "< "
	if kind == Request {
		mark = "> "
	}
	if bytes.HasPrefix(first, []byte(mark)) {
		return mark
	}
	return ""
}

// unmark takes curl -v's mark off a line; the mark alone (curl shows the
// blank line that ends a head as "<" or "< ") leaves an empty line.
func unmark(l line, mark string) line {
	if mark == "" {
		return l
	}
	if bytes.HasPrefix(l.text, []byte(mark)) {
		return line{l.text[len(mark):], l.offset + len(mark)}
	}
	if string(l.text) == mark[:1] {
		return line{nil, l.offset + 1}
	}
	return l
}

// curlNote reports whether a line is one of curl -v's own notes, shown
// among the head's lines: "* " (connection, TLS, HTTP/2 stream notes)
// and "{ " or "} " (data counts).
func curlNote(text []byte) bool {
	return bytes.HasPrefix(text, []byte("* ")) || bytes.HasPrefix(text, []byte("{ [")) || bytes.HasPrefix(text, []byte("} ["))
}

func looksLikeBody(text []byte) bool {
	t := bytes.TrimLeft(text, " \t")
	return bytes.HasPrefix(t, []byte("<?xml")) || bytes.HasPrefix(t, []byte("{")) || bytes.HasPrefix(t, []byte("["))
}

// looksLikeHeader reports whether a line that is not a valid header was
// meant as one: a name, then a colon.
func looksLikeHeader(text []byte) bool {
	name, _, ok := bytes.Cut(text, []byte(":"))
	return ok && len(name) > 0 && bytes.IndexAny(name, "<>{}\"") < 0
}

// blankLineFollows reports whether rest has an empty line.
func blankLineFollows(rest []byte, mark string) bool {
	for off := 0; off < len(rest); {
		l, next := nextLine(rest, off, 0)
		if len(unmark(l, mark).text) == 0 {
			return true
		}
		off = next
	}
	return false
}

func parseHeaderLine(l line) (Header, bool) {
	colon := bytes.IndexByte(l.text, ':')
	if colon <= 0 {
		return Header{}, false
	}
	name := l.text[:colon]
	if !isToken(name) {
		return Header{}, false
	}
	v := l.text[colon+1:]
	lead := len(v) - len(bytes.TrimLeft(v, " \t"))
	return Header{
		Name:        string(name),
		Value:       string(bytes.TrimRight(v[lead:], " \t")),
		Offset:      l.offset,
		ValueOffset: l.offset + colon + 1 + lead,
	}, true
}

// isToken reports whether b is an RFC 9110 token (header names, methods).
func isToken(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, c := range b {
		if c <= ' ' || c >= 0x7f || strings.IndexByte(`"(),/:;<=>?@[\]{}`, c) >= 0 {
			return false
		}
	}
	return true
}

func (m *Message) parseRequestLine(l line, problem func(string, int, string)) {
	text := string(l.text)
	sp := strings.IndexByte(text, ' ')
	if sp < 0 {
		problem("http.request-line", l.offset, "not a request line: "+quote(l.text))
		return
	}
	m.Method = text[:sp]
	if !isToken([]byte(m.Method)) || strings.ToUpper(m.Method) != m.Method {
		problem("http.request-line", l.offset, fmt.Sprintf("method %s is not an upper-case token (want %s)", strconv.Quote(m.Method), strings.ToUpper(m.Method)))
	}
	rest := text[sp+1:]
	restOff := l.offset + sp + 1
	if i := strings.LastIndexByte(rest, ' '); i >= 0 && isVersion(rest[i+1:]) {
		m.Proto = rest[i+1:]
		rest = rest[:i]
	} else {
		problem("http.request-line", l.offset+len(l.text), "the request line has no HTTP version (want METHOD SP target SP HTTP/x.y)")
	}
	if i := strings.IndexAny(rest, " \t"); i >= 0 {
		problem("http.request-line", restOff+i, "white space inside the request target "+strconv.Quote(rest))
		rest = strings.Join(strings.Fields(rest), "")
	}
	m.Target = rest
	m.Path, m.Query = splitTarget(rest)
}

// splitTarget reads path and query leniently: a query that does not
// decode keeps the pairs that do.
func splitTarget(target string) (string, url.Values) {
	path, rawQuery, _ := strings.Cut(target, "?")
	q, _ := url.ParseQuery(rawQuery)
	if q == nil {
		q = url.Values{}
	}
	return path, q
}

// versionDefect returns the index of the first byte of s that breaks the
// form HTTP/d.d.
func versionDefect(s string) int {
	const form = "HTTP/0.0"
	for i := 0; i < len(form); i++ {
		if i >= len(s) {
			return i
		}
		c, want := s[i], form[i]
		if want == '0' && (c < '0' || c > '9') || want != '0' && c != want {
			return i
		}
	}
	return len(form)
}

// isVersion reports whether s is an HTTP version as start lines show it:
// HTTP/d.d, or HTTP/2 and HTTP/3 as curl prints them.
func isVersion(s string) bool {
	if s == "HTTP/2" || s == "HTTP/3" {
		return true
	}
	return len(s) == len("HTTP/1.1") && strings.HasPrefix(s, "HTTP/") && s[5] >= '0' && s[5] <= '9' && s[6] == '.' && s[7] >= '0' && s[7] <= '9'
}

func (m *Message) parseStatusLine(l line, problem func(string, int, string)) {
	text := string(l.text)
	proto, rest, _ := strings.Cut(text, " ")
	if !isVersion(proto) {
		problem("http.status-line", l.offset+versionDefect(proto), "not a status line (want HTTP/x.y SP code SP reason, or HTTP/2 SP code): "+quote(l.text))
		return
	}
	m.Proto = proto
	code, _, hasReason := strings.Cut(rest, " ")
	n, err := strconv.Atoi(code)
	if err != nil || len(code) != 3 || n < 100 {
		problem("http.status-line", l.offset+min(len(proto)+1, len(text)), fmt.Sprintf("status code %s is not three digits (want %s SP code SP reason): %s", strconv.Quote(code), proto, quote(l.text)))
		return
	}
	m.Status = n
	if !hasReason && proto != "HTTP/2" && proto != "HTTP/3" {
		// RFC 9112: the space before the (possibly empty) reason is
		// required. HTTP/2 and 3 have no reason phrase; curl prints their
		// status as "HTTP/2 200".
		problem("http.status-line", l.offset+len(text), "no space after the status code (RFC 9112 4: the space before the reason is required even when the reason is empty)")
	}
}

func quote(b []byte) string {
	const max = 60
	s := string(b)
	if len(s) > max {
		s = s[:max] + "..."
	}
	return strconv.Quote(s)
}
