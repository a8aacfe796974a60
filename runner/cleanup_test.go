package main

import (
	"bytes"
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"path/filepath"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/schemas"
)

// A run killed with SIGKILL cannot clean up: runner cleanup --run ID
// deletes exactly its buckets afterwards, and leaves another run's, a
// bucket merely named like one, and the user's own. --all-runs without
// --yes lists every run's and deletes nothing.
func TestCleanupAfterKilledRun(t *testing.T) {
	h := newHolding()
	h.set(http.MethodGet, holdUnmade)
	e := newEndpoint(t, "s3", h.wrap)
	kept := []string{"gsc-0123abcd-00", "gsc-not-a-run", "users-own-bucket"}
	for _, name := range kept {
		e.Seed(refserver.Bucket{Name: name, Region: "us-east-1", Created: time.Now()})
	}
	s := start(t, runnerCmd(t, "run", "--vendor", "s3", "--endpoint", e.url, "--junit", filepath.Join(t.TempDir(), "j.xml")))
	runID := s.waitFor(t, "the run line", s.runID)
	s.waitFor(t, "a listing", h.arrived)
	s.cmd.Process.Kill()
	s.wait(t)
	h.set(http.MethodGet, pass)
	_, runs := bucketsLeft(e)
	if len(runs) != 6 {
		t.Fatalf("after SIGKILL: %v, want the run's 5 and gsc-0123abcd-00", runs)
	}

	var stdout, stderr bytes.Buffer
	list := runnerCmd(t, "cleanup", "--vendor", "s3", "--endpoint", e.url, "--all-runs")
	list.Stdout, list.Stderr = &stdout, &stderr
	list.Run()
	if code := list.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("cleanup --all-runs: exit %d\n%s%s", code, stdout.String(), stderr.String())
	}
	if got := strings.Fields(stdout.String()); strings.Join(got, " ") != strings.Join(runs, " ") {
		t.Errorf("cleanup --all-runs listed %v, want %v", got, runs)
	}
	if !strings.Contains(stderr.String(), "6 bucket(s) of earlier runs at "+e.url+"; nothing deleted: add --yes to delete them") {
		t.Errorf("cleanup --all-runs said:\n%s", stderr.String())
	}
	if _, after := bucketsLeft(e); len(after) != 6 {
		t.Fatalf("cleanup without --yes deleted something: %v left", after)
	}

	del := runnerCmd(t, "cleanup", "--vendor", "s3", "--endpoint", e.url, "--run", runID, "--yes")
	out, _ := del.CombinedOutput()
	if code := del.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("cleanup --run %s --yes: exit %d\n%s", runID, code, out)
	}
	all, _ := bucketsLeft(e)
	if strings.Join(all, " ") != strings.Join(kept, " ") {
		t.Errorf("after cleanup --run %s: %v, want exactly %v\n%s", runID, all, kept, out)
	}
	for i := range 5 {
		if !bytes.Contains(out, fmt.Appendf(nil, "deleted %s-%02d\n", runID, i)) {
			t.Errorf("cleanup did not say it deleted %s-%02d\n%s", runID, i, out)
		}
	}
}

func TestCleanupUsage(t *testing.T) {
	for _, tt := range []struct {
		name   string
		args   []string
		stderr string
	}{
		{"neither --run nor --all-runs", nil, "name one run with --run ID, or every run with --all-runs"},
		{"both", []string{"--run", "gsc-0123abcd", "--all-runs"}, "name one run with --run ID, or every run with --all-runs"},
		{"not a run id", []string{"--run", "gsc-*"}, `--run "gsc-*" is not a run id`},
		{"an argument", []string{"--all-runs", "bucket"}, `unexpected argument "bucket"`},
	} {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			args := append([]string{"cleanup", "--vendor", "s3", "--endpoint", "http://127.0.0.1:1"}, tt.args...)
			if code := run(args, &stdout, &stderr); code != 2 || !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("exit %d, stderr %q; want 2 and %q", code, stderr.String(), tt.stderr)
			}
		})
	}
}

