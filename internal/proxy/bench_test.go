package proxy_test

import (
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/proxy"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// BenchmarkPage1000 measures what the proxy adds to a page of 1,000 S3
// buckets (about 135 KB), side by side: "direct" asks the reference
// endpoint; "proxy" asks it through the proxy, which copies and judges
// every page, back to back, so that a client that outpaces the checks
// waits for them; "proxy-paced" asks the next page only once the proxy
// has judged the last, so its latency is what passing through adds. One
// op is one signed request on loopback; p50-ns and p99-ns are the
// latencies (request sent to last body byte read) over the ops,
// page-bytes the size of the page. For the
// figures over 1,000 requests:
//
//	go test ./internal/proxy -run '^$' -bench Page1000 -benchtime 1000x
func BenchmarkPage1000(b *testing.B) {
	const buckets = 1000
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		b.Fatal(err)
	}
	t0 := time.Date(2024, 5, 6, 7, 8, 9, 0, time.UTC)
	srv := refserver.New(c, refserver.Options{Keys: map[string]string{sdkKey: sdkSecret}, Now: func() time.Time { return t0 }})
	for i := range buckets {
		srv.Seed(refserver.Bucket{Name: fmt.Sprintf("bucket-%06d", i), Created: t0.Add(-time.Hour)})
	}
	up := httptest.NewServer(srv)
	defer up.Close()
	upURL, _ := url.Parse(up.URL)
	p, err := proxy.New(proxy.Config{Contract: c, Upstream: upURL})
	if err != nil {
		b.Fatal(err)
	}
	ps := httptest.NewServer(p)
	defer ps.Close()
	judged := make(chan struct{}, 1)
	paced, err := proxy.New(proxy.Config{Contract: c, Upstream: upURL, Event: func(proxy.Event) { judged <- struct{}{} }})
	if err != nil {
		b.Fatal(err)
	}
	pacedServer := httptest.NewServer(paced)
	defer pacedServer.Close()

	for _, target := range []struct {
		name, url string
		wait      chan struct{}
	}{{"direct", up.URL, nil}, {"proxy", ps.URL, nil}, {"proxy-paced", pacedServer.URL, judged}} {
		b.Run(target.name, func(b *testing.B) {
			client := &http.Client{Transport: &http.Transport{DisableCompression: true}}
			var lat []time.Duration
			var size int64
			b.ReportAllocs()
			for b.Loop() {
				req, _ := http.NewRequest(http.MethodGet, target.url+"/?max-buckets=1000", nil)
				if err := signer.Sign(signer.S3V4, req, signer.Credentials{AccessKey: sdkKey, SecretKey: sdkSecret}, signer.Options{Region: srv.Region()}, t0); err != nil {
					b.Fatal(err)
				}
				start := time.Now()
				resp, err := client.Do(req)
				if err != nil {
					b.Fatal(err)
				}
				n, err := io.Copy(io.Discard, resp.Body)
				resp.Body.Close()
				lat = append(lat, time.Since(start))
				size = n
				if err != nil || resp.StatusCode != http.StatusOK || n < buckets*100 {
					b.Fatalf("status %d, %d bytes, %v", resp.StatusCode, n, err)
				}
				if target.wait != nil {
					<-target.wait
				}
			}
			slices.Sort(lat)
			b.ReportMetric(float64(lat[len(lat)*50/100]), "p50-ns")
			b.ReportMetric(float64(lat[min(len(lat)-1, len(lat)*99/100)]), "p99-ns")
			b.ReportMetric(float64(size), "page-bytes")
		})
	}
	for _, p := range []*proxy.Proxy{p, paced} {
		walks, stats := p.Close()
		if len(walks) > 0 && (stats.Unjudged != 0 || len(walks[0].Findings) != 0) {
			b.Errorf("through the proxy: %+v, findings %v", stats, walks[0].Findings)
		}
	}
}
