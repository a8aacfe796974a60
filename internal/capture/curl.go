package capture

import (
	"bytes"
	"fmt"
	"strconv"
)

// curlLine is one line of a curl output file without its line end.
type curlLine struct {
	text []byte
	off  int // first byte in the file
	next int // first byte of the next line
}

func (imp *Import) curlLines() []curlLine {
	var ls []curlLine
	src := imp.Src
	for off := 0; off < len(src); {
		end := bytes.IndexByte(src[off:], '\n')
		next := off + end + 1
		if end < 0 {
			end, next = len(src)-off, len(src)
		}
		ls = append(ls, curlLine{bytes.TrimSuffix(src[off:off+end], []byte("\r")), off, next})
		off = next
	}
	return ls
}

// readCurl reads curl -v output ("> " request lines, "< " response lines,
// "* " notes, the body after) or, when no line is marked, curl -i output
// (status line, headers, body; one response after another).
func (imp *Import) readCurl() []*entry {
	ls := imp.curlLines()
	for _, l := range ls {
		if bytes.HasPrefix(l.text, []byte("> ")) || bytes.HasPrefix(l.text, []byte("< ")) {
			return imp.readCurlVerbose(ls)
		}
	}
	return imp.readCurlInclude(ls)
}

// verbose marks: what curl -v writes before a line of its own.
func isNote(t []byte) bool {
	for _, p := range []string{"* ", "*\t", "{ [", "} [", "> ", "< "} {
		if bytes.HasPrefix(t, []byte(p)) {
			return true
		}
	}
	return string(t) == "*" || string(t) == ">" || string(t) == "<"
}

func (imp *Import) readCurlVerbose(ls []curlLine) []*entry {
	var entries []*entry
	var e *entry
	state := "" // "req", "resp": reading that head
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		t := l.text
		t = bytes.TrimRight(t, " ")
		if len(t) == 1 && (t[0] == '>' || t[0] == '<') {
			t = append(t[:1:1], ' ') // an empty head line, "> " or "<"
		}
		empty := len(t) == 2 && t[1] == ' '
		switch {
		case empty && t[0] == '>':
			state = ""
		case bytes.HasPrefix(t, []byte("> ")) && state != "req":
			e = &entry{label: fmt.Sprintf("request %d", len(entries)+1), num: len(entries) + 1, pos: l.off}
			entries = append(entries, e)
			e.req = requestLine(t[2:], l.off+2)
			state = "req"
		case bytes.HasPrefix(t, []byte("> ")) && state == "req":
			if f, ok := headerField(t[2:], l.off+2); ok {
				e.req.headers = append(e.req.headers, f)
			}
		case empty && t[0] == '<' && state == "resp":
			state = ""
			if e.resp.status >= 100 && e.resp.status < 200 {
				state = "resp" // the final response's status line follows
				continue
			}
			// The body runs up to curl's next line of its own; "{ [N bytes
			// data]" lines before it are curl's too.
			for i+1 < len(ls) && (bytes.HasPrefix(ls[i+1].text, []byte("{ [")) || bytes.HasPrefix(ls[i+1].text, []byte("} ["))) {
				i++
			}
			l = ls[i]
			end := len(ls)
			for j := i + 1; j < len(ls); j++ {
				if isNote(ls[j].text) {
					end = j
					break
				}
			}
			stop := len(imp.Src)
			if end < len(ls) {
				stop = ls[end].off
			}
			body := imp.Src[l.next:stop]
			// "* Connection #0 ... left intact" follows a body that lacks a
			// final newline on the same line.
			if k := bytes.LastIndex(body, []byte("* Connection #")); k >= 0 && !bytes.Contains(bytes.TrimRight(body[k:], "\r\n"), []byte("\n")) {
				body = body[:k]
			}
			e.resp.body = verbatim(trimBody(body, e.resp, end < len(ls)), l.next)
			e.decoded = true // curl de-chunks what it shows
			i = end - 1
		case bytes.HasPrefix(t, []byte("< ")) && state != "resp" && e != nil:
			m, why := statusLine(t[2:], l.off+2)
			if why != "" {
				e.unreadable = why
				continue
			}
			e.resp, state = m, "resp"
		case bytes.HasPrefix(t, []byte("< ")) && state == "resp":
			if e.resp.status >= 100 && e.resp.status < 200 && bytes.HasPrefix(t[2:], []byte("HTTP/")) {
				e.resp, _ = statusLine(t[2:], l.off+2) // after an interim response
				continue
			}
			if f, ok := headerField(t[2:], l.off+2); ok {
				e.resp.headers = append(e.resp.headers, f)
			}
		}
	}
	return entries
}

