package check_test

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"os"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/schemas"
)

// listingBody writes n buckets in the vendor's listing format, correct in
// every respect the contract checks.
func listingBody(vendor string, n int) []byte {
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
	case "oss":
		b.WriteString("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<ListAllMyBucketsResult>\n<Prefix></Prefix>\n<Marker></Marker>\n<MaxKeys>1000</MaxKeys>\n<IsTruncated>false</IsTruncated>\n<Owner><ID>51264</ID><DisplayName>51264</DisplayName></Owner>\n<Buckets>")
		for i := 0; i < n; i++ {
			fmt.Fprintf(&b, "\n<Bucket><CreationDate>2014-02-17T18:12:43.000Z</CreationDate><ExtranetEndpoint>oss-cn-hangzhou.aliyuncs.com</ExtranetEndpoint><IntranetEndpoint>oss-cn-hangzhou-internal.aliyuncs.com</IntranetEndpoint><Location>oss-cn-hangzhou</Location><Name>bucket-%06d</Name><Region>cn-hangzhou</Region><StorageClass>Standard</StorageClass></Bucket>", i)
		}
		b.WriteString("\n</Buckets>\n</ListAllMyBucketsResult>")
	case "qingstor":
		fmt.Fprintf(&b, `{"count":%d,"buckets":[`, n)
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, `{"name":"bucket-%06d","location":"pek3b","url":"https://bucket-%06d.pek3b.qingstor.com","created":"2024-01-02T03:04:05Z"}`, i, i)
		}
		b.WriteString("]}")
	case "bos":
		b.WriteString("{\n  \"owner\" : {\n    \"id\" : \"10eb6f5ff6ff4605bf044313e8f3ffa5\",\n    \"displayName\" : \"BcePassport\"\n  },\n  \"buckets\" : [")
		for i := 0; i < n; i++ {
			if i > 0 {
				b.WriteByte(',')
			}
			fmt.Fprintf(&b, " {\n    \"name\" : \"bucket-%06d\",\n    \"location\" : \"bj\",\n    \"creationDate\" : \"2024-01-02T03:04:05Z\"\n  }", i)
		}
		b.WriteString(" ]\n}")
	default:
		panic("no listing generator for " + vendor)
	}
	return []byte(b.String())
}

// listing builds a one-exchange recording of a listing of n buckets, with
// a request and response head each contract accepts, and returns the
// recording and its body.
func listing(vendor string, n int) (src, body []byte) {
	body = listingBody(vendor, n)
	return recordingOf(vendor, body), body
}

// recordingOf wraps a listing body of vendor in a recorded exchange.
func recordingOf(vendor string, body []byte) []byte {
	req := map[string]string{
		"s3":       "GET /?max-buckets=10000&prefix=bucket- HTTP/1.1\nHost: s3.us-east-1.amazonaws.com\nx-amz-date: 20240102T030405Z\nx-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/s3/aws4_request, SignedHeaders=host;x-amz-content-sha256;x-amz-date, Signature=****\n",
		"cos":      "GET / HTTP/1.1\nHost: service.cos.myqcloud.com\nAuthorization: q-sign-algorithm=sha1&q-ak=****&q-sign-time=1704164645;1704168245&q-key-time=1704164645;1704168245&q-header-list=host&q-url-param-list=&q-signature=****\n",
		"oss":      "GET /?max-keys=1000 HTTP/1.1\nHost: oss-cn-hangzhou.aliyuncs.com\nDate: Tue, 02 Jan 2024 03:04:05 GMT\nAuthorization: OSS ****:****\n",
		"qingstor": "GET /?limit=10000 HTTP/1.1\nHost: qingstor.com\nDate: Tue, 02 Jan 2024 03:04:05 GMT\nAuthorization: QS ****:****\n",
		"bos":      "GET / HTTP/1.1\nHost: bj.bcebos.com\nx-bce-date: 2024-01-02T03:04:05Z\nAuthorization: bce-auth-v1/****/2024-01-02T03:04:05Z/1800/host;x-bce-date/****\n",
	}[vendor]
	ctype, rid := "application/xml", map[string]string{
		"s3": "x-amz-request-id", "cos": "x-cos-request-id", "oss": "x-oss-request-id",
		"qingstor": "x-qs-request-id", "bos": "x-bce-request-id",
	}[vendor]
	if body[0] == '{' {
		ctype = "application/json"
	}
	return []byte(fmt.Sprintf("vendor: %s\ntitle: listing\n-- 1/request --\n%s-- 1/response --\nHTTP/1.1 200 OK\nDate: Tue, 02 Jan 2024 03:04:06 GMT\nContent-Type: %s\nContent-Length: %d\n%s: 1\n\n%s\n",
		vendor, req, ctype, len(body), rid, body))
}

