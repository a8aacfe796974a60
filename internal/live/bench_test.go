package live_test

import (
	"context"
	"fmt"
	"net/http/httptest"
	"net/url"
	"runtime"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// BenchmarkWalk walks every bucket of an S3 reference endpoint with page
// size 1,000 through real HTTP, signing each request and checking each page
// as part of the walk (check.Walker), and reports requests and the heap the
// walk adds at its peak and keeps per bucket at its end. Comparing 10,000
// with 100,000 buckets shows the walk's memory grows only with the names
// uniqueness needs: bodies are dropped page by page.
//
// Each size runs checked (every page through check.Walker) beside its
// floor, unchecked (each page read only for its names and token, which a
// walk needs anyway), so that the cost of checking reads as a ratio.
func BenchmarkWalk(b *testing.B) {
	for _, n := range []int{10000, 100000} {
		for _, checked := range []bool{true, false} {
			mode := "checked"
			if !checked {
				mode = "unchecked"
			}
			b.Run(fmt.Sprintf("buckets=%d/%s", n, mode), func(b *testing.B) { benchmarkWalk(b, n, checked) })
		}
	}
}

func benchmarkWalk(b *testing.B, n int, checked bool) {
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		b.Fatal(err)
	}
	keys := map[string]string{"AKIDEXAMPLE": "SECRETEXAMPLE"}
	srv := refserver.New(c, refserver.Options{Keys: keys})
	created := time.Date(2024, 1, 2, 3, 4, 5, 0, time.UTC)
	for i := range n {
		srv.Seed(refserver.Bucket{Name: fmt.Sprintf("bucket-%07d", i), Region: "us-east-1", Created: created})
	}
	ts := httptest.NewServer(srv)
	defer ts.Close()
	u, _ := url.Parse(ts.URL)
	t := &live.Target{
		Contract: c, Endpoint: u, Signature: signer.S3V4, Region: "us-east-1",
		Creds:  signer.Credentials{AccessKey: "AKIDEXAMPLE", SecretKey: "SECRETEXAMPLE"},
		Client: live.NewClient(live.DefaultLimits, nil),
	}
	var peak, retained uint64
	requests := 0
	b.ResetTimer()
	for b.Loop() {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		base := ms.HeapAlloc
		walker := check.NewWalker(c)
		in := live.Intent{PageSize: "1000"}
		listed := 0
		for page := 1; ; page++ {
			ex := t.List(context.Background(), in)
			requests++
			if ex.Err != nil || ex.Status != 200 {
				b.Fatalf("page %d: %d %v", page, ex.Status, ex.Err)
			}
			var pg check.Page
			if checked {
				src, err := exchange.Format([][2]string{{"vendor", "s3"}, {"title", "walk"}},
					[]exchange.Part{{Name: "1/request", Data: ex.Request}, {Name: "1/response", Data: ex.Response}})
				if err != nil {
					b.Fatal(err)
				}
				if fs := walker.Check(exchange.Parse("walk.txtar", src)); len(fs) > 0 {
					b.Fatalf("page %d: %v", page, fs[0])
				}
				pg = walker.Page()
			} else {
				pg = check.ReadPage(c, ex.Body)
			}
			listed += len(pg.Names)
			runtime.ReadMemStats(&ms)
			if ms.HeapAlloc > base && ms.HeapAlloc-base > peak {
				peak = ms.HeapAlloc - base
			}
			if pg.Next == "" {
				break
			}
			in.Token = pg.Next
		}
		if listed != n {
			b.Fatalf("the walk listed %d of %d buckets", listed, n)
		}
		// What the walk keeps once its garbage is gone: the names.
		runtime.GC()
		runtime.ReadMemStats(&ms)
		if ms.HeapAlloc > base {
			retained = max(retained, ms.HeapAlloc-base)
		}
		runtime.KeepAlive(walker)
	}
	b.ReportMetric(float64(requests)/float64(b.N), "requests/op")
	b.ReportMetric(float64(peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(retained)/float64(n), "retained-B/bucket")
}
