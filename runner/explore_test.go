package main

import (
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/refserver"
)

// runBuckets lists the buckets left on the endpoint that a run made.
func (e *referenceEndpoint) runBuckets() []string {
	var names []string
	for _, b := range e.Buckets() {
		if strings.HasPrefix(b.Name, "gsc-") {
			names = append(names, b.Name)
		}
	}
	return names
}

func combined(t *testing.T, cmd *exec.Cmd) (string, int) {
	t.Helper()
	out, _ := cmd.CombinedOutput()
	return string(out), cmd.ProcessState.ExitCode()
}

var (
	foundLine = regexp.MustCompile(`found after (\d+) requests \(seed (\d+)\), shrunk to (\d+) step\(s\)`)
	failsHere = regexp.MustCompile(`(?m)^\s+(\d+)\. list .*<- fails here\n\s+runner replay (\S+) --exchange (\d+)`)
)

// Against a fault only explore meets, explore fails the property, prints
// the shrunk steps with their replay and curl lines and the seed; the
// recording of the failing walk gives runner check the same finding; the
// seed reruns the failure as the first sequence; nothing is left.
func TestExploreFindsShrinksAndReruns(t *testing.T) {
	e := newReferenceEndpoint(t, "s3", refserver.PrefixDotWildcard)
	dir := t.TempDir()
	record, results := filepath.Join(dir, "explored"), filepath.Join(dir, "results.json")
	out, code := combined(t, runnerCmd(t, "explore", "--vendor", "s3", "--endpoint", e.url, "--seed", "1000", "--requests", "1500",
		"--record", record, "--results", results))
	if code != 1 {
		t.Fatalf("explore against prefix-dot-wildcard: exit %d, want 1\n%s", code, out)
	}
	if !strings.Contains(out, "fail: explore / prefix filter: ") {
		t.Errorf("the prefix filter property did not fail\n%s", out)
	}
	m := foundLine.FindStringSubmatch(out)
	if m == nil {
		t.Fatalf("no found-after line\n%s", out)
	}
	seed := m[2]
	if !regexp.MustCompile(`(?m)^  \d+\. create gsc-[0-9a-f]{8}-x`).MatchString(out) ||
		!regexp.MustCompile(`(?m)^     curl -sS -i -X PUT `).MatchString(out) {
		t.Errorf("the steps are not numbered with curl lines\n%s", out)
	}
	if !strings.Contains(out, "rerun: runner explore --vendor s3 --endpoint "+e.url+" --seed "+seed) {
		t.Errorf("no rerun line with seed %s\n%s", seed, out)
	}
	f := failsHere.FindStringSubmatch(out)
	if f == nil {
		t.Fatalf("no failing listing step with its replay line\n%s", out)
	}
	checkOut, checkCode := combined(t, runnerCmd(t, "check", f[2]))
	if checkCode != 1 || !strings.Contains(checkOut, "filter.prefix") {
		t.Errorf("runner check %s: exit %d, want 1 with filter.prefix\n%s", f[2], checkCode, checkOut)
	}
	run, err := outcome.Load(results)
	if err != nil {
		t.Fatal(err)
	}
	statuses := map[string]outcome.Status{}
	for _, r := range run.Results {
		statuses[r.ID] = r.Status
	}
	if statuses["explore/prefix-filter"] != outcome.Fail || statuses["explore/listing"] != outcome.Pass {
		t.Errorf("results: %v", statuses)
	}
	if left := e.runBuckets(); len(left) > 0 {
		t.Errorf("buckets left: %v", left)
	}
	recorded, _ := filepath.Glob(filepath.Join(record, "*.txtar"))
	for _, name := range append(recorded, results) {
		data, err := os.ReadFile(name)
		if err != nil || strings.Contains(string(data), testSecretKey) {
			t.Errorf("%s: the secret key is in it, or it does not read (%v)", name, err)
		}
	}
	if len(recorded) == 0 || strings.Contains(out, testSecretKey) {
		t.Errorf("no recording (%v), or the secret key printed", recorded)
	}

	// The seed of the failure finds it in its first sequence.
	out2, code2 := combined(t, runnerCmd(t, "explore", "--vendor", "s3", "--endpoint", e.url, "--seed", seed, "--requests", "1500"))
	m2 := foundLine.FindStringSubmatch(out2)
	if code2 != 1 || m2 == nil || m2[2] != seed {
		t.Fatalf("rerun with --seed %s: exit %d, found %v\n%s", seed, code2, m2, out2)
	}
	if first := m2[1]; len(first) > 3 {
		t.Errorf("rerun with --seed %s found it after %s requests, not in its first sequence", seed, first)
	}
}

