package main

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/schemas"
)

// referenceEndpoint is a vendor's reference endpoint with faults, and
// counts of the requests and the listing requests it served.
type referenceEndpoint struct {
	*refserver.Server
	url             string
	requests, lists atomic.Int64
}

func newReferenceEndpoint(t *testing.T, vendor string, faults ...refserver.Fault) *referenceEndpoint {
	t.Helper()
	c, err := contract.Load(schemas.FS, vendor)
	if err != nil {
		t.Fatal(err)
	}
	e := &referenceEndpoint{Server: refserver.New(c, refserver.Options{Keys: map[string]string{testAccessKey: testSecretKey}, Faults: faults})}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		e.requests.Add(1)
		if r.Method == http.MethodGet && r.URL.Path == c.Profile.Paths[0] {
			e.lists.Add(1)
		}
		e.Server.ServeHTTP(w, r)
	}))
	t.Cleanup(srv.Close)
	e.url = srv.URL
	return e
}

// vendorEnv are the credentials variables each vendor's run reads.
func vendorEnv(vendor string) []string {
	env := credentialEnv[vendor]
	return []string{env[0][0] + "=" + testAccessKey, env[1][0] + "=" + testSecretKey}
}

// liveRun runs the runner against an endpoint and returns its exit code,
// output and results.
func liveRun(t *testing.T, vendor, url string, args ...string) (int, string, *outcome.Run) {
	t.Helper()
	results := filepath.Join(t.TempDir(), "results.json")
	args = append([]string{"run", "--vendor", vendor, "--endpoint", url, "--junit", "", "--results", results}, args...)
	cmd := runnerCmd(t, args...)
	cmd.Env = append(cmd.Env, vendorEnv(vendor)...)
	out, _ := cmd.CombinedOutput()
	run, _ := outcome.Load(results)
	return cmd.ProcessState.ExitCode(), string(out), run
}

func statusOf(run *outcome.Run, id string) outcome.Status {
	if run == nil {
		return ""
	}
	for _, r := range run.Results {
		if r.ID == id {
			return r.Status
		}
	}
	return ""
}

func seed(e *referenceEndpoint, region string, n int) {
	for i := range n {
		e.Seed(refserver.Bucket{Name: fmt.Sprintf("acct-%05d", i), Region: region, Created: time.Now().Add(-time.Hour)})
	}
}

// A read-only run walks the existing listing at every page size and
// follows every token, with a bounded number of requests whatever the
// account holds; a page that skips a bucket fails the walks.
func TestReadOnlyPaginates(t *testing.T) {
	for _, vendor := range []string{"s3", "cos", "oss", "qingstor"} {
		t.Run(vendor, func(t *testing.T) {
			e := newReferenceEndpoint(t, vendor)
			seed(e, e.Region(), 600)
			code, out, run := liveRun(t, vendor, e.url, "--read-only")
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, out)
			}
			for _, id := range []string{"pagination/walks-page-size-1-every-bucket-once-in-order", "pagination/walks-page-size-2-every-bucket-once-in-order"} {
				if s := statusOf(run, id); s != outcome.Pass {
					t.Errorf("%s: %q, want pass: a read-only run walks the listing\n%s", id, s, out)
				}
			}
			// 4 walks of at most 50 pages, the filters' walks and a few single requests.
			t.Logf("%s: a read-only run over 600 buckets sent %d listing requests", vendor, e.lists.Load())
			if n := e.lists.Load(); n > 4*50+3*50+20 {
				t.Errorf("a read-only run over 600 buckets sent %d listing requests", n)
			}
			if left := len(e.Buckets()); left != 600 {
				t.Errorf("a read-only run changed the account: %d buckets, want 600", left)
			}

			faulty := newReferenceEndpoint(t, vendor, refserver.NextPageSkips)
			seed(faulty, faulty.Region(), 600)
			code, out, run = liveRun(t, vendor, faulty.url, "--read-only")
			if s := statusOf(run, "pagination/walks-page-size-1-every-bucket-once-in-order"); code != 1 || s != outcome.Fail {
				t.Errorf("a page that skips a bucket: exit %d, page size 1 %q; want 1 and fail\n%s", code, s, out)
			}
		})
	}
}