// benchBodies are the bodies of BenchmarkCheck, with the findings their
// full check must make: the BOS page breaks the vendor's 100-bucket bound
// on purpose, as a 10,000-bucket JSON body is what the benchmark needs.
var benchBodies = []struct {
	vendor   string
	n        int
	findings []string
}{
	{"s3", 10000, nil},
	{"cos", 2000, nil},
	{"oss", 1000, nil},
	{"qingstor", 10000, nil},
	{"bos", 10000, []string{"page.size"}},
}

func TestBenchmarkListingsAreClean(t *testing.T) {
	for _, c := range benchBodies {
		src, _ := listing(c.vendor, c.n)
		con, err := contract.Load(schemas.FS, c.vendor)
		if err != nil {
			t.Fatal(err)
		}
		var got []string
		for _, f := range check.Recording(exchange.Parse("bench.txtar", src), con) {
			got = append(got, f.Check)
			t.Log(f)
		}
		if fmt.Sprint(got) != fmt.Sprint(c.findings) {
			t.Errorf("%s listing of %d: findings %v, want %v", c.vendor, c.n, got, c.findings)
		}
	}
}

// BenchmarkCheck runs, for each body, the whole check of its recording
// (well-formedness, schema, XPath, semantics) beside the floor: a bare
// encoding/xml or encoding/json token pass over the same body bytes.
// GSC_BENCH_ROUNDS (default 1) rounds run each pair one after the other,
// so that the check and its floor share whatever the machine does
// meanwhile (go test's -count would repeat each sub-benchmark in place);
// at the end a table gives the median and minimum ratios of the check to
// its floor, in time and in bytes allocated.
func BenchmarkCheck(b *testing.B) {
	rounds := 1
	if v := os.Getenv("GSC_BENCH_ROUNDS"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			b.Fatalf("GSC_BENCH_ROUNDS=%q: want a positive number", v)
		}
		rounds = n
	}
	type pair struct{ check, floor []measure }
	pairs := make([]pair, len(benchBodies))
	for round := 1; round <= rounds; round++ {
		for i, c := range benchBodies {
			src, body := listing(c.vendor, c.n)
			con, err := contract.Load(schemas.FS, c.vendor)
			if err != nil {
				b.Fatal(err)
			}
			name := fmt.Sprintf("body=%s-%d/round=%d", c.vendor, c.n, round)
			var m measure
			b.Run(name+"/pass=check", func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				m = measured(b, func() {
					if fs := check.Recording(exchange.Parse("bench.txtar", src), con); len(fs) != len(c.findings) {
						b.Fatalf("%d findings, want %d", len(fs), len(c.findings))
					}
				})
			})
			pairs[i].check = append(pairs[i].check, m)
			b.Run(name+"/pass=tokens", func(b *testing.B) {
				b.SetBytes(int64(len(body)))
				b.ReportAllocs()
				m = measured(b, func() {
					if err := tokenPass(body); err != nil {
						b.Fatal(err)
					}
				})
			})
			pairs[i].floor = append(pairs[i].floor, m)
		}
	}
	fmt.Printf("check / token pass over %d round(s):\n%-16s %12s %12s %12s %12s %14s\n",
		rounds, "body", "time median", "time min", "bytes median", "bytes min", "check B/op")
	for i, c := range benchBodies {
		var times, bytes []float64
		for r := range pairs[i].check {
			ch, fl := pairs[i].check[r], pairs[i].floor[r]
			times = append(times, ch.ns/fl.ns)
			bytes = append(bytes, ch.bytes/fl.bytes)
		}
		fmt.Printf("%-16s %11.2fx %11.2fx %11.2fx %11.2fx %14.0f\n", fmt.Sprintf("%s-%d", c.vendor, c.n),
			median(times), slices.Min(times), median(bytes), slices.Min(bytes), pairs[i].check[0].bytes)
	}
}

// measure is one sub-benchmark's time and bytes allocated per operation.
type measure struct{ ns, bytes float64 }

// measured runs op b.N times and returns what one run cost.
func measured(b *testing.B, op func()) measure {
	var before, after runtime.MemStats
	runtime.ReadMemStats(&before)
	b.ResetTimer()
	for b.Loop() {
		op()
	}
	b.StopTimer()
	runtime.ReadMemStats(&after)
	return measure{
		ns:    float64(b.Elapsed().Nanoseconds()) / float64(b.N),
		bytes: float64(after.TotalAlloc-before.TotalAlloc) / float64(b.N),
	}
}

func median(xs []float64) float64 {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

// tokenPass reads every token of body with the standard library's
// decoder: the cost of reading the bytes, nothing kept.
func tokenPass(body []byte) error {
	if body[0] == '{' {
		dec := json.NewDecoder(bytes.NewReader(body))
		for {
			if _, err := dec.Token(); err == io.EOF {
				return nil
			} else if err != nil {
				return err
			}
		}
	}
	dec := xml.NewDecoder(bytes.NewReader(body))
	for {
		if _, err := dec.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}
