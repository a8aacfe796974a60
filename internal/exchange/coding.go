package exchange

import (
	"bytes"
	"compress/flate"
	"compress/gzip"
	"compress/zlib"
	"errors"
	"fmt"
	"io"
	"strings"
)

// MaxDecoded caps what a content-coded body may decode to: a small body
// that inflates past it (a compression bomb) is a finding and is not read
// further.
var MaxDecoded int64 = 64 << 20

// errTooLarge says a body decodes to more than MaxDecoded.
var errTooLarge = errors.New("too large")

// decodeContent undoes the content codings of ce, last applied first
// (RFC 9110 8.4). A coding it cannot undo leaves Body coded and says why
// in Undecoded.
func (m *Message) decodeContent(ce Header, problem func(string, int, string)) {
	codings := splitList(ce.Value)
	body := m.Body
	var done []string
	for i := len(codings) - 1; i >= 0; i-- {
		c := strings.ToLower(codings[i])
		var err error
		switch c {
		case "identity":
			continue
		case "gzip", "x-gzip":
			body, err = inflate(body, func(r io.Reader) (io.Reader, error) { return gzip.NewReader(r) })
		case "deflate":
			// RFC 9110 deflate is zlib-wrapped; some servers send the raw
			// stream, which clients accept too.
			var z []byte
			if z, err = inflate(body, func(r io.Reader) (io.Reader, error) { return zlib.NewReader(r) }); err == nil || errors.Is(err, errTooLarge) {
				body = z
			} else {
				body, err = inflate(body, func(r io.Reader) (io.Reader, error) { return flate.NewReader(r), nil })
			}
		default:
			m.Undecoded = fmt.Sprintf("Content-Encoding %s is not decoded by this tool", codings[i])
			problem("http.content-encoding", ce.ValueOffset, fmt.Sprintf("Content-Encoding %q: the %s coding is not decoded here, so the body is not checked", ce.Value, codings[i]))
			return
		}
		switch {
		case errors.Is(err, errTooLarge):
			m.Undecoded = "the body decodes past the size cap"
			problem("http.content-encoding", ce.ValueOffset, fmt.Sprintf("the %s body (%d bytes) decodes to more than %d bytes, the cap against compression bombs: not checked", c, len(m.Body), MaxDecoded))
			return
		case err != nil:
			m.Undecoded = fmt.Sprintf("the body does not decode as %s", c)
			problem("http.content-encoding", m.codedStart(), fmt.Sprintf("Content-Encoding says %s but the body does not decode as %s: %v", ce.Value, c, err))
			return
		}
		done = append(done, c)
	}
	if len(done) > 0 {
		m.Body = body
		m.Coding = strings.Join(done, "+")
	}
}

// codedStart is where the coded body starts in the recording.
func (m *Message) codedStart() int {
	if len(m.segments) > 0 {
		return m.segments[0].file
	}
	return m.BodyOffset
}

// inflate reads all of what open makes of b, up to MaxDecoded bytes.
func inflate(b []byte, open func(io.Reader) (io.Reader, error)) ([]byte, error) {
	r, err := open(bytes.NewReader(b))
	if err != nil {
		return nil, err
	}
	out, err := io.ReadAll(io.LimitReader(r, MaxDecoded+1))
	if err != nil {
		return nil, err
	}
	if int64(len(out)) > MaxDecoded {
		return nil, errTooLarge
	}
	return out, nil
}
