package proxy_test

import (
	"context"
	"io"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/proxy"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/schemas"
)

// through is one SDK listing through a proxy to a reference endpoint.
type through struct {
	walks []*proxy.Walk
	stats proxy.Stats
	n     int   // buckets the SDK parsed
	err   error // the SDK's
	dir   string
	c     *contract.Contract
}

// listThrough seeds the vendor's reference endpoint with faults in force,
// puts a proxy in front of it that records into a temporary directory,
// and lists through the proxy with the SDK.
func listThrough(t *testing.T, vendor string, name func(string) string, list lister, size int, faults ...refserver.Fault) *through {
	t.Helper()
	c, err := contract.Load(schemas.FS, vendor)
	if err != nil {
		t.Fatal(err)
	}
	srv := refserver.New(c, refserver.Options{Keys: map[string]string{sdkKey: sdkSecret}, Faults: faults})
	base := time.Date(2021, 6, 7, 8, 9, 10, 0, time.UTC)
	for i, stem := range []string{"zeta-2024", "app", "media", "app-logs", "backup"} {
		srv.Seed(refserver.Bucket{Name: name(stem), Created: base.Add(time.Duration(i) * 26 * time.Hour)})
	}
	up := httptest.NewServer(srv)
	t.Cleanup(up.Close)
	upURL, _ := url.Parse(up.URL)
	dir := t.TempDir()
	p, err := proxy.New(proxy.Config{
		Contract: c, Upstream: upURL, Source: "runner proxy test",
		Record: func(name string) (io.WriteCloser, error) { return os.Create(filepath.Join(dir, name)) },
	})
	if err != nil {
		t.Fatal(err)
	}
	ps := httptest.NewServer(p)
	t.Cleanup(ps.Close)
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	th := &through{dir: dir, c: c}
	th.n, th.err = list(ctx, t, ps.URL, srv.Region(), size)
	th.walks, th.stats = p.Close()
	if err := p.Err(); err != nil {
		t.Fatalf("recording: %v", err)
	}
	return th
}

// findings are every walk's.
func (th *through) findings() []finding.Finding {
	var fs []finding.Finding
	for _, w := range th.walks {
		fs = append(fs, w.Findings...)
	}
	return fs
}

// checkIDs are the distinct check ids of fs, sorted.
func checkIDs(fs []finding.Finding) []string {
	var ids []string
	for _, f := range fs {
		if !slices.Contains(ids, f.Check) {
			ids = append(ids, f.Check)
		}
	}
	slices.Sort(ids)
	return ids
}

// sameAsRecorded requires each walk's findings to be those the checks
// make on the recording the proxy wrote for it, as runner check reads it.
func (th *through) sameAsRecorded(t *testing.T) {
	t.Helper()
	for _, w := range th.walks {
		src, err := os.ReadFile(filepath.Join(th.dir, w.File))
		if err != nil {
			t.Fatalf("walk %d: %v", w.N, err)
		}
		want := keys(check.Recording(exchange.Parse(w.File, src), th.c))
		if got := keys(w.Findings); !slices.Equal(got, want) {
			t.Errorf("walk %d: the proxy found\n  %s\nrunner check finds on its recording\n  %s", w.N, strings.Join(got, "\n  "), strings.Join(want, "\n  "))
		}
	}
}

func keys(fs []finding.Finding) []string {
	out := []string{}
	for _, f := range fs {
		k := f.Key()
		out = append(out, k.File+" "+k.Check+" "+k.Where+" "+strings.TrimSpace(f.Message))
	}
	slices.Sort(out)
	return out
}

type sdkCase struct {
	name, vendor string
	bucket       func(string) string
	list         lister
}

func plain(stem string) string { return stem }

var sdkCases = []sdkCase{
	{"aws-sdk-go-v2", "s3", plain, s3List},
	{"cos-go-sdk-v5", "cos", func(s string) string { return s + "-1250000000" }, cosList},
	{"alibabacloud-oss-go-sdk-v2", "oss", plain, ossList},
	{"bce-sdk-go", "bos", plain, bosList},
	{"qingstor-sdk-go", "qingstor", plain, qingstorList},
}

