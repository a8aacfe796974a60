package capture

import (
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/replay"
	"github.com/getservice-conformance/gsc/schemas"
)

// benchHAR is a HAR of 20 pages of 1,000 buckets each (one walk), about
// 3 MB, and the same walk as the recording an import synthesises: the
// floor an import is measured against.
var benchHAR = sync.OnceValues(func() ([]byte, []byte) {
	var entries []string
	for p := 0; p < 20; p++ {
		var b strings.Builder
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets>`)
		for i := 0; i < 1000; i++ {
			fmt.Fprintf(&b, "<Bucket><Name>bucket-%02d-%04d</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket>", p, i)
		}
		b.WriteString(`</Buckets><Owner><ID>1</ID></Owner>`)
		if p < 19 {
			fmt.Fprintf(&b, "<ContinuationToken>t%d</ContinuationToken>", p+1)
		}
		b.WriteString(`</ListAllMyBucketsResult>`)
		url := "https://s3.us-east-1.amazonaws.com/?max-buckets=1000"
		if p > 0 {
			url += fmt.Sprintf("&continuation-token=t%d", p)
		}
		body := b.String()
		entries = append(entries, testEntry(url, "", "200",
			`{"name":"x-amz-request-id","value":"1"},{"name":"Content-Type","value":"application/xml"}`,
			fmt.Sprintf(`{"size":%d,"mimeType":"application/xml","text":%q}`, len(body), body)))
	}
	har := harOf(entries...)
	imp, err := Read("bench.har", har, HAR, Options{Contracts: &contract.Set{FS: schemas.FS}})
	if err != nil || len(imp.Walks) != 1 {
		panic(fmt.Sprint("bench HAR: ", err))
	}
	return har, imp.Walks[0].text.data
})

// BenchmarkImportHAR reads, places and checks the HAR walk.
func BenchmarkImportHAR(b *testing.B) {
	har, _ := benchHAR()
	set := &contract.Set{FS: schemas.FS}
	checker := &replay.Checker{Contracts: set}
	b.SetBytes(int64(len(har)))
	b.ReportAllocs()
	for b.Loop() {
		imp, err := Read("bench.har", har, HAR, Options{Contracts: set})
		if err != nil {
			b.Fatal(err)
		}
		if fs := imp.Check(checker.Check); len(fs) != 0 {
			b.Fatalf("findings on a clean walk: %v", fs[0])
		}
	}
}

// BenchmarkCheckSynthesised is the floor: the same walk, already a
// recording, parsed and checked.
func BenchmarkCheckSynthesised(b *testing.B) {
	har, txtar := benchHAR()
	set := &contract.Set{FS: schemas.FS}
	checker := &replay.Checker{Contracts: set}
	b.SetBytes(int64(len(har)))
	b.ReportAllocs()
	for b.Loop() {
		if fs := checker.Check(exchange.Parse("bench.txtar", txtar)); len(fs) != 0 {
			b.Fatalf("findings on a clean walk: %v", fs[0])
		}
	}
}
