package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/schemas"
)

// checkJSON runs runner check --format json in this process and returns
// its findings as "FILE-BASE CHECK EXCHANGE MESSAGE" lines (the entry label
// an import puts before a message left out), sorted.
func checkJSON(t *testing.T, args ...string) (findings []string, code int, stderr string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code = run(append([]string{"check", "--format", "json"}, args...), &out, &errOut)
	label := regexp.MustCompile(`^((entries|interactions)\[\d+\]|(request|response) \d+): `)
	sc := bufio.NewScanner(&out)
	sc.Buffer(nil, 1<<20)
	for sc.Scan() {
		var f struct {
			File, Check, Message string
			Exchange             int
		}
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("not one JSON object per line: %v: %s", err, sc.Text())
		}
		base := strings.TrimSuffix(filepath.Base(f.File), filepath.Ext(f.File))
		findings = append(findings, fmt.Sprintf("%s %s %d %s", base, f.Check, f.Exchange, label.ReplaceAllString(f.Message, "")))
	}
	slices.Sort(findings)
	return findings, code, errOut.String()
}

// A live run against an endpoint that repeats a bucket on the next page
// records its walks; written as HAR (runner convert --to har) and checked
// again, they give the same findings, the walk judged as one across the
// HAR's entries.
func TestRecordRoundTripsThroughHAR(t *testing.T) {
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(refserver.New(c, refserver.Options{
		Keys:   map[string]string{testAccessKey: testSecretKey},
		Faults: []refserver.Fault{refserver.NextPageRepeats, refserver.MissingRequestID},
	}))
	defer srv.Close()
	dir := t.TempDir()
	record := filepath.Join(dir, "recorded")
	cmd := runnerCmd(t, "run", "--vendor", "s3", "--endpoint", srv.URL, "--record", record,
		"--junit", filepath.Join(dir, "j.xml"), "--label-filter", "pagination")
	if out, _ := cmd.CombinedOutput(); cmd.ProcessState.ExitCode() != 1 {
		t.Fatalf("run: exit %d, want 1 (the faults' findings)\n%s", cmd.ProcessState.ExitCode(), out)
	}
	recordings, _ := filepath.Glob(filepath.Join(record, "*.txtar"))
	want, code, stderr := checkJSON(t, recordings...)
	if code != 1 || !slices.ContainsFunc(want, func(s string) bool { return strings.Contains(s, " page.unique ") }) {
		t.Fatalf("check of the recordings: exit %d, want 1 with page.unique findings\n%s\n%s", code, strings.Join(want, "\n"), stderr)
	}

	hars := filepath.Join(dir, "har")
	var out, errOut bytes.Buffer
	if code := run(append([]string{"convert", "--to", "har", "--out", hars}, recordings...), &out, &errOut); code != 0 {
		t.Fatalf("convert --to har: exit %d\n%s", code, errOut.String())
	}
	files, _ := filepath.Glob(filepath.Join(hars, "*.har"))
	if len(files) != len(recordings) {
		t.Fatalf("convert wrote %d HAR files for %d recordings", len(files), len(recordings))
	}
	for _, f := range files {
		data, _ := os.ReadFile(f)
		if bytes.Contains(data, []byte(testSecretKey)) || regexp.MustCompile(`Signature=[0-9a-f]{64}`).Match(data) {
			t.Errorf("%s holds the secret or a signature", f)
		}
	}
	// The endpoint is on loopback, which names no vendor, and the fault
	// dropped the request-id header that would: --vendor says it.
	got, code, stderr := checkJSON(t, append([]string{"--vendor", "s3"}, files...)...)
	if code != 1 {
		t.Errorf("check of the HAR files: exit %d, want 1\n%s", code, stderr)
	}
	if !slices.Equal(got, want) {
		t.Errorf("findings differ after the HAR round trip\nrecordings:\n%s\nHAR:\n%s\nstderr:\n%s", strings.Join(want, "\n"), strings.Join(got, "\n"), stderr)
	}
}

