package live

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/exchange"
)

// A live run's recording shows the request headers the server received,
// no more (DumpRequestOut's own transport adds Accept-Encoding: gzip,
// which the client never sends), and a chunked response recorded with its
// head reads back as a clean chunked message with the body and trailers
// the client read.
func TestRecordedAsSent(t *testing.T) {
	received := make(chan http.Header, 1)
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		received <- r.Header.Clone()
		w.Header().Set("Trailer", "X-Sum")
		fmt.Fprint(w, "<a>hello")
		w.(http.Flusher).Flush()
		fmt.Fprint(w, " world</a>")
		w.Header().Set("X-Sum", "42")
	}))
	defer srv.Close()
	ex := NewClient(fast, nil).Do(context.Background(), get(srv.URL+"/"))
	if ex.Err != nil {
		t.Fatal(ex.Err)
	}
	got := <-received
	src := "vendor: s3\ntitle: t\n-- 1/request --\n" + string(ex.Request) + "\n-- 1/response --\n" + string(ex.Response) + "\n"
	rec := exchange.Parse("f.txtar", []byte(src))
	if len(rec.Problems) > 0 {
		t.Fatalf("the recording has problems: %v\n%s", rec.Problems, src)
	}
	req, resp := rec.Exchanges[0].Request, rec.Exchanges[0].Response
	for _, h := range req.Headers {
		if !strings.EqualFold(h.Name, "Host") && got.Get(h.Name) == "" {
			t.Errorf("the recording shows %s: %s, which the server never received", h.Name, h.Value)
		}
	}
	for name := range got {
		if _, ok := req.Header(name); !ok {
			t.Errorf("the server received %s, which the recording does not show", name)
		}
	}
	if !resp.Chunked || string(resp.Body) != "<a>hello world</a>" || string(ex.Body) != string(resp.Body) {
		t.Errorf("chunked %v, body %q; the client read %q", resp.Chunked, resp.Body, ex.Body)
	}
	if len(resp.Trailers) != 1 || resp.Trailers[0].Value != "42" {
		t.Errorf("trailers %+v", resp.Trailers)
	}
}
