package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/testenv"
)

// The runner's contract with CI is its exit code and its one-line reasons.
func TestCheckExitCodes(t *testing.T) {
	dir := t.TempDir()
	write := func(name, text string) string {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		return p
	}
	badBaseline := write("bad-baseline.txt", "fixtures/x.txtar http.host\n")
	docsBaseline := "../fixtures/docs/baseline.txt"
	// The recording's one finding is a warning, at 10:16.
	const warned = "../fixtures/checks/cos/request.auth-scheme.txtar"
	noReason := write("no-reason.txt", warned+" request.auth-scheme 1 10:16\n")
	accepted := write("accepted.txt", warned+" request.auth-scheme 1 10:16 expires=2999-12-31 the recording shows an S3 signature on purpose\n")
	expired := write("expired.txt", warned+" request.auth-scheme 1 10:16 expires=2020-01-01 the recording shows an S3 signature on purpose\n")
	stale := write("stale.txt", warned+" http.host 1 - gone since the recording gained a Host\n")
	empty := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // a part of the one-line reason
	}{
		{"no command", nil, 2, "usage"},
		{"unknown command", []string{"chekc"}, 2, `unknown command "chekc"`},
		{"unknown flag", []string{"check", "--colour", "../fixtures/valid"}, 2, "unknown flag --colour"},
		{"no input", []string{"check"}, 2, "name at least one recording"},
		{"a command's flags", []string{"run", "-h"}, 0, ""},
		{"a command's flags, late", []string{"check", "--format", "json", "--help"}, 0, ""},
		{"unknown vendor", []string{"check", "--vendor", "azure", "../fixtures/valid"}, 2, `unknown vendor "azure"`},
		{"unknown format", []string{"check", "--format", "xml", "../fixtures/valid"}, 2, `unknown format "xml" (want text, json or sarif)`},
		{"missing file", []string{"check", "no/such.txtar"}, 2, "no such file or directory"},
		{"directory without recordings", []string{"check", empty}, 2, "no .txtar recordings"},
		{"unreadable baseline", []string{"check", "--baseline", "no/such.txt", "../fixtures/valid"}, 2, "baseline: open no/such.txt"},
		{"malformed baseline", []string{"check", "--baseline", badBaseline, "../fixtures/valid"}, 2, "want FILE CHECK-ID EXCHANGE WHERE"},
		{"clean recordings", []string{"check", "../fixtures/valid"}, 0, ""},
		{"documentation defects", []string{"check", "../fixtures/docs"}, 1, ""},
		{"defects within the baseline", []string{"check", "--baseline", docsBaseline, "../fixtures/docs"}, 1, ""},
		{"only a warning", []string{"check", warned}, 0, ""},
		{"only a warning, --fail-on error", []string{"check", "--fail-on", "error", warned}, 0, ""},
		{"only a warning, --fail-on warning", []string{"check", "--fail-on", "warning", warned}, 1, ""},
		{"an accepted warning, --fail-on warning", []string{"check", "--fail-on", "warning", "--baseline", accepted, warned}, 0, ""},
		{"a bad --fail-on", []string{"check", "--fail-on", "info", warned}, 2, `invalid value "info" for flag -fail-on: want error or warning`},
		{"a baseline entry without reason", []string{"check", "--baseline", noReason, warned}, 2, noReason + ":1: no reason"},
		{"a current entry, --strict-baseline", []string{"check", "--strict-baseline", "--baseline", accepted, warned}, 0, ""},
		{"an expired entry", []string{"check", "--baseline", expired, warned}, 0, ""},
		{"an expired entry, --strict-baseline", []string{"check", "--strict-baseline", "--baseline", expired, warned}, 1, ""},
		{"a stale entry", []string{"check", "--baseline", stale, warned}, 0, ""},
		{"a stale entry, --strict-baseline", []string{"check", "--strict-baseline", "--baseline", stale, warned}, 1, ""},
		{"a stale entry of a file not checked, --strict-baseline", []string{"check", "--strict-baseline", "--baseline", stale, "../fixtures/valid"}, 0, ""},
		{"sarif, clean", []string{"check", "--format", "sarif", "../fixtures/valid"}, 0, ""},
		{"sarif, documentation defects", []string{"check", "--format", "sarif", "../fixtures/docs"}, 1, ""},
		{"help", []string{"--help"}, 0, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var stdout, stderr bytes.Buffer
			code := run(tt.args, &stdout, &stderr)
			if code != tt.code {
				t.Errorf("exit %d, want %d\nstdout: %s\nstderr: %s", code, tt.code, stdout.String(), stderr.String())
			}
			if tt.stderr != "" && !strings.Contains(stderr.String(), tt.stderr) {
				t.Errorf("stderr %q lacks %q", stderr.String(), tt.stderr)
			}
		})
	}
}

