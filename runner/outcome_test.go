package main

import (
	"bytes"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// rewriting passes every response body through edit.
func rewriting(edit func([]byte) []byte) func(http.Handler) http.Handler {
	return func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			rec := httptest.NewRecorder()
			h.ServeHTTP(rec, r)
			body := edit(rec.Body.Bytes())
			for k, v := range rec.Header() {
				w.Header()[k] = v
			}
			w.Header().Set("Content-Length", strconv.Itoa(len(body)))
			w.WriteHeader(rec.Code)
			w.Write(body)
		})
	}
}

// An optional capability a server lacks is unsupported, with evidence,
// and does not fail the run; a capability half-done (a page truncated
// with nothing leading on) or a required one ignored is a violation.
func TestUnsupportedIsNotViolated(t *testing.T) {
	creds := filepath.Join(t.TempDir(), "credentials")
	os.WriteFile(creds, []byte("access_key_id = "+testAccessKey+"\nsecret_access_key = "+testSecretKey+"\n"), 0o600)
	noToken := regexp.MustCompile(`<ContinuationToken>[^<]*</ContinuationToken>`)
	tests := []struct {
		name, vendor string
		wrap         func(http.Handler) http.Handler
		code         int
		status       outcome.Status
		summary      string
	}{
		{"s3 truncates without a token", "s3", rewriting(func(b []byte) []byte { return noToken.ReplaceAll(b, nil) }), 1,
			outcome.Fail, "expected every bucket once, in order, over the pages"},
		{"s3 clean", "s3", nil, 0, outcome.Pass, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEndpoint(t, tt.vendor, tt.wrap)
			results := filepath.Join(t.TempDir(), "results.json")
			cmd := runnerCmd(t, "run", "--vendor", tt.vendor, "--endpoint", e.url, "--credentials", creds, "--appid", "1250000000",
				"--label-filter", "pagination", "--junit", "", "--results", results)
			out, _ := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", code, tt.code, out)
			}
			run, err := outcome.Load(results)
			if err != nil {
				t.Fatal(err)
			}
			var walk *outcome.Result
			for i, r := range run.Results {
				if r.ID == "pagination/walks-page-size-1-every-bucket-once-in-order" {
					walk = &run.Results[i]
				}
			}
			if walk == nil {
				t.Fatalf("no page-size-1 walk among %d results", len(run.Results))
			}
			if walk.Status != tt.status || !bytes.Contains([]byte(walk.Summary), []byte(tt.summary)) {
				t.Errorf("page size 1: %s %q; want %s %q", walk.Status, walk.Summary, tt.status, tt.summary)
			}
		})
	}
}

// A spec baseline accepts a server's known deviations, so the run passes
// while the report shows them; under --strict-baseline an entry that no
// longer matches fails the run, and an expired one too.
func TestRunSpecBaseline(t *testing.T) {
	noToken := regexp.MustCompile(`<ContinuationToken>[^<]*</ContinuationToken>`)
	e := newEndpoint(t, "s3", rewriting(func(b []byte) []byte { return noToken.ReplaceAll(b, nil) }))
	dir := t.TempDir()
	written := filepath.Join(dir, "written.txt")
	run := func(args ...string) (int, string) {
		cmd := runnerCmd(t, append([]string{"run", "--vendor", "s3", "--endpoint", e.url, "--name", "tokenless",
			"--label-filter", "pagination", "--junit", filepath.Join(dir, "junit.xml")}, args...)...)
		out, _ := cmd.CombinedOutput()
		return cmd.ProcessState.ExitCode(), string(out)
	}
	if code, out := run("--write-baseline", written); code != 1 {
		t.Fatalf("without a baseline: exit %d, want 1\n%s", code, out)
	}
	accepted, err := os.ReadFile(written)
	if err != nil || !bytes.Contains(accepted, []byte("spec tokenless pagination/walks-page-size-1-every-bucket-once-in-order fail expected every bucket once")) {
		t.Fatalf("--write-baseline wrote %v:\n%s", err, accepted)
	}
	write := func(name string, data []byte) string {
		file := filepath.Join(dir, name)
		os.WriteFile(file, data, 0o644)
		return file
	}
	base := write("base.txt", accepted)
	stale := write("stale.txt", append(accepted, "spec tokenless lists-the-buckets-as-the-contract-says fail it failed once\n"...))
	expired := write("expired.txt", bytes.Replace(accepted, []byte(" fail "), []byte(" fail expires=2020-01-01 "), 1))
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"accepted", []string{"--baseline", base, "--strict-baseline"}, 0, "accepted by baseline: tokenless: pagination / walks page size 1: every bucket once, in order: fail"},
		{"stale warns", []string{"--baseline", stale}, 0, "warning: " + stale + ":"},
		{"stale fails under strict", []string{"--baseline", stale, "--strict-baseline"}, 1, "error: " + stale + ":"},
		{"expired warns", []string{"--baseline", expired}, 0, "expired on 2020-01-01"},
		{"expired fails under strict", []string{"--baseline", expired, "--strict-baseline"}, 1, "expired on 2020-01-01"},
		{"unreadable baseline", []string{"--baseline", filepath.Join(dir, "none.txt")}, 2, "baseline:"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, out := run(tt.args...)
			if code != tt.code || !strings.Contains(out, tt.says) {
				t.Errorf("exit %d, want %d with %q\n%s", code, tt.code, tt.says, out)
			}
		})
	}
}

