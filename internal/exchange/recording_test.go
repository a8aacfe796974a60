package exchange

import (
	"reflect"
	"strings"
	"testing"
)

// problems returns a recording's problems as "check line:col" strings.
func problems(r *Recording) []string {
	var out []string
	for _, f := range r.Problems {
		out = append(out, f.Check+" "+f.Where())
	}
	return out
}

// A fixture is written with "|" standing for nothing and "\r" kept as is.
func fixture(lines ...string) []byte { return []byte(strings.Join(lines, "\n")) }

func TestParseProblems(t *testing.T) {
	const head = "vendor: s3\ntitle: t\n"
	const req = "-- 1/request --\nGET / HTTP/1.1\nHost: h\n"
	tests := []struct {
		name string
		src  string
		want []string
	}{
		{"clean LF", head + "-- 1/request --\nGET / HTTP/1.1\nHost: h\n-- 1/response --\nHTTP/1.1 200 OK\nContent-Length: 2\n\nok\n", nil},
		{"clean CRLF", head + "-- 1/request --\r\nGET / HTTP/1.1\r\nHost: h\r\n\r\n\n-- 1/response --\nHTTP/1.1 200 OK\r\n\r\nok\n", nil},
		{"space inside the target", head + "-- 1/request --\nGET /? prefix=a HTTP/1.1\nHost: h\n", []string{"http.request-line 4:7"}},
		{"no HTTP version", head + "-- 1/request --\nGET /v1\n", []string{"http.request-line 4:8"}},
		{"lower-case method", head + "-- 1/request --\nget / HTTP/1.1\n", []string{"http.request-line 4:1"}},
		{"not a request line", head + "-- 1/request --\nGET\n", []string{"http.request-line 4:1"}},
		{"bad status code", head + req + "-- 1/response --\nHTTP/1.1 2OO OK\n\n", []string{"http.status-line 7:10"}},
		{"not a status line", head + req + "-- 1/response --\nOK 200\n", []string{"http.status-line 7:1"}},
		{"empty message", head + req + "-- 1/response --\n", []string{"http.status-line 7:1"}},
		{"no blank line before an XML body", head + req + "-- 1/response --\nHTTP/1.1 200 OK\nServer: x\n<?xml version=\"1.0\"?>\n<a/>\n", []string{"http.header-end 9:1"}},
		{"no blank line and no body marker", head + req + "-- 1/response --\nHTTP/1.1 200 OK\nServer: x\n<a>\n</a>\n", []string{"http.header-end 9:1"}},
		{"placeholder line in the header block", head + req + "-- 1/response --\nHTTP/1.1 200 OK\n<Common response header>\n\n{}\n", []string{"http.header-line 8:1"}},
		{"header name with a space", head + "-- 1/request --\nGET / HTTP/1.1\nX Y: z\n\n", []string{"http.header-line 5:1"}},
		{"no vendor", "title: t\n-- 1/request --\nGET / HTTP/1.1\n", []string{"exchange.format 1:1"}},
		{"bad part name", head + "-- one/request --\nGET / HTTP/1.1\n", []string{"exchange.format 3:1"}},
		{"two requests", head + "-- 1/request --\nGET / HTTP/1.1\nHost: h\n-- 1/request --\nGET / HTTP/1.1\n", []string{"exchange.format 6:1"}},
		{"gap in numbering", head + "-- 2/request --\nGET / HTTP/1.1\nHost: h\n", []string{"exchange.format -"}},
		{"no parts", head, []string{"exchange.format -"}},
		{"response without request", head + "-- 1/response --\nHTTP/1.1 200 OK\n\n", []string{"exchange.format 4:1"}},
		{"metadata line without colon", head + "vendor s3\n-- 1/request --\nGET / HTTP/1.1\nHost: h\n", []string{"exchange.format 3:1"}},
		{"bad expect line", head + "expect: http.host\n-- 1/request --\nGET / HTTP/1.1\nHost: h\n", []string{"exchange.format 3:1"}},
		{"expect with unknown check", head + "expect: no.such 1 1:1\n-- 1/request --\nGET / HTTP/1.1\nHost: h\n", []string{"exchange.format 3:1"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := Parse("f.txtar", []byte(tt.src))
			if got := problems(r); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("problems = %q, want %q", got, tt.want)
			}
		})
	}
}

