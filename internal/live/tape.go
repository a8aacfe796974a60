package live

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"strconv"
	"strings"
	"sync"

	"github.com/getservice-conformance/gsc/internal/exchange"
)

// Tape keeps every attempt a client sends, in the order sent: set-up
// calls, walks that no spec's recording holds, retries. A spec's
// recording holds the exchanges it judges; the tape holds everything the
// specs' verdicts depend on, so that a playback of it (NewPlayback) gives
// the live specs the very answers the live run got.
//
// A kept tape (the zero Tape, and what ReadTape returns) holds its
// attempts in memory; a spooled one (SpoolTape) writes each to disk as it
// is made, so that a recorded run holds no more than a run that is not.
type Tape struct {
	mu      sync.Mutex
	entries []TapeEntry
	spool   *spool // when set, attempts go there, not into entries
}

// TapeEntry is one attempt: the request as sent and what came back, both
// redacted like a recording.
type TapeEntry struct {
	Tamper   Tamper
	Request  []byte
	Response []byte // head and body as far as received; nil when none
	// Truncated says the body was cut at Limits.MaxBody.
	Truncated bool
	// Kind and Err say how the attempt failed in transport, if it did.
	Kind Kind
	Err  string
}

type tamperKey struct{}

// withTamper marks a request's context with how its authentication was
// spoilt, for the tape to key it by.
func withTamper(ctx context.Context, tm Tamper) context.Context {
	return context.WithValue(ctx, tamperKey{}, tm)
}

func tamperOf(ctx context.Context) Tamper {
	tm, _ := ctx.Value(tamperKey{}).(Tamper)
	return tm
}

// add keeps one attempt.
func (tp *Tape) add(ctx context.Context, ex *Exchange) {
	e := TapeEntry{Tamper: tamperOf(ctx), Request: ex.Request, Response: ex.Response, Truncated: ex.Truncated}
	if ex.Err != nil {
		e.Kind, e.Err = KindOf(ex.Err), ex.Err.Error()
		if e.Kind == 0 {
			e.Kind = Protocol // the request could not be built
		}
	}
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if tp.spool != nil {
		tp.spool.add(e)
		return
	}
	tp.entries = append(tp.entries, e)
}

// Entries returns the attempts kept so far: none for a spooled tape,
// whose attempts are on disk.
func (tp *Tape) Entries() []TapeEntry {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return append([]TapeEntry(nil), tp.entries...)
}

// Format writes a kept tape in the recording format: the metadata
// lines, one "tape.N: tamper=T [truncated] [error=KIND MESSAGE]" line per
// attempt, then its N/request and N/response parts. A spooled tape is
// written by Commit, in the same format.
func (tp *Tape) Format(meta [][2]string) ([]byte, error) {
	if tp.spooled() {
		return nil, errors.New("a spooled tape is written by Commit")
	}
	var lines, parts bytes.Buffer
	for i, e := range tp.Entries() {
		if err := writeEntry(&lines, &parts, i+1, e); err != nil {
			return nil, err
		}
	}
	head, err := exchange.FormatHeader(meta)
	if err != nil {
		return nil, err
	}
	return append(append(head, lines.Bytes()...), parts.Bytes()...), nil
}

func (tp *Tape) spooled() bool {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	return tp.spool != nil
}

// writeEntry writes attempt n: its tape.N line to lines, its parts to
// parts. The file holds every line before the first part.
func writeEntry(lines, parts io.Writer, n int, e TapeEntry) error {
	line := "tamper=" + e.Tamper.Name()
	if e.Truncated {
		line += " truncated"
	}
	if e.Err != "" {
		line += fmt.Sprintf(" error=%d %s", int(e.Kind), strings.ReplaceAll(e.Err, "\n", " "))
	}
	head, err := exchange.FormatHeader([][2]string{{fmt.Sprintf("tape.%d", n), line}})
	if err != nil {
		return err
	}
	ps := []exchange.Part{{Name: fmt.Sprintf("%d/request", n), Data: e.Request}}
	if e.Response != nil {
		ps = append(ps, exchange.Part{Name: fmt.Sprintf("%d/response", n), Data: e.Response})
	}
	body, err := exchange.FormatParts(ps)
	if err != nil {
		return err
	}
	if _, err := lines.Write(head); err != nil {
		return err
	}
	_, err = parts.Write(body)
	return err
}

