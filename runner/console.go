package main

import (
	"cmp"
	"fmt"
	"io"
	"os"
	"slices"
	"strconv"
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
			paint(fmt.Sprintf("%d accepted", n[outcome.Accepted]), 36),
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
			lines = append(lines, c.failure(&r, paint))
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
	accepted := 0
	for _, r := range run.Results {
		for _, a := range r.Accepted {
			if a.Status == "" {
				continue // a finding, accepted within a passing spec
			}
			if accepted < maxListed {
				until := ""
				if a.Expires != "" {
					until = ", until " + a.Expires
				}
				fmt.Fprintf(c.w, "%s %s: %s: %s (%s%s)\n", paint("accepted by baseline:", 36), r.Target, r.Spec, a.Status, a.Reason, until)
			}
			accepted++
		}
	}
	if accepted > maxListed {
		fmt.Fprintf(c.w, "... and %d more accepted by the baseline\n", accepted-maxListed)
	}
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

// failure is a failed spec as the summary shows it: the spec, then its
// first deviation and the curl line that reproduces it, in full. At a
// terminal long lines are wrapped to its width (a curl line at its
// arguments, with the shell's line continuations, so it still runs as
// copied); elsewhere, such as a CI log, each stays one line.
func (c *console) failure(r *outcome.Result, paint func(string, int) string) string {
	head := fmt.Sprintf("%s %s: %s", paint("FAIL", 31), r.Target, r.Spec)
	if len(r.Deviations) == 0 {
		return head + ": " + c.wrap(strings.ReplaceAll(r.Summary, "\n", " "), "    ", len(head)+2)
	}
	d := r.Deviations[0]
	var b strings.Builder
	b.WriteString(head)
	for _, f := range []struct{ name, value string }{{"expected", d.Expected}, {"seen", d.Seen}, {"where", d.Where}} {
		if f.value != "" {
			fmt.Fprintf(&b, "\n    %s: %s", f.name, c.wrap(strings.ReplaceAll(f.value, "\n", " "), "      ", 6+len(f.name)))
		}
	}
	if n := len(r.Deviations); n > 1 {
		fmt.Fprintf(&b, "\n    (and %d more deviation(s) in the reports)", n-1)
	}
	if d.Curl != "" {
		fmt.Fprintf(&b, "\n    reproduce: %s", c.wrapShell(d.Curl, "        ", len("    reproduce: ")))
	}
	return b.String()
}

// width is the terminal's width in columns ($COLUMNS, else 100); 0 when
// the console is not a terminal, where nothing is wrapped.
func (c *console) width() int {
	if !c.tty {
		return 0
	}
	if n, err := strconv.Atoi(os.Getenv("COLUMNS")); err == nil && n >= 40 {
		return n
	}
	return 100
}

// wrap breaks s, which starts at column start, at spaces so no line runs
// past the console's width, continuing with indent; a word longer than a
// line stays whole.
func (c *console) wrap(s, indent string, start int) string {
	if c.width() == 0 {
		return s
	}
	return c.fill(strings.Fields(s), indent, "", start)
}

// wrapShell breaks a shell command between its arguments (never inside
// quotes) with " \\" line continuations, so that it runs as copied.
func (c *console) wrapShell(cmd, indent string, start int) string {
	if c.width() == 0 || strings.Contains(cmd, "\n") {
		return cmd
	}
	return c.fill(shellArgs(cmd), indent, " \\", start)
}

// fill joins words with spaces, breaking the line (after cont) before a
// word that would run past the console's width.
func (c *console) fill(words []string, indent, cont string, start int) string {
	width := c.width()
	var b strings.Builder
	col := start
	for i, w := range words {
		if i > 0 {
			if col+1+utf8.RuneCountInString(w)+len(cont) > width {
				b.WriteString(cont + "\n" + indent)
				col = len(indent)
			} else {
				b.WriteByte(' ')
				col++
			}
		}
		b.WriteString(w)
		col += utf8.RuneCountInString(w)
	}
	return b.String()
}

// shellArgs splits a command line at the spaces outside quotes, keeping
// each argument exactly as written.
func shellArgs(cmd string) []string {
	var args []string
	start, quote := -1, byte(0)
	for i := 0; i < len(cmd); i++ {
		ch := cmd[i]
		switch {
		case quote != 0:
			if ch == quote {
				quote = 0
			} else if ch == '\\' && quote == '"' && i+1 < len(cmd) {
				i++
			}
		case ch == '\'' || ch == '"':
			quote = ch
			if start < 0 {
				start = i
			}
		case ch == ' ':
			if start >= 0 {
				args = append(args, cmd[start:i])
				start = -1
			}
		default:
			if start < 0 {
				start = i
			}
			if ch == '\\' && i+1 < len(cmd) {
				i++
			}
		}
	}
	if start >= 0 {
		args = append(args, cmd[start:])
	}
	return args
}
