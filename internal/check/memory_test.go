package check

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/schemas"
)

// MemoryMultiple is the most heap a check holds for one exchange, as a
// multiple of its body, when the body is JSON or XML of the plain shape
// listings have: its tree (about 1.7x), the copy its texts share (1x),
// its JSON value (about 3.5x for a listing: every bucket is a map of its
// own), a window of the full validator's error tree, the page read and
// the findings listed. FullTreeMultiple is that for XML read into the
// full tree (comments or mixed content inside the root, or a syntax
// error recovered), whose nodes are several times larger.
// TestMemoryPerExchange holds the checks to both.
const (
	MemoryMultiple   = 9
	FullTreeMultiple = 18
)

// memoryBodies are listings of n buckets, every bucket right or every
// one wrong, in each reading the checks use.
var memoryBodies = []struct {
	name, vendor string
	body         func(n int) string
}{
	{"S3 clean", "s3", func(n int) string { return bucketsXML(n, "2024-01-02T03:04:05.000Z", "") }},
	{"S3 bad dates", "s3", func(n int) string { return bucketsXML(n, "yesterday", "") }},
	{"S3 bad dates, full tree", "s3", func(n int) string { return bucketsXML(n, "yesterday", "<!-- c -->") }},
	{"QingStor clean", "qingstor", func(n int) string { return bucketsJSON(n, "2024-01-02T03:04:05Z") }},
	{"QingStor bad dates", "qingstor", func(n int) string { return bucketsJSON(n, "yesterday") }},
}

func bucketsXML(n int, date, comment string) string {
	var b strings.Builder
	b.WriteString(`<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + comment + `<Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner><Buckets>`)
	for i := 0; i < n; i++ {
		fmt.Fprintf(&b, "<Bucket><Name>bucket-%07d</Name><CreationDate>%s</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket>", i, date)
	}
	b.WriteString(`</Buckets><Prefix>bucket-</Prefix></ListAllMyBucketsResult>`)
	return b.String()
}

func bucketsJSON(n int, date string) string {
	var b strings.Builder
	fmt.Fprintf(&b, `{"count":%d,"buckets":[`, n)
	for i := 0; i < n; i++ {
		if i > 0 {
			b.WriteByte(',')
		}
		fmt.Fprintf(&b, `{"name":"bucket-%07d","location":"pek3b","url":"https://x.pek3b.qingstor.com","created":%q}`, i, date)
	}
	b.WriteString("]}")
	return b.String()
}

// heldPeak checks rec and returns the most heap the check held beyond
// what was in use before it, measured (after a collection) wherever
// probe is called.
func heldPeak(rec *exchange.Recording, c *contract.Contract) (peak uint64, findings int) {
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc
	saved := probe
	defer func() { probe = saved }()
	probe = func() {
		runtime.GC()
		runtime.ReadMemStats(&m)
		if m.HeapAlloc > base {
			peak = max(peak, m.HeapAlloc-base)
		}
	}
	return peak, len(Recording(rec, c))
}

// TestMemoryPerExchange: checking one exchange holds at most
// MemoryMultiple times its body, however many buckets and findings.
func TestMemoryPerExchange(t *testing.T) {
	n := 40000
	if testing.Short() {
		n = 8000
	}
	for _, mb := range memoryBodies {
		c, err := contract.Load(schemas.FS, mb.vendor)
		if err != nil {
			t.Fatal(err)
		}
		body := mb.body(n)
		src := fmt.Sprintf("vendor: %s\ntitle: memory\n-- 1/request --\nGET /?prefix=bucket- HTTP/1.1\nHost: h\n-- 1/response --\nHTTP/1.1 200 OK\n\n%s\n", mb.vendor, body)
		rec := exchange.Parse("memory.txtar", []byte(src))
		peak, findings := heldPeak(rec, c)
		multiple := float64(peak) / float64(len(body))
		t.Logf("%-26s %9d bytes, %4d findings: held %.1fx", mb.name, len(body), findings, multiple)
		limit := MemoryMultiple
		if strings.Contains(mb.name, "full tree") {
			limit = FullTreeMultiple
		}
		if multiple > float64(limit) {
			t.Errorf("%s: the check held %d bytes for a %d-byte body: %.1fx, want at most %dx", mb.name, peak, len(body), multiple, limit)
		}
		if strings.Contains(mb.name, "bad") && findings != MaxListed+1+4 {
			t.Errorf("%s: %d findings, want %d listed, one counting the rest, and the page's four", mb.name, findings, MaxListed+1)
		}
	}
}

// TestWalkerKeepsNames: what a walk keeps between pages is the names
// uniqueness needs, at most walkBytesPerBucket a bucket (a name's bytes
// and its place in a map), never the pages: a name read from a body is
// copied, not kept as a slice of the body's memory.
func TestWalkerKeepsNames(t *testing.T) {
	const pages, perPage, walkBytesPerBucket = 40, 1000, 96
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	page := func(p int) *exchange.Recording {
		var b strings.Builder
		b.WriteString(`<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner><Buckets>`)
		for i := 0; i < perPage; i++ {
			fmt.Fprintf(&b, "<Bucket><Name>bucket-%07d</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket>", p*perPage+i)
		}
		b.WriteString(`</Buckets></ListAllMyBucketsResult>`)
		src := fmt.Sprintf("vendor: s3\ntitle: page\n-- 1/request --\nGET /?max-buckets=%d&continuation-token=t%d HTTP/1.1\nHost: h\n-- 1/response --\nHTTP/1.1 200 OK\n\n%s\n", perPage, p, b.String())
		return exchange.Parse(fmt.Sprintf("page%d.txtar", p), []byte(src))
	}
	var m runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&m)
	base := m.HeapAlloc
	w := NewWalker(c)
	for p := 0; p < pages; p++ {
		w.Check(page(p)) // the page is gone once checked
	}
	runtime.GC()
	runtime.ReadMemStats(&m)
	kept := int64(m.HeapAlloc) - int64(base)
	perBucket := float64(kept) / (pages * perPage)
	t.Logf("a walk of %d buckets keeps %d bytes: %.0f a bucket", pages*perPage, kept, perBucket)
	if perBucket > walkBytesPerBucket {
		t.Errorf("the walk keeps %.0f bytes a bucket, want at most %d", perBucket, walkBytesPerBucket)
	}
	runtime.KeepAlive(w)
}
