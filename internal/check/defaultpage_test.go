package check_test

import (
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/schemas"
)

// s3Page checks a generated S3 page of n buckets answering GET /?query.
func s3Page(t *testing.T, query string, n int) []finding.Finding {
	t.Helper()
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	src := string(recordingOf("s3", listingBody("s3", n)))
	src = strings.Replace(src, "GET /?max-buckets=10000&prefix=bucket- ", "GET /"+query+" ", 1)
	return check.Recording(exchange.Parse("page.txtar", []byte(src)), c)
}

// S3 since 2024-10: a request with prefix, bucket-region or
// continuation-token but no max-buckets gets pages of at most 10,000
// buckets. A page of 10,001 answering one breaks that rule; one of
// 10,000 does not; a request with max-buckets is held to max-buckets
// (and the maximum), not to the default.
func TestDefaultPageWithFilter(t *testing.T) {
	const rule = "and no max-buckets (the default page"
	for _, q := range []string{"?prefix=bucket-", "?bucket-region=us-east-1", "?continuation-token=abc"} {
		sent, _, _ := strings.Cut(q[1:], "=")
		got := s3Page(t, q, 10001)
		if len(got) != 1 || got[0].Check != "page.size" || !strings.Contains(got[0].Message, "a request with "+sent+" "+rule) {
			t.Errorf("%s, 10,001 buckets: %v, want one page.size naming %s without max-buckets", q, got, sent)
		}
		if got := s3Page(t, q, 10000); len(got) != 0 {
			t.Errorf("%s, 10,000 buckets: %v, want none", q, got)
		}
	}
	for _, q := range []string{"?max-buckets=10000&prefix=bucket-", ""} {
		got := s3Page(t, q, 10001)
		if len(got) != 1 || got[0].Check != "page.size" || strings.Contains(got[0].Message, rule) {
			t.Errorf("%q, 10,001 buckets: %v, want one page.size held to the maximum, not the default", q, got)
		}
	}
	if got := s3Page(t, "?max-buckets=5000&prefix=bucket-", 5000); len(got) != 0 {
		t.Errorf("max-buckets=5000, 5,000 buckets: %v, want none", got)
	}
}

// BucketField reads a field of each bucket in listing order, "" where a
// bucket lacks it.
func TestBucketField(t *testing.T) {
	c, err := contract.Load(schemas.FS, "oss")
	if err != nil {
		t.Fatal(err)
	}
	body := []byte(`<ListAllMyBucketsResult><Owner><ID>1</ID></Owner><Buckets>` +
		`<Bucket><Name>a</Name><ResourceGroupId>rg-1</ResourceGroupId></Bucket>` +
		`<Bucket><Name>b</Name></Bucket>` +
		`<Bucket><Name>c</Name><ResourceGroupId>rg-2</ResourceGroupId></Bucket></Buckets></ListAllMyBucketsResult>`)
	got := check.BucketField(c, body, "/ResourceGroupId")
	if strings.Join(got, ",") != "rg-1,,rg-2" {
		t.Errorf("BucketField = %q, want rg-1, \"\", rg-2", got)
	}
	if got := check.BucketField(c, []byte(`<ListAllMyBucketsResult><Buckets><Bucket><Name>a</Name></Bucket></Buckets></ListAllMyBucketsResult>`), "/ResourceGroupId"); len(got) != 1 || got[0] != "" {
		t.Errorf("one bucket without the field: %q", got)
	}
}
