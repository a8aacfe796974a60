package exchange

import (
	"bytes"
	"fmt"
	"strconv"
	"strings"
)

// segment maps a run of decoded body bytes to where they stand in the
// recording: a chunk's data.
type segment struct{ decoded, file, n int }

// unframe reads the body as its head frames it: Transfer-Encoding chunked
// is decoded (extensions skipped, trailers kept), then Content-Encoding
// gzip or deflate. Defects are reported through problem; the body keeps
// what could be read.
func (m *Message) unframe(problem func(check string, off int, msg string)) {
	m.Framed = m.Body
	if te, ok := m.Header("Transfer-Encoding"); ok {
		codings := splitList(te.Value)
		if len(codings) > 0 && strings.EqualFold(codings[len(codings)-1], "chunked") {
			m.Chunked = true
			m.dechunk(problem)
		} else if len(codings) > 0 {
			problem("http.chunked", te.ValueOffset, fmt.Sprintf("Transfer-Encoding %q does not end in chunked: the body's length cannot be known (RFC 9112 6.3)", te.Value))
		}
	}
	if ce, ok := m.Header("Content-Encoding"); ok {
		m.decodeContent(ce, problem)
	}
}

// dechunk decodes a chunked body (RFC 9112 7.1). Line ends may be CRLF or
// a bare LF, as hand-written recordings have them; the blank line that
// ends the trailer section may be missing at the very end of the part
// (txtar takes a part's last newline).
func (m *Message) dechunk(problem func(string, int, string)) {
	data, base := m.Framed, m.BodyOffset
	var out []byte
	off := 0
	defer func() { m.Body = out }()
	for {
		if off >= len(data) {
			problem("http.chunked", base+off, "the chunked body ends without its last chunk (a chunk of size 0)")
			return
		}
		l, next := nextLine(data, off, base)
		sizeText, ext, _ := strings.Cut(string(l.text), ";")
		sizeText = strings.TrimRight(sizeText, " \t")
		size, err := strconv.ParseUint(sizeText, 16, 32)
		if err != nil || sizeText == "" || strings.ContainsAny(sizeText, "+-xX") {
			problem("http.chunked", l.offset, fmt.Sprintf("not a chunk size line (hexadecimal size, optional ;extensions): %s", quote(l.text)))
			m.Undecoded = brokenChunks
			return
		}
		if strings.ContainsAny(ext, "\x00\r") {
			problem("http.chunked", l.offset, "a control byte in the chunk extension: "+quote(l.text))
		}
		if next == len(data) && bytes.IndexByte(data[off:], '\n') < 0 && size > 0 {
			problem("http.chunked", l.offset, fmt.Sprintf("the chunk size line %s ends the body: no data follows it", quote(l.text)))
			m.Undecoded = brokenChunks
			return
		}
		if size == 0 {
			m.readTrailers(data, next, problem)
			return
		}
		n := int(size)
		if next+n > len(data) {
			problem("http.chunked", l.offset, fmt.Sprintf("the chunk size line says %d bytes (0x%s) but only %d remain in the body", n, sizeText, len(data)-next))
			m.Undecoded = brokenChunks
			m.segments = append(m.segments, segment{len(out), base + next, len(data) - next})
			out = append(out, data[next:]...)
			return
		}
		m.segments = append(m.segments, segment{len(out), base + next, n})
		out = append(out, data[next:next+n]...)
		off = next + n
		switch {
		case bytes.HasPrefix(data[off:], []byte("\r\n")):
			off += 2
		case bytes.HasPrefix(data[off:], []byte("\n")):
			off++
		case string(data[off:]) == "\r":
			off++ // txtar took the LF of the part's last line
		default:
			problem("http.chunked", base+off, fmt.Sprintf("the chunk size line says %d bytes (0x%s) but its data does not end there with a line end: the size lies", n, sizeText))
			m.Undecoded = brokenChunks
			return
		}
	}
}

// brokenChunks is why a body whose chunks cannot be told apart is not
// judged: what it holds is unknown.
const brokenChunks = "the chunked framing is broken"

// readTrailers reads the trailer section after the last chunk, from off.
func (m *Message) readTrailers(data []byte, off int, problem func(string, int, string)) {
	base := m.BodyOffset
	for off < len(data) {
		l, next := nextLine(data, off, base)
		if len(l.text) == 0 {
			if next < len(data) {
				problem("http.chunked", base+next, fmt.Sprintf("%d bytes after the end of the chunked body", len(data)-next))
			}
			return
		}
		h, ok := parseHeaderLine(l)
		if !ok {
			problem("http.chunked", l.offset, "not a trailer field line after the last chunk: "+quote(l.text))
			return
		}
		m.Trailers = append(m.Trailers, h)
		off = next
	}
}

// splitList splits a comma-separated header value into its trimmed,
// non-empty elements.
func splitList(v string) []string {
	var out []string
	for _, s := range strings.Split(v, ",") {
		if s = strings.TrimSpace(s); s != "" {
			out = append(out, s)
		}
	}
	return out
}

// Pos returns where byte off of the decoded body stands in the recording,
// and whether that is exact: a chunked body maps byte for byte; inside a
// content-coded body no byte of the recording is that byte, so the place
// is the first byte of the coded body (of its first chunk).
func (m *Message) Pos(off int) (file int, exact bool) {
	if m.Coding != "" {
		if len(m.segments) > 0 {
			return m.segments[0].file, false
		}
		return m.BodyOffset, false
	}
	if !m.Chunked {
		return m.BodyOffset + off, true
	}
	for i := len(m.segments) - 1; i >= 0; i-- {
		if s := m.segments[i]; off >= s.decoded {
			return s.file + off - s.decoded, true
		}
	}
	return m.BodyOffset, true
}

// PosNote says, for a finding at byte off of the decoded body, what the
// place Pos gives stands for; "" when it is exact.
func (m *Message) PosNote(off int) string {
	if _, exact := m.Pos(off); exact {
		return ""
	}
	where := "the coded body"
	if m.Chunked {
		where = "the first chunk"
	}
	return fmt.Sprintf("at byte %d of the %s-decoded body; the place given is the start of %s", off, m.Coding, where)
}

// Problem is a defect found reading one message: the check it belongs
// to, the byte offset it is at (base-relative, as ReadMessage was given)
// and what it is.
type Problem struct {
	Check  string
	Offset int
	Msg    string
}

// ReadMessage reads one raw HTTP message (a request or a response as it
// went over the wire, or a bare body) whose first byte stands at offset
// base of its source, as a recording's parts are read: start line and
// headers parsed, the body unchunked and decoded (Body; Framed keeps the
// bytes). For readers of other capture formats; nothing is repaired
// silently, every defect is a Problem.
func ReadMessage(kind Kind, data []byte, base int) (*Message, []Problem) {
	var problems []Problem
	m := parseMessage(kind, data, base, func(check string, off int, msg string) {
		problems = append(problems, Problem{check, off, msg})
	})
	return m, problems
}