// A full run's requests grow with its own buckets, not with the account:
// small pages stay inside the run's prefix, start at a marker before its
// names, or at an offset near them.
func TestRunRequestsGrowWithOwnBuckets(t *testing.T) {
	for _, vendor := range []string{"s3", "cos", "oss", "qingstor"} {
		t.Run(vendor, func(t *testing.T) {
			e := newReferenceEndpoint(t, vendor)
			seed(e, e.Region(), 2000)
			code, out, run := liveRun(t, vendor, e.url)
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, out)
			}
			// Walking the account at page sizes 1 and 2 alone would take 3,000.
			lists := int(e.lists.Load())
			t.Logf("%s: a run on an account of 2,000 buckets sent %d listing requests, %d in all", vendor, lists, run.Requests)
			if lists > 150 {
				t.Errorf("a run on an account of 2,000 buckets sent %d listing requests, want at most 150", lists)
			}
			// The run counts what it sent: the listings, and its creates and tags.
			if run == nil || run.Requests < lists || run.Requests > lists+20 {
				t.Errorf("results.json counts %v requests; the endpoint served %d listings", run.Requests, lists)
			}
			if !strings.Contains(out, fmt.Sprintf("%d requests", run.Requests)) {
				t.Errorf("the summary does not say how many requests the run sent\n%s", out)
			}
		})
	}
}

