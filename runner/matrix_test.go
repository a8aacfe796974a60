package main

import (
	"bytes"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// runner matrix keeps what could not run, and each run's facts, in every
// report it writes.
func TestMatrixError(t *testing.T) {
	dir := t.TempDir()
	write := func(name string, run *outcome.Run) string { return writeResults(t, dir, name, run) }
	const refused = "set-up: creating bucket gsc-bbbbbbbb-00 was refused: 403 AccessDenied"
	a := write("a.json", &outcome.Run{RunID: "gsc-aaaaaaaa", Requests: 10, Results: []outcome.Result{
		{Target: "versitygw", Vendor: "s3", Spec: "walks", ID: "walks", Status: outcome.Pass}}})
	b := write("b.json", &outcome.Run{RunID: "gsc-bbbbbbbb", Requests: 5, Error: refused, Results: []outcome.Result{
		{Target: "minio", Vendor: "s3", Spec: "walks", ID: "walks", Status: outcome.Error, Summary: refused}}})
	md, html, junit, results := filepath.Join(dir, "m.md"), filepath.Join(dir, "m.html"), filepath.Join(dir, "junit.xml"), filepath.Join(dir, "m.json")
	var stdout, stderr bytes.Buffer
	if code := run([]string{"matrix", "--markdown", md, "--html", html, "--junit", junit, "--results", results, a, b}, &stdout, &stderr); code != 0 {
		t.Fatalf("exit %d\n%s", code, stderr.String())
	}
	read := func(file string) string {
		data, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		return string(data)
	}
	for file, wants := range map[string][]string{
		md: {"**run** gsc-aaaaaaaa, gsc-bbbbbbbb · **requests** 15", "**The run could not judge**: gsc-bbbbbbbb: " + refused,
			"| walks | ✅ pass | ⛔ error: " + refused + " |", "## Could not run"},
		html:  {`class="error" data-status="error"`, `id="run-error"`, "<dt>run</dt><dd>gsc-aaaaaaaa, gsc-bbbbbbbb</dd>", "<dt>requests</dt><dd>15</dd>"},
		junit: {`errors="1"`, `<error type="could-not-run" message="` + refused + `"`},
	} {
		got := read(file)
		for _, want := range wants {
			if !strings.Contains(got, want) {
				t.Errorf("%s lacks %q:\n%s", filepath.Base(file), want, got)
			}
		}
	}
	joined, err := outcome.Load(results)
	if err != nil {
		t.Fatal(err)
	}
	if n := joined.Counts(); n[outcome.Error] != 1 || n[outcome.Pass] != 1 || joined.Requests != 15 || joined.RunID != "gsc-aaaaaaaa, gsc-bbbbbbbb" {
		t.Errorf("joined results: counts %v, %+v", n, joined)
	}
}