// runner convert writes each capture fixture as recordings, one per host,
// with cookies and signatures masked; checked, they give the findings the
// capture gives (the exchange numbers are the recording's own).
func TestConvertCapturesToTxtar(t *testing.T) {
	// curl -i shows no request, which a recording needs: convert says so
	// and writes nothing of it.
	captures, _ := filepath.Glob("../fixtures/captures/*/*")
	captures = slices.DeleteFunc(captures, func(s string) bool { return filepath.Ext(s) == ".expect" || strings.HasSuffix(s, "s3-include.txt") })
	if len(captures) < 10 {
		t.Fatalf("found %d capture fixtures", len(captures))
	}
	dir := t.TempDir()
	var out, errOut bytes.Buffer
	if code := run([]string{"convert", "--out", dir, "../fixtures/captures/curl/s3-include.txt"}, &out, &errOut); code != 2 || !strings.Contains(errOut.String(), "response 1: no request is shown") {
		t.Errorf("convert of curl -i output: exit %d, want 2 saying why\n%s", code, errOut.String())
	}
	out.Reset()
	errOut.Reset()
	if code := run(append([]string{"convert", "--out", dir}, captures...), &out, &errOut); code != 0 {
		t.Fatalf("convert: exit %d\n%s", code, errOut.String())
	}
	if !strings.Contains(errOut.String(), "entries[4]: GET https://console.example.com/favicon.ico: not a GET Service request") {
		t.Errorf("convert does not list the entries it leaves out:\n%s", errOut.String())
	}
	written, _ := filepath.Glob(filepath.Join(dir, "*.txtar"))
	if len(written) != len(captures) {
		t.Errorf("wrote %d recordings for %d captures (each holds one host)", len(written), len(captures))
	}
	for _, f := range written {
		data, _ := os.ReadFile(f)
		if bytes.Contains(data, []byte("abc123secret")) {
			t.Errorf("%s keeps a cookie", f)
		}
	}
	noExchange := func(fs []string) []string {
		var out []string
		for _, f := range fs {
			p := strings.SplitN(f, " ", 4)
			out = append(out, p[0]+" "+p[1]+" "+p[3])
		}
		slices.Sort(out)
		return out
	}
	want, code, _ := checkJSON(t, captures...)
	got, gotCode, stderr := checkJSON(t, written...)
	if code != 1 || gotCode != code || !slices.Equal(noExchange(got), noExchange(want)) {
		t.Errorf("converted recordings: exit %d, findings\n%s\nthe captures: exit %d\n%s\n%s", gotCode, strings.Join(got, "\n"), code, strings.Join(want, "\n"), stderr)
	}
}

// A capture in which nothing is GET Service judges nothing: exit 2, the
// entries listed; a file that is not what its content starts as is an
// error, not an empty pass.
func TestCheckCaptureNothingToJudge(t *testing.T) {
	dir := t.TempDir()
	har := filepath.Join(dir, "other.har")
	os.WriteFile(har, []byte(`{"log":{"version":"1.2","entries":[{"request":{"method":"GET","url":"https://example.com/index.html","headers":[]},"response":{"status":200,"headers":[],"content":{"size":2,"text":"hi"}}}]}}`), 0o644)
	broken := filepath.Join(dir, "broken.har")
	os.WriteFile(broken, []byte(`{"log": {"entries": [}`), 0o644)
	for _, f := range []string{har, broken} {
		var out, errOut bytes.Buffer
		if code := run([]string{"check", f}, &out, &errOut); code != 2 {
			t.Errorf("check %s: exit %d, want 2\n%s%s", filepath.Base(f), code, out.String(), errOut.String())
		}
	}
	var out, errOut bytes.Buffer
	run([]string{"check", har}, &out, &errOut)
	if !strings.Contains(errOut.String(), "entries[0]: GET https://example.com/index.html: not a GET Service request") {
		t.Errorf("the entry is not listed:\n%s", errOut.String())
	}
}

// runner check reads a directory's HAR files and cassettes beside its
// recordings; a clean capture passes, one with a deviation fails.
func TestCheckCaptureDirectory(t *testing.T) {
	var out, errOut bytes.Buffer
	if code := run([]string{"check", "../fixtures/captures"}, &out, &errOut); code != 1 ||
		!strings.Contains(out.String(), "fixtures/captures/vcr/v3-s3-order.yaml:40:380: error [page.order] interactions[0]:") ||
		!strings.Contains(out.String(), "fixtures/captures/har/chrome-s3-walk.har:300:157: error [page.unique] entries[2]:") ||
		!strings.Contains(out.String(), "fixtures/captures/curl/cos-verbose-h2.txt:40:3: error [header.request-id] request 2:") ||
		!strings.Contains(out.String(), "11 recording(s) checked") {
		t.Errorf("check of the captures directory: exit %d\n%s%s", code, out.String(), errOut.String())
	}
	out.Reset()
	if code := run([]string{"check", "../fixtures/captures/har/firefox-cos-walk.har", "../fixtures/captures/vcr/v1-bos.yaml"}, &out, &errOut); code != 0 {
		t.Errorf("check of clean captures: exit %d\n%s", code, out.String())
	}
}
