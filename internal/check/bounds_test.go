package check_test

import (
	"fmt"
	"runtime"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/schemas"
)

func response(vendor, body string) []byte { return recordingOf(vendor, []byte(body)) }

// manyFindings are recordings with about n findings each.
var manyFindings = map[string]struct {
	vendor string
	body   func(n int) string
}{
	"XML dates": {"s3", func(n int) string {
		var b strings.Builder
		b.WriteString(`<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner><Buckets>`)
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "<Bucket><Name>bucket-%07d</Name><CreationDate>yesterday</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket>", i)
		}
		b.WriteString(`</Buckets><Prefix>bucket-</Prefix></ListAllMyBucketsResult>`) // the request sends prefix=bucket-
		return b.String()
	}},
	"XML names an assertion rejects": {"cos", func(n int) string {
		var b strings.Builder
		b.WriteString("<ListAllMyBucketsResult><Owner><ID>qcs::cam::uin/1:uin/1</ID><DisplayName>1</DisplayName></Owner><Marker></Marker><NextMarker></NextMarker><IsTruncated>false</IsTruncated><Buckets>")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "<Bucket><Name>bucket%07d</Name><Location>ap-beijing</Location><CreationDate>2019-05-24T11:49:50Z</CreationDate><BucketType>cos</BucketType></Bucket>", i)
		}
		b.WriteString("</Buckets></ListAllMyBucketsResult>")
		return b.String()
	}},
	"XML dates, full tree": {"s3", func(n int) string {
		// A comment inside the root keeps the body off the Lite reading.
		var b strings.Builder
		b.WriteString(`<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><!-- c --><Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner><Buckets>`)
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "<Bucket><Name>bucket-%07d</Name><CreationDate>yesterday</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket>", i)
		}
		b.WriteString(`</Buckets><Prefix>bucket-</Prefix></ListAllMyBucketsResult>`) // the request sends prefix=bucket-
		return b.String()
	}},
	"JSON dates": {"qingstor", func(n int) string {
		var b strings.Builder
		fmt.Fprintf(&b, `{"count":%d,"buckets":[`, n)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"name":"bucket-%07d","location":"pek3b","url":"https://x.pek3b.qingstor.com","created":"yesterday"}`, i)
		}
		b.WriteString("]}")
		return b.String()
	}},
}

// allocated returns the bytes checking src allocates, and its findings.
func allocated(t *testing.T, vendor string, src []byte) (uint64, int) {
	t.Helper()
	c, err := contract.Load(schemas.FS, vendor)
	if err != nil {
		t.Fatal(err)
	}
	rec := exchange.Parse("gen.txtar", src)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	fs := check.Recording(rec, c)
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc, len(fs)
}

// TestFindingsCostLinear: checking four times the findings allocates
// about four times the bytes (placing each finding by reading the body
// again, or by walking every sibling, would make it sixteen), and the
// report lists MaxListed of them per check with one line for the rest.
func TestFindingsCostLinear(t *testing.T) {
	const n = 450 // 4n stays within COS's default page size
	for name, c := range manyFindings {
		small, fs := allocated(t, c.vendor, response(c.vendor, c.body(n)))
		large, fl := allocated(t, c.vendor, response(c.vendor, c.body(4*n)))
		if ratio := float64(large) / float64(small); ratio > 6 {
			t.Errorf("%s: %d bytes for %d buckets, %d for %d: ratio %.1f, want about 4", name, small, n, large, 4*n, ratio)
		}
		if fs != check.MaxListed+1 || fl != check.MaxListed+1 {
			t.Errorf("%s: %d and %d findings, want %d", name, fs, fl, check.MaxListed+1)
		}
	}
}

// TestLimit: past MaxListed findings of one check in one exchange, one
// more finding counts the rest; at MaxListed, all are listed.
func TestLimit(t *testing.T) {
	c, err := contract.Load(schemas.FS, "qingstor")
	if err != nil {
		t.Fatal(err)
	}
	body := manyFindings["JSON dates"].body
	fs := check.Recording(exchange.Parse("gen.txtar", response("qingstor", body(check.MaxListed+7))), c)
	if len(fs) != check.MaxListed+1 {
		t.Fatalf("%d findings", len(fs))
	}
	last := fs[len(fs)-1]
	if last.Check != "schema.success" || last.Pointer != fmt.Sprintf("/buckets/%d/created", check.MaxListed) ||
		!strings.HasPrefix(last.Message, "7 more schema.success findings in this exchange are not listed") {
		t.Errorf("last finding %v", last)
	}
	fs = check.Recording(exchange.Parse("gen.txtar", response("qingstor", body(check.MaxListed))), c)
	if len(fs) != check.MaxListed || strings.Contains(fs[len(fs)-1].Message, "not listed") {
		t.Errorf("%d findings, last %v", len(fs), fs[len(fs)-1])
	}
}

// TestDeepBodies: a body nested a million levels deep, closed or not, has
// one finding for its depth, found without reading past it.
func TestDeepBodies(t *testing.T) {
	const depth = 1_000_000
	for _, body := range []string{
		`<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + strings.Repeat("<a>", depth) + strings.Repeat("</a>", depth) + "</ListAllMyBucketsResult>",
		`<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + strings.Repeat("<a>", depth),
	} {
		bytes, n := allocated(t, "s3", response("s3", body))
		c, _ := contract.Load(schemas.FS, "s3")
		var nesting int
		for _, f := range check.Recording(exchange.Parse("gen.txtar", response("s3", body)), c) {
			t.Log(f)
			if f.Check == "xml.syntax" && strings.Contains(f.Message, "nesting deeper") {
				nesting++
			}
		}
		if nesting != 1 || n > 5 {
			t.Errorf("%d findings, %d of them for the nesting; want that one and few others", n, nesting)
		}
		if bytes > uint64(4*len(body)) {
			t.Errorf("%d bytes allocated for a %d-byte body", bytes, len(body))
		}
	}
}
