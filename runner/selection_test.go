package main

import (
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/schemas"
)

// faultyS3 is the S3 reference endpoint on loopback with faults.
func faultyS3(t *testing.T, faults ...refserver.Fault) (string, *refserver.Server) {
	t.Helper()
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	srv := refserver.New(c, refserver.Options{Keys: map[string]string{testAccessKey: testSecretKey}, Faults: faults})
	hs := httptest.NewServer(srv)
	t.Cleanup(hs.Close)
	return hs.URL, srv
}

// runResults runs the runner with --results and returns its exit, output
// and results.
func runResults(t *testing.T, args ...string) (int, string, *outcome.Run) {
	t.Helper()
	code, out, run, _ := runResultsFile(t, args...)
	return code, out, run
}

func runResultsFile(t *testing.T, args ...string) (int, string, *outcome.Run, string) {
	t.Helper()
	file := filepath.Join(t.TempDir(), "results.json")
	code, out := runExit(t, append(args, "--results", file, "--junit", "")...)
	run, err := outcome.Load(file)
	if err != nil {
		t.Fatalf("exit %d, no results: %v\n%s", code, err, out)
	}
	return code, out, run, file
}

func ids(run *outcome.Run, keep func(outcome.Result) bool) []string {
	var out []string
	for _, r := range run.Results {
		if keep == nil || keep(r) {
			out = append(out, r.ID)
		}
	}
	slices.Sort(out)
	return out
}

func failed(r outcome.Result) bool { return r.Status == outcome.Fail || r.Status == outcome.Error }

// --focus with an id runs that spec alone; with a regular expression,
// the specs whose text matches; after the flags or before them.
func TestFocus(t *testing.T) {
	url, _ := faultyS3(t)
	const id = "rejects/an-anonymous-request"
	code, out, run := runResults(t, "run", "--vendor", "s3", "--endpoint", url, "--focus", id)
	if code != 0 || !slices.Equal(ids(run, nil), []string{id}) {
		t.Fatalf("--focus %s: exit %d, ran %q\n%s", id, code, ids(run, nil), out)
	}
	code, out, run = runResults(t, "run", "--focus", "walks page size [12]:", "--vendor", "s3", "--endpoint", url)
	want := []string{"pagination/walks-page-size-1-every-bucket-once-in-order", "pagination/walks-page-size-2-every-bucket-once-in-order"}
	if code != 0 || !slices.Equal(ids(run, nil), want) {
		t.Fatalf("--focus REGEX: exit %d, ran %q, want %q\n%s", code, ids(run, nil), want, out)
	}
	code, out = runExit(t, "run", "--vendor", "s3", "--endpoint", url, "--focus", "no-such-spec", "--junit", "")
	if code != 2 || !strings.Contains(out, "the selection matches no spec") {
		t.Errorf("a focus that matches nothing: exit %d, want 2\n%s", code, out)
	}
	code, out = runExit(t, "run", "--vendor", "s3", "--endpoint", url, "--focus", "(", "--junit", "")
	if code != 2 || !strings.Contains(out, "neither a spec id nor a regular expression") {
		t.Errorf("a focus that does not compile: exit %d, want 2\n%s", code, out)
	}
}

// --rerun-failed runs again exactly the specs that failed before; a
// results file without a failure selects nothing, exit 2.
func TestRerunFailed(t *testing.T) {
	url, _ := faultyS3(t, refserver.AnonymousAccepted, refserver.SignatureUnchecked)
	code, out, first, firstFile := runResultsFile(t, "run", "--vendor", "s3", "--endpoint", url)
	failedFirst := ids(first, failed)
	if code != 1 || len(failedFirst) < 2 || len(failedFirst) >= len(first.Results) {
		t.Fatalf("the first run: exit %d, %d of %d failed\n%s", code, len(failedFirst), len(first.Results), out)
	}
	code, out, second := runResults(t, "run", "--vendor", "s3", "--endpoint", url, "--rerun-failed", firstFile)
	if code != 1 || !slices.Equal(ids(second, nil), failedFirst) {
		t.Errorf("--rerun-failed: exit %d, ran %q, want %q\n%s", code, ids(second, nil), failedFirst, out)
	}

	clean, _ := faultyS3(t)
	_, _, _, passedFile := runResultsFile(t, "run", "--vendor", "s3", "--endpoint", clean, "--focus", "rejects/a-bad-signature")
	code, out = runExit(t, "run", "--vendor", "s3", "--endpoint", clean, "--rerun-failed", passedFile, "--junit", "")
	if code != 2 || !strings.Contains(out, "holds no failed spec") {
		t.Errorf("--rerun-failed of a clean run: exit %d, want 2\n%s", code, out)
	}
}