// TestSDKsCleanEndpoint: through the proxy, each SDK lists all five
// buckets of a conforming endpoint (so every signature still verified
// upstream), and the proxy judges the listing and finds nothing.
func TestSDKsCleanEndpoint(t *testing.T) {
	for _, tc := range sdkCases {
		t.Run(tc.name, func(t *testing.T) {
			th := listThrough(t, tc.vendor, tc.bucket, tc.list, 0)
			if th.err != nil || th.n != 5 {
				t.Fatalf("the SDK listed %d buckets through the proxy, want 5; error: %v", th.n, th.err)
			}
			if th.stats.Judged != 1 || th.stats.Walks != 1 || th.stats.Unjudged != 0 {
				t.Errorf("stats %+v, want one exchange judged in one walk", th.stats)
			}
			if len(th.walks) != 1 || !th.walks[0].Complete {
				t.Errorf("walks %+v, want one complete", th.walks)
			}
			if fs := th.findings(); len(fs) > 0 {
				t.Errorf("a conforming endpoint: findings %q", keys(fs))
			}
			th.sameAsRecorded(t)
		})
	}
}

// faultCases are faults in force at the endpoint and the check ids the
// proxy must report for an SDK's listing, exactly: the fault's findings
// and nothing else. size > 0 walks pages of that size.
var faultCases = []struct {
	fault refserver.Fault
	size  int
	want  map[string][]string // by SDK case name; a case not named is not run
}{
	{refserver.MissingRequestID, 0, map[string][]string{
		"aws-sdk-go-v2": {"header.request-id"}, "cos-go-sdk-v5": {"header.request-id"}, "alibabacloud-oss-go-sdk-v2": {"header.request-id"},
		"bce-sdk-go": {"header.request-id"}, "qingstor-sdk-go": {"header.request-id"}}},
	{refserver.WrongContentType, 0, map[string][]string{
		"aws-sdk-go-v2": {"header.content-type"}, "cos-go-sdk-v5": {"header.content-type"}, "alibabacloud-oss-go-sdk-v2": {"header.content-type"},
		"bce-sdk-go": {"header.content-type"}, "qingstor-sdk-go": {"header.content-type"}}},
	{refserver.DateNotISO8601, 0, map[string][]string{
		"aws-sdk-go-v2": {"schema.success"}, "cos-go-sdk-v5": {"schema.success"}, "alibabacloud-oss-go-sdk-v2": {"schema.success"},
		"bce-sdk-go": {"schema.success"}, "qingstor-sdk-go": {"schema.success"}}},
	{refserver.MismatchedTags, 0, map[string][]string{
		"aws-sdk-go-v2": {"xml.mismatched-end"}, "cos-go-sdk-v5": {"xml.mismatched-end"}, "alibabacloud-oss-go-sdk-v2": {"xml.mismatched-end"}}},
	{refserver.InvalidJSON, 0, map[string][]string{"bce-sdk-go": {"json.syntax"}, "qingstor-sdk-go": {"json.syntax"}}},
	{refserver.CountDisagrees, 0, map[string][]string{"qingstor-sdk-go": {"page.count"}}},
	// Across the pages of one walk: the order of names, and a page that
	// repeats the previous page's last name.
	{refserver.Unsorted, 2, map[string][]string{
		"aws-sdk-go-v2": {"page.order"}, "cos-go-sdk-v5": {"page.order"}, "alibabacloud-oss-go-sdk-v2": {"page.order"}}},
	{refserver.NextPageRepeats, 2, map[string][]string{
		"aws-sdk-go-v2":              {"page.size", "page.unique"},
		"cos-go-sdk-v5":              {"page.marker-exclusive", "page.size", "page.unique"},
		"alibabacloud-oss-go-sdk-v2": {"page.marker-exclusive", "page.size", "page.unique"}}},
}

// TestSDKsFaultyEndpoint: with a fault in force, the proxy reports the
// fault's findings and no other, the very findings runner check makes on
// the recording of the walk; an SDK may fail to parse what the fault
// broke, which changes nothing.
func TestSDKsFaultyEndpoint(t *testing.T) {
	for _, fc := range faultCases {
		for _, tc := range sdkCases {
			want, ok := fc.want[tc.name]
			if !ok {
				continue
			}
			t.Run(string(fc.fault)+"/"+tc.name, func(t *testing.T) {
				th := listThrough(t, tc.vendor, tc.bucket, tc.list, fc.size, fc.fault)
				if len(th.walks) != 1 {
					t.Fatalf("%d walks, want the listing judged as one", len(th.walks))
				}
				if fc.size > 0 && th.walks[0].Exchanges < 3 {
					t.Errorf("the walk of five buckets by two has %d exchange(s), want 3 or more", th.walks[0].Exchanges)
				}
				if got := checkIDs(th.findings()); !slices.Equal(got, want) {
					t.Errorf("the proxy reported %q, want %q:\n  %s", got, want, strings.Join(keys(th.findings()), "\n  "))
				}
				th.sameAsRecorded(t)
			})
		}
	}
}