// Against the clean endpoint explore finds nothing, keeps to its request
// budget (and the deletes of its last sequence) and leaves nothing.
func TestExploreCleanWithinBudget(t *testing.T) {
	for _, vendor := range []string{"s3", "cos", "qingstor"} {
		t.Run(vendor, func(t *testing.T) {
			e := newReferenceEndpoint(t, vendor)
			creds := exampleCredentialsFor(t)
			out, code := combined(t, runnerCmd(t, "explore", "--vendor", vendor, "--endpoint", e.url, "--credentials", creds, "--seed", "7", "--requests", "150"))
			if code != 0 {
				t.Fatalf("exit %d\n%s", code, out)
			}
			if n := e.requests.Load(); n > 150+12 {
				t.Errorf("the endpoint served %d requests for a budget of 150", n)
			}
			if left := e.runBuckets(); len(left) > 0 {
				t.Errorf("buckets left: %v", left)
			}
			if !regexp.MustCompile(`(?m)^pass: explore / listing \(exercised [1-9]`).MatchString(out) {
				t.Errorf("the listing property was not exercised\n%s", out)
			}
		})
	}
}

// exampleCredentialsFor writes the test keys as a --credentials file, for
// vendors whose environment variables runnerCmd does not set.
func exampleCredentialsFor(t *testing.T) string {
	t.Helper()
	f := filepath.Join(t.TempDir(), "credentials")
	if err := os.WriteFile(f, []byte("access_key_id = "+testAccessKey+"\nsecret_access_key = "+testSecretKey+"\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	return f
}

// SIGINT during an exploration ends it after deleting its buckets: exit
// 130, nothing left.
func TestExploreInterrupted(t *testing.T) {
	e := newReferenceEndpoint(t, "s3")
	s := start(t, runnerCmd(t, "explore", "--vendor", "s3", "--endpoint", e.url, "--seed", "3", "--requests", "1000000"))
	deadline := time.Now().Add(60 * time.Second)
	for len(e.runBuckets()) == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if len(e.runBuckets()) == 0 {
		t.Fatalf("no bucket created within a minute\n%s", s.output())
	}
	s.cmd.Process.Signal(syscall.SIGINT)
	code := s.wait(t)
	out := s.output()
	if code != 130 {
		t.Errorf("exit %d, want 130\n%s", code, out)
	}
	if left := e.runBuckets(); len(left) > 0 {
		t.Errorf("buckets left: %v\n%s", left, out)
	}
	if !regexp.MustCompile(`(?m)^runner: interrupted by SIGINT: cleaned up \d+ bucket\(s\)`).MatchString(out) {
		t.Errorf("no interruption line\n%s", out)
	}
}

// An exploration killed before its cleanup leaves its buckets; runner
// cleanup --run finds and deletes exactly them.
func TestCleanupAfterKilledExplore(t *testing.T) {
	e := newReferenceEndpoint(t, "s3")
	e.Seed(refserver.Bucket{Name: "users-own-bucket", Region: "us-east-1", Created: time.Now()})
	s := start(t, runnerCmd(t, "explore", "--vendor", "s3", "--endpoint", e.url, "--seed", "5", "--requests", "1000000"))
	deadline := time.Now().Add(60 * time.Second)
	for len(e.runBuckets()) < 3 && time.Now().Before(deadline) {
		time.Sleep(2 * time.Millisecond)
	}
	s.cmd.Process.Kill()
	s.wait(t)
	left := e.runBuckets()
	id := regexp.MustCompile(`explore (gsc-[0-9a-f]{8}):`).FindStringSubmatch(s.output())
	if len(left) == 0 || id == nil {
		t.Fatalf("nothing to clean up after SIGKILL (%v)\n%s", left, s.output())
	}
	out, code := combined(t, runnerCmd(t, "cleanup", "--vendor", "s3", "--endpoint", e.url, "--run", id[1], "--yes"))
	if code != 0 {
		t.Fatalf("cleanup: exit %d\n%s", code, out)
	}
	if after := e.runBuckets(); len(after) > 0 {
		t.Errorf("cleanup left %v of %v\n%s", after, left, out)
	}
	if bs := e.Buckets(); len(bs) != 1 || bs[0].Name != "users-own-bucket" {
		t.Errorf("cleanup touched what is not the run's: %v", bs)
	}
}

// --duration ends the search; an endpoint nothing listens on is could not
// judge (exit 2), never a deviation.
func TestExploreDurationAndUnreachable(t *testing.T) {
	e := newReferenceEndpoint(t, "s3")
	out, code := combined(t, runnerCmd(t, "explore", "--vendor", "s3", "--endpoint", e.url, "--seed", "9", "--requests", "100000000", "--duration", "1s"))
	if code != 0 || !strings.Contains(out, "stopped: the duration is over") {
		t.Errorf("--duration 1s: exit %d\n%s", code, out)
	}
	if left := e.runBuckets(); len(left) > 0 {
		t.Errorf("buckets left: %v", left)
	}
	srv := httptest.NewServer(http.NotFoundHandler())
	url := srv.URL
	srv.Close()
	out, code = combined(t, runnerCmd(t, "explore", "--vendor", "s3", "--endpoint", url, "--seed", "9", "--requests", "50"))
	if code != 2 || !strings.Contains(out, "could not judge") {
		t.Errorf("unreachable endpoint: exit %d, want 2 with could not judge\n%s", code, out)
	}
}

// The selection flags of runner run work for explore: --focus judges one
// property (the others skipped, not selected), --rerun-failed the
// properties an earlier run failed, and --fail-fast ends the search at
// the first failure.
func TestExploreSelection(t *testing.T) {
	e := newReferenceEndpoint(t, "s3", refserver.PrefixDotWildcard)
	dir := t.TempDir()
	statuses := func(file string) map[string]outcome.Status {
		run, err := outcome.Load(file)
		if err != nil {
			t.Fatal(err)
		}
		m := map[string]outcome.Status{}
		for _, r := range run.Results {
			m[r.ID] = r.Status
		}
		return m
	}
	first := filepath.Join(dir, "first.json")
	out, code := combined(t, runnerCmd(t, "explore", "--vendor", "s3", "--endpoint", e.url, "--seed", "1000", "--requests", "1500",
		"--fail-fast", "--results", first))
	if code != 1 || !strings.Contains(out, "stopped: --fail-fast: prefix filter failed") {
		t.Fatalf("--fail-fast: exit %d, want 1 and the search stopped at the failure\n%s", code, out)
	}
	if s := statuses(first); s["explore/prefix-filter"] != outcome.Fail {
		t.Errorf("--fail-fast: %v", s)
	}

	for _, args := range [][]string{{"--focus", "explore/prefix-filter"}, {"--rerun-failed", first}} {
		results := filepath.Join(dir, "again.json")
		out, code := combined(t, runnerCmd(t, append([]string{"explore", "--vendor", "s3", "--endpoint", e.url, "--seed", "1000",
			"--requests", "1500", "--results", results}, args...)...))
		if code != 1 {
			t.Fatalf("%v: exit %d, want 1\n%s", args, code, out)
		}
		for id, st := range statuses(results) {
			if want := outcome.Skipped; id == "explore/prefix-filter" && st != outcome.Fail || id != "explore/prefix-filter" && st != want {
				t.Errorf("%v: %s is %s", args, id, st)
			}
		}
	}
	if left := e.runBuckets(); len(left) > 0 {
		t.Errorf("buckets left: %v", left)
	}
}

// A baseline that accepts a property's failure passes the run and shows
// the property as accepted, with the spec's own status and the reason.
func TestExploreBaselineAccepts(t *testing.T) {
	e := newReferenceEndpoint(t, "s3", refserver.PrefixDotWildcard)
	dir := t.TempDir()
	base, results := filepath.Join(dir, "base.txt"), filepath.Join(dir, "results.json")
	if err := os.WriteFile(base, []byte("spec s3 explore/prefix-filter fail a dot in a prefix matches any character, known\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	out, code := combined(t, runnerCmd(t, "explore", "--vendor", "s3", "--endpoint", e.url, "--seed", "1000", "--requests", "1500",
		"--focus", "explore/prefix-filter", "--baseline", base, "--strict-baseline", "--results", results))
	if code != 0 {
		t.Fatalf("exit %d, want 0: the baseline accepts the failure\n%s", code, out)
	}
	run, err := outcome.Load(results)
	if err != nil {
		t.Fatal(err)
	}
	for _, r := range run.Results {
		if r.ID == "explore/prefix-filter" && (r.Status != outcome.Accepted || r.Own() != outcome.Fail || len(r.Accepted) != 1 || !strings.Contains(r.Accepted[0].Reason, "known")) {
			t.Errorf("the accepted failure reads %s (own %s), %+v", r.Status, r.Own(), r.Accepted)
		}
	}
}
