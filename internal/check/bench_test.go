package check_test

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/schemas"
)

// listing builds a recorded exchange with n buckets in the vendor's XML,
// correct in every respect, and returns the recording and its body.
func listing(vendor string, n int) (src, body []byte) {
	var b strings.Builder
	switch vendor {
	case "s3":
		b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner><Buckets>`)
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "<Bucket><Name>bucket-%06d</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket>", i)
		}
		b.WriteString(`</Buckets><Prefix>bucket-</Prefix></ListAllMyBucketsResult>`)
	case "cos":
		b.WriteString("<ListAllMyBucketsResult>\n<Owner>\n<ID>qcs::cam::uin/100000000001:uin/100000000001</ID>\n<DisplayName>100000000001</DisplayName>\n</Owner>\n<Marker></Marker>\n<NextMarker></NextMarker>\n<IsTruncated>false</IsTruncated>\n<Buckets>\n")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "<Bucket>\n<Name>bucket%06d-1250000000</Name>\n<Location>ap-beijing</Location>\n<CreationDate>2019-05-24T11:49:50Z</CreationDate>\n<BucketType>cos</BucketType>\n</Bucket>\n", i)
		}
		b.WriteString("</Buckets>\n</ListAllMyBucketsResult>")
	}
	body = []byte(b.String())
	req := map[string]string{
		"s3":  "GET /?max-buckets=10000&prefix=bucket- HTTP/1.1\nHost: s3.us-east-1.amazonaws.com\nx-amz-date: 20240102T030405Z\nx-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=****\n",
		"cos": "GET / HTTP/1.1\nHost: service.cos.myqcloud.com\nAuthorization: q-sign-algorithm=sha1&q-ak=****&q-sign-time=1704164645;1704168245&q-key-time=1704164645;1704168245&q-header-list=host&q-url-param-list=&q-signature=****\n",
	}[vendor]
	ctype := map[string]string{"s3": "application/xml", "cos": "application/xml"}[vendor]
	rid := map[string]string{"s3": "x-amz-request-id", "cos": "x-cos-request-id"}[vendor]
	src = []byte(fmt.Sprintf("vendor: %s\ntitle: %d buckets\n-- 1/request --\n%s-- 1/response --\nHTTP/1.1 200 OK\nDate: Tue, 02 Jan 2024 03:04:06 GMT\nContent-Type: %s\nContent-Length: %d\n%s: 1\n\n%s\n",
		vendor, n, req, ctype, len(body), rid, body))
	return src, body
}

func TestBenchmarkListingsAreClean(t *testing.T) {
	for _, c := range []struct {
		vendor string
		n      int
	}{{"s3", 10000}, {"cos", 2000}} {
		src, _ := listing(c.vendor, c.n)
		con, err := contract.Load(schemas.FS, c.vendor)
		if err != nil {
			t.Fatal(err)
		}
		if fs := check.Recording(exchange.Parse("bench.txtar", src), con); len(fs) != 0 {
			t.Errorf("%s listing of %d: %d findings, first %v", c.vendor, c.n, len(fs), fs[0])
		}
	}
}

func benchmarkCheck(b *testing.B, vendor string, n int) {
	src, body := listing(vendor, n)
	con, err := contract.Load(schemas.FS, vendor)
	if err != nil {
		b.Fatal(err)
	}
	b.Run("check", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			if fs := check.Recording(exchange.Parse("bench.txtar", src), con); len(fs) != 0 {
				b.Fatalf("%d findings: %v", len(fs), fs[0])
			}
		}
	})
	b.Run("encoding-xml-tokens", func(b *testing.B) {
		b.SetBytes(int64(len(body)))
		b.ReportAllocs()
		for b.Loop() {
			dec := xml.NewDecoder(bytes.NewReader(body))
			for {
				if _, err := dec.Token(); err == io.EOF {
					break
				} else if err != nil {
					b.Fatal(err)
				}
			}
		}
	})
}

// BenchmarkS3Listing10000 is the whole check of a 10,000-bucket S3 page
// (well-formedness, schema, XPath, semantics) next to a bare encoding/xml
// token pass over the same bytes.
func BenchmarkS3Listing10000(b *testing.B) { benchmarkCheck(b, "s3", 10000) }

// BenchmarkCOSPage2000 is the same for a full 2,000-bucket COS page.
func BenchmarkCOSPage2000(b *testing.B) { benchmarkCheck(b, "cos", 2000) }