func (imp *Import) readCurlInclude(ls []curlLine) []*entry {
	var entries []*entry
	src := imp.Src
	for i := 0; i < len(ls); i++ {
		l := ls[i]
		if !bytes.HasPrefix(l.text, []byte("HTTP/")) {
			continue
		}
		m, why := statusLine(l.text, l.off)
		e := &entry{label: fmt.Sprintf("response %d", len(entries)+1), num: len(entries) + 1, pos: l.off, decoded: true}
		if why != "" {
			e.unreadable = why
			entries = append(entries, e)
			continue
		}
		j := i + 1
		for ; j < len(ls) && len(ls[j].text) > 0; j++ {
			if f, ok := headerField(ls[j].text, ls[j].off); ok {
				m.headers = append(m.headers, f)
			}
		}
		if m.status >= 100 && m.status < 200 || bytes.Contains(l.text, []byte("Connection established")) {
			i = j
			continue // an interim answer; the final one follows
		}
		entries = append(entries, e)
		e.resp = m
		bodyStart := len(src)
		if j < len(ls) {
			bodyStart = ls[j].next
		}
		// The body runs to the next status line; a Content-Length then
		// tells the newline that separates them from the body's own.
		stop, k := len(src), j+1
		for ; k < len(ls); k++ {
			if bytes.HasPrefix(ls[k].text, []byte("HTTP/")) {
				stop = ls[k].off
				break
			}
		}
		body := src[min(bodyStart, stop):stop]
		e.resp.body = verbatim(trimBody(body, m, stop < len(src)), bodyStart)
		i = k - 1
	}
	return entries
}

// trimBody drops the newline that separates a body from what follows it
// in the file, when the body's Content-Length says it is not the body's.
func trimBody(body []byte, m *message, followed bool) []byte {
	if n, err := strconv.Atoi(m.get("Content-Length")); err == nil && n < len(body) {
		if len(bytes.TrimSpace(body[n:])) == 0 {
			return body[:n]
		}
	}
	if followed {
		if b, ok := bytes.CutSuffix(body, []byte("\r\n")); ok {
			return b
		}
		return bytes.TrimSuffix(body, []byte("\n"))
	}
	return body
}

// requestLine reads "GET /path HTTP/1.1" at off.
func requestLine(t []byte, off int) *message {
	m := &message{line: off}
	method, rest, _ := bytes.Cut(t, []byte(" "))
	m.method = verbatim(method, off)
	target := rest
	if i := bytes.LastIndexByte(rest, ' '); i >= 0 {
		target = rest[:i]
	}
	m.url = verbatim(target, off+len(method)+1)
	return m
}

// statusLine reads "HTTP/2 200" or "HTTP/1.1 200 OK" at off.
func statusLine(t []byte, off int) (*message, string) {
	fields := bytes.SplitN(t, []byte(" "), 3)
	if len(fields) < 2 || !bytes.HasPrefix(fields[0], []byte("HTTP/")) {
		return nil, "not a status line: " + strconv.Quote(string(t))
	}
	code, err := strconv.Atoi(string(fields[1]))
	if err != nil || len(fields[1]) != 3 {
		return nil, "not a status code: " + strconv.Quote(string(fields[1]))
	}
	m := &message{status: code, line: off}
	if len(fields) == 3 {
		m.reason = string(bytes.TrimSpace(fields[2]))
	}
	return m, ""
}

// headerField reads "Name: value" at off.
func headerField(t []byte, off int) (field, bool) {
	colon := bytes.IndexByte(t, ':')
	if colon <= 0 {
		return field{}, false
	}
	v := t[colon+1:]
	lead := len(v) - len(bytes.TrimLeft(v, " \t"))
	v = bytes.TrimRight(v[lead:], " \t")
	return field{name: verbatim(t[:colon], off), value: verbatim(v, off+colon+1+lead)}, true
}
