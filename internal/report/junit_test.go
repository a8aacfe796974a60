package report

import (
	"bytes"
	"encoding/xml"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/testenv"
)

// xmllint validates file against the Jenkins xUnit schema and returns its
// complaint; without xmllint or the schema the test skips (internal/testenv).
func xmllint(t *testing.T, file string) error {
	t.Helper()
	bin := testenv.Tool(t, "xmllint")
	xsd := testenv.Standard(t, "jenkins-junit-10.xsd")
	out, err := exec.Command(bin, "--noout", "--schema", xsd, file).CombinedOutput()
	if err != nil {
		return &lintError{string(out)}
	}
	return nil
}

type lintError struct{ out string }

func (e *lintError) Error() string { return e.out }

func sampleRun() *outcome.Run {
	started := time.Date(2026, 11, 21, 10, 0, 0, 0, time.UTC)
	run := &outcome.Run{Title: "GET Service live run", Started: started, Duration: 2 * time.Second, Results: []outcome.Result{
		{Target: "versitygw", Vendor: "s3", Spec: "lists the buckets as the contract says", Status: outcome.Pass, Duration: 12 * time.Millisecond},
		{Target: "versitygw", Vendor: "s3", Spec: "rejects / an anonymous request", Status: outcome.Fail,
			Summary: "expected status 403, code AccessDenied; saw 200 \"\"", Location: "/src/live.go:12",
			Deviations: []outcome.Deviation{{
				Expected: "status 403, code AccessDenied", Seen: "200 \"\"\x00\x1b[31m <b>&", Where: "the response to anonymous",
				Exchange: "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
				Curl:     "curl -sS -i -X GET 'http://127.0.0.1:7070/'",
			}}},
		{Target: "versitygw", Vendor: "s3", Spec: "pagination / walks / page size 1", Status: outcome.Unsupported, Summary: "max-buckets=1 is ignored: 5 buckets in one page"},
		{Target: "minio", Vendor: "s3", Spec: "filters / honours tag filters", Status: outcome.Skipped, Summary: "Amazon S3 documents no tag filter", Output: "log line\xff\n"},
		{Target: "minio", Vendor: "s3", Spec: "pagination / walks / page size 2", Status: outcome.Error, Location: "/src/live.go:40",
			Summary: "set-up: creating bucket gsc-1a2b3c4d-01 was refused: 403 AccessDenied <&>", Message: "set-up: creating bucket gsc-1a2b3c4d-01 was refused: 403 AccessDenied <&>\x00"},
	}}
	run.RunID, run.Requests = "gsc-1a2b3c4d", 57
	run.Error = "set-up: creating bucket gsc-1a2b3c4d-01 was refused: 403 AccessDenied"
	return run
}

func TestJUnitValidatesAgainstJenkinsSchema(t *testing.T) {
	var buf bytes.Buffer
	if err := JUnit(&buf, sampleRun()); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "junit.xml")
	if err := os.WriteFile(file, buf.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := xmllint(t, file); err != nil {
		t.Fatalf("JUnit does not validate:\n%v\n%s", err, buf.String())
	}

	var doc junitSuites
	if err := xml.Unmarshal(buf.Bytes(), &doc); err != nil {
		t.Fatal(err)
	}
	if doc.Tests != 5 || doc.Failures != 1 || doc.Errors != 1 || len(doc.Suites) != 2 {
		t.Fatalf("tests %d failures %d errors %d suites %d; want 5 1 1 2", doc.Tests, doc.Failures, doc.Errors, len(doc.Suites))
	}
	gw := doc.Suites[0]
	if gw.Name != "versitygw" || gw.Tests != 3 || gw.Skipped != 1 || gw.Errors != 0 {
		t.Errorf("suite %+v", gw)
	}
	wantProps := []junitProp{{"vendor", "s3"}, {"run-id", "gsc-1a2b3c4d"}, {"requests", "57"}, {"run-error", "set-up: creating bucket gsc-1a2b3c4d-01 was refused: 403 AccessDenied"}}
	if gw.Props == nil || !slices.Equal(gw.Props.Props, wantProps) {
		t.Errorf("properties %+v, want %+v", gw.Props, wantProps)
	}
	minio := doc.Suites[1]
	if minio.Errors != 1 || minio.Failures != 0 || minio.Skipped != 1 {
		t.Errorf("suite %+v: want 1 error, 0 failures, 1 skipped", minio)
	}
	if e := minio.Cases[1].Error; e == nil || e.Type != "could-not-run" || e.Message != "set-up: creating bucket gsc-1a2b3c4d-01 was refused: 403 AccessDenied <&>" ||
		!strings.Contains(e.Text, "refused: 403 AccessDenied <&>\uFFFD") || !strings.Contains(e.Text, "spec: /src/live.go:40") || minio.Cases[1].Failure != nil {
		t.Errorf("the spec that could not run: error %+v, failure %+v", e, minio.Cases[1].Failure)
	}
	if !strings.Contains(buf.String(), `<error type="could-not-run" message="set-up: creating bucket`) {
		t.Errorf("no <error> element:\n%s", buf.String())
	}
	failed := gw.Cases[1].Failure
	for _, want := range []string{"expected: status 403, code AccessDenied", "seen:     200", "where:    the response to anonymous", "reproduce: curl -sS -i -X GET 'http://127.0.0.1:7070/'", "spec: /src/live.go:12"} {
		if failed == nil || !strings.Contains(failed.Text, want) {
			t.Errorf("failure lacks %q:\n%+v", want, failed)
		}
	}
	if s := gw.Cases[2].Skipped; s == nil || s.Type != "unsupported" || !strings.Contains(s.Message, "max-buckets=1 is ignored") {
		t.Errorf("unsupported spec: %+v", s)
	}
	if s := doc.Suites[1].Cases[0].Skipped; s == nil || s.Message != "Amazon S3 documents no tag filter" {
		t.Errorf("skipped spec: %+v", s)
	}
}

// The schema check can fire: Ginkgo's own attributes are refused.
func TestJenkinsSchemaRefusesGinkgoAttributes(t *testing.T) {
	file := filepath.Join(t.TempDir(), "ginkgo.xml")
	ginkgoStyle := `<?xml version="1.0" encoding="UTF-8"?>
<testsuites tests="1" disabled="0" errors="0" failures="0" time="0.1">
  <testsuite name="s3" package="/src" tests="1" disabled="0" skipped="0" errors="0" failures="0" time="0.1" timestamp="2026-11-21T10:00:00">
    <testcase name="[It] lists" classname="s3" status="passed" time="0.1"></testcase>
  </testsuite>
</testsuites>`
	if err := os.WriteFile(file, []byte(ginkgoStyle), 0o644); err != nil {
		t.Fatal(err)
	}
	err := xmllint(t, file)
	if err == nil || !strings.Contains(err.Error(), "disabled") {
		t.Fatalf("xmllint accepted Ginkgo's attributes: %v", err)
	}
}
