package exchange

import (
	"bytes"
	"strings"
	"testing"
)

// Whatever Format writes, Parse reads back byte for byte.
func TestFormatRoundTrip(t *testing.T) {
	bodies := []string{"", "{}", "<a/>\n", "x\r\n", "\n\n", "a\nb"}
	for _, body := range bodies {
		req := []byte("GET / HTTP/1.1\r\nHost: h\r\n\r\n")
		resp := []byte("HTTP/1.1 200 OK\r\n\r\n" + body)
		src, err := Format([][2]string{{"vendor", "s3"}, {"title", "round trip"}}, []Part{{"1/request", req}, {"1/response", resp}})
		if err != nil {
			t.Fatal(err)
		}
		r := Parse("f.txtar", src)
		if len(r.Problems) != 0 {
			t.Fatalf("body %q: problems %v", body, r.Problems)
		}
		ex := r.Exchanges[0]
		if !bytes.Equal(ex.Request.Raw, req) || !bytes.Equal(ex.Response.Raw, resp) || string(ex.Response.Body) != body {
			t.Errorf("body %q: read back request %q response %q", body, ex.Request.Raw, ex.Response.Raw)
		}
	}
}

func TestFormatRefusesMarkerLines(t *testing.T) {
	_, err := Format(nil, []Part{{"1/response", []byte("HTTP/1.1 200 OK\n\n-- 2/request --\n")}})
	if err == nil {
		t.Error("a body with a txtar marker line was written")
	}
	if _, err := Format([][2]string{{"title", "two\nlines"}}, nil); err == nil {
		t.Error("a two-line metadata value was written")
	}
}

// A recording written a few parts at a time, and its tail read on its
// own, reads as the whole file does: the same bytes, the same positions.
func TestPartsReadAsTheWholeFile(t *testing.T) {
	meta := [][2]string{{"vendor", "s3"}, {"title", "walk"}}
	parts := []Part{
		{Name: "1/request", Data: []byte("GET / HTTP/1.1\r\nHost: h\r\n\r\n")},
		{Name: "1/response", Data: []byte("HTTP/1.1 200 OK\r\nX: 1\r\n\r\n<a/>")},
		{Name: "2/request", Data: []byte("GET /?x=1 HTTP/1.1\r\nHost: h\r\n\r\n")},
		{Name: "2/response", Data: []byte("HTTP/1.1 200 OK\r\nX: 2\r\n\r\n<b>\n</b>")},
	}
	whole, err := Format(meta, parts)
	if err != nil {
		t.Fatal(err)
	}
	head, _ := FormatHeader(meta)
	first, _ := FormatParts(parts[:2])
	second, _ := FormatParts(parts[2:])
	if got := string(head) + string(first) + string(second); got != string(whole) {
		t.Fatalf("header and parts written apart read %q; Format writes %q", got, whole)
	}
	all := Parse("walk.txtar", whole)
	lines := len(meta) + strings.Count(string(first), "\n")
	tail := ParseParts("walk.txtar", nil, second, lines, 2)
	if len(tail.Exchanges) != 1 || tail.Exchanges[0].Index != 2 || len(tail.Problems) != 0 {
		t.Fatalf("the tail reads as %d exchanges, problems %v; want exchange 2 alone", len(tail.Exchanges), tail.Problems)
	}
	want, got := all.Exchanges[1].Response, tail.Exchanges[0].Response
	wl, wc := all.Position(want.Offset + len(want.Raw) - 1)
	gl, gc := tail.Position(got.Offset + len(got.Raw) - 1)
	if gl != wl || gc != wc {
		t.Errorf("the tail places the response's last byte at %d:%d; the whole file at %d:%d", gl, gc, wl, wc)
	}
	if shifted := ParseParts("walk.txtar", nil, second, 0, 1); len(shifted.Problems) == 0 {
		t.Error("exchange 2 read as the first of a recording is not numbered 1..N, and must say so")
	}
}
