package main

import (
	"bytes"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"syscall"

	"github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/report"
	"github.com/getservice-conformance/gsc/internal/suite"
)

// reportFiles says where a spec run's reports go; an empty name writes
// none of that kind, "-" writes it to stdout.
type reportFiles struct {
	junit, results, markdown, html string
	stdout                         io.Writer // the command's standard output
}

func (r *reportFiles) register(fs *flag.FlagSet, junit string) {
	fs.StringVar(&r.junit, "junit", junit, "where to write the JUnit report (Jenkins xUnit schema); empty: none")
	fs.StringVar(&r.results, "results", "", "where to write every spec's outcome as JSON (for runner matrix)")
	fs.StringVar(&r.markdown, "markdown", "", "where to write the Markdown summary (e.g. $GITHUB_STEP_SUMMARY)")
	fs.StringVar(&r.html, "html", "", "where to write the self-contained HTML report")
}

// lastRun is what the specs came to; the ReportAfterSuite node below sets
// it, once per process (Ginkgo runs once).
var lastRun *outcome.Run

var _ = ginkgo.ReportAfterSuite("the runner's reports", func(r ginkgo.Report) {
	lastRun = suite.Outcomes(r)
})

// write writes every report asked for. A report that cannot be written
// is an error of the run (exit 2), not a finding.
func (r *reportFiles) write(run *outcome.Run, stderr io.Writer) error {
	for _, out := range []struct {
		file  string
		write func(io.Writer, *outcome.Run) error
	}{
		{r.junit, report.JUnit},
		{r.results, outcome.Write},
		{r.markdown, report.Markdown},
		{r.html, report.HTML},
	} {
		if out.file == "" {
			continue
		}
		var buf bytes.Buffer
		if err := out.write(&buf, run); err != nil {
			return err
		}
		if err := writeOutput(out.file, buf.Bytes(), r.stdout); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", shownPath(out.file))
		if out.file != "-" {
			run.Reports = append(run.Reports, out.file)
		}
	}
	return nil
}

// shownPath is how "wrote ..." names where an output went.
func shownPath(name string) string {
	if name == "-" {
		return "- (standard output)"
	}
	return name
}

// writeOutput writes an output file where it was asked to go, and only
// there: "-" (or a path that is the process's standard output, such as
// /dev/stdout) to stdout; GitHub's job summary appended to, since it
// collects every step's; a symlink, device or FIFO written through, so
// the link stays a link and the device gets the bytes; a regular or new
// file replaced atomically.
func writeOutput(name string, data []byte, stdout io.Writer) error {
	if name == "-" || (stdout != nil && isStdout(name)) {
		if stdout == nil {
			stdout = os.Stdout
		}
		_, err := stdout.Write(data)
		return err
	}
	if summary := os.Getenv("GITHUB_STEP_SUMMARY"); summary != "" && name == summary {
		return appendFile(name, data)
	}
	if fi, err := os.Lstat(name); err == nil && !fi.Mode().IsRegular() {
		return writeThrough(name, data)
	}
	return writeFile(name, data)
}

// isStdout says name is the file the process's standard output is.
func isStdout(name string) bool {
	fi, err := os.Stat(name)
	if err != nil {
		return false
	}
	out, err := os.Stdout.Stat()
	return err == nil && os.SameFile(fi, out)
}

func appendFile(name string, data []byte) error {
	return writeOpen(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, data)
}

// writeThrough opens what name leads to and truncates it: what a shell's
// > does. A rename would replace a symlink or a device by a file.
func writeThrough(name string, data []byte) error {
	return writeOpen(name, os.O_WRONLY|os.O_CREATE|os.O_TRUNC, data)
}

// writeOpen writes data to name opened with flag.
func writeOpen(name string, flag int, data []byte) error {
	f, err := os.OpenFile(name, flag, 0o644)
	if err != nil {
		return err
	}
	_, err = f.Write(data)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	return err
}

// writeFile writes a report through a temporary file and a rename, so an
// interrupted run never leaves half a report where CI reads one.
func writeFile(name string, data []byte) error {
	if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(filepath.Dir(name), "."+filepath.Base(name)+".*")
	if err != nil {
		return err
	}
	if _, err := tmp.Write(data); err != nil {
		tmp.Close()
		os.Remove(tmp.Name())
		return err
	}
	if err := tmp.Close(); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	if err := os.Chmod(tmp.Name(), 0o644); err != nil {
		os.Remove(tmp.Name())
		return err
	}
	return os.Rename(tmp.Name(), name)
}

// check finds, before the first request, an output that could not be
// written at the end: the reports, a --record directory and a
// --write-baseline file (empty: none). Each must be a path whose directory
// exists or can be made and takes a new file, and must not be a directory
// itself.
func (r *reportFiles) check(record, writeBaseline string) error {
	toStdout := 0
	for _, out := range []struct{ flag, file string }{
		{"--junit", r.junit}, {"--results", r.results}, {"--markdown", r.markdown}, {"--html", r.html},
		{"--write-baseline", writeBaseline},
	} {
		switch out.file {
		case "":
			continue
		case "-":
			if toStdout++; toStdout > 1 {
				return usagef("only one output can go to standard output (-)")
			}
			continue
		}
		if err := writableFile(out.file); err != nil {
			return fmt.Errorf("%s %s cannot be written: %w", out.flag, out.file, err)
		}
	}
	if record != "" {
		if err := writableDir(record); err != nil {
			return fmt.Errorf("--record %s cannot be written: %w", record, err)
		}
	}
	return nil
}

// writableFile says why name cannot be written as an output, or nil.
func writableFile(name string) error {
	fi, err := os.Stat(name) // through symlinks: what gets written
	switch {
	case err == nil && fi.IsDir():
		return fmt.Errorf("it is a directory")
	case err == nil && fi.Mode().IsRegular():
		if lfi, lerr := os.Lstat(name); lerr == nil && lfi.Mode()&os.ModeSymlink != 0 {
			f, err := os.OpenFile(name, os.O_WRONLY, 0) // written through: opened, not replaced
			if err != nil {
				return err
			}
			return f.Close()
		}
		return canCreateIn(filepath.Dir(name)) // replaced by a rename
	case err == nil:
		return nil // a device or FIFO: written through as it is
	case errors.Is(err, fs.ErrNotExist):
		if target, lerr := os.Readlink(name); lerr == nil { // a dangling symlink
			if !filepath.IsAbs(target) {
				target = filepath.Join(filepath.Dir(name), target)
			}
			return canCreateIn(filepath.Dir(target))
		}
		return writableDir(filepath.Dir(name))
	case errors.Is(err, syscall.ENOTDIR):
		return writableDir(filepath.Dir(name))
	}
	return err
}

// writableDir says why dir cannot take new files, or nil: it must be a
// directory, or not exist below a directory that takes new files.
func writableDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case err == nil && !fi.IsDir():
		return fmt.Errorf("%s is not a directory", dir)
	case err == nil:
		return canCreateIn(dir)
	case errors.Is(err, fs.ErrNotExist), errors.Is(err, syscall.ENOTDIR):
		// Look up the path for what exists: a directory to make this
		// one in, or the file in the way.
		parent := filepath.Dir(dir)
		if parent == dir {
			return err
		}
		return writableDir(parent)
	}
	return err
}

// canCreateIn creates and removes a file in dir: the only test of
// writability that tells the truth for root, ACLs and read-only mounts.
func canCreateIn(dir string) error {
	f, err := os.CreateTemp(dir, ".gsc-check-*")
	if err != nil {
		return err
	}
	f.Close()
	return os.Remove(f.Name())
}
