package capture

import (
	"bytes"
	"compress/gzip"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
)

// maxDecoded caps a decompressed body, so a small gzip bomb in a capture
// cannot exhaust memory (a variable for the test).
var maxDecoded = 64 << 20

// synthesise writes the walk's entries as one recording in the txtar
// format, remembering each byte's place in the capture.
func (w *Walk) synthesise(imp *Import) error {
	var b builder
	b.lit(fmt.Sprintf("vendor: %s\ntitle: imported from %s\n", w.Vendor, oneLine(imp.File)), 0)
	var kept []*entry
	for _, e := range w.entries {
		req, resp := e.synthRequest(), e.synthResponse()
		if hasMarkerLine(req.data) || hasMarkerLine(resp.data) {
			imp.unplaced(e, "a message holds a line of the form \"-- name --\", which a recording cannot keep")
			continue
		}
		kept = append(kept, e)
		n := len(kept)
		if e.req != nil {
			b.lit(fmt.Sprintf("-- %d/request --\n", n), e.pos)
			b.add(req)
			b.lit("\n", e.pos)
		}
		b.lit(fmt.Sprintf("-- %d/response --\n", n), e.pos)
		b.add(resp)
		b.lit("\n", e.pos)
	}
	w.entries, w.text, w.lines = kept, b.text, newLines(b.data)
	if len(kept) == 0 {
		return nil
	}
	w.Rec = exchange.Parse(imp.File, b.data)
	// A curl -i response has no request: that is the capture's nature,
	// not a defect of the recording.
	problems := w.Rec.Problems[:0]
	for _, p := range w.Rec.Problems {
		if p.Exchange >= 1 && p.Exchange <= len(kept) && kept[p.Exchange-1].req == nil && strings.Contains(p.Message, "but no request") {
			continue
		}
		problems = append(problems, p)
	}
	w.Rec.Problems = problems
	return nil
}

// Check judges the import's walks with judge (one recording at a time)
// and returns the findings placed in the capture file.
func (imp *Import) Check(judge func(*exchange.Recording) []finding.Finding) []finding.Finding {
	var all []finding.Finding
	for _, w := range imp.Walks {
		if w.Rec == nil {
			continue
		}
		for _, f := range judge(w.Rec) {
			all = append(all, imp.translate(w, f))
		}
	}
	check.Sort(all)
	return all
}

// translate moves a finding on the synthesised recording to its place in
// the capture.
func (imp *Import) translate(w *Walk, f finding.Finding) finding.Finding {
	f.File = imp.File
	if f.Line > 0 {
		if off := w.lines.offset(f.Line, f.Col); off >= 0 {
			f.Line, f.Col = imp.lines.position(w.text.source(off))
		}
	}
	if f.Exchange >= 1 && f.Exchange <= len(w.entries) {
		e := w.entries[f.Exchange-1]
		f.Exchange = e.num
		f.Message = e.label + ": " + f.Message
	}
	return f
}

// synthRequest writes the request as HTTP/1.1 bytes.
func (e *entry) synthRequest() text {
	m := e.req
	if m == nil {
		return text{}
	}
	var b builder
	b.add(m.method)
	b.lit(" ", m.line)
	b.add(target(m.url))
	b.lit(" HTTP/1.1\r\n", m.line)
	if m.get("Host") == "" {
		if u, err := url.Parse(m.url.String()); err == nil && u.Host != "" {
			b.lit("Host: "+u.Host+"\r\n", m.url.source(0))
		} else if a := m.get(":authority"); a != "" {
			b.lit("Host: "+a+"\r\n", m.line)
		}
	}
	writeHeaders(&b, m.headers, nil)
	b.lit("\r\n", m.line)
	b.add(m.body)
	return b.text
}

// target is the request target of a URL (its path and query), placed in
// the URL when it appears there as written.
func target(u text) text {
	s := u.String()
	if strings.HasPrefix(s, "/") {
		return u
	}
	i := strings.Index(s, "://")
	if i < 0 {
		return u
	}
	rest := i + 3
	j := strings.IndexAny(s[rest:], "/?")
	if j < 0 {
		return from([]byte("/"), u.source(len(s)))
	}
	t := u.slice(rest+j, len(s))
	if h := strings.IndexByte(t.String(), '#'); h >= 0 {
		t = t.slice(0, h)
	}
	if strings.HasPrefix(t.String(), "?") {
		var b builder
		b.lit("/", t.source(0))
		b.add(t)
		return b.text
	}
	return t
}

// synthResponse writes the response as HTTP/1.1 bytes, its body as the
// client saw it: framing headers that describe other bytes (chunks, a
// compressed length) are left out.
func (e *entry) synthResponse() text {
	m := e.resp
	var b builder
	reason := m.reason
	if reason == "" {
		reason = http.StatusText(m.status)
	}
	b.lit(fmt.Sprintf("HTTP/1.1 %03d %s\r\n", m.status, reason), m.line)
	body, decompressed := gunzip(m)
	drop := map[string]bool{"transfer-encoding": true}
	if ce := strings.ToLower(m.get("Content-Encoding")); ce != "" && ce != "identity" {
		if decompressed || e.decoded && !isGzip(body.data) {
			drop["content-encoding"] = true
		}
	}
	if m.get("Transfer-Encoding") != "" || drop["content-encoding"] {
		drop["content-length"] = true
	}
	writeHeaders(&b, m.headers, drop)
	b.lit("\r\n", m.line)
	b.add(body)
	return b.text
}

func writeHeaders(b *builder, hs []field, drop map[string]bool) {
	for _, h := range hs {
		name := h.name.String()
		if strings.HasPrefix(name, ":") || drop[strings.ToLower(name)] {
			continue
		}
		b.add(h.name)
		b.lit(": ", h.value.source(0))
		b.add(h.value)
		b.lit("\r\n", h.value.source(len(h.value.data)))
	}
}

func isGzip(b []byte) bool { return len(b) >= 2 && b[0] == 0x1f && b[1] == 0x8b }

// gunzip decodes a gzip body; a body that is not gzip, or does not
// decode, is kept as it is, for the checks to judge.
func gunzip(m *message) (text, bool) {
	if !isGzip(m.body.data) || !strings.Contains(strings.ToLower(m.get("Content-Encoding")), "gzip") {
		return m.body, false
	}
	zr, err := gzip.NewReader(bytes.NewReader(m.body.data))
	if err != nil {
		return m.body, false
	}
	data, err := io.ReadAll(io.LimitReader(zr, int64(maxDecoded)+1))
	if err != nil || len(data) > maxDecoded {
		return m.body, false
	}
	return from(data, m.body.source(0)), true
}

// hasMarkerLine reports whether data holds a line txtar reads as a part
// marker.
func hasMarkerLine(data []byte) bool {
	for _, l := range bytes.Split(data, []byte("\n")) {
		l = bytes.TrimSuffix(l, []byte("\r"))
		if bytes.HasPrefix(l, []byte("-- ")) && bytes.HasSuffix(l, []byte(" --")) && len(l) > 6 {
			return true
		}
	}
	return false
}

func oneLine(s string) string {
	return strings.NewReplacer("\r", " ", "\n", " ").Replace(s)
}
