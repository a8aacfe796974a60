package exchange

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"reflect"
	"strconv"
	"strings"
	"testing"
)

// response parses one response part and returns it with its problems.
func response(t *testing.T, msg string) (*Message, []string) {
	t.Helper()
	src := "vendor: s3\ntitle: t\n-- 1/request --\nGET / HTTP/1.1\nHost: h\n\n\n-- 1/response --\n" + msg + "\n"
	r := Parse("f.txtar", []byte(src))
	return r.Exchanges[0].Response, problems(r)
}

// In the files response writes, the status line is line 9, the first
// header line 10 and the body starts on line 12.
func TestChunked(t *testing.T) {
	tests := []struct {
		name      string
		body      string // after the head
		want      string
		problems  []string
		undecoded bool
	}{
		{"two chunks", "5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n", "hello world", nil, false},
		{"LF line ends", "5\nhello\n0\n", "hello", nil, false},
		{"an extension and a trailer", "5;name=\"a b\"\r\nhello\r\n0;last\r\nX-Sum: 1\r\n\r\n", "hello", nil, false},
		{"upper-case hex", "A\r\n0123456789\r\n0\r\n\r\n", "0123456789", nil, false},
		{"no last chunk", "5\r\nhello\r\n", "hello", []string{"http.chunked 14:1"}, false},
		{"a size that lies", "3\r\nhello\r\n0\r\n\r\n", "hel", []string{"http.chunked 13:4"}, true},
		{"a size past the end", "9\r\nhello\r\n", "hello\r\n", []string{"http.chunked 12:1"}, true},
		{"not a size", "hello\r\n", "", []string{"http.chunked 12:1"}, true},
		{"bytes after the end", "5\r\nhello\r\n0\r\n\r\nextra", "hello", []string{"http.chunked 16:1"}, false},
		{"a broken trailer", "5\r\nhello\r\n0\r\n<not a field>\r\n\r\n", "hello", []string{"http.chunked 15:1"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, probs := response(t, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"+tt.body)
			if string(m.Body) != tt.want {
				t.Errorf("body %q, want %q", m.Body, tt.want)
			}
			if !reflect.DeepEqual(probs, tt.problems) {
				t.Errorf("problems %q, want %q", probs, tt.problems)
			}
			if (m.Undecoded != "") != tt.undecoded {
				t.Errorf("Undecoded %q, want it set: %v", m.Undecoded, tt.undecoded)
			}
			if !m.Chunked || string(m.Framed) != tt.body {
				t.Errorf("Chunked %v, Framed %q", m.Chunked, m.Framed)
			}
		})
	}
}

// Every byte of a chunked body maps to its own byte in the recording.
func TestChunkedPositions(t *testing.T) {
	m, _ := response(t, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n3\r\nabc\r\n2;x=y\r\nde\r\n0\r\n\r\n")
	r := m.Raw
	for i := range m.Body {
		file, exact := m.Pos(i)
		if !exact || r[file-m.Offset] != m.Body[i] {
			t.Errorf("byte %d (%q) placed at %d (%q), exact %v", i, m.Body[i], file, r[file-m.Offset], exact)
		}
	}
	if note := m.PosNote(3); note != "" {
		t.Errorf("an exact place has a note: %q", note)
	}
}

func TestContentEncoding(t *testing.T) {
	plain := []byte("<a>hello</a>")
	var gz, zl, raw bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(plain)
	w.Close()
	z := zlib.NewWriter(&zl)
	z.Write(plain)
	z.Close()
	f, _ := flate.NewWriter(&raw, flate.BestSpeed)
	f.Write(plain)
	f.Close()
	tests := []struct {
		name, coding string
		body         []byte
		problems     []string
		decoded      bool
	}{
		{"gzip", "gzip", gz.Bytes(), nil, true},
		{"x-gzip", "x-gzip", gz.Bytes(), nil, true},
		{"deflate (zlib)", "deflate", zl.Bytes(), nil, true},
		{"deflate (raw)", "deflate", raw.Bytes(), nil, true},
		{"identity", "identity", plain, nil, true},
		{"not gzip", "gzip", plain, []string{"http.content-encoding 12:1"}, false},
		{"unknown coding", "br", plain, []string{"http.content-encoding 10:19"}, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			m, probs := response(t, "HTTP/1.1 200 OK\r\nContent-Encoding: "+tt.coding+"\r\n\r\n"+string(tt.body))
			if !reflect.DeepEqual(probs, tt.problems) {
				t.Errorf("problems %q, want %q", probs, tt.problems)
			}
			if tt.decoded && (!bytes.Equal(m.Body, plain) || m.Undecoded != "") {
				t.Errorf("body %q (undecoded: %q), want %q", m.Body, m.Undecoded, plain)
			}
			if !tt.decoded && m.Undecoded == "" {
				t.Error("an undecodable body is not marked Undecoded")
			}
			if !bytes.Equal(m.Framed, tt.body) {
				t.Errorf("Framed %q, want the coded bytes", m.Framed)
			}
		})
	}
}

// A body that inflates past the cap is a finding, not an allocation.
func TestContentEncodingCap(t *testing.T) {
	defer func(old int64) { MaxDecoded = old }(MaxDecoded)
	MaxDecoded = 1 << 10
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write(bytes.Repeat([]byte{'a'}, 1<<20))
	w.Close()
	m, probs := response(t, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n"+gz.String())
	if want := []string{"http.content-encoding 10:19"}; !reflect.DeepEqual(probs, want) {
		t.Errorf("problems %q, want %q", probs, want)
	}
	if m.Undecoded == "" || len(m.Body) != gz.Len() {
		t.Errorf("a bomb's body: %d bytes, undecoded %q", len(m.Body), m.Undecoded)
	}
}

// Inside a coded body no recorded byte is the decoded byte: the place is
// the start of the coded body, and the note says where in the decoded one.
func TestCodedPositions(t *testing.T) {
	var gz bytes.Buffer
	w := gzip.NewWriter(&gz)
	w.Write([]byte("<a>hello</a>"))
	w.Close()
	m, _ := response(t, "HTTP/1.1 200 OK\r\nContent-Encoding: gzip\r\n\r\n"+gz.String())
	file, exact := m.Pos(5)
	if exact || file != m.BodyOffset {
		t.Errorf("Pos(5) = %d, %v; want the body's start %d, inexact", file, exact, m.BodyOffset)
	}
	if note := m.PosNote(5); !strings.Contains(note, "byte 5 of the gzip-decoded body") || !strings.Contains(note, "start of the coded body") {
		t.Errorf("note %q", note)
	}
	chunked := "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nContent-Encoding: gzip\r\n\r\n" + "4\r\n" + gz.String()[:4] + "\r\n" + strings.ToUpper(strconv.FormatInt(int64(gz.Len()-4), 16)) + "\r\n" + gz.String()[4:] + "\r\n0\r\n\r\n"
	m, probs := response(t, chunked)
	if len(probs) > 0 || string(m.Body) != "<a>hello</a>" {
		t.Fatalf("chunked gzip: %q, %q", m.Body, probs)
	}
	if file, _ := m.Pos(5); file != m.BodyOffset+3 {
		t.Errorf("chunked gzip: placed at %d, want the first chunk's data at %d", file, m.BodyOffset+3)
	}
	if note := m.PosNote(5); !strings.Contains(note, "the first chunk") {
		t.Errorf("note %q", note)
	}
}

func TestStartLinesAsCurlPrintsThem(t *testing.T) {
	for _, line := range []string{"HTTP/2 200", "HTTP/2 200 ", "HTTP/3 200", "HTTP/1.0 200 OK", "HTTP/1.1 200 "} {
		m, probs := response(t, line+"\r\ncontent-type: application/xml\r\n\r\n<a/>")
		if len(probs) > 0 || m.Status != 200 || m.Get("Content-Type") != "application/xml" {
			t.Errorf("%q: status %d, problems %q", line, m.Status, probs)
		}
	}
	if _, probs := response(t, "HTTP/1.1 200\r\n\r\n"); !reflect.DeepEqual(probs, []string{"http.status-line 9:13"}) {
		t.Errorf("HTTP/1.1 without the space after the code: %q", probs)
	}
	if _, probs := response(t, "HTTP/2.5 200 OK\r\n\r\n"); len(probs) != 0 {
		t.Errorf("HTTP/2.5: %q", probs)
	}
	if _, probs := response(t, "HTTP/4 200\r\n\r\n"); !reflect.DeepEqual(probs, []string{"http.status-line 9:7"}) {
		t.Errorf("HTTP/4: %q", probs)
	}
}

func TestHeaderValueControlBytes(t *testing.T) {
	for _, tt := range []struct {
		value string
		want  []string
	}{
		{"a\tb c", nil},
		{"a\x00b", []string{"http.header-value 10:7"}},
		{"ab\rc", []string{"http.header-value 10:8"}},
		{"a\x7f", []string{"http.header-value 10:7"}},
		{"caf\xc3\xa9", nil},
	} {
		if _, probs := response(t, "HTTP/1.1 200 OK\r\nX-A: "+tt.value+"\r\n\r\n"); !reflect.DeepEqual(probs, tt.want) {
			t.Errorf("%q: problems %q, want %q", tt.value, probs, tt.want)
		}
	}
}

// ReadMessage reads a message outside any recording, offsets from base.
func TestReadMessage(t *testing.T) {
	m, probs := ReadMessage(Response, []byte("HTTP/2 200\r\ncontent-encoding: gzip\r\n\r\nnot gzip"), 100)
	if m.Status != 200 || m.Proto != "HTTP/2" || m.BodyOffset != 100+38 {
		t.Errorf("status %d %s, body at %d", m.Status, m.Proto, m.BodyOffset)
	}
	if len(probs) != 1 || probs[0].Check != "http.content-encoding" || probs[0].Offset != 138 || m.Undecoded == "" {
		t.Errorf("problems %+v, undecoded %q", probs, m.Undecoded)
	}
}

// A head as curl -v shows it: "> " and "< " before each line, its own
// notes among them. Places are those of the bytes after the marks.
func TestCurlVerboseHead(t *testing.T) {
	src := "vendor: s3\ntitle: t\n-- 1/request --\n> GET / HTTP/2\r\n> Host: h\r\n> user-agent: curl/8.5.0\r\n>\r\n\n-- 1/response --\n" +
		"< HTTP/2 200 \r\n* TLSv1.3 (IN), TLS handshake, Newsession Ticket (4):\r\n< content-type: application/xml\r\n< date: 2024\x00\r\n< \r\n<a/>\n"
	r := Parse("f.txtar", []byte(src))
	req, resp := r.Exchanges[0].Request, r.Exchanges[0].Response
	if req.Method != "GET" || req.Proto != "HTTP/2" || req.Get("User-Agent") != "curl/8.5.0" || len(req.Headers) != 2 {
		t.Errorf("request %s %s, headers %+v", req.Method, req.Proto, req.Headers)
	}
	if resp.Status != 200 || resp.Get("Content-Type") != "application/xml" || string(resp.Body) != "<a/>" || len(resp.Headers) != 2 {
		t.Errorf("response %d, headers %+v, body %q", resp.Status, resp.Headers, resp.Body)
	}
	// The NUL is the 5th byte of the date's value on line 13, after "< date: ".
	if got := problems(r); !reflect.DeepEqual(got, []string{"http.header-value 13:13"}) {
		t.Errorf("problems %q", got)
	}
}

// Whatever the bytes, reading never panics, every problem lies inside the
// message, and every decoded byte is placed inside the framed body.
func FuzzReadMessage(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5;a=b\r\nhello\r\n0\r\nX: y\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nffffffffff\r\nx",
		"HTTP/2 200\r\ncontent-encoding: gzip, deflate\r\n\r\n\x1f\x8b\x08\x00",
		"< HTTP/1.1 200 OK\r\n* note\r\n< A: b\r\n<\r\nbody",
		"HTTP/1.1 200 OK\nTransfer-Encoding: gzip, chunked\nContent-Encoding: br\n\n3\nabc\n0\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		const base = 7
		m, probs := ReadMessage(Response, data, base)
		for _, p := range probs {
			if p.Offset < base || p.Offset > base+len(data) {
				t.Fatalf("problem %+v outside the message (%d bytes from %d)", p, len(data), base)
			}
		}
		for _, off := range []int{0, len(m.Body) / 2, len(m.Body) - 1} {
			if off < 0 {
				continue
			}
			if file, _ := m.Pos(off); file < m.BodyOffset || file > m.BodyOffset+len(m.Framed) {
				t.Fatalf("byte %d of the body placed at %d, outside the framed body [%d, %d]", off, file, m.BodyOffset, m.BodyOffset+len(m.Framed))
			}
		}
	})
}
