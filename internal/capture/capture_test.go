package capture

import (
	"bytes"
	"compress/gzip"
	"encoding/base64"
	"fmt"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/replay"
	"github.com/getservice-conformance/gsc/schemas"
)

func TestDetectByContent(t *testing.T) {
	cases := []struct {
		name, data string
		want       Format
	}{
		{"export.json", "\ufeff  {\n \"log\": {\"entries\": []}}", HAR},
		{"capture.txt", `{"log":{"version":"1.2"}}`, HAR},
		{"cassette", "---\nversion: 2\ninteractions:\n  - id: 0\n", VCR},
		{"x.yaml", "interactions: []\n", VCR},
		{"out.log", "*   Trying 127.0.0.1:9000...\n> GET / HTTP/1.1\n", Curl},
		{"out.har", "HTTP/2 200 \r\ncontent-type: application/xml\r\n\r\n<x/>", Curl},
		{"rec.har", "vendor: s3\n-- 1/request --\nGET / HTTP/1.1\n", Txtar},
		{"rec.txtar", "vendor: s3\ntitle: x\n", Txtar},
	}
	for _, c := range cases {
		if got := Detect(c.name, []byte(c.data)); got != c.want {
			t.Errorf("Detect(%s, %.20q) = %s, want %s", c.name, c.data, got, c.want)
		}
	}
}

func TestVendorByHost(t *testing.T) {
	for host, want := range map[string]string{
		"s3.amazonaws.com": "s3", "s3.us-east-1.amazonaws.com": "s3", "s3-us-west-2.amazonaws.com": "s3",
		"s3.dualstack.eu-west-1.amazonaws.com": "s3", "s3.cn-north-1.amazonaws.com.cn": "s3",
		"mybucket.s3.amazonaws.com": "s3 bucket", "console.aws.amazon.com": "",
		"service.cos.myqcloud.com": "cos", "cos.ap-guangzhou.myqcloud.com": "cos",
		"examplebucket-1250000000.cos.ap-guangzhou.myqcloud.com": "cos bucket",
		"oss-cn-hangzhou.aliyuncs.com":                           "oss", "oss-cn-hangzhou-internal.aliyuncs.com": "oss",
		"examplebucket.oss-cn-hangzhou.aliyuncs.com": "oss bucket",
		"bj.bcebos.com": "bos", "bucket1.bj.bcebos.com": "bos bucket",
		"qingstor.com": "qingstor", "pek3a.qingstor.com": "qingstor", "mybucket.pek3a.qingstor.com": "qingstor bucket",
		"127.0.0.1": "", "example.com": "",
	} {
		v, bucket := vendorByHost(host)
		got := v
		if bucket {
			got += " bucket"
		}
		if got != want {
			t.Errorf("%s: %q, want %q", host, got, want)
		}
	}
}

// A JSON string's bytes map to the file byte for byte between escapes;
// an escape (a surrogate pair too) maps to its backslash.
func TestJSONStringPlaces(t *testing.T) {
	src := []byte(`{"t": "a\"b\ud83d\ude00c\n"}`)
	off := bytes.IndexByte(src[5:], '"') + 5
	s, ok := jsonString(src, off)
	if !ok || s.String() != "a\"b\U0001F600c\n" {
		t.Fatalf("jsonString = %q, %v", s.String(), ok)
	}
	for i, want := range map[int]int{0: 7, 1: 8, 2: 10, 3: 11, 6: 11, 7: 23, 8: 24} {
		if got := s.source(i); got != want {
			t.Errorf("byte %d of the value comes from %d, want %d", i, got, want)
		}
	}
	sub := s.slice(2, 8)
	if sub.String() != "b\U0001F600c" || sub.source(0) != 10 || sub.source(5) != 23 {
		t.Errorf("slice: %q from %d..%d", sub.String(), sub.source(0), sub.source(5))
	}
}

func harOf(entries ...string) []byte {
	return []byte(`{"log":{"version":"1.2","creator":{"name":"test","version":"1"},"entries":[` + strings.Join(entries, ",") + `]}}`)
}

func testEntry(url, reqHeaders, status, respHeaders, content string) string {
	if reqHeaders == "" {
		reqHeaders = `{"name":"Authorization","value":"AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20240102/us-east-1/s3/aws4_request, SignedHeaders=host, Signature=****"}`
	}
	return fmt.Sprintf(`{"request":{"method":"GET","url":%q,"httpVersion":"HTTP/1.1","headers":[%s]},"response":{"status":%s,"statusText":"OK","httpVersion":"HTTP/1.1","headers":[%s],"content":%s}}`,
		url, reqHeaders, status, respHeaders, content)
}

const s3Body = `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><Name>abc</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket></Buckets><Owner><ID>1</ID></Owner></ListAllMyBucketsResult>`

