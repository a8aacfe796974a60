package suite

import (
	"fmt"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"runtime"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// walkHeap is what the heap held for one walk of the account at pages of
// 1,000: at its largest after any page (live objects only), and once the
// walk was judged and recorded, with what it returned still held.
type walkHeap struct {
	peak, retained uint64
	names          int
}

// measureWalk walks an S3 reference endpoint of n buckets over loopback
// as a read-only run walks the account, its client's attempts taped as
// tape says, and measures the live heap after every page and after the
// walk (the tape still held).
func measureWalk(tb testing.TB, n int, tape tapeMode) walkHeap {
	tb.Helper()
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		tb.Fatal(err)
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
	saved := LiveRun
	dir := tb.TempDir()
	LiveRun = LiveConfig{RunID: "gsc-test", ReadOnly: true, Record: func(name string) (io.WriteCloser, error) {
		return os.Create(filepath.Join(dir, name))
	}}
	defer func() { LiveRun = saved }()
	l := &liveSpecs{vendor: "s3", t: t}
	tp := tape.attach(tb, t.Client, dir)

	heap := func() uint64 {
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapAlloc
	}
	// What the walk before this one held (its server's connections wind
	// down after Close returns) must be gone before the base is taken,
	// or it is counted off this walk: collect until nothing more goes.
	base := heap()
	for range 10 {
		runtime.Gosched()
		now := heap()
		if now >= base {
			break
		}
		base = now
	}
	var h walkHeap
	sample := func([]string) bool {
		if now := heap(); now > base {
			h.peak = max(h.peak, now-base)
		}
		return false
	}
	w := l.walk("walk the account", walkPlan{size: 1000, maxPages: accountPages, until: sample})
	if fs := w.judge("walk the account"); len(fs) > 0 {
		tb.Fatalf("the reference endpoint's walk has findings: %v", fs[0])
	}
	if now := heap(); now > base {
		h.retained = now - base
	}
	rec, err := os.ReadFile(filepath.Join(dir, "s3-walk-the-account.txtar"))
	if err != nil {
		tb.Fatal(err)
	}
	if got, want := len(exchange.Parse("walk.txtar", rec).Exchanges), (n+999)/1000; got != want {
		tb.Fatalf("the recording holds %d exchanges; want %d", got, want)
	}
	h.peak = max(h.peak, h.retained)
	h.names = len(w.names)
	runtime.KeepAlive(w)
	tape.check(tb, tp, dir, (n+999)/1000)
	return h
}

// A walk holds the page in hand and the names it needs, never the pages
// before: from n to 4n buckets its heap once walked grows by a bounded
// number of bytes per bucket (the name, its region and page, the set of
// names uniqueness needs), and at its largest it exceeds that by what one
// page takes, whatever the number of pages.
func TestWalkHeapGrowsWithNamesOnly(t *testing.T) {
	if testing.Short() {
		t.Skip("walks 25,000 buckets")
	}
	const n = 5000
	small, large := measureWalk(t, n, noTape), measureWalk(t, 4*n, noTape)
	if small.names != n || large.names != 4*n {
		t.Fatalf("the walks listed %d and %d buckets; want %d and %d", small.names, large.names, n, 4*n)
	}
	perBucket := float64(int64(large.retained)-int64(small.retained)) / float64(3*n)
	t.Logf("%d buckets: peak %d B, retained %d B; %d buckets: peak %d B, retained %d B; %.0f B retained per bucket",
		n, small.peak, small.retained, 4*n, large.peak, large.retained, perBucket)
	// A name of 14 bytes, its region, its page and its entry in the set of
	// names seen take about 150 bytes; the bodies (about 130 bytes of XML
	// per bucket, kept twice, raw and decoded) must not be among them.
	const bound = 250
	if perBucket > bound {
		t.Errorf("the walk keeps %.0f bytes per bucket; want at most %d: it holds more than the names", perBucket, bound)
	}
	// The page in hand: at its largest the walk of 20 pages holds no more
	// than that of 5 plus the names it keeps besides; 1 MiB allows for the
	// maps' growth steps.
	if grown, names := int64(large.peak)-int64(small.peak), int64(large.retained)-int64(small.retained); grown > names+1<<20 {
		t.Errorf("at its largest the walk of %d pages holds %d B more than that of %d pages, %d B more than its names: it grows with the pages",
			4*n/1000, grown, n/1000, grown-names)
	}
}

// BenchmarkAccountWalk walks an account of 100,000 buckets at pages of
// 1,000 as a run does (every page checked as it comes), and reports the
// live heap at its largest and what the walk keeps per bucket.
func BenchmarkAccountWalk(b *testing.B) {
	const n = 100000
	var h walkHeap
	for b.Loop() {
		h = measureWalk(b, n, noTape)
	}
	if h.names != n {
		b.Fatalf("the walk listed %d of %d buckets", h.names, n)
	}
	b.ReportMetric(float64(h.peak)/(1<<20), "peak-heap-MB")
	b.ReportMetric(float64(h.retained)/n, "retained-B/bucket")
}