// writeResults writes a run as a results file (--results) in dir.
func writeResults(t *testing.T, dir, name string, run *outcome.Run) string {
	t.Helper()
	var buf bytes.Buffer
	if err := outcome.Write(&buf, run); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(dir, name)
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return file
}

// runner matrix joins runs into one compatibility matrix; what is not a
// results file is refused, with the file named.
func TestMatrix(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, run *outcome.Run) string { return writeResults(t, dir, name, run) }
	a := write("a.json", &outcome.Run{Results: []outcome.Result{{Target: "versitygw", Vendor: "s3", Spec: "walks", ID: "walks", Status: outcome.Pass}}})
	b := write("b.json", &outcome.Run{Results: []outcome.Result{{Target: "minio", Vendor: "s3", Spec: "walks", ID: "walks", Status: outcome.Unsupported, Summary: "max-buckets=1 is ignored"}}})
	md, html := filepath.Join(dir, "m.md"), filepath.Join(dir, "m.html")
	tests := []struct {
		name string
		args []string
		code int
		says string
	}{
		{"two runs", []string{"matrix", "--markdown", md, "--html", html, a, b}, 0, ""},
		{"no results", []string{"matrix", "--markdown", md}, 2, "name at least one results file"},
		{"no report asked for", []string{"matrix", a}, 2, "name a report to write"},
		{"not a results file", []string{"matrix", "--markdown", md, "../fixtures/docs/baseline.txt"}, 2, "baseline.txt"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			if code := run(tt.args, &stdout, &stderr); code != tt.code || !strings.Contains(stderr.String(), tt.says) {
				t.Errorf("exit %d, want %d with %q\n%s", code, tt.code, tt.says, stderr.String())
			}
		})
	}
	got, err := os.ReadFile(md)
	if err != nil || !bytes.Contains(got, []byte("| walks | ✅ pass | ⚠️ unsupported: max-buckets=1 is ignored |")) {
		t.Errorf("matrix: %v\n%s", err, got)
	}
	if page, err := os.ReadFile(html); err != nil || !bytes.Contains(page, []byte("minio")) {
		t.Errorf("HTML report: %v", err)
	}
}

// A --markdown file that is GitHub's job summary is appended to, so the
// earlier steps' summaries stay; any other file is replaced.
func TestMarkdownAppendsToStepSummary(t *testing.T) {
	dir := t.TempDir()
	results := filepath.Join(dir, "r.json")
	var buf bytes.Buffer
	outcome.Write(&buf, &outcome.Run{Results: []outcome.Result{{Target: "minio", Spec: "walks", ID: "walks", Status: outcome.Pass}}})
	os.WriteFile(results, buf.Bytes(), 0o644)
	summary, other := filepath.Join(dir, "summary.md"), filepath.Join(dir, "other.md")
	for _, f := range []string{summary, other} {
		os.WriteFile(f, []byte("an earlier step\n"), 0o644)
	}
	t.Setenv("GITHUB_STEP_SUMMARY", summary)
	for _, f := range []string{summary, other} {
		var stdout, stderr bytes.Buffer
		if code := run([]string{"matrix", "--markdown", f, results}, &stdout, &stderr); code != 0 {
			t.Fatalf("exit %d: %s", code, stderr.String())
		}
	}
	got, _ := os.ReadFile(summary)
	if !bytes.HasPrefix(got, []byte("an earlier step\n")) || !bytes.Contains(got, []byte("| walks |")) {
		t.Errorf("step summary not appended to:\n%s", got)
	}
	got, _ = os.ReadFile(other)
	if bytes.Contains(got, []byte("an earlier step")) || !bytes.Contains(got, []byte("| walks |")) {
		t.Errorf("another file not replaced:\n%s", got)
	}
}
