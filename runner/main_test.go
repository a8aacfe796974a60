package main

import (
	"bufio"
	"bytes"
	"encoding/json"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
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
	empty := t.TempDir()
	tests := []struct {
		name   string
		args   []string
		code   int
		stderr string // a part of the one-line reason
	}{
		{"no command", nil, 2, "usage"},
		{"unknown command", []string{"chekc"}, 2, `unknown command "chekc"`},
		{"unknown flag", []string{"check", "--colour", "../fixtures/valid"}, 2, "flag provided but not defined: -colour"},
		{"no input", []string{"check"}, 2, "name at least one recording"},
		{"unknown vendor", []string{"check", "--vendor", "azure", "../fixtures/valid"}, 2, `unknown vendor "azure"`},
		{"unknown format", []string{"check", "--format", "xml", "../fixtures/valid"}, 2, `unknown format "xml"`},
		{"missing file", []string{"check", "no/such.txtar"}, 2, "no such file or directory"},
		{"directory without recordings", []string{"check", empty}, 2, "no .txtar recordings"},
		{"unreadable baseline", []string{"check", "--baseline", "no/such.txt", "../fixtures/valid"}, 2, "baseline: open no/such.txt"},
		{"malformed baseline", []string{"check", "--baseline", badBaseline, "../fixtures/valid"}, 2, "want FILE CHECK-ID EXCHANGE WHERE"},
		{"clean recordings", []string{"check", "../fixtures/valid"}, 0, ""},
		{"documentation defects", []string{"check", "../fixtures/docs"}, 1, ""},
		{"defects within the baseline", []string{"check", "--baseline", docsBaseline, "../fixtures/docs"}, 1, ""},
		{"only a warning", []string{"check", "../fixtures/checks/cos/request.auth-scheme.txtar"}, 0, ""},
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
	if !strings.Contains(stdout.String(), "(accepted by baseline)") || !strings.Contains(stdout.String(), "0 error(s)") {
		t.Errorf("the report still shows the accepted defects; got:\n%s", stdout.String())
	}
	// A baseline entry whose finding is gone is a warning, not a failure.
	stale := filepath.Join(t.TempDir(), "stale.txt")
	os.WriteFile(stale, []byte("fixtures/docs/cos/case1-all-buckets.txtar http.host 1 9:1 gone\n"), 0o644)
	stdout.Reset()
	code := run([]string{"check", "--baseline", stale, "fixtures/docs/cos/case1-all-buckets.txtar"}, &stdout, &stderr)
	if code != 1 || !strings.Contains(stdout.String(), "warning: baseline entry no longer found") {
		t.Errorf("exit %d, output:\n%s", code, stdout.String())
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
	tests := []struct {
		name string
		args []string
		code int
	}{
		{"embedded default with the documentation baseline", []string{"--baseline", "../fixtures/docs/baseline.txt", "--junit", junit}, 0},
		{"embedded default without a baseline", []string{"--junit", other}, 1},
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
	xsd := filepath.Join("..", "..", "shared", "standards", "jenkins-junit-10.xsd")
	for _, file := range []string{junit, other} {
		if out, err := exec.Command("xmllint", "--noout", "--schema", xsd, file).CombinedOutput(); err != nil {
			t.Errorf("%s does not validate against the Jenkins JUnit schema (xmllint from libxml2-utils): %v\n%.2000s", file, err, out)
		}
	}
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
