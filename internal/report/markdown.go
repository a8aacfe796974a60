package report

import (
	"fmt"
	"io"
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// summaryLimit is the size GitHub allows a job summary
// ($GITHUB_STEP_SUMMARY) per step.
const summaryLimit = 1 << 20

// Lengths, in runes, past which text is cut with "…". A cell stays short
// enough for the matrix to be read; a failure's fields longer.
const (
	cellRunes  = 100
	specRunes  = 200
	nameRunes  = 60
	fieldRunes = 500
	blockBytes = 4000 // a message or a curl line, in a code block
)

// mdSymbols are the cell markers of each status; the status word follows
// them, so colour is not the only signal.
var mdSymbols = map[outcome.Status]string{
	outcome.Pass:        "✅",
	outcome.Fail:        "❌",
	outcome.Error:       "⛔",
	outcome.Unsupported: "⚠️",
	outcome.Skipped:     "⏭",
}

// Markdown writes a run as a CI job summary: a heading, a tally per
// target, the matrix of specs by targets, then each failure with its
// deviations and curl line, and each spec that could not run with why. All text from the run is escaped, so a
// server's words cannot add a column or inject a link or HTML, and the
// whole stays under GitHub's 1 MiB job summary limit, saying what it
// left out.
func Markdown(w io.Writer, run *outcome.Run) error {
	return markdown(w, run, summaryLimit)
}

func markdown(w io.Writer, run *outcome.Run, limit int) error {
	const reserve = 300 // for the note on what was left out
	m := newMatrix(run)
	var b strings.Builder

	fmt.Fprintf(&b, "# %s\n\n", inline(title(run), specRunes))
	if s := header(run); s != "" {
		fmt.Fprintf(&b, "%s.\n\n", inline(upperFirst(s), fieldRunes))
	}
	if run.Error != "" {
		fmt.Fprintf(&b, "**The run could not judge**: %s\n\n", inline(run.Error, fieldRunes))
	}
	var tallies []string
	for _, t := range m.targets {
		tallies = append(tallies, fmt.Sprintf("**%s**: %s", inline(t, nameRunes), tallyText(tally(run, t))))
	}
	if len(tallies) == 0 {
		b.WriteString("No results.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	fmt.Fprintf(&b, "%s\n\n", strings.Join(tallies, "; "))

	b.WriteString("| spec |")
	for _, t := range m.targets {
		fmt.Fprintf(&b, " %s |", inline(t, nameRunes))
	}
	b.WriteString("\n| --- |" + strings.Repeat(" --- |", len(m.targets)) + "\n")
	rowsLeft := 0
	for i, spec := range m.specs {
		row := mdRow(spec, m.cells[i])
		if b.Len()+len(row)+reserve > limit {
			rowsLeft = len(m.specs) - i
			break
		}
		b.WriteString(row)
	}

	failures, failuresLeft := 0, 0
	for i := range run.Results {
		res := &run.Results[i]
		if res.Status != outcome.Fail {
			continue
		}
		if failures == 0 {
			b.WriteString("\n## Failures\n\n")
		}
		failures++
		block := mdFailure(res)
		if failuresLeft > 0 || b.Len()+len(block)+reserve > limit {
			failuresLeft++
			continue
		}
		b.WriteString(block)
	}

	errors, errorsLeft := 0, 0
	for i := range run.Results {
		res := &run.Results[i]
		if res.Status != outcome.Error {
			continue
		}
		if errors == 0 {
			if !strings.HasSuffix(b.String(), "\n\n") {
				b.WriteString("\n")
			}
			b.WriteString("## Could not run\n\n")
		}
		errors++
		line := mdError(res)
		if errorsLeft > 0 || b.Len()+len(line)+reserve > limit {
			errorsLeft++
			continue
		}
		b.WriteString(line)
	}

	if rowsLeft > 0 || failuresLeft > 0 || errorsLeft > 0 {
		fmt.Fprintf(&b, "\n_Left out to stay within the 1 MiB limit of a CI job summary: %d of %d matrix rows, %d of %d failures",
			rowsLeft, len(m.specs), failuresLeft, failures)
		if errors > 0 {
			fmt.Fprintf(&b, ", %d of %d specs that could not run", errorsLeft, errors)
		}
		b.WriteString("._\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// mdRow is one spec's row of the matrix.
func mdRow(spec string, cells []cell) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| %s |", inline(spec, specRunes))
	for _, c := range cells {
		b.WriteString(" ")
		switch c.status {
		case "":
			b.WriteString("–")
		case outcome.Skipped, outcome.Pass:
			fmt.Fprintf(&b, "%s %s", mdSymbols[c.status], c.status)
		default:
			sym := mdSymbols[c.status]
			if sym != "" {
				sym += " "
			}
			fmt.Fprintf(&b, "%s%s", sym, inline(string(c.status), nameRunes))
			if s := c.summary(); s != "" {
				fmt.Fprintf(&b, ": %s", inline(s, cellRunes))
			}
		}
		if n := len(c.results); n > 1 {
			fmt.Fprintf(&b, " (%d runs)", n)
		}
		b.WriteString(" |")
	}
	b.WriteString("\n")
	return b.String()
}

// mdFailure is one failure: where it happened, each deviation, and the
// curl line that reproduces it.
func mdFailure(res *outcome.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "### ❌ %s: %s\n\n", inline(res.Target, nameRunes), inline(res.Spec, specRunes))
	if res.Location != "" {
		fmt.Fprintf(&b, "Spec at %s.\n\n", inline(res.Location, fieldRunes))
	}
	if len(res.Deviations) == 0 {
		msg := res.Message
		if msg == "" {
			msg = res.Summary
		}
		if msg != "" {
			b.WriteString(codeBlock("text", msg))
		}
	}
	for i, d := range res.Deviations {
		if len(res.Deviations) > 1 {
			fmt.Fprintf(&b, "Deviation %d:\n\n", i+1)
		}
		fmt.Fprintf(&b, "- expected: %s\n- seen: %s\n", inline(d.Expected, fieldRunes), inline(d.Seen, fieldRunes))
		if d.Where != "" {
			fmt.Fprintf(&b, "- where: %s\n", inline(d.Where, fieldRunes))
		}
		b.WriteString("\n")
		if d.Curl != "" {
			b.WriteString(codeBlock("sh", d.Curl))
		}
	}
	return b.String()
}

// mdError is one spec that could not run, and why, on one line.
func mdError(res *outcome.Result) string {
	why := res.Summary
	if why == "" {
		why = outcome.FirstLine(res.Message)
	}
	return fmt.Sprintf("- %s **%s**: %s: %s\n", mdSymbols[outcome.Error], inline(res.Target, nameRunes), inline(res.Spec, specRunes), inline(why, fieldRunes))
}

// inline makes s safe as Markdown text on one line: line breaks, control
// and bidi characters become spaces, runs of spaces one, at most max runes
// are kept, and every character that Markdown, GitHub's extensions or
// HTML could read as syntax is backslash-escaped, as are "://", "www."
// and "@", which GitHub would turn into links.
func inline(s string, max int) string {
	s = strings.Join(strings.Fields(strings.Map(blank, s)), " ")
	s = cut(s, max)
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case strings.IndexByte("\\`*_[]<>|~&#$@!", c) >= 0,
			c == ':' && strings.HasPrefix(s[i:], "://"),
			c == '.' && i >= 3 && strings.EqualFold(s[i-3:i], "www"):
			b.WriteByte('\\')
		}
		b.WriteByte(c)
	}
	return b.String()
}

// blank maps characters that break a line or reorder text to a space.
func blank(r rune) rune {
	if unicode.IsControl(r) || isBidi(r) || r == '\u2028' || r == '\u2029' {
		return ' '
	}
	return r
}

// isBidi reports the invisible characters that reorder text as displayed.
func isBidi(r rune) bool {
	return r == '\u200e' || r == '\u200f' || r == '\u061c' ||
		r >= '\u202a' && r <= '\u202e' || r >= '\u2066' && r <= '\u2069'
}

// cut keeps at most max runes of s, marking a cut with "…".
func cut(s string, max int) string {
	if utf8.RuneCountInString(s) <= max {
		return s
	}
	return string([]rune(s)[:max-1]) + "…"
}

// codeBlock fences text verbatim: the fence is longer than any run of
// backticks in it, so nothing inside can close it. Text past blockBytes is
// cut, and said to be.
func codeBlock(lang, text string) string {
	text = strings.ReplaceAll(text, "\r\n", "\n")
	text = strings.Map(func(r rune) rune {
		if r == '\n' || r == '\t' {
			return r
		}
		return blank(r)
	}, strings.TrimRight(text, "\n"))
	if len(text) > blockBytes {
		n := blockBytes
		for n > 0 && !utf8.RuneStart(text[n]) {
			n--
		}
		text = fmt.Sprintf("%s\n… (%d more bytes left out)", text[:n], len(text)-n)
	}
	longest, run := 0, 0
	for _, c := range []byte(text) {
		if c == '`' {
			run++
			longest = max(longest, run)
		} else {
			run = 0
		}
	}
	fence := strings.Repeat("`", max(3, longest+1))
	return fmt.Sprintf("%s%s\n%s\n%s\n\n", fence, lang, text, fence)
}

func upperFirst(s string) string {
	r, n := utf8.DecodeRuneInString(s)
	return string(unicode.ToUpper(r)) + s[n:]
}
