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
		for _, want := range []string{"FAIL: 21 specs", "0 passed, 20 failed, 0 could not run, 1 unsupported, 0 skipped", "minio: spec 14: expected 403; saw 200", "... and 5 more failure(s): see reports/junit.xml"} {
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
		"minio                    0 passed  0 failed  4 could not run  0 unsupported  0 skipped\n",
		"run gsc-1a2b3c4d, 57 requests\n",
		"ERROR: 5 specs in 0.0 s: 1 passed, 0 failed, 4 could not run, 0 unsupported, 0 skipped\n",
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
