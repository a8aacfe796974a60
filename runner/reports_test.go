package main

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync/atomic"
	"syscall"
	"testing"
)

// quickRun is a short live run's arguments against e.
func quickRun(e *endpoint, more ...string) []string {
	return append([]string{"run", "--vendor", "s3", "--endpoint", e.url, "--label-filter", "schema"}, more...)
}

// wellFormedXML says why data is not one well-formed XML document, or nil.
func wellFormedXML(data []byte) error {
	if !bytes.HasPrefix(data, []byte("<?xml")) {
		return fmt.Errorf("no XML declaration first")
	}
	d := xml.NewDecoder(bytes.NewReader(data))
	for {
		if _, err := d.Token(); err == io.EOF {
			return nil
		} else if err != nil {
			return err
		}
	}
}

// A report path that is a symlink gets the report through the link (the
// link stays a link); a FIFO and a device are written through, not
// replaced; nothing else appears beside them.
func TestReportsWrittenThroughLinksAndDevices(t *testing.T) {
	e := newEndpoint(t, "s3", nil)
	dir := t.TempDir()
	target, link, fifo := filepath.Join(dir, "junit-target.xml"), filepath.Join(dir, "junit.xml"), filepath.Join(dir, "markdown.fifo")
	os.WriteFile(target, bytes.Repeat([]byte("old report "), 10000), 0o644)
	if err := os.Symlink("junit-target.xml", link); err != nil {
		t.Fatal(err)
	}
	if err := syscall.Mkfifo(fifo, 0o644); err != nil {
		t.Fatal(err)
	}
	read := make(chan []byte, 1)
	go func() {
		f, err := os.Open(fifo) // blocks until the runner opens it to write
		if err != nil {
			read <- nil
			return
		}
		data, _ := io.ReadAll(f)
		f.Close()
		read <- data
	}()
	cmd := runnerCmd(t, quickRun(e, "--junit", link, "--markdown", fifo, "--html", os.DevNull)...)
	out, _ := cmd.CombinedOutput()
	if code := cmd.ProcessState.ExitCode(); code != 0 {
		t.Fatalf("exit %d\n%s", code, out)
	}
	if fi, err := os.Lstat(link); err != nil || fi.Mode()&os.ModeSymlink == 0 {
		t.Errorf("%s is no longer a symlink: %v %v", link, fi.Mode(), err)
	}
	data, _ := os.ReadFile(target)
	if !bytes.HasPrefix(data, []byte("<?xml")) || bytes.Contains(data, []byte("old report")) || wellFormedXML(data) != nil {
		t.Errorf("the link's target does not hold the JUnit report alone (%v):\n%.300s", wellFormedXML(data), data)
	}
	if md := <-read; !bytes.Contains(md, []byte("s3")) || !bytes.HasPrefix(md, []byte("#")) {
		t.Errorf("the FIFO carried %q, want the Markdown summary", md)
	}
	if fi, err := os.Lstat(fifo); err != nil || fi.Mode()&os.ModeNamedPipe == 0 {
		t.Errorf("%s is no longer a FIFO: %v", fifo, err)
	}
	if fi, err := os.Lstat(os.DevNull); err != nil || fi.Mode()&os.ModeCharDevice == 0 {
		t.Errorf("%s is no longer a device", os.DevNull)
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 3 {
		var names []string
		for _, e := range entries {
			names = append(names, e.Name())
		}
		t.Errorf("the directory holds %v, want the link, its target and the FIFO", names)
	}
}

// "-" and /dev/stdout are the command's standard output, a pipe or a
// file: it holds the report's bytes and nothing else.
func TestReportsToStandardOutput(t *testing.T) {
	e := newEndpoint(t, "s3", nil)
	for _, tt := range []struct {
		name, flag, path string
		toFile           bool
		valid            func([]byte) error
	}{
		{"results to - (a pipe)", "--results", "-", false, jsonValid},
		{"junit to /dev/stdout (a pipe)", "--junit", "/dev/stdout", false, wellFormedXML},
		{"junit to /dev/stdout (a file)", "--junit", "/dev/stdout", true, wellFormedXML},
		{"results to - (a file)", "--results", "-", true, jsonValid},
	} {
		t.Run(tt.name, func(t *testing.T) {
			args := quickRun(e, tt.flag, tt.path)
			if tt.flag != "--junit" {
				args = append(args, "--junit", "")
			}
			cmd := runnerCmd(t, args...)
			var stdout, stderr bytes.Buffer
			cmd.Stderr = &stderr
			var file *os.File
			if tt.toFile {
				f, err := os.Create(filepath.Join(t.TempDir(), "stdout"))
				if err != nil {
					t.Fatal(err)
				}
				file, cmd.Stdout = f, f
			} else {
				cmd.Stdout = &stdout
			}
			cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != 0 {
				t.Fatalf("exit %d\n%s", code, stderr.String())
			}
			data := stdout.Bytes()
			if file != nil {
				file.Close()
				data, _ = os.ReadFile(file.Name())
			}
			if len(data) == 0 {
				t.Fatalf("nothing on standard output\n%s", stderr.String())
			}
			if err := tt.valid(data); err != nil {
				t.Errorf("standard output is not the report alone: %v\n%.500s", err, data)
			}
		})
	}
}

func jsonValid(data []byte) error {
	var v map[string]any
	return json.Unmarshal(data, &v)
}

// An output that could not be written is found before the first request:
// exit 2 with a one-line reason, and the endpoint sees nothing. Outputs
// that can be written (a new directory, a replaced file) let the run go.
func TestUnwritableOutputsStopTheRunFirst(t *testing.T) {
	var requests atomic.Int32
	e := newEndpoint(t, "s3", func(h http.Handler) http.Handler {
		return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			requests.Add(1)
			h.ServeHTTP(w, r)
		})
	})
	dir := t.TempDir()
	file := filepath.Join(dir, "a-file")
	os.WriteFile(file, []byte("x"), 0o644)
	for _, tt := range []struct {
		name string
		args []string
		says string
	}{
		{"report under a regular file", []string{"--junit", filepath.Join(file, "junit.xml")}, "--junit " + filepath.Join(file, "junit.xml") + " cannot be written: " + file + " is not a directory"},
		{"report deeper under a regular file", []string{"--html", filepath.Join(file, "x", "r.html")}, "--html " + filepath.Join(file, "x", "r.html") + " cannot be written: " + file + " is not a directory"},
		{"report that is a directory", []string{"--results", dir}, "--results " + dir + " cannot be written: it is a directory"},
		{"baseline that is a directory", []string{"--write-baseline", dir}, "--write-baseline " + dir + " cannot be written: it is a directory"},
		{"record under a regular file", []string{"--record", filepath.Join(file, "rec")}, "--record " + filepath.Join(file, "rec") + " cannot be written: " + file + " is not a directory"},
		{"record that is a regular file", []string{"--record", file}, "--record " + file + " cannot be written: " + file + " is not a directory"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			cmd := runnerCmd(t, quickRun(e, tt.args...)...)
			var stderr bytes.Buffer
			cmd.Stderr = &stderr
			cmd.Run()
			if code := cmd.ProcessState.ExitCode(); code != 2 {
				t.Errorf("exit %d, want 2\n%s", code, stderr.String())
			}
			if want := "runner: " + tt.says + "\n"; stderr.String() != want {
				t.Errorf("stderr %q, want the one line %q", stderr.String(), want)
			}
			if n := requests.Load(); n != 0 {
				t.Errorf("the endpoint saw %d request(s) before the runner gave up", n)
			}
		})
	}
	t.Run("writable outputs", func(t *testing.T) {
		nested := filepath.Join(dir, "new", "dir", "junit.xml")
		cmd := runnerCmd(t, quickRun(e, "--junit", nested, "--results", file, "--record", filepath.Join(dir, "rec"))...)
		out, _ := cmd.CombinedOutput()
		if code := cmd.ProcessState.ExitCode(); code != 0 || requests.Load() == 0 {
			t.Fatalf("exit %d after %d request(s)\n%s", code, requests.Load(), out)
		}
		for _, f := range []string{nested, file} {
			if data, err := os.ReadFile(f); err != nil || len(data) < 100 {
				t.Errorf("%s: %d bytes, %v", f, len(data), err)
			}
		}
		leftovers, _ := filepath.Glob(filepath.Join(dir, ".gsc-check-*"))
		if len(leftovers) > 0 {
			t.Errorf("the start-up check left %v", leftovers)
		}
	})
}

