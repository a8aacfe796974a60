package main

import (
	"bytes"
	"fmt"
	"os"
	"regexp"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

func TestConsoleSummary(t *testing.T) {
	run := &outcome.Run{}
	for i := range 20 {
		run.Results = append(run.Results, outcome.Result{Target: "minio", Spec: fmt.Sprintf("spec %d", i), Status: outcome.Fail, Summary: "expected 403; saw 200"})
	}
	run.Results = append(run.Results, outcome.Result{Target: "versitygw", Spec: "walk", Status: outcome.Unsupported})
	for _, tty := range []bool{false, true} {
		var out bytes.Buffer
		(&console{w: &out, tty: tty}).summary(run, "reports/junit.xml")
		s := out.String()
		if got := strings.Contains(s, "\033["); got != tty {
			t.Errorf("tty %v: escape codes present: %v\n%q", tty, got, s)
		}
		s = regexp.MustCompile("\033\\[[0-9;]*[mK]|\r").ReplaceAllString(s, "")
		for _, want := range []string{"FAIL: 21 specs", "0 passed, 20 failed, 0 could not run, 0 accepted, 1 unsupported, 0 skipped", "minio: spec 14: expected 403; saw 200", "... and 5 more failure(s): see reports/junit.xml"} {
			if !strings.Contains(s, want) {
				t.Errorf("tty %v: summary lacks %q:\n%s", tty, want, s)
			}
		}
		if strings.Contains(s, "spec 15:") {
			t.Errorf("tty %v: more than %d failures listed:\n%s", tty, maxListed, s)
		}
		for _, absent := range []string{"ERROR", "\nrun ", "request"} {
			if strings.Contains(s, absent) {
				t.Errorf("tty %v: a run that judged everything shows %q:\n%s", tty, absent, s)
			}
		}
	}
}

// What could not run is counted, named with its reason (one line per
// target and reason), and makes the verdict ERROR unless a spec failed;
// the run's id, requests and error are shown.
func TestConsoleSummaryError(t *testing.T) {
	const refused = "set-up: creating bucket gsc-1a2b3c4d-00 was refused: 403 AccessDenied"
	run := &outcome.Run{RunID: "gsc-1a2b3c4d", Requests: 57, Error: refused}
	for i := range 3 {
		run.Results = append(run.Results, outcome.Result{Target: "minio", Spec: fmt.Sprintf("spec %d", i), Status: outcome.Error, Summary: refused})
	}
	run.Results = append(run.Results,
		outcome.Result{Target: "minio", Spec: "walk", Status: outcome.Error, Message: "the endpoint stalled\nfor 30s"},
		outcome.Result{Target: "versitygw", Spec: "walk", Status: outcome.Pass})
	strip := regexp.MustCompile("\033\\[[0-9;]*[mK]|\r")
	summary := func(run *outcome.Run) string {
		var out bytes.Buffer
		(&console{w: &out, tty: true}).summary(run, "reports/junit.xml")
		return strip.ReplaceAllString(out.String(), "")
	}
	s := summary(run)
	for _, want := range []string{
		"minio                    0 passed  0 failed  4 could not run  0 accepted  0 unsupported  0 skipped\n",
		"run gsc-1a2b3c4d, 57 requests\n",
		"ERROR: 5 specs in 0.0 s: 1 passed, 0 failed, 4 could not run, 0 accepted, 0 unsupported, 0 skipped\n",
		"ERROR: the run could not judge: " + refused + "\n",
		"ERROR minio: 3 specs: " + refused + "\n",
		"ERROR minio: walk: the endpoint stalled\n",
	} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}

	// A failure makes the verdict FAIL; past the screen's worth of lines
	// the rest is counted by kind.
	for i := range 20 {
		run.Results = append(run.Results, outcome.Result{Target: "versitygw", Spec: fmt.Sprintf("fails %d", i), Status: outcome.Fail, Summary: "expected 403; saw 200"})
	}
	s = summary(run)
	for _, want := range []string{"FAIL: 25 specs", "FAIL versitygw: fails 14: expected 403; saw 200", "... and 5 more failure(s) and 2 more reason(s) specs could not run: see reports/junit.xml"} {
		if !strings.Contains(s, want) {
			t.Errorf("summary lacks %q:\n%s", want, s)
		}
	}
	if strings.Contains(s, "ERROR minio") || strings.Contains(s, "FAIL versitygw: fails 15") {
		t.Errorf("more than %d lines listed:\n%s", maxListed, s)
	}
}

