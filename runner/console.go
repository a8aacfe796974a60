package main

import (
	"fmt"
	"io"
	"os"
	"strings"
	"unicode/utf8"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// console is what a spec run tells the person watching: progress while it
// runs (spec n of m and the current target) and a one-screen summary at
// the end. On a terminal progress is one line rewritten in place, with
// colour; elsewhere (CI logs) a line each time the target changes and no
// escape codes.
type console struct {
	w      io.Writer
	tty    bool
	total  int
	n      int
	target string
}

// progress is the console of the run in progress; the report nodes below
// write to it. Nil outside a spec run.
var progress *console

// isTerminal says whether w is a terminal and colour is welcome there
// (https://no-color.org).
func isTerminal(w io.Writer) bool {
	f, ok := w.(*os.File)
	if !ok || os.Getenv("NO_COLOR") != "" || os.Getenv("TERM") == "dumb" {
		return false
	}
	st, err := f.Stat()
	return err == nil && st.Mode()&os.ModeCharDevice != 0
}

var _ = ginkgo.ReportBeforeSuite(func(r ginkgo.Report) {
	if progress != nil {
		progress.total = r.PreRunStats.SpecsThatWillRun
	}
})

var _ = ginkgo.ReportBeforeEach(func(s ginkgo.SpecReport) {
	if progress == nil || s.State == types.SpecStateSkipped && s.Failure.Message == "" {
		return // filtered out
	}
	progress.n++
	target := "?"
	if len(s.ContainerHierarchyTexts) > 0 {
		target = s.ContainerHierarchyTexts[0]
	}
	switch {
	case progress.tty:
		line := fmt.Sprintf("[%d/%d] %s: %s", progress.n, progress.total, target, s.LeafNodeText)
		if len(line) > 100 {
			line = line[:97] + "..."
		}
		fmt.Fprintf(progress.w, "\r\033[K%s", line)
	case target != progress.target:
		fmt.Fprintf(progress.w, "[%d/%d] %s\n", progress.n, progress.total, target)
	}
	progress.target = target
})

// maxListed bounds the failures the summary lists, so it fits a screen.
const maxListed = 15

// summary writes the end of a run: a line per target, then the failures.
func (c *console) summary(run *outcome.Run, junit string) {
	if c.tty {
		fmt.Fprint(c.w, "\r\033[K")
	}
	paint := func(s string, colour int) string {
		if !c.tty {
			return s
		}
		return fmt.Sprintf("\033[%dm%s\033[0m", colour, s)
	}
	for _, target := range run.Targets() {
		n := map[outcome.Status]int{}
		for _, r := range run.Results {
			if r.Target == target {
				n[r.Status]++
			}
		}
		fmt.Fprintf(c.w, "%-24s %s  %s  %s  %s\n", target,
			paint(fmt.Sprintf("%d passed", n[outcome.Pass]), 32),
			paint(fmt.Sprintf("%d failed", n[outcome.Fail]), 31),
			paint(fmt.Sprintf("%d unsupported", n[outcome.Unsupported]), 33),
			fmt.Sprintf("%d skipped", n[outcome.Skipped]))
	}
	n := run.Counts()
	verdict := paint("PASS", 32)
	if n[outcome.Fail] > 0 {
		verdict = paint("FAIL", 31)
	}
	fmt.Fprintf(c.w, "%s: %d specs in %.1f s: %d passed, %d failed, %d unsupported, %d skipped\n", verdict,
		len(run.Results), run.Duration.Seconds(), n[outcome.Pass], n[outcome.Fail], n[outcome.Unsupported], n[outcome.Skipped])
	listed := 0
	for _, r := range run.Results {
		if r.Status != outcome.Fail {
			continue
		}
		if listed == maxListed {
			more := run.Counts()[outcome.Fail] - listed
			fmt.Fprintf(c.w, "... and %d more failure(s)", more)
			if junit != "" {
				fmt.Fprintf(c.w, ": see %s", shownPath(junit))
			}
			fmt.Fprintln(c.w)
			break
		}
		listed++
		fmt.Fprintf(c.w, "%s %s: %s: %s\n", paint("FAIL", 31), r.Target, r.Spec, clip(r.Summary, 160))
	}
}

// clip shortens s to n bytes at most, on a rune boundary.
func clip(s string, n int) string {
	s = strings.ReplaceAll(s, "\n", " ")
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n] + "..."
}