func TestWritableFileReasons(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "f")
	os.WriteFile(file, nil, 0o644)
	os.Symlink("missing/target", filepath.Join(dir, "dangling"))
	os.Symlink("f", filepath.Join(dir, "link"))
	for _, tt := range []struct {
		path string
		ok   bool
	}{
		{file, true},
		{filepath.Join(dir, "new"), true},
		{filepath.Join(dir, "a", "b", "new"), true},
		{filepath.Join(dir, "link"), true},
		{os.DevNull, true},
		{dir, false},
		{filepath.Join(file, "x"), false},
		{filepath.Join(dir, "dangling"), false}, // its target's directory does not exist
	} {
		err := writableFile(tt.path)
		if (err == nil) != tt.ok {
			t.Errorf("writableFile(%s) = %v, want ok %v", strings.TrimPrefix(tt.path, dir), err, tt.ok)
		}
	}
	if err := writableFile(filepath.Join(file, "x")); err == nil || err.Error() != file+" is not a directory" {
		t.Errorf("under a file: %v", err)
	}
}

// A run ends naming the report files it wrote, after its cleanup: the
// last line a person reads says where to look.
func TestRunEndsNamingItsReports(t *testing.T) {
	dir := t.TempDir()
	junit, html := filepath.Join(dir, "j.xml"), filepath.Join(dir, "r.html")
	cmd := runnerCmd(t, "conformance", "--label-filter", "s3 && live && headers", "--junit", junit, "--html", html, "--results", "-")
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	if err := cmd.Run(); err != nil {
		t.Fatalf("%v\n%s", err, stderr.String())
	}
	lines := strings.Split(strings.TrimSpace(stderr.String()), "\n")
	if last := lines[len(lines)-1]; last != "reports: "+junit+", "+html {
		t.Errorf("the run ends with %q, not the reports it wrote (standard output left out)\n%s", last, stderr.String())
	}
}
