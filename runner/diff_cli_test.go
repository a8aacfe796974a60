package main

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/diff"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/internal/suite"
	"github.com/getservice-conformance/gsc/schemas"
)

// s3Endpoint is an S3 reference endpoint in this process, with the
// example keys, passed through wrap when given.
func s3Endpoint(t *testing.T, wrap func(http.Handler) http.Handler, faults ...refserver.Fault) *endpoint {
	t.Helper()
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	e := &endpoint{Server: refserver.New(c, refserver.Options{
		Keys: map[string]string{suite.ExampleAccessKey: suite.ExampleSecretKey}, Faults: faults,
	})}
	var h http.Handler = e.Server
	if wrap != nil {
		h = wrap(h)
	}
	e.url = startServer(t, h)
	return e
}

// noRunBuckets fails the test if a run left a bucket on e.
func noRunBuckets(t *testing.T, name string, e *endpoint) {
	t.Helper()
	if _, runs := bucketsLeft(e); len(runs) > 0 {
		t.Errorf("%s: buckets left: %v", name, runs)
	}
}

// A run recorded earlier stands for B: the diff plays it back for its
// verdicts and finds the fault it was recorded with, on B; a recorded
// run without its spec index cannot be compared (exit 2).
func TestDiffAgainstRecordings(t *testing.T) {
	dir := t.TempDir()
	faulty := s3Endpoint(t, nil, "next-page-skips")
	record := filepath.Join(dir, "recorded")
	creds := exampleCredentials(t)
	out, err := runnerCmd(t, "run", "--vendor", "s3", "--endpoint", faulty.url, "--credentials", creds, "--record", record, "--junit", "").CombinedOutput()
	if err == nil {
		t.Fatalf("the faulty run passed:\n%s", out)
	}
	clean := s3Endpoint(t, nil)
	o := runDiffBinary(t, "--vendor", "s3", "--endpoint", clean.url, "--recordings", record, "--credentials", creds)
	walk := "pagination/walks-page-size-2-every-bucket-once-in-order"
	if o.exit != 1 || !slices.ContainsFunc(o.differing(), func(r diff.Row) bool {
		return r.Spec == walk && r.Kind == diff.Violation && r.Side == "B"
	}) {
		t.Errorf("exit %d, want 1 and a violation on B in %s:%s\n%s", o.exit, walk, describeRows(o.differing()), o.output)
	}
	for _, r := range o.differing() {
		if r.Side == "A" {
			t.Errorf("%s put on the clean side A", r.ID())
		}
	}
	noRunBuckets(t, "A", clean)

	// A side kept by runner diff --record serves as well.
	kept := filepath.Join(dir, "kept")
	if o := runDiffBinary(t, "--vendor", "s3", "--endpoint", faulty.url, "--endpoint", clean.url, "--credentials", creds, "--record", kept); o.exit != 1 {
		t.Fatalf("faulty vs clean: exit %d\n%s", o.exit, o.output)
	}
	if o := runDiffBinary(t, "--vendor", "s3", "--endpoint", faulty.url, "--endpoint", clean.url, "--credentials", creds, "--record", kept); o.exit != 2 {
		t.Errorf("--record into a directory that holds a diff: exit %d, want 2", o.exit)
	}
	if o := runDiffBinary(t, "--vendor", "s3", "--endpoint", clean.url, "--recordings", kept, "--credentials", creds); o.exit != 2 || !strings.Contains(o.output, "holds 0 tapes") {
		t.Errorf("--recordings of a directory without a tape: exit %d, want 2\n%s", o.exit, o.output)
	}
	o = runDiffBinary(t, "--vendor", "s3", "--endpoint", clean.url, "--recordings", filepath.Join(kept, "a"), "--credentials", creds)
	if o.exit != 1 || !slices.ContainsFunc(o.differing(), func(r diff.Row) bool { return r.Spec == walk && r.Side == "B" }) {
		t.Errorf("against a side runner diff kept: exit %d:%s\n%s", o.exit, describeRows(o.differing()), o.output)
	}

	if o := runDiffBinary(t, "--vendor", "cos", "--endpoint", clean.url, "--recordings", record, "--credentials", creds); o.exit != 2 || !strings.Contains(o.output, "is a recording of s3, not of --vendor cos") || strings.Contains(o.output, "side A:") {
		t.Errorf("recordings of another vendor: exit %d, want 2 before A runs\n%s", o.exit, o.output)
	}

	if err := os.Remove(filepath.Join(record, diff.SpecIndexFile)); err != nil {
		t.Fatal(err)
	}
	o = runDiffBinary(t, "--vendor", "s3", "--endpoint", clean.url, "--recordings", record, "--credentials", creds)
	if o.exit != 2 || !strings.Contains(o.output, "no spec index") {
		t.Errorf("without the spec index: exit %d, want 2 saying why\n%s", o.exit, o.output)
	}
}