// --fail-fast stops at the first failure, and the run's buckets are
// still deleted.
func TestFailFast(t *testing.T) {
	url, srv := faultyS3(t, refserver.SignatureUnchecked)
	_, _, all := runResults(t, "run", "--vendor", "s3", "--endpoint", url)
	code, out, run := runResults(t, "run", "--vendor", "s3", "--endpoint", url, "--fail-fast")
	c := run.Counts()
	if code != 1 || c[outcome.Fail] != 1 || len(run.Results) >= len(all.Results) {
		t.Errorf("--fail-fast: exit %d, %d failed, %d of %d specs reported\n%s", code, c[outcome.Fail], len(run.Results), len(all.Results), out)
	}
	if left := srv.Buckets(); len(left) != 0 {
		t.Errorf("%d bucket(s) left after --fail-fast", len(left))
	}
}

// runner list prints the specs with their ids and labels, narrowed by the
// selection flags, in text or JSON.
func TestList(t *testing.T) {
	code, out := runExit(t, "list", "--vendor", "s3")
	if code != 0 || !strings.Contains(out, "rejects/an-anonymous-request") || !strings.Contains(out, "s3,live,auth") || strings.Contains(out, "\ncos ") {
		t.Fatalf("list --vendor s3: exit %d\n%s", code, out)
	}
	code, out = runExit(t, "list", "--format", "json", "--label-filter", "pagination", "--vendor", "cos")
	if code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	for _, l := range lines {
		if !strings.HasPrefix(l, `{"vendor":"cos","id":"pagination/`) || !strings.Contains(l, `"pagination"]`) {
			t.Errorf("not a cos pagination spec: %s", l)
		}
	}
	if len(lines) < 4 {
		t.Errorf("%d pagination specs, want at least 4", len(lines))
	}
	if code, out := runExit(t, "list", "--vendor", "s3", "--focus", "nothing-matches"); code != 2 {
		t.Errorf("an empty selection: exit %d, want 2\n%s", code, out)
	}
}

func TestSpecIDPattern(t *testing.T) {
	for _, tt := range []struct {
		id, text string
		match    bool
	}{
		{"rejects/a-bad-signature", "GET Service live run s3 live rejects a bad signature", true},
		{"rejects/a-bad-signature", "GET Service live run s3 live rejects a presigned URL with a bad signature", false},
		{"pagination/walks-page-size-1-every-bucket-once-in-order", "GET Service live run cos live pagination walks page size 1: every bucket once, in order", true},
		{"walks-page-size-1-every-bucket-once-in-order", "GET Service live run cos live pagination walks page size 1: every bucket once, in order", false},
		{"schema/case1.txtar-docs-cos-all-buckets", "GET Service conformance cos schema case1.txtar (docs/cos): all buckets", true},
	} {
		re := regexp.MustCompile(idPattern("", tt.id))
		if re.MatchString(tt.text) != tt.match {
			t.Errorf("%s against %q: %v, want %v", tt.id, tt.text, !tt.match, tt.match)
		}
	}
}

// A run recorded with --focus plays back with the same selection: the
// tape holds only that spec's requests, and check asks for no other.
func TestFocusPlayback(t *testing.T) {
	url, _ := faultyS3(t)
	dir := filepath.Join(t.TempDir(), "recorded")
	const id = "rejects/a-bad-signature"
	if code, out := runExit(t, "run", "--vendor", "s3", "--endpoint", url, "--focus", id, "--record", dir, "--junit", ""); code != 0 {
		t.Fatalf("run: exit %d\n%s", code, out)
	}
	code, out, run := runResults(t, "check", dir)
	if code != 0 || !slices.Equal(ids(run, nil), []string{id}) {
		t.Errorf("playback: exit %d, ran %q\n%s", code, ids(run, nil), out)
	}
}

// conformance takes the same selection: an id selects that spec of every
// vendor's reference endpoint.
func TestConformanceFocus(t *testing.T) {
	const id = "rejects/a-bad-signature"
	code, out, run := runResults(t, "conformance", "--focus", id, "--fail-fast")
	var vendors []string
	for _, r := range run.Results {
		if r.ID != id {
			t.Errorf("ran %s", r.ID)
		}
		vendors = append(vendors, r.Vendor)
	}
	if code != 0 || len(vendors) != 6 {
		t.Errorf("exit %d, ran it for %q, want every vendor\n%s", code, vendors, out)
	}
}
