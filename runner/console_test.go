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
		for _, want := range []string{"FAIL: 21 specs", "0 passed, 20 failed, 1 unsupported", "minio: spec 14: expected 403; saw 200", "... and 5 more failure(s): see reports/junit.xml"} {
			if !strings.Contains(s, want) {
				t.Errorf("tty %v: summary lacks %q:\n%s", tty, want, s)
			}
		}
		if strings.Contains(s, "spec 15:") {
			t.Errorf("tty %v: more than %d failures listed:\n%s", tty, maxListed, s)
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