// On a loopback host with no vendor header and a body of no vendor's own
// shape, an entry is listed, not guessed; --vendor places it.
func TestVendorForced(t *testing.T) {
	set := &contract.Set{FS: schemas.FS}
	errBody := `{"size":5,"mimeType":"application/xml","text":"<Error><Code>AccessDenied</Code></Error>"}`
	src := harOf(testEntry("http://127.0.0.1:9000/", `{"name":"Accept","value":"*/*"}`, "403", `{"name":"Content-Type","value":"application/xml"}`, errBody))
	imp, err := Read("x.har", src, HAR, Options{Contracts: set})
	if err != nil {
		t.Fatal(err)
	}
	if imp.Placed() != 0 || len(imp.Unplaced) != 1 || !strings.Contains(imp.Unplaced[0].String(), "entries[0]: GET http://127.0.0.1:9000/: the vendor cannot be told") {
		t.Fatalf("without --vendor: placed %d, unplaced %v", imp.Placed(), imp.Unplaced)
	}
	imp, err = Read("x.har", src, HAR, Options{Contracts: set, Vendor: "s3"})
	if err != nil {
		t.Fatal(err)
	}
	if imp.Placed() != 1 || imp.Walks[0].Vendor != "s3" {
		t.Fatalf("with --vendor s3: placed %d, unplaced %v", imp.Placed(), imp.Unplaced)
	}
}

// Entries of two hosts interleaved form two walks, each judged alone:
// the same bucket on both hosts is no repeat.
func TestWalksPerHost(t *testing.T) {
	set := &contract.Set{FS: schemas.FS}
	content := fmt.Sprintf(`{"size":%d,"mimeType":"application/xml","text":%q}`, len(s3Body), s3Body)
	id := `{"name":"x-amz-request-id","value":"1"},{"name":"Content-Type","value":"application/xml"}`
	src := harOf(
		testEntry("https://s3.us-east-1.amazonaws.com/", "", "200", id, content),
		testEntry("https://s3.eu-west-1.amazonaws.com/", "", "200", id, content),
		testEntry("https://s3.us-east-1.amazonaws.com/?continuation-token=x", "", "200", id, content),
	)
	imp, err := Read("x.har", src, HAR, Options{Contracts: set})
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Walks) != 2 || len(imp.Walks[0].entries) != 2 || len(imp.Walks[1].entries) != 1 {
		t.Fatalf("walks: %d", len(imp.Walks))
	}
	checker := &replay.Checker{Contracts: set}
	fs := imp.Check(checker.Check)
	var checks []string
	for _, f := range fs {
		checks = append(checks, fmt.Sprintf("%s %d %s", f.Check, f.Exchange, f.Message))
	}
	// The third entry continues the first host's walk: its bucket is
	// listed again there, not on the second host.
	got := strings.Join(checks, "\n")
	if got != `page.unique 3 entries[2]: bucket "abc" is listed twice` {
		t.Errorf("findings:\n%s", got)
	}
}

// A gzip body is decoded and its framing headers dropped; a body that
// claims gzip but is not is kept as it is for the checks.
func TestGzipBody(t *testing.T) {
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write([]byte(s3Body))
	zw.Close()
	set := &contract.Set{FS: schemas.FS}
	checker := &replay.Checker{Contracts: set}
	hs := fmt.Sprintf(`{"name":"x-amz-request-id","value":"1"},{"name":"Content-Type","value":"application/xml"},{"name":"Content-Encoding","value":"gzip"},{"name":"Content-Length","value":"%d"}`, z.Len())
	good := fmt.Sprintf(`{"size":%d,"text":%q,"encoding":"base64"}`, z.Len(), base64.StdEncoding.EncodeToString(z.Bytes()))
	imp, err := Read("x.har", harOf(testEntry("https://s3.amazonaws.com/", "", "200", hs, good)), HAR, Options{Contracts: set})
	if err != nil {
		t.Fatal(err)
	}
	if fs := imp.Check(checker.Check); len(fs) != 0 {
		t.Errorf("a gzip body that decodes: %v", fs)
	}
	bad := fmt.Sprintf(`{"size":4,"text":%q,"encoding":"base64"}`, base64.StdEncoding.EncodeToString([]byte{0x1f, 0x8b, 0, 1}))
	imp, err = Read("x.har", harOf(testEntry("https://s3.amazonaws.com/", "", "200", hs, bad)), HAR, Options{Contracts: set})
	if err != nil {
		t.Fatal(err)
	}
	if fs := imp.Check(checker.Check); len(fs) == 0 {
		t.Error("a gzip body that does not decode gives no finding")
	}
}

// A gzip body that decodes to more than the cap is kept compressed, for
// the checks to report, rather than decoded without bound.
func TestGzipCap(t *testing.T) {
	defer func(n int) { maxDecoded = n }(maxDecoded)
	maxDecoded = 1 << 10
	var z bytes.Buffer
	zw := gzip.NewWriter(&z)
	zw.Write(make([]byte, 1<<20))
	zw.Close()
	m := &message{headers: []field{{name: verbatim([]byte("Content-Encoding"), 0), value: verbatim([]byte("gzip"), 0)}}, body: verbatim(z.Bytes(), 0)}
	if body, ok := gunzip(m); ok || !bytes.Equal(body.data, z.Bytes()) {
		t.Errorf("a body over the cap was decoded (%d bytes)", len(body.data))
	}
	maxDecoded = 2 << 20
	if body, ok := gunzip(m); !ok || len(body.data) != 1<<20 {
		t.Errorf("a body under the cap was not decoded (%d bytes)", len(body.data))
	}
}