// A baseline written from a diff's differences accepts them: the same
// diff then exits 0; without it, 1.
func TestDiffBaseline(t *testing.T) {
	creds := exampleCredentials(t)
	base := filepath.Join(t.TempDir(), "baseline.txt")
	args := func(extra ...string) []string {
		return append([]string{"--vendor", "s3", "--endpoint", s3Endpoint(t, nil).url,
			"--endpoint", s3Endpoint(t, nil, "page-size-ignored").url, "--credentials", creds, "--label-filter", "pagination", "--name", "gw vs ref"}, extra...)
	}
	results := filepath.Join(t.TempDir(), "results.json")
	o := runDiffBinary(t, args("--write-baseline", base, "--results", results)...)
	if o.exit != 1 {
		t.Fatalf("exit %d, want 1\n%s", o.exit, o.output)
	}
	// The reports have a row per request of each spec, as the rows.
	run, err := outcome.Load(results)
	if err != nil {
		t.Fatal(err)
	}
	if len(run.Results) != len(o.rows) || len(o.rows) == 0 {
		t.Fatalf("%d results for %d rows", len(run.Results), len(o.rows))
	}
	for i, r := range run.Results {
		if r.ID != o.rows[i].ID() || (r.Status == outcome.Fail) != (o.rows[i].Kind == diff.Capability || o.rows[i].Kind == diff.Violation) {
			t.Errorf("result %d: %s %s, row %s %s", i, r.ID, r.Status, o.rows[i].ID(), o.rows[i].Kind)
		}
	}
	data, err := os.ReadFile(base)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `spec "gw vs ref" pagination/walks-page-size-1-every-bucket-once-in-order/exchange-2 fail`) {
		t.Errorf("the baseline holds no row of the walk:\n%s", data)
	}
	if o = runDiffBinary(t, args("--baseline", base, "--results", results)...); o.exit != 0 {
		t.Errorf("with the baseline: exit %d, want 0\n%s", o.exit, o.output)
	}
	// The reports show the rows the baseline accepts as accepted, with
	// the status the row came to.
	if run, err = outcome.Load(results); err != nil {
		t.Fatal(err)
	}
	accepted := 0
	for _, r := range run.Results {
		switch {
		case r.Status == outcome.Accepted && r.Own() == outcome.Fail:
			accepted++
		case r.Status == outcome.Fail:
			t.Errorf("%s fails in the report though the baseline accepts it", r.ID)
		}
	}
	if accepted == 0 {
		t.Error("no row of the report is accepted")
	}
}

