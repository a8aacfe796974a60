package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/types"

	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/report"
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

// maxListed bounds the lines the summary lists failures and what could
// not run on, so it fits a screen.
const maxListed = 15

// summary writes the end of a run: a line per target, the run's facts,
// the verdict, then the failures and what could not run, and why.
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
	counts := func(n map[outcome.Status]int) []string {
		return []string{
			paint(fmt.Sprintf("%d passed", n[outcome.Pass]), 32),
			paint(fmt.Sprintf("%d failed", n[outcome.Fail]), 31),
			paint(fmt.Sprintf("%d could not run", n[outcome.Error]), 35),
			paint(fmt.Sprintf("%d unsupported", n[outcome.Unsupported]), 33),
			fmt.Sprintf("%d skipped", n[outcome.Skipped]),
		}
	}
	for _, target := range run.Targets() {
		n := map[outcome.Status]int{}
		for _, r := range run.Results {
			if r.Target == target {
				n[r.Status]++
			}
		}
		fmt.Fprintf(c.w, "%-24s %s\n", target, strings.Join(counts(n), "  "))
	}
	if facts := report.Facts(run); facts != "" {
		fmt.Fprintln(c.w, facts)
	}
	n := run.Counts()
	verdict := paint("PASS", 32)
	switch {
	case n[outcome.Fail] > 0:
		verdict = paint("FAIL", 31)
	case n[outcome.Error] > 0 || run.Error != "":
		verdict = paint("ERROR", 35)
	}
	fmt.Fprintf(c.w, "%s: %d specs in %.1f s: %s\n", verdict, len(run.Results), run.Duration.Seconds(), strings.Join(counts(n), ", "))
	if run.Error != "" {
		fmt.Fprintf(c.w, "%s: the run could not judge: %s\n", paint("ERROR", 35), clip(run.Error, 300))
	}

	// Failures one by one; what could not run grouped by target and
	// reason, as one set-up failure stops every spec of a target.
	type group struct {
		target, why, spec string
		n                 int
	}
	var lines []string
	var groups []*group
	for _, r := range run.Results {
		switch r.Status {
		case outcome.Fail:
			lines = append(lines, fmt.Sprintf("%s %s: %s: %s", paint("FAIL", 31), r.Target, r.Spec, clip(r.Summary, 160)))
		case outcome.Error:
			why := cmp.Or(r.Summary, outcome.FirstLine(r.Message))
			i := slices.IndexFunc(groups, func(g *group) bool { return g.target == r.Target && g.why == why })
			if i < 0 {
				groups = append(groups, &group{target: r.Target, why: why, spec: r.Spec})
				i = len(groups) - 1
			}
			groups[i].n++
		}
	}
	fails := len(lines)
	for _, g := range groups {
		what := g.spec
		if g.n > 1 {
			what = fmt.Sprintf("%d specs", g.n)
		}
		lines = append(lines, fmt.Sprintf("%s %s: %s: %s", paint("ERROR", 35), g.target, what, clip(g.why, 160)))
	}
	for i, line := range lines {
		if i == maxListed {
			var more []string
			if f := fails - i; f > 0 {
				more = append(more, fmt.Sprintf("%d more failure(s)", f))
			}
			if e := len(lines) - max(i, fails); e > 0 {
				more = append(more, fmt.Sprintf("%d more reason(s) specs could not run", e))
			}
			fmt.Fprintf(c.w, "... and %s", strings.Join(more, " and "))
			if junit != "" {
				fmt.Fprintf(c.w, ": see %s", shownPath(junit))
			}
			fmt.Fprintln(c.w)
			break
		}
		fmt.Fprintln(c.w, line)
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
