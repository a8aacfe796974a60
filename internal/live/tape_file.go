package live

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"strconv"
	"strings"
)

// TapeFile is a tape read where it lies: OpenTape reads the file once,
// keeping of each attempt its tape line and where its parts are, and a
// playback of it (NewPlaybackFile) reads an attempt's request and
// response from the file when a request asks for them. So playing back
// a run holds the exchange in hand, never the tape.
type TapeFile struct {
	path    string
	entries []tapeRef
}

// tapeRef is an attempt of a tape file: its line, without its parts, and
// where they are.
type tapeRef struct {
	line          TapeEntry // Request and Response nil
	request, resp span
	hasResp       bool
}

// span is where a part's data lies in the file; n -1: a part without a
// line, whose data is nil.
type span struct{ off, n int64 }

// OpenTape reads the metadata and the attempts' lines of the tape at
// path, and where each part lies, checking what ReadTape checks.
func OpenTape(path string) (map[string]string, *TapeFile, error) {
	f, err := os.Open(path)
	if err != nil {
		return nil, nil, err
	}
	defer f.Close()
	meta := map[string]string{}
	lines := map[int]string{}
	parts := map[string]span{}
	r := bufio.NewReaderSize(f, 64<<10)
	var (
		off      int64 // of the line being read
		name     string
		start    int64 // of the current part's data
		lastLine bool  // the part's data ends in a newline (txtar's)
	)
	flush := func(end int64) {
		if name != "" {
			n := end - start
			switch {
			case n == 0:
				n = -1 // no line at all: ReadTape's data is nil
			case lastLine:
				n-- // txtar's newline
			}
			parts[name] = span{start, n}
		}
	}
	for {
		line, n, err := readLine(r, name == "")
		if n == 0 && err != nil {
			if err != io.EOF {
				return nil, nil, err
			}
			break
		}
		s := string(line)
		if strings.HasPrefix(s, "-- ") && strings.HasSuffix(s, " --") && len(s) > 6 {
			flush(off)
			name, start = s[3:len(s)-3], off+n
		} else if name == "" {
			if k, v, ok := strings.Cut(s, ": "); ok {
				if num, isTape := strings.CutPrefix(k, "tape."); isTape {
					i, err := strconv.Atoi(num)
					if err != nil || i < 1 {
						return nil, nil, fmt.Errorf("%s: not an attempt number", k)
					}
					lines[i] = v
				} else {
					meta[k] = v
				}
			}
		}
		lastLine = n > 0 && err == nil // readLine returns io.EOF for a last line without a newline
		off += n
		if err == io.EOF {
			break
		}
		if err != nil {
			return nil, nil, err
		}
	}
	flush(off)
	tf := &TapeFile{path: path}
	err = eachAttempt(lines, parts, func(e TapeEntry, req, resp span, hasResp bool) {
		tf.entries = append(tf.entries, tapeRef{line: e, request: req, resp: resp, hasResp: hasResp})
	})
	if err != nil {
		return nil, nil, err
	}
	return meta, tf, nil
}

// readLine reads one line and returns it (without its newline) if it
// may be a part's header or a metadata line (all of them while header
// says the parts have not begun; after that, those that are short or
// start with "-- "), and n, the bytes it takes in the file. A long line
// of a body is counted, not kept. err is io.EOF at a last line without a
// newline, and after the last line.
func readLine(r *bufio.Reader, header bool) (line []byte, n int64, err error) {
	var keep []byte
	keeping := true
	for {
		chunk, err := r.ReadSlice('\n')
		n += int64(len(chunk))
		if keeping {
			keep = append(keep, chunk...)
			if !header && len(keep) > 4096 && !bytes.HasPrefix(keep, []byte("-- ")) {
				keeping, keep = false, nil
			}
		}
		switch err {
		case bufio.ErrBufferFull:
			continue
		case nil:
			return bytes.TrimSuffix(keep, []byte("\n")), n, nil
		default:
			return keep, n, err
		}
	}
}

// Len is how many attempts the tape holds.
func (tf *TapeFile) Len() int { return len(tf.entries) }

// request reads attempt i's request (0-based) from the file.
func (tf *TapeFile) request(i int) ([]byte, Tamper, error) {
	f, err := os.Open(tf.path)
	if err != nil {
		return nil, 0, err
	}
	defer f.Close()
	b, err := readSpan(f, tf.entries[i].request)
	if err != nil {
		return nil, 0, fmt.Errorf("%s: attempt %d: %w", tf.path, i+1, err)
	}
	return b, tf.entries[i].line.Tamper, nil
}

// entry reads attempt i (0-based) from the file.
func (tf *TapeFile) entry(i int) (TapeEntry, error) {
	ref := tf.entries[i]
	f, err := os.Open(tf.path)
	if err != nil {
		return TapeEntry{}, err
	}
	defer f.Close()
	e := ref.line
	if e.Request, err = readSpan(f, ref.request); err != nil {
		return TapeEntry{}, fmt.Errorf("%s: attempt %d: %w", tf.path, i+1, err)
	}
	if ref.hasResp {
		if e.Response, err = readSpan(f, ref.resp); err != nil {
			return TapeEntry{}, fmt.Errorf("%s: attempt %d: %w", tf.path, i+1, err)
		}
	}
	return e, nil
}

func readSpan(f *os.File, s span) ([]byte, error) {
	if s.n < 0 {
		return nil, nil
	}
	b := make([]byte, s.n)
	if _, err := f.ReadAt(b, s.off); err != nil {
		return nil, err
	}
	return b, nil
}
