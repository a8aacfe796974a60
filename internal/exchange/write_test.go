package exchange

import (
	"bytes"
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