func TestRunBucketsPattern(t *testing.T) {
	all, one := runBuckets("", "-1250000000"), runBuckets("gsc-0123abcd", "")
	for _, tt := range []struct {
		re    string
		name  string
		match bool
	}{
		{"all", "gsc-0123abcd-00-1250000000", true},
		{"all", "gsc-0123abcd-00", false}, // no APPID suffix: not a bucket of this account's runs
		{"all", "gsc-0123abcd-00-1250000000-x", false},
		{"all", "gsc-not-a-run-1250000000", false},
		{"all", "gsc-0123ABCD-00-1250000000", false},
		{"one", "gsc-0123abcd-99", true},
		{"one", "gsc-0123abcd-100", false},
		{"one", "gsc-0123abcf-00", false},
		{"one", "xgsc-0123abcd-00", false},
		{"one", "gsc-0123abcd-xa.b-01", true}, // runner explore's
		{"one", "gsc-0123abcd-x", false},
		{"one", "gsc-0123abcd-x.a", false},
		{"one", "gsc-0123abcd-ya", false},
		{"all", "gsc-0123abcd-xab9-1250000000", true},
	} {
		re := all
		if tt.re == "one" {
			re = one
		}
		if got := re.MatchString(tt.name); got != tt.match {
			t.Errorf("%s run pattern matches %q: %v, want %v", tt.re, tt.name, got, tt.match)
		}
	}
}

// listAll walks every page, the way each profile paginates; a listing
// that leads back to a page seen before stops with an error naming the
// cycle, not a loop.
func TestListAllWalksEveryPage(t *testing.T) {
	for _, vendor := range []string{"s3", "oss", "qingstor"} {
		t.Run(vendor, func(t *testing.T) {
			c, err := contract.Load(schemas.FS, vendor)
			if err != nil {
				t.Fatal(err)
			}
			srv := refserver.New(c, refserver.Options{Keys: map[string]string{testAccessKey: testSecretKey}})
			var want []string
			for i := range 7 {
				name := fmt.Sprintf("gsc-0123abcd-%02d", i)
				want = append(want, name)
				srv.Seed(refserver.Bucket{Name: name, Created: time.Now()})
			}
			var requests atomic.Int32
			ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
				requests.Add(1)
				srv.ServeHTTP(w, r)
			}))
			defer ts.Close()
			// Pages of 3: the walk must follow the profile's continuation.
			c.Profile.Params.PageSize.Max, c.Profile.Params.PageSize.Default = 3, 3
			got, err := listAll(context.Background(), referenceTarget(t, c, ts.URL, srv.Region()), "gsc-")
			if err != nil || strings.Join(got, " ") != strings.Join(want, " ") {
				t.Fatalf("listAll = %v, %v; want %v", got, err, want)
			}
			if n := requests.Load(); n < 3 {
				t.Errorf("%d requests for 7 buckets in pages of 3", n)
			}
		})
	}
	t.Run("cycle", func(t *testing.T) {
		c, err := contract.Load(schemas.FS, "s3")
		if err != nil {
			t.Fatal(err)
		}
		var requests atomic.Int32
		ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			n := requests.Add(1)
			next := []string{"A", "B"}[n%2]
			fmt.Fprintf(w, `<?xml version="1.0" encoding="UTF-8"?><ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Buckets><Bucket><Name>gsc-0123abcd-%02d</Name></Bucket></Buckets><ContinuationToken>%s</ContinuationToken></ListAllMyBucketsResult>`, n, next)
		}))
		defer ts.Close()
		_, err = listAll(context.Background(), referenceTarget(t, c, ts.URL, "us-east-1"), "gsc-")
		if err == nil || !strings.Contains(err.Error(), `leads back to "B", seen before: the listing cycles`) {
			t.Errorf("listAll of A -> B -> A: %v", err)
		}
		if n := requests.Load(); n != 3 {
			t.Errorf("%d requests, want 3 (A, B, then A again)", n)
		}
	})
}

func referenceTarget(t *testing.T, c *contract.Contract, endpoint, region string) *live.Target {
	t.Helper()
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	t.Setenv("AWS_ACCESS_KEY_ID", testAccessKey)
	t.Setenv("AWS_SECRET_ACCESS_KEY", testSecretKey)
	t.Setenv("OSS_ACCESS_KEY_ID", testAccessKey)
	t.Setenv("OSS_ACCESS_KEY_SECRET", testSecretKey)
	t.Setenv("QINGSTOR_ACCESS_KEY_ID", testAccessKey)
	t.Setenv("QINGSTOR_SECRET_ACCESS_KEY", testSecretKey)
	creds, err := credentials(&liveFlags{vendor: c.Profile.Vendor})
	if err != nil {
		t.Fatal(err)
	}
	return &live.Target{
		Contract: c, Endpoint: u, Creds: creds, Signature: c.Profile.Auth.Signatures[0], Region: region,
		Addressing: "path", Client: live.NewClient(live.DefaultLimits, nil),
	}
}
