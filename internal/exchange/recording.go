// Package exchange reads recorded GET Service exchanges: txtar archives that
// hold raw requests and responses byte for byte (format: fixtures/README.md).
// Reading is lenient and faithful: every defect of a transcript becomes a
// finding with its line and column, and nothing is repaired silently.
package exchange

import (
	"bytes"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/getservice-conformance/gsc/internal/finding"
)

// Recording is one fixture file.
type Recording struct {
	File   string
	Src    []byte
	Meta   map[string]string // vendor, title, source, shows
	Expect []Expectation
	// Exchanges in the order they were sent; a pagination walk has several.
	Exchanges []*Exchange
	// Problems are the defects of the transcript itself (http.*, exchange.format).
	Problems []finding.Finding

	lineStarts []int
	// lineBase is the number of lines of the file before Src, and first
	// the number of its first exchange: ParseParts reads a file's tail.
	lineBase, first int
}

// Exchange is one request and its response. Either may be missing from a
// documentation example.
type Exchange struct {
	Index    int // 1-based
	Request  *Message
	Response *Message
}

// Expectation is an "expect:" line: a finding the fixture must produce.
type Expectation struct {
	Key  finding.Key
	Note string
	Line int // of the expect line, for messages about it
}

// Vendor is the recording's vendor name.
func (r *Recording) Vendor() string { return r.Meta["vendor"] }

// Title is the recording's one-line description.
func (r *Recording) Title() string { return r.Meta["title"] }

// Parse reads a recording. It never fails: an unusable file is a Recording
// whose Problems say why.
func Parse(file string, src []byte) *Recording {
	r := &Recording{File: file, Src: src, Meta: map[string]string{}}
	r.lineStarts = make([]int, 1, 1+bytes.Count(src, []byte{'\n'}))
	for i, c := range src {
		if c == '\n' {
			r.lineStarts = append(r.lineStarts, i+1)
		}
	}
	comment, parts := splitArchive(src)
	r.readMeta(comment)
	r.readParts(parts)
	return r
}

// ParseParts reads parts that continue a recording, as a live run checks
// a walk page by page: src holds whole parts only, preceded in the file
// by lines lines (the metadata is meta), and its first exchange is
// numbered first. Positions are those of the file.
func ParseParts(file string, meta map[string]string, src []byte, lines, first int) *Recording {
	r := &Recording{File: file, Src: src, Meta: meta, lineBase: lines, first: first}
	r.lineStarts = make([]int, 1, 1+bytes.Count(src, []byte{'\n'}))
	for i, c := range src {
		if c == '\n' {
			r.lineStarts = append(r.lineStarts, i+1)
		}
	}
	_, parts := splitArchive(src)
	r.readParts(parts)
	return r
}

// Position converts a byte offset in the file to a 1-based line and column.
func (r *Recording) Position(off int) (line, col int) {
	i := sort.Search(len(r.lineStarts), func(i int) bool { return r.lineStarts[i] > off }) - 1
	if i < 0 {
		i = 0
	}
	return r.lineBase + i + 1, off - r.lineStarts[i] + 1
}

// At returns a finding of check placed at byte offset off of exchange ex.
func (r *Recording) At(check string, ex, off int, msg string) finding.Finding {
	f := finding.New(check, msg)
	f.File, f.Exchange = r.File, ex
	if off >= 0 {
		f.Line, f.Col = r.Position(off)
	}
	return f
}

func (r *Recording) problem(check string, ex, off int, msg string) {
	r.Problems = append(r.Problems, r.At(check, ex, off, msg))
}

func (r *Recording) readMeta(comment []byte) {
	for _, l := range splitLines(comment, 0) {
		text := strings.TrimSpace(string(l.text))
		if text == "" || strings.HasPrefix(text, "#") {
			continue
		}
		key, value, ok := strings.Cut(text, ":")
		key, value = strings.TrimSpace(key), strings.TrimSpace(value)
		switch {
		case !ok:
			r.problem("exchange.format", 0, l.offset, "metadata line is not key: value")
		case key == "expect":
			r.readExpect(value, l.offset)
		default:
			r.Meta[key] = value
		}
	}
	if r.Meta["vendor"] == "" {
		r.problem("exchange.format", 0, 0, "no vendor: line in the metadata")
	}
}

func (r *Recording) readExpect(value string, off int) {
	fields := strings.Fields(value)
	line, _ := r.Position(off)
	if len(fields) < 3 {
		r.problem("exchange.format", 0, off, "expect: wants CHECK-ID EXCHANGE WHERE [note]")
		return
	}
	ex, err := strconv.Atoi(fields[1])
	if err != nil || ex < 0 {
		r.problem("exchange.format", 0, off, "expect: exchange must be a number, got "+strconv.Quote(fields[1]))
		return
	}
	if !finding.Known(fields[0]) {
		r.problem("exchange.format", 0, off, "expect: unknown check id "+strconv.Quote(fields[0]))
		return
	}
	r.Expect = append(r.Expect, Expectation{
		Key:  finding.Key{File: r.File, Check: fields[0], Exchange: ex, Where: fields[2]},
		Note: strings.Join(fields[3:], " "),
		Line: line,
	})
}

func (r *Recording) readParts(parts []part) {
	byIndex := map[int]*Exchange{}
	for _, p := range parts {
		num, side, ok := strings.Cut(p.name, "/")
		n, err := strconv.Atoi(num)
		kind, known := map[string]Kind{"request": Request, "response": Response, "body": BodyOnly}[side]
		if !ok || err != nil || n < 1 || !known {
			if err != nil || n < 1 {
				n = 0
			}
			r.problem("exchange.format", n, p.marker, fmt.Sprintf("part %q is not N/request, N/response or N/body", p.name))
			continue
		}
		ex := byIndex[n]
		if ex == nil {
			ex = &Exchange{Index: n}
			byIndex[n] = ex
		}
		// The last newline of a part belongs to txtar, not to the message.
		data := bytes.TrimSuffix(p.data, []byte("\n"))
		problem := func(check string, off int, msg string) { r.problem(check, n, off, msg) }
		m := parseMessage(kind, data, p.offset, problem)
		slot, side := &ex.Response, "response"
		if kind == Request {
			slot, side = &ex.Request, "request"
		}
		if *slot != nil {
			r.problem("exchange.format", n, p.marker, fmt.Sprintf("exchange %d has a second %s; only the first is checked", n, side))
			continue
		}
		*slot = m
	}
	for _, ex := range byIndex {
		r.Exchanges = append(r.Exchanges, ex)
	}
	sort.Slice(r.Exchanges, func(i, j int) bool { return r.Exchanges[i].Index < r.Exchanges[j].Index })
	for _, ex := range r.Exchanges {
		if ex.Response != nil && ex.Response.Kind == Response && ex.Request == nil {
			r.problem("exchange.format", ex.Index, ex.Response.Offset, fmt.Sprintf("exchange %d has a response but no request (a bare body is an N/body part)", ex.Index))
		}
	}
	first := max(r.first, 1)
	for i, ex := range r.Exchanges {
		if ex.Index != i+first {
			r.problem("exchange.format", ex.Index, -1, fmt.Sprintf("exchanges are not numbered 1..N: found %d where %d was due", ex.Index, i+first))
			break
		}
	}
	if len(parts) == 0 && len(r.Problems) == 0 {
		r.problem("exchange.format", 0, -1, "no request or response parts")
	}
}
