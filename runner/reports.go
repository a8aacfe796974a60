package main

import (
	"bytes"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/report"
	"github.com/getservice-conformance/gsc/internal/suite"
)

// reportFiles says where a spec run's reports go; an empty name writes
// none of that kind.
type reportFiles struct {
	junit, results, markdown, html string
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
		if err := writeReport(out.file, buf.Bytes()); err != nil {
			return err
		}
		fmt.Fprintf(stderr, "wrote %s\n", out.file)
	}
	return nil
}

// writeReport writes a report to a file, or appends it where appending is
// what the file is for: GitHub's job summary collects every step's.
func writeReport(name string, data []byte) error {
	if name == os.Getenv("GITHUB_STEP_SUMMARY") {
		f, err := os.OpenFile(name, os.O_APPEND|os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			return err
		}
		_, err = f.Write(data)
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		return err
	}
	return writeFile(name, data)
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