// Baseline paths are relative to where the runner is started; a baseline
// written from the repository root names files as fixtures/...
func TestCheckWithinBaseline(t *testing.T) {
	chdir(t, "..")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"check", "--baseline", "fixtures/docs/baseline.txt", "fixtures/docs"}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d, want 0 (every documentation defect is accepted)\n%s%s", code, stdout.String(), stderr.String())
	}
	if !strings.Contains(stdout.String(), "(accepted by baseline: bare </Marker> where <Marker/> was meant)") || !strings.Contains(stdout.String(), "0 error(s)") {
		t.Errorf("the report still shows the accepted defects with their reasons; got:\n%s", stdout.String())
	}
}

// Stale and expired baseline entries are named by file:line on stderr,
// so a JSON or SARIF report on stdout stays one document: warnings, or
// errors that fail the run under --strict-baseline.
func TestCheckBaselineProblems(t *testing.T) {
	chdir(t, "..")
	base := filepath.Join(t.TempDir(), "base.txt")
	const rec = "fixtures/docs/cos/case1-all-buckets.txtar"
	os.WriteFile(base, []byte("# accepted\n"+
		rec+" http.host 1 9:1 gone\n"+
		rec+" http.content-length 1 18:17 expires=2020-01-01 declared 805, body has 802 bytes\n"+
		rec+" xml.unmatched-end 1 29:1 bare </Marker>\n"+
		rec+" xml.unmatched-end 1 30:1 bare </NextMarker>\n"), 0o644)
	want := []string{
		base + ":2: stale baseline entry, its finding no longer occurs: " + rec + " http.host 1 9:1\n",
		base + ":3: baseline entry expired on 2020-01-01: " + rec + " http.content-length 1 18:17 (declared 805, body has 802 bytes)\n",
	}
	for _, format := range []string{"text", "json", "sarif"} {
		for _, strict := range []bool{false, true} {
			args := []string{"--format", format, "--baseline", base, rec}
			level, wantErr := "warning: ", error(nil)
			if strict {
				args = append([]string{"--strict-baseline"}, args...)
				level, wantErr = "error: ", errFindings
			}
			var stdout, stderr bytes.Buffer
			err := runCheck(args, &stdout, &stderr)
			if !errors.Is(err, wantErr) || (err == nil) != (wantErr == nil) {
				t.Errorf("%s, strict %v: error %v, want %v", format, strict, err, wantErr)
			}
			if got, want := stderr.String(), level+want[0]+level+want[1]; got != want {
				t.Errorf("%s, strict %v: stderr\n%s\nwant\n%s", format, strict, got, want)
			}
			if strings.Contains(stdout.String(), "gone") {
				t.Errorf("%s: the baseline's problems are in the report:\n%s", format, stdout.String())
			}
		}
	}
}

// --format sarif writes one SARIF 2.1.0 log with a result per finding,
// placed where the finding is.
func TestCheckSARIF(t *testing.T) {
	var stdout, stderr bytes.Buffer
	const rec = "../fixtures/docs/cos/case6-pagination.txtar"
	if code := run([]string{"check", "--format", "sarif", rec}, &stdout, &stderr); code != 1 {
		t.Fatalf("exit %d, want 1\n%s", code, stderr.String())
	}
	var log struct {
		Version string
		Runs    []struct {
			Results []struct {
				RuleID, BaselineState string
				Locations             []struct {
					PhysicalLocation struct {
						ArtifactLocation struct{ URI, URIBaseID string }
						Region           struct{ StartLine, StartColumn int }
					}
				}
			}
		}
	}
	dec := json.NewDecoder(&stdout)
	if err := dec.Decode(&log); err != nil {
		t.Fatalf("not JSON: %v", err)
	}
	if dec.More() {
		t.Errorf("more than one JSON document on stdout")
	}
	if log.Version != "2.1.0" || len(log.Runs) != 1 {
		t.Fatalf("version %q, %d runs", log.Version, len(log.Runs))
	}
	var got []string
	for _, r := range log.Runs[0].Results {
		pl := r.Locations[0].PhysicalLocation
		if pl.ArtifactLocation.URI != rec || pl.ArtifactLocation.URIBaseID != "SRCROOT" || r.BaselineState != "new" {
			t.Errorf("%s: %+v, %s", r.RuleID, pl.ArtifactLocation, r.BaselineState)
		}
		got = append(got, fmt.Sprintf("%s %d:%d", r.RuleID, pl.Region.StartLine, pl.Region.StartColumn))
	}
	want := "http.content-length 21:17 page.truncation 34:1 request.cos-param-list 17:16 xml.mismatched-end 33:13 xml.unmatched-end 32:1"
	if strings.Join(sorted(got), " ") != want {
		t.Errorf("results %q, want %q", sorted(got), want)
	}
}

