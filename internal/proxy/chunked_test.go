package proxy_test

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/proxy"
	"github.com/getservice-conformance/gsc/schemas"
)

// TestChunkedUpstream: an endpoint that streams its listing chunked (as
// real servers do) is judged on the listing, not on how the proxy
// recorded it: the recording's head says chunked, so its body is framed
// chunked too, and the exchange draws no finding. A listing with a
// duplicate name still draws its own.
func TestChunkedUpstream(t *testing.T) {
	const listing = `<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID><DisplayName>o</DisplayName></Owner><Buckets>%s</Buckets></ListAllMyBucketsResult>`
	bucket := func(name string) string {
		return "<Bucket><Name>" + name + "</Name><CreationDate>2021-06-07T08:09:10.000Z</CreationDate></Bucket>"
	}
	for _, tt := range []struct {
		name, body string
		want       []string // check ids
	}{
		{"clean", fmt.Sprintf(listing, bucket("alpha")+bucket("bravo")), nil},
		{"a name twice", fmt.Sprintf(listing, bucket("alpha")+bucket("alpha")), []string{"page.unique"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			up := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				w.Header().Set("Content-Type", "application/xml")
				w.Header().Set("X-Amz-Request-Id", "req-1")
				w.Header().Set("Trailer", "X-Amz-Checksum")
				half := len(tt.body) / 2
				io.WriteString(w, tt.body[:half])
				w.(http.Flusher).Flush() // no Content-Length: chunked
				io.WriteString(w, tt.body[half:])
				w.Header().Set("X-Amz-Checksum", "abc")
			}))
			t.Cleanup(up.Close)
			c, err := contract.Load(schemas.FS, "s3")
			if err != nil {
				t.Fatal(err)
			}
			u, _ := url.Parse(up.URL)
			var got []string
			p, err := proxy.New(proxy.Config{Contract: c, Upstream: u, Event: func(e proxy.Event) {
				for _, f := range e.Findings {
					got = append(got, f.Check+": "+f.Message)
				}
			}})
			if err != nil {
				t.Fatal(err)
			}
			ps := httptest.NewServer(p)
			t.Cleanup(ps.Close)
			// Signed as a client would sign it (the proxy verifies no
			// signature; an unsigned request would be judged anonymous).
			req, _ := http.NewRequest("GET", ps.URL+"/", nil)
			now := time.Now().UTC()
			req.Header.Set("X-Amz-Date", now.Format("20060102T150405Z"))
			req.Header.Set("X-Amz-Content-Sha256", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
			req.Header.Set("Authorization", "AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/"+now.Format("20060102")+"/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature="+strings.Repeat("0", 64))
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if !bytes.Equal(body, []byte(tt.body)) || len(resp.TransferEncoding) == 0 {
				t.Fatalf("the client got %d bytes, transfer encoding %q; want the listing, chunked", len(body), resp.TransferEncoding)
			}
			p.Close()
			for _, want := range tt.want {
				if !strings.Contains(strings.Join(got, "\n"), want+": ") {
					t.Errorf("no %s finding; got:\n%s", want, strings.Join(got, "\n"))
				}
			}
			for _, f := range got {
				if !slicesHasPrefix(tt.want, f) {
					t.Errorf("unexpected finding: %s", f)
				}
			}
		})
	}
}

func slicesHasPrefix(checks []string, f string) bool {
	for _, c := range checks {
		if strings.HasPrefix(f, c+": ") {
			return true
		}
	}
	return false
}