// hostilePages answers every S3 listing request that paginates with an
// empty page whose continuation token next says: a fresh one each time,
// or a cycle.
func hostilePages(next func(sent string) string) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			q := r.URL.Query()
			if r.Method != http.MethodGet || r.URL.Path != "/" || !q.Has("max-buckets") && !q.Has("continuation-token") {
				h.ServeHTTP(w, r)
				return
			}
			w.Header().Set("Content-Type", "application/xml")
			w.Header().Set("X-Amz-Request-Id", "0123456789ABCDEF")
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?>`+"\n"+
				`<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner><Buckets></Buckets><ContinuationToken>%s</ContinuationToken></ListAllMyBucketsResult>`,
				next(q.Get("continuation-token")))
		})
	}
}

// A listing that never ends, or whose tokens cycle, fails the walks with
// that said, and the run ends on its own.
func TestRunEndlessPagination(t *testing.T) {
	var n atomic.Int64
	fresh := hostilePages(func(string) string { return fmt.Sprintf("t%d", n.Add(1)) })
	e := newEndpoint(t, "s3", fresh)
	code, out, run := liveRun(t, "s3", e.url, "--label-filter", "pagination")
	if code != 1 || !strings.Contains(out, "the walk did not end after") {
		t.Errorf("fresh token on every page: exit %d, want 1 saying the walk did not end\n%s", code, out)
	}
	if s := statusOf(run, "pagination/walks-page-size-1-every-bucket-once-in-order"); s != outcome.Fail {
		t.Errorf("page size 1: %q, want fail", s)
	}

	cycle := hostilePages(func(sent string) string {
		if sent == "A" {
			return "B"
		}
		return "A"
	})
	e = newEndpoint(t, "s3", cycle)
	code, out, _ = liveRun(t, "s3", e.url, "--label-filter", "pagination")
	if code != 1 || !strings.Contains(out, `cycles: page 3 leads back to continuation-token="A", which page 2 already sent`) {
		t.Errorf("tokens A -> B -> A: exit %d, want 1 naming the cycle\n%s", code, out)
	}
}

// Runs against one endpoint at the same time, started together and
// staggered, pass as one run alone does, for every dialect: each judges
// its own buckets, and walks again when the listing shifted under it.
func TestConcurrentRuns(t *testing.T) {
	for _, vendor := range contract.Vendors(schemas.FS) {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			e := newReferenceEndpoint(t, vendor)
			seed(e, e.Region(), 20)
			var wg sync.WaitGroup
			results := make([]string, 6)
			for i := range results {
				wg.Add(1)
				go func() {
					defer wg.Done()
					time.Sleep(time.Duration(i/2) * 150 * time.Millisecond) // two at once, then staggered
					code, out, _ := liveRun(t, vendor, e.url)
					if code != 0 {
						results[i] = fmt.Sprintf("run %d: exit %d\n%s", i+1, code, out)
					}
				}()
			}
			wg.Wait()
			for _, r := range results {
				if r != "" {
					t.Error(r)
				}
			}
			if left := len(e.Buckets()); left != 20 {
				t.Errorf("%d buckets after the runs, want the 20 seeded", left)
			}
		})
	}
}

// The run creates its buckets out of name order and says so, so that a
// server listing in creation order fails the order check (the mutation
// table's creation-order row shows that).
func TestRunCreatesOutOfNameOrder(t *testing.T) {
	var mu sync.Mutex
	var created []string
	record := func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			if r.Method == http.MethodPut && r.URL.RawQuery == "" {
				mu.Lock()
				created = append(created, r.URL.Path[len(r.URL.Path)-2:])
				mu.Unlock()
			}
			h.ServeHTTP(w, r)
		})
	}
	e := newEndpoint(t, "s3", record)
	code, out, _ := liveRun(t, "s3", e.url, "--label-filter", "schema")
	if code != 0 || !strings.Contains(out, "in the order 01 00 03 02 04, not name order") {
		t.Errorf("exit %d, want 0 and the creation order said\n%s", code, out)
	}
	if got := strings.Join(created, " "); got != "01 00 03 02 04" {
		t.Errorf("created in the order %s, want 01 00 03 02 04", got)
	}
}

// Each spec shows its own evidence: against an endpoint that ignores page
// sizes (and serves invalid ones), every walk's unsupported verdict quotes its own page size, and a
// spec for an invalid page size records its own probe.
func TestUnsupportedOnOwnEvidence(t *testing.T) {
	e := newReferenceEndpoint(t, "s3", refserver.PageSizeIgnored, refserver.PageSizeUnvalidated)
	record := t.TempDir()
	code, out, run := liveRun(t, "s3", e.url, "--record", record)
	if code != 0 {
		t.Fatalf("exit %d, want 0: unsupported does not fail the run\n%s", code, out)
	}
	for id, evidence := range map[string]string{
		"pagination/walks-page-size-1-every-bucket-once-in-order": "max-buckets=1 is ignored: 5 buckets in one page",
		"pagination/walks-page-size-2-every-bucket-once-in-order": "max-buckets=2 is ignored: 5 buckets in one page",
		"pagination/refuses-a-page-size-of/zero":                  "max-buckets=1 is ignored",
	} {
		var got outcome.Result
		for _, r := range run.Results {
			if r.ID == id {
				got = r
			}
		}
		if got.Status != outcome.Unsupported || !strings.Contains(got.Summary, evidence) {
			t.Errorf("%s: %s %q, want unsupported with %q", id, got.Status, got.Summary, evidence)
		}
	}
	src, err := os.ReadFile(filepath.Join(record, "s3-page-size-0.txtar"))
	if err != nil || !strings.Contains(string(src), "-- 2/request --\nGET /?max-buckets=1 ") {
		t.Errorf("the page-size-0 recording does not hold the spec's own probe (err %v):\n%.1500s", err, src)
	}
}

// A walk that goes wrong says why, as a paginating client would meet it.
func TestWalkCauses(t *testing.T) {
	for _, tc := range []struct {
		vendor string
		fault  refserver.Fault
		id     string
		cause  string
	}{
		{"s3", refserver.TruncatedWithoutNext, "pagination/walks-page-size-1-every-bucket-once-in-order",
			"page 1 holds 1 of the run's 5 buckets and carries no ContinuationToken: a paginating client stops here and never sees the other 4"},
		{"oss", refserver.PartialPageSaysComplete, "pagination/walks-page-size-2-every-bucket-once-in-order",
			"page 1 holds 2 of the run's 5 buckets and carries no NextMarker: a paginating client stops here and never sees the other 3"},
		{"cos", refserver.NextPageSkips, "pagination/walks-page-size-1-every-bucket-once-in-order",
			"(3 of the run's 5 buckets): "},
		{"s3", refserver.NextPageRepeats, "pagination/walks-page-size-1-every-bucket-once-in-order",
			"is listed on page 1 and again on page 2"},
	} {
		t.Run(tc.vendor+"/"+string(tc.fault), func(t *testing.T) {
			e := newReferenceEndpoint(t, tc.vendor, tc.fault)
			_, out, run := liveRun(t, tc.vendor, e.url, "--label-filter", "pagination")
			var seen []string
			for _, r := range run.Results {
				if r.ID != tc.id {
					continue
				}
				for _, d := range r.Deviations {
					seen = append(seen, d.Seen)
				}
			}
			if !strings.Contains(strings.Join(seen, "\n"), tc.cause) {
				t.Errorf("%s: deviations %q, want one saying %q\n%s", tc.id, seen, tc.cause, out)
			}
		})
	}
}

// No two rows of a report read the same, however short it cuts them: a
// spec's title leads with what tells it from its neighbours (page size,
// filter, recording), within the first 40 characters.
func TestSpecTitlesTellApart(t *testing.T) {
	results := filepath.Join(t.TempDir(), "results.json")
	cmd := runnerCmd(t, "conformance", "--junit", "", "--results", results, "--baseline", "../fixtures/docs/baseline.txt")
	cmd.Dir = "."
	if out, err := cmd.CombinedOutput(); err != nil {
		t.Fatalf("conformance: %v\n%s", err, out)
	}
	run, err := outcome.Load(results)
	if err != nil {
		t.Fatal(err)
	}
	const shown = 40
	seen := map[string]string{}
	for _, r := range run.Results {
		head := []rune(r.Spec)
		if len(head) > shown {
			head = head[:shown]
		}
		key := r.Target + "\x00" + string(head)
		if other, ok := seen[key]; ok {
			t.Errorf("%s: %q and %q read the same in their first %d characters", r.Target, other, r.Spec, shown)
		}
		seen[key] = r.Spec
	}
}
