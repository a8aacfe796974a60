package report

import (
	"time"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// hostile is what a misbehaving server could put in a summary: a column
// break, a line break, HTML, a link and Markdown emphasis.
const hostile = "seen | <img src=http://203.0.113.7/x.png> <script>alert(1)</script>\n| injected | row | [link](https://203.0.113.7/) www.example.com **bold** `code`"

// matrixRun is a run over three targets and six specs with every status,
// a spec that did not run on one target, a spec that could not run, and a
// failure whose summary is hostile. The tests state their expectations about it by hand.
func matrixRun() *outcome.Run {
	const walk = "pagination / walks every bucket once / page size 1"
	curl := `curl -sS -H "Authorization: $GSC_AUTHORIZATION" 'http://127.0.0.1:9000/?max-buckets=1'`
	exch := "GET /?max-buckets=1 HTTP/1.1\r\nHost: 127.0.0.1:9000\r\nAuthorization: AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE/20250102/us-east-1/s3/aws4_request, Signature=****\r\n\r\n" +
		"HTTP/1.1 200 OK\r\nContent-Type: application/xml\r\n\r\n<ListAllMyBucketsResult><Buckets><Bucket><Name>a</Name></Bucket><Bucket><Name>b</Name></Bucket></Buckets></ListAllMyBucketsResult>"
	r := func(target, spec string, st outcome.Status, summary string, devs ...outcome.Deviation) outcome.Result {
		res := outcome.Result{
			Target: target, Vendor: "s3", Spec: spec, ID: outcome.Slug(spec), Status: st,
			Summary: summary, Message: summary, Deviations: devs,
			Location: "suites/s3/live_test.go:42", Duration: 3 * time.Millisecond,
		}
		return res
	}
	return &outcome.Run{
		Title:    "GET Service conformance: S3 family",
		RunID:    "gsc-1a2b3c4d",
		Started:  time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC),
		Duration: 1500 * time.Millisecond,
		Requests: 57,
		Results: []outcome.Result{
			r("versitygw", "auth / anonymous request is rejected", outcome.Pass, ""),
			r("versitygw", walk, outcome.Fail, "page size 1 returned 2 buckets",
				outcome.Deviation{Expected: "at most 1 bucket", Seen: "2 buckets", Where: "/ListAllMyBucketsResult/Buckets", Exchange: exch, Curl: curl}),
			r("versitygw", "filters / prefix is honoured", outcome.Unsupported, "prefix ignored: every bucket returned"),
			r("versitygw", "auth / request signed two hours ago is rejected", outcome.Skipped, "--read-only"),
			r("minio", "auth / anonymous request is rejected", outcome.Fail, hostile,
				outcome.Deviation{Expected: "status 403", Seen: hostile, Where: "status line", Curl: "curl -sS 'http://127.0.0.1:9001/'"},
				outcome.Deviation{Expected: "error code AccessDenied", Seen: "no error body"}),
			r("minio", walk, outcome.Pass, ""),
			r("minio", "filters / prefix is honoured", outcome.Pass, ""),
			r("minio", "auth / request signed two hours ago is rejected", outcome.Pass, ""),
			r("minio", "schema / every bucket has a creation date", outcome.Pass, ""),
			r("s3 recordings", "auth / anonymous request is rejected", outcome.Pass, ""),
			r("s3 recordings", walk, outcome.Skipped, "no recording pages"),
			r("s3 recordings", "filters / prefix is honoured", outcome.Skipped, "no recording filters"),
			r("s3 recordings", "auth / request signed two hours ago is rejected", outcome.Pass, ""),
			r("s3 recordings", "schema / every bucket has a creation date", outcome.Fail, "Bucket 2 has no CreationDate",
				outcome.Deviation{Expected: "a CreationDate", Seen: "none", Where: "fixtures/docs/s3/list.txtar:12:5"}),
			// Last, so that its spec is the last row.
			r("versitygw", "headers / answers with the contract's headers", outcome.Error, "set-up: creating bucket gsc-1a2b3c4d-00 was refused: 403 AccessDenied"),
			r("minio", "headers / answers with the contract's headers", outcome.Pass, ""),
			r("s3 recordings", "headers / answers with the contract's headers", outcome.Pass, ""),
		},
	}
}