// A failure shows its first deviation and its curl line whole: at a
// terminal wrapped to its width, the curl line between its arguments
// with line continuations, so that it runs as copied; in a log, each on
// one line. An accepted outcome is listed with the baseline's reason.
func TestConsoleFailureInFull(t *testing.T) {
	curl := `curl -sS -H 'x-amz-content-sha256: e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855' -H "Authorization: $GSC_AUTHORIZATION" 'http://127.0.0.1:9000/?max-buckets=2&prefix=gsc-1a2b3c4d-'`
	seen := strings.Repeat("a page that lists a bucket twice, ", 8) + "the end"
	run := &outcome.Run{Results: []outcome.Result{
		{Target: "s3", Spec: "pagination / page size 2", Status: outcome.Fail, Summary: "cut",
			Deviations: []outcome.Deviation{{Expected: "every bucket once", Seen: seen, Where: "page 2", Curl: curl}, {Expected: "x", Seen: "y"}}},
		{Target: "s3", Spec: "filters / prefix", Status: outcome.Accepted,
			Accepted: []outcome.Acceptance{{Status: outcome.Fail, Reason: "known: prefix ignored", Expires: "2027-01-31"}}},
	}}
	t.Setenv("COLUMNS", "80")
	for _, tty := range []bool{false, true} {
		var out bytes.Buffer
		(&console{w: &out, tty: tty}).summary(run, "")
		s := regexp.MustCompile("\033\\[[0-9;]*[mK]|\r").ReplaceAllString(out.String(), "")
		joined := strings.Join(strings.Fields(strings.ReplaceAll(s, " \\\n", " ")), " ")
		for _, want := range []string{"FAIL s3: pagination / page size 2", "expected: every bucket once", "seen: " + seen, "where: page 2",
			"reproduce: " + curl, "(and 1 more deviation(s) in the reports)", "accepted by baseline: s3: filters / prefix: fail (known: prefix ignored, until 2027-01-31)"} {
			if !strings.Contains(joined, want) {
				t.Errorf("tty %v: the summary lacks %q:\n%s", tty, want, s)
			}
		}
		// From the failure on, no line runs past 80 columns, but for
		// one that holds a single word (an argument too long to break).
		_, failure, _ := strings.Cut(s, "FAIL s3:")
		for _, line := range strings.Split(failure, "\n") {
			single := len(shellArgs(strings.TrimSpace(strings.TrimSuffix(line, " \\")))) == 1
			if tty && len(line) > 80 && !single {
				t.Errorf("at a terminal of 80 columns a line runs to %d: %q", len(line), line)
			}
		}
		if !tty && !strings.Contains(s, "reproduce: "+curl+"\n") {
			t.Errorf("in a log the curl line is not one line:\n%s", s)
		}
		if tty {
			// Every continued line of the curl command ends " \" and the
			// command reads back as the same arguments.
			_, cmd, _ := strings.Cut(s, "reproduce: ")
			cmd, _, _ = strings.Cut(cmd, "\naccepted")
			cmd = strings.TrimSpace(cmd)
			if strings.Count(cmd, "\n") == 0 || strings.Count(cmd, " \\\n") != strings.Count(cmd, "\n") {
				t.Errorf("the curl line is not continued line by line:\n%s", cmd)
			}
			if got := strings.Join(shellArgs(strings.ReplaceAll(cmd, " \\\n", " ")), "|"); got != strings.Join(shellArgs(curl), "|") {
				t.Errorf("wrapped, the curl line reads %q", got)
			}
		}
	}
}

func TestIsTerminal(t *testing.T) {
	f, err := os.CreateTemp(t.TempDir(), "out")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if isTerminal(f) || isTerminal(&bytes.Buffer{}) {
		t.Error("a file or a buffer taken for a terminal")
	}
	tty, err := os.OpenFile("/dev/tty", os.O_WRONLY, 0)
	if err != nil {
		return // no controlling terminal here (CI): the negative cases above still ran
	}
	defer tty.Close()
	t.Setenv("NO_COLOR", "")
	t.Setenv("TERM", "xterm")
	if !isTerminal(tty) {
		t.Error("/dev/tty not taken for a terminal")
	}
	t.Setenv("NO_COLOR", "1")
	if isTerminal(tty) {
		t.Error("NO_COLOR ignored")
	}
}