func TestCheckJSON(t *testing.T) {
	var stdout, stderr bytes.Buffer
	run([]string{"check", "--format", "json", "../fixtures/docs/cos/case6-pagination.txtar"}, &stdout, &stderr)
	sc := bufio.NewScanner(&stdout)
	var checks []string
	for sc.Scan() {
		var f struct {
			File, Check, Severity, Status, Pointer, XPath string
			Exchange, Line, Column                        int
			Recovered                                     bool
		}
		if err := json.Unmarshal(sc.Bytes(), &f); err != nil {
			t.Fatalf("not one JSON object per line: %v: %s", err, sc.Text())
		}
		if f.File == "" || f.Exchange != 1 || f.Line == 0 || f.Column == 0 || f.Status != "new" {
			t.Errorf("incomplete finding %s", sc.Text())
		}
		if f.Check == "page.truncation" && (!f.Recovered || f.Pointer != "/ListAllMyBucketsResult/IsTruncated" || f.XPath != "/ListAllMyBucketsResult/IsTruncated") {
			t.Errorf("page.truncation should be recovered and located by pointer and XPath: %s", sc.Text())
		}
		checks = append(checks, f.Check)
	}
	want := "http.content-length page.truncation request.cos-param-list xml.mismatched-end xml.unmatched-end"
	got := strings.Join(sorted(checks), " ")
	if got != want {
		t.Errorf("checks %q, want %q", got, want)
	}
}

func sorted(s []string) []string {
	out := append([]string(nil), s...)
	for i := range out {
		for j := i + 1; j < len(out); j++ {
			if out[j] < out[i] {
				out[i], out[j] = out[j], out[i]
			}
		}
	}
	return out
}

func chdir(t *testing.T, dir string) {
	t.Helper()
	wd, _ := os.Getwd()
	if err := os.Chdir(dir); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.Chdir(wd) })
}

// conformance runs Ginkgo, which runs once per process: these cases run
// the built binary.
func TestConformance(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runner")
	}
	bin, err := buildRunner()
	if err != nil {
		t.Fatalf("build: %v", err)
	}
	dir := t.TempDir()
	junit := filepath.Join(dir, "junit.xml")
	other := filepath.Join(dir, "other.xml")
	docs, err := os.ReadFile("../fixtures/docs/baseline.txt")
	if err != nil {
		t.Fatal(err)
	}
	stale := filepath.Join(dir, "stale.txt")
	os.WriteFile(stale, append(docs, "fixtures/docs/cos/case1-all-buckets.txtar http.host 1 9:1 a finding fixed since\n"...), 0o644)
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"embedded default with the documentation baseline", []string{"--baseline", "../fixtures/docs/baseline.txt", "--junit", junit}, 0},
		{"embedded default without a baseline", []string{"--junit", other}, 1},
		{"a stale finding entry warns", []string{"--junit", other, "--baseline", stale}, 0},
		{"a stale finding entry fails under --strict-baseline", []string{"--junit", other, "--baseline", stale, "--strict-baseline"}, 1},
		{"the documentation baseline holds under --strict-baseline", []string{"--junit", other, "--baseline", "../fixtures/docs/baseline.txt", "--strict-baseline"}, 0},
		{"valid fixtures only", []string{"--junit", other, "--label-filter", "valid"}, 0},
		{"bad label filter", []string{"--junit", other, "--label-filter", "(("}, 2},
		{"missing input", []string{"--junit", other, "no/such/dir"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cmd := exec.Command(bin, append([]string{"conformance"}, tt.args...)...)
			out, _ := cmd.CombinedOutput()
			if code := cmd.ProcessState.ExitCode(); code != tt.code {
				t.Fatalf("exit %d, want %d\n%s", code, tt.code, out)
			}
		})
	}
	report, err := os.ReadFile(junit)
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"<testsuites", "accepted by baseline", "xml.unmatched-end"} {
		if !bytes.Contains(report, []byte(want)) {
			t.Errorf("JUnit report lacks %q", want)
		}
	}
	// What CI systems ingest must pass the strictest of them (the schema
	// check fires in internal/report's tests).
	t.Run("the reports validate against the Jenkins JUnit schema", func(t *testing.T) {
		xmllint := testenv.Tool(t, "xmllint")
		xsd := testenv.Standard(t, "jenkins-junit-10.xsd")
		for _, file := range []string{junit, other} {
			if out, err := exec.Command(xmllint, "--noout", "--schema", xsd, file).CombinedOutput(); err != nil {
				t.Errorf("%s does not validate: %v\n%.2000s", filepath.Base(file), err, out)
			}
		}
	})
}

// go install puts the command where GOBIN says, named runner, and it
// says what it was built from.
func TestGoInstall(t *testing.T) {
	if testing.Short() {
		t.Skip("builds the runner")
	}
	gobin := t.TempDir()
	install := exec.Command("go", "install", ".")
	install.Env = append(os.Environ(), "GOBIN="+gobin)
	if out, err := install.CombinedOutput(); err != nil {
		t.Fatalf("go install: %v\n%s", err, out)
	}
	out, err := exec.Command(filepath.Join(gobin, "runner"), "version").CombinedOutput()
	if err != nil || !strings.HasPrefix(string(out), "runner ") || !strings.Contains(string(out), "github.com/getservice-conformance/gsc") {
		t.Errorf("runner version: %v\n%s", err, out)
	}
}
