package refserver

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/signer"
)

// BenchmarkWalk100k walks 100,000 S3 buckets in pages of 1,000 through
// real HTTP on loopback, signing every request with SigV4: one op is one
// whole walk of 100 requests.
func BenchmarkWalk100k(b *testing.B) {
	const buckets, pageSize = 100_000, 1000
	c := loadContract(b, "s3")
	srv := New(c, Options{Keys: map[string]string{testKey: testSecret}, Now: func() time.Time { return t0 }})
	for i := range buckets {
		srv.Seed(Bucket{Name: fmt.Sprintf("bucket-%06d", i), Created: t0.Add(-time.Hour)})
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	client := ts.Client()
	open, close := []byte("<ContinuationToken>"), []byte("</ContinuationToken>")

	var requests, bytesRead int
	b.ReportAllocs()
	b.ResetTimer()
	for b.Loop() {
		token, listed := "", 0
		for {
			q := url.Values{"max-buckets": {fmt.Sprint(pageSize)}}
			if token != "" {
				q.Set("continuation-token", token)
			}
			req, _ := http.NewRequest(http.MethodGet, ts.URL+"/?"+q.Encode(), nil)
			if err := signer.Sign("s3-v4", req, goodCreds, signer.Options{Region: srv.Region()}, t0); err != nil {
				b.Fatal(err)
			}
			resp, err := client.Do(req)
			if err != nil {
				b.Fatal(err)
			}
			body, err := io.ReadAll(resp.Body)
			resp.Body.Close()
			if err != nil || resp.StatusCode != http.StatusOK {
				b.Fatalf("status %d, %v\n%s", resp.StatusCode, err, body)
			}
			requests++
			bytesRead += len(body)
			listed += bytes.Count(body, []byte("<Bucket>"))
			i := bytes.Index(body, open)
			if i < 0 {
				break
			}
			j := bytes.Index(body[i:], close)
			token = string(body[i+len(open) : i+j])
		}
		if listed != buckets {
			b.Fatalf("the walk listed %d buckets, want %d", listed, buckets)
		}
	}
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	b.ReportMetric(float64(bytesRead)/float64(b.N), "bytes/op")
}