// Each side has its own keys: B's from the GSC_B_ variables or from
// --credentials-b. Without them B's run is refused at set-up, which the
// diff cannot judge (exit 2).
func TestDiffCredentialsPerSide(t *testing.T) {
	a := s3Endpoint(t, nil)
	b := newEndpoint(t, "s3", nil) // the test keys, not the example ones
	run := func(env []string, extra ...string) diffOutcome {
		cmd := append([]string{"--vendor", "s3", "--endpoint", a.url, "--endpoint", b.url}, extra...)
		return runDiffEnv(t, env, cmd...)
	}
	example := []string{"AWS_ACCESS_KEY_ID=" + suite.ExampleAccessKey, "AWS_SECRET_ACCESS_KEY=" + suite.ExampleSecretKey}
	if o := run(append(example, "GSC_B_AWS_ACCESS_KEY_ID="+testAccessKey, "GSC_B_AWS_SECRET_ACCESS_KEY="+testSecretKey)); o.exit != 0 || len(o.differing()) > 0 {
		t.Errorf("B's keys from GSC_B_: exit %d:%s\n%s", o.exit, describeRows(o.differing()), o.output)
	}
	credsB := filepath.Join(t.TempDir(), "b")
	if err := os.WriteFile(credsB, []byte("access_key_id = "+testAccessKey+"\nsecret_access_key = "+testSecretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	if o := run(example, "--credentials-b", credsB); o.exit != 0 {
		t.Errorf("B's keys from --credentials-b: exit %d\n%s", o.exit, o.output)
	}
	if o := run(example); o.exit != 2 || !strings.Contains(o.output, "side B could not be judged") {
		t.Errorf("B with A's keys: exit %d, want 2\n%s", o.exit, o.output)
	}
	noRunBuckets(t, "A", a)
	noRunBuckets(t, "B", b)
}

// startServer serves h on 127.0.0.1 for the test.
func startServer(t *testing.T, h http.Handler) string {
	t.Helper()
	srv := httptest.NewServer(h)
	t.Cleanup(srv.Close)
	return srv.URL
}

// An unreachable B, and calls the diff cannot make sense of, are exit 2.
func TestDiffCannotJudge(t *testing.T) {
	a := s3Endpoint(t, nil)
	creds := exampleCredentials(t)
	for name, args := range map[string][]string{
		"unreachable B":          {"--vendor", "s3", "--endpoint", a.url, "--endpoint", "http://127.0.0.1:1", "--credentials", creds, "--timeout", "2s"},
		"one endpoint":           {"--vendor", "s3", "--endpoint", a.url, "--credentials", creds},
		"three endpoints":        {"--vendor", "s3", "--endpoint", a.url, "--endpoint", a.url, "--endpoint", a.url},
		"no vendor":              {"--endpoint", a.url, "--endpoint", a.url},
		"recordings and two":     {"--vendor", "s3", "--endpoint", a.url, "--endpoint", a.url, "--recordings", t.TempDir()},
		"a selection of nothing": {"--vendor", "s3", "--endpoint", a.url, "--endpoint", a.url, "--credentials", creds, "--label-filter", "no-such-label"},
	} {
		if o := runDiffBinary(t, args...); o.exit != 2 {
			t.Errorf("%s: exit %d, want 2\n%s", name, o.exit, o.output)
		}
	}
	noRunBuckets(t, "A", a)
}

// A SIGTERM while B's run lists goes to B's run, which deletes its
// buckets; the diff exits 143. A's run had cleaned up already.
func TestDiffInterrupted(t *testing.T) {
	a := s3Endpoint(t, nil)
	h := newHolding()
	h.set(http.MethodGet, holdUnmade)
	b := s3Endpoint(t, h.wrap)
	cmd := runnerCmd(t, "diff", "--vendor", "s3", "--endpoint", a.url, "--endpoint", b.url, "--credentials", exampleCredentials(t))
	s := start(t, cmd)
	s.waitFor(t, "B's listing", h.arrived)
	if err := cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if code := s.wait(t); code != 143 {
		t.Errorf("exit %d, want 143\n%s", code, s.output())
	}
	if !strings.Contains(s.output(), "B: run gsc-") || !strings.Contains(s.output(), "cleaned up 5 bucket(s)") {
		t.Errorf("B's run did not say it cleaned up:\n%s", s.output())
	}
	noRunBuckets(t, "A", a)
	noRunBuckets(t, "B", b)
}

// A report on standard output stays one document: the differences go to
// standard error then.
func TestDiffReportOnStdout(t *testing.T) {
	o := runDiffBinary(t, "--vendor", "s3", "--endpoint", s3Endpoint(t, nil).url, "--endpoint", s3Endpoint(t, nil, "page-size-ignored").url,
		"--credentials", exampleCredentials(t), "--label-filter", "pagination", "--results", "-")
	var run outcome.Run
	if err := json.Unmarshal([]byte(o.stdout), &run); err != nil || len(run.Results) != len(o.rows) || run.Requests == 0 {
		t.Errorf("standard output is not the results of %d rows (%v, %d requests):\n%s", len(o.rows), err, run.Requests, o.stdout)
	}
	if !strings.Contains(o.output, "capability gap on B") {
		t.Errorf("the differences are not on standard error:\n%s", o.output)
	}
}