// ReadTape reads what Format wrote: the metadata (tape.N lines left out)
// and the tape.
func ReadTape(src []byte) (map[string]string, *Tape, error) {
	meta := map[string]string{}
	lines := map[int]string{}
	parts := map[string][]byte{}
	var name string
	var data []byte
	flush := func() {
		if name != "" {
			parts[name] = bytes.TrimSuffix(data, []byte("\n")) // txtar's newline
		}
	}
	for len(src) > 0 {
		line, rest, _ := bytes.Cut(src, []byte("\n"))
		full := src[:len(src)-len(rest)]
		src = rest
		if s := string(line); strings.HasPrefix(s, "-- ") && strings.HasSuffix(s, " --") && len(s) > 6 {
			flush()
			name, data = s[3:len(s)-3], nil
			continue
		}
		if name != "" {
			data = append(data, full...)
			continue
		}
		k, v, ok := strings.Cut(string(line), ": ")
		if !ok {
			continue
		}
		if n, isTape := strings.CutPrefix(k, "tape."); isTape {
			i, err := strconv.Atoi(n)
			if err != nil || i < 1 {
				return nil, nil, fmt.Errorf("%s: not an attempt number", k)
			}
			lines[i] = v
			continue
		}
		meta[k] = v
	}
	flush()
	tp := &Tape{}
	err := eachAttempt(lines, parts, func(e TapeEntry, req, resp []byte, _ bool) {
		e.Request, e.Response = req, resp
		tp.entries = append(tp.entries, e)
	})
	if err != nil {
		return nil, nil, err
	}
	return meta, tp, nil
}

// eachAttempt hands use each attempt of a tape in order: its entry (from
// its tape.N line) and its request and response parts, whether the parts
// are bytes (a tape read whole) or places in the file (one read an
// attempt at a time). Every attempt needs its line and its request, and a
// response unless its entry says why there is none.
func eachAttempt[P any](lines map[int]string, parts map[string]P, use func(e TapeEntry, req, resp P, hasResp bool)) error {
	for i := 1; i <= len(lines); i++ {
		line, ok := lines[i]
		if !ok {
			return fmt.Errorf("tape.%d is missing", i)
		}
		e, err := readEntry(line)
		if err != nil {
			return fmt.Errorf("tape.%d: %w", i, err)
		}
		req, ok := parts[fmt.Sprintf("%d/request", i)]
		if !ok {
			return fmt.Errorf("tape.%d: no %d/request part", i, i)
		}
		resp, hasResp := parts[fmt.Sprintf("%d/response", i)]
		if !hasResp && e.Err == "" {
			return fmt.Errorf("tape.%d: neither a %d/response part nor an error", i, i)
		}
		use(e, req, resp, hasResp)
	}
	return nil
}

func readEntry(line string) (TapeEntry, error) {
	var e TapeEntry
	line, errText, hasErr := strings.Cut(line, " error=")
	for _, f := range strings.Fields(line) {
		k, v, _ := strings.Cut(f, "=")
		switch k {
		case "tamper":
			tm, err := ParseTamper(v)
			if err != nil {
				return e, err
			}
			e.Tamper = tm
		case "truncated":
			e.Truncated = true
		}
	}
	if hasErr {
		kind, msg, _ := strings.Cut(errText, " ")
		k, err := strconv.Atoi(kind)
		if err != nil || k < 1 {
			return e, fmt.Errorf("error=%q names no kind of failure", errText)
		}
		e.Kind, e.Err = Kind(k), msg
	}
	return e, nil
}
