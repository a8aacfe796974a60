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
	outcome.Accepted:    "☑️",
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
	gs := groups(run)
	var b strings.Builder

	fmt.Fprintf(&b, "# %s\n\n", inline(title(run), specRunes))
	if facts := Metadata(run); len(facts) > 0 {
		var parts []string
		for _, f := range facts {
			parts = append(parts, fmt.Sprintf("**%s** %s", f.Name, inline(f.Value, fieldRunes)))
		}
		fmt.Fprintf(&b, "%s\n\n", strings.Join(parts, " · "))
	}
	if run.Error != "" {
		fmt.Fprintf(&b, "**The run could not judge**: %s\n\n", inline(run.Error, fieldRunes))
	}
	if len(gs) == 0 {
		b.WriteString("No results.\n")
		_, err := io.WriteString(w, b.String())
		return err
	}
	counts := run.Counts()
	n := make([]int, len(outcome.Statuses))
	for i, s := range outcome.Statuses {
		n[i] = counts[s]
	}
	fmt.Fprintf(&b, "%d results: %s.\n\n", len(run.Results), tallyText(n))

	rows, rowsLeft := 0, 0
	for _, g := range gs {
		rows += len(g.Rows)
		if rowsLeft > 0 {
			rowsLeft += len(g.Rows)
			continue
		}
		tallies := tallyText(g.Tally)
		if !g.ByArea && len(g.Columns) > 1 {
			var each []string
			for _, t := range g.Columns {
				each = append(each, fmt.Sprintf("**%s**: %s", inline(t, nameRunes), tallyText(tally(run, t))))
			}
			tallies = strings.Join(each, "; ")
		}
		head := fmt.Sprintf("## %s\n\n%s\n\n", inline(groupHeading(g), specRunes), tallies)
		corner := "spec"
		if g.ByArea {
			corner = "recording"
		}
		head += "| " + corner + " |"
		for _, c := range g.Columns {
			head += fmt.Sprintf(" %s |", inline(c, nameRunes))
		}
		head += "\n| --- |" + strings.Repeat(" --- |", len(g.Columns)) + "\n"
		if b.Len()+len(head)+reserve > limit {
			rowsLeft += len(g.Rows)
			continue
		}
		b.WriteString(head)
		for i, r := range g.Rows {
			row := mdRow(r.name(g), r.Cells)
			if b.Len()+len(row)+reserve > limit {
				rowsLeft += len(g.Rows) - i
				break
			}
			b.WriteString(row)
		}
		b.WriteString("\n")
	}

	failures, failuresLeft := 0, 0
	for i := range run.Results {
		res := &run.Results[i]
		if res.Status != outcome.Fail {
			continue
		}
		if failures == 0 {
			b.WriteString("## Failures\n\n")
		}
		failures++
		block := mdFailure(res)
		if failuresLeft > 0 || b.Len()+len(block)+reserve > limit {
			failuresLeft++
			continue
		}
		b.WriteString(block)
	}

	errors, errorsLeft := section(&b, run, outcome.Error, "Could not run", limit-reserve, mdError)
	accepted, acceptedLeft := section(&b, run, outcome.Accepted, "Accepted by the baseline", limit-reserve, mdAccepted)

	if rowsLeft > 0 || failuresLeft > 0 || errorsLeft > 0 || acceptedLeft > 0 {
		fmt.Fprintf(&b, "\n_Left out to stay within the 1 MiB limit of a CI job summary: %d of %d matrix rows, %d of %d failures",
			rowsLeft, rows, failuresLeft, failures)
		if errors > 0 {
			fmt.Fprintf(&b, ", %d of %d specs that could not run", errorsLeft, errors)
		}
		if accepted > 0 {
			fmt.Fprintf(&b, ", %d of %d accepted specs", acceptedLeft, accepted)
		}
		b.WriteString("._\n")
	}
	_, err := io.WriteString(w, b.String())
	return err
}

// groupHeading names a group: its vendor, and its targets when they say
// more.
func groupHeading(g group) string {
	if g.Title == g.Vendor {
		return g.Vendor
	}
	return g.Vendor + ": " + g.Title
}

// section writes a heading and an entry per result of one status, as
// long as they fit under limit; it returns how many there were and how
// many were left out.
func section(b *strings.Builder, run *outcome.Run, status outcome.Status, heading string, limit int, entry func(*outcome.Result) string) (n, left int) {
	for i := range run.Results {
		res := &run.Results[i]
		if res.Status != status {
			continue
		}
		if n == 0 {
			if !strings.HasSuffix(b.String(), "\n\n") {
				b.WriteString("\n")
			}
			fmt.Fprintf(b, "## %s\n\n", heading)
		}
		n++
		text := entry(res)
		if left > 0 || b.Len()+len(text) > limit {
			left++
			continue
		}
		b.WriteString(text)
	}
	return n, left
}

// mdAccepted is one accepted spec: what the baseline accepts of it, why,
// until when and where the entry is.
func mdAccepted(res *outcome.Result) string {
	var b strings.Builder
	fmt.Fprintf(&b, "- %s **%s**: %s\n", mdSymbols[outcome.Accepted], inline(res.Target, nameRunes), inline(res.Spec, specRunes))
	for _, a := range res.Accepted {
		fmt.Fprintf(&b, "  - %s: %s", inline(a.What, fieldRunes), inline(a.Reason, fieldRunes))
		if a.Expires != "" {
			fmt.Fprintf(&b, " (until %s)", a.Expires)
		}
		if a.Entry != "" {
			fmt.Fprintf(&b, " \\[%s\\]", inline(a.Entry, nameRunes))
		}
		b.WriteString("\n")
	}
	return b.String()
}

// mdRow is one row of a group's table.
func mdRow(name string, cells []cell) string {
	var b strings.Builder
	fmt.Fprintf(&b, "| %s |", inline(name, specRunes))
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
