package exchange

import (
	"bytes"
	"fmt"
	"strings"
)

// Part is one message of a recording to write: Name is "N/request" or
// "N/response".
type Part struct {
	Name string
	Data []byte
}

// Format writes a recording in the format Parse reads: metadata lines
// ("key: value", in order), then the parts with their bytes kept and one
// newline more, which belongs to txtar. A part that holds a line txtar would read as a
// file marker cannot be kept faithfully and is an error.
func Format(meta [][2]string, parts []Part) ([]byte, error) {
	head, err := FormatHeader(meta)
	if err != nil {
		return nil, err
	}
	body, err := FormatParts(parts)
	if err != nil {
		return nil, err
	}
	return append(head, body...), nil
}

// FormatHeader writes a recording's metadata lines as Format does: one
// line each.
func FormatHeader(meta [][2]string) ([]byte, error) {
	var b bytes.Buffer
	for _, kv := range meta {
		if strings.ContainsAny(kv[0]+kv[1], "\r\n") {
			return nil, fmt.Errorf("metadata %s: a value must be one line", kv[0])
		}
		fmt.Fprintf(&b, "%s: %s\n", kv[0], kv[1])
	}
	return b.Bytes(), nil
}

// FormatParts writes parts as Format does, for a recording written a few
// parts at a time: a header, then the parts in order.
func FormatParts(parts []Part) ([]byte, error) {
	var b bytes.Buffer
	for _, p := range parts {
		if hasMarker(p.Data) {
			return nil, fmt.Errorf("part %s holds a line of the form \"-- name --\", which the recording format cannot keep", p.Name)
		}
		fmt.Fprintf(&b, "-- %s --\n", p.Name)
		b.Write(p.Data)
		b.WriteByte('\n') // txtar's, removed again by Parse
	}
	return b.Bytes(), nil
}

func hasMarker(data []byte) bool {
	for off := 0; off < len(data); {
		if _, _, ok := marker(data[off:]); ok {
			return true
		}
		i := bytes.IndexByte(data[off:], '\n')
		if i < 0 {
			return false
		}
		off += i + 1
	}
	return false
}

// Chunked frames a body read from a chunked response as chunked again
// (one chunk, the last chunk and the trailers, each value passed through
// mask), so that a recording whose head says chunked has a body that
// agrees. A body cut short (cut) keeps no last chunk: the recording
// shows it ended early.
func Chunked(body []byte, trailer map[string][]string, mask func(string) string, cut bool) []byte {
	var b bytes.Buffer
	if len(body) > 0 {
		fmt.Fprintf(&b, "%x\r\n%s\r\n", len(body), body)
	}
	if cut {
		return b.Bytes()
	}
	b.WriteString("0\r\n")
	for name, values := range trailer {
		for _, v := range values {
			fmt.Fprintf(&b, "%s: %s\r\n", name, mask(v))
		}
	}
	b.WriteString("\r\n")
	return b.Bytes()
}