// A go-vcr !!binary body is base64 decoded.
func TestVCRBinaryBody(t *testing.T) {
	set := &contract.Set{FS: schemas.FS}
	src := fmt.Sprintf("version: 1\ninteractions:\n- request:\n    url: https://s3.amazonaws.com/\n    method: GET\n    headers:\n      Authorization:\n      - \"AWS AKIDEXAMPLE:c2lnbmF0dXJl\"\n  response:\n    body: !!binary |\n      %s\n    headers:\n      X-Amz-Request-Id:\n      - \"1\"\n      Content-Type:\n      - application/xml\n    status: 200 OK\n    code: 200\n",
		base64.StdEncoding.EncodeToString([]byte(s3Body)))
	imp, err := Read("c.yaml", []byte(src), VCR, Options{Contracts: set})
	if err != nil {
		t.Fatal(err)
	}
	checker := &replay.Checker{Contracts: set}
	if imp.Placed() != 1 {
		t.Fatalf("placed %d: %v", imp.Placed(), imp.Unplaced)
	}
	if fs := imp.Check(checker.Check); len(fs) != 0 {
		t.Errorf("findings on a clean listing: %v", fs)
	}
}

// An entry left out is listed with the signature of a presigned URL
// masked, and is judged not GET Service before its missing body matters.
func TestUnplacedMasksSignature(t *testing.T) {
	set := &contract.Set{FS: schemas.FS}
	src := harOf(testEntry("https://user:0123abcd@s3.amazonaws.com/bucket/key?X-Amz-Signature=0123abcd&X-Amz-Expires=60", "", "200", "", `{"size":10}`))
	imp, err := Read("x.har", src, HAR, Options{Contracts: set})
	if err != nil {
		t.Fatal(err)
	}
	if len(imp.Unplaced) != 1 || strings.Contains(imp.Unplaced[0].String(), "0123abcd") || !strings.Contains(imp.Unplaced[0].String(), "not a service root") {
		t.Errorf("unplaced: %v", imp.Unplaced)
	}
}

// A file that is not valid for its format is an error with its place.
func TestUnreadable(t *testing.T) {
	set := &contract.Set{FS: schemas.FS}
	if _, err := Read("x.har", []byte("{\"log\": {\n\"entries\": [}"), HAR, Options{Contracts: set}); err == nil || !strings.Contains(err.Error(), "x.har:2:") {
		t.Errorf("broken HAR: %v", err)
	}
	if _, err := Read("c.yaml", []byte("interactions: [\n"), VCR, Options{Contracts: set}); err == nil {
		t.Error("broken YAML: no error")
	}
}

// A finding on a header is placed on the header's value in the HAR.
func TestHeaderAndTargetPlaces(t *testing.T) {
	set := &contract.Set{FS: schemas.FS}
	content := fmt.Sprintf(`{"size":%d,"text":%q}`, len(s3Body), s3Body)
	src := harOf(testEntry("https://s3.amazonaws.com/", "", "200",
		`{"name":"x-amz-request-id","value":"1"},{"name":"Content-Type","value":"text/html"}`, content))
	imp, err := Read("x.har", src, HAR, Options{Contracts: set})
	if err != nil {
		t.Fatal(err)
	}
	checker := &replay.Checker{Contracts: set}
	lines := newLines(src)
	seen := map[string]string{}
	for _, f := range imp.Check(checker.Check) {
		off := lines.offset(f.Line, f.Col)
		if off >= 0 {
			seen[f.Check] = string(src[off:min(off+12, len(src))])
		}
	}
	if !strings.HasPrefix(seen["header.content-type"], "text/html") {
		t.Errorf("header.content-type placed at %q; all: %v", seen["header.content-type"], seen)
	}
}

// curl -i output of HTTP/1.0, 2 and 3 answers, each a listing: status
// lines as curl prints them are no finding.
func TestCurlStatusLines(t *testing.T) {
	set := &contract.Set{FS: schemas.FS}
	var b strings.Builder
	for _, proto := range []string{"HTTP/1.0 200 OK", "HTTP/2 200 ", "HTTP/3 200"} {
		fmt.Fprintf(&b, "%s\r\nx-amz-request-id: 1\r\ncontent-type: application/xml\r\ncontent-length: %d\r\n\r\n%s\n", proto, len(s3Body), s3Body)
	}
	imp, err := Read("out.txt", []byte(b.String()), Curl, Options{Contracts: set})
	if err != nil {
		t.Fatal(err)
	}
	if imp.Placed() != 3 {
		t.Fatalf("placed %d of 3: %v", imp.Placed(), imp.Unplaced)
	}
	checker := &replay.Checker{Contracts: set}
	if fs := imp.Check(checker.Check); len(fs) != 0 {
		t.Errorf("findings: %v", fs)
	}
}