func TestParseMessage(t *testing.T) {
	src := fixture(
		"vendor: cos",
		"title: a walk",
		"expect: page.walk 2 9:1 wrong marker",
		"-- 1/request --",
		"GET /?max-keys=1&marker=a%20b HTTP/1.1",
		"Host:  service.cos.myqcloud.com  ",
		"Date: Fri, 24 May 2019 11:59:50 GMT",
		"-- 1/response --",
		"HTTP/1.1 200 OK\r",
		"Content-Length: 5\r",
		"\r",
		"<a/>\r",
		"",
		"-- 1/body --",
		"<b/>",
	)
	r := Parse("walk.txtar", src)
	if len(r.Exchanges) != 1 {
		t.Fatalf("%d exchanges, want 1", len(r.Exchanges))
	}
	req, resp := r.Exchanges[0].Request, r.Exchanges[0].Response
	if req.Method != "GET" || req.Path != "/" || req.Query.Get("marker") != "a b" || req.Query.Get("max-keys") != "1" || req.Proto != "HTTP/1.1" {
		t.Errorf("request line read as %q %q %v %q", req.Method, req.Path, req.Query, req.Proto)
	}
	if h, _ := req.Header("host"); h.Value != "service.cos.myqcloud.com" {
		t.Errorf("Host = %q: surrounding white space belongs to the syntax, not the value", h.Value)
	}
	if line, col := r.Position(req.Offset); line != 5 || col != 1 {
		t.Errorf("request at %d:%d, want 5:1", line, col)
	}
	// The part's last newline belongs to txtar; the CRLF before it is the body's.
	if string(resp.Body) != "<a/>\r\n" || resp.Status != 200 {
		t.Errorf("response body %q status %d", resp.Body, resp.Status)
	}
	if got := problems(r); !reflect.DeepEqual(got, []string{"exchange.format 14:1"}) {
		t.Errorf("a body part beside a response is a second response: problems %q", got)
	}
	if len(r.Expect) != 1 || r.Expect[0].Key.Where != "9:1" || r.Expect[0].Note != "wrong marker" || r.Expect[0].Line != 3 {
		t.Errorf("expectations = %+v", r.Expect)
	}
}

func TestParseKeepsBytes(t *testing.T) {
	body := "{\"count\": 0,\n\"buckets\": []}"
	src := "vendor: qingstor\ntitle: t\n-- 1/response --\nHTTP/1.1 200 OK\n\n" + body
	r := Parse("f.txtar", []byte(src))
	resp := r.Exchanges[0].Response
	if string(resp.Body) != body {
		t.Errorf("last part without final newline: body %q, want %q (nothing appended)", resp.Body, body)
	}
	if line, col := r.Position(resp.BodyOffset); line != 6 || col != 1 {
		t.Errorf("body at %d:%d, want 6:1", line, col)
	}
}

func TestPositionPastEnd(t *testing.T) {
	r := Parse("f.txtar", []byte("ab\ncd"))
	for _, c := range []struct{ off, line, col int }{{0, 1, 1}, {2, 1, 3}, {3, 2, 1}, {5, 2, 3}} {
		if l, col := r.Position(c.off); l != c.line || col != c.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", c.off, l, col, c.line, c.col)
		}
	}
}

func FuzzParse(f *testing.F) {
	f.Add([]byte("vendor: s3\n-- 1/request --\nGET / HTTP/1.1\nHost: h\n-- 1/response --\nHTTP/1.1 200 OK\n\n<a/>\n"))
	f.Add([]byte("-- 1/response --\r\nHTTP/1.1 200\r\n<x\n-- 2/body --\n{"))
	f.Fuzz(func(t *testing.T, src []byte) {
		r := Parse("f.txtar", src)
		for _, p := range r.Problems {
			if p.Line < 0 || p.Line > len(src)+1 {
				t.Fatalf("problem outside the file: %v", p)
			}
		}
		for _, ex := range r.Exchanges {
			for _, m := range []*Message{ex.Request, ex.Response} {
				if m != nil && (m.BodyOffset < m.Offset || m.BodyOffset > len(src)) {
					t.Fatalf("body offset %d outside [%d, %d]", m.BodyOffset, m.Offset, len(src))
				}
			}
		}
	})
}
