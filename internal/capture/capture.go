// Package capture reads traffic captured by other tools, HAR files,
// go-vcr cassettes and curl -i / curl -v output, picks out the GET Service
// exchanges in it, and turns them into the project's recordings so that
// the checks judge them as they judge a txtar fixture.
//
// An import is synthesised in memory: the exchanges of one host form one
// recording (one walk), written in the txtar format that
// internal/exchange reads, and every byte of it remembers where it came
// from in the capture. A finding on the synthesised recording is then
// moved back to its line and column in the capture file and names the
// entry it belongs to ("entries[3]", "interactions[2]").
package capture

import (
	"bytes"
	"fmt"
	"strings"
)

// Format is a kind of capture file.
type Format string

const (
	Txtar Format = "txtar" // the project's own recordings
	HAR   Format = "har"   // HTTP Archive 1.2
	VCR   Format = "vcr"   // go-vcr cassette, YAML
	Curl  Format = "curl"  // curl -i or curl -v output
)

// Detect tells a capture's format from its content; the name's extension
// only breaks a tie. Anything it does not recognise is read as txtar,
// whose reader reports what is wrong with it.
func Detect(name string, data []byte) Format {
	head := bytes.TrimLeft(data[:min(len(data), 4096)], " \t\r\n\ufeff")
	switch {
	case bytes.HasPrefix(head, []byte("{")) && bytes.Contains(data[:min(len(data), 1<<16)], []byte(`"log"`)):
		return HAR
	case hasLinePrefix(data, "interactions:") && (hasLinePrefix(data, "version:") || strings.HasSuffix(name, ".yaml") || strings.HasSuffix(name, ".yml")):
		return VCR
	case hasLinePrefix(data, "-- ") && (bytes.Contains(data, []byte("/request --")) || bytes.Contains(data, []byte("/response --")) || bytes.Contains(data, []byte("/body --"))):
		return Txtar
	case bytes.HasPrefix(head, []byte("HTTP/")) || hasLinePrefix(data, "> GET ") || hasLinePrefix(data, "< HTTP/") || bytes.HasPrefix(head, []byte("* ")):
		return Curl
	}
	return Txtar
}

// hasLinePrefix reports whether a line of data starts with p.
func hasLinePrefix(data []byte, p string) bool {
	return bytes.HasPrefix(data, []byte(p)) || bytes.Contains(data, []byte("\n"+p))
}

// entry is one request and response read from a capture, before it is
// placed. Either side may be missing (curl -i shows no request).
type entry struct {
	label string // "entries[3]", "interactions[2]", "request 2"
	num   int    // 1-based, the exchange number its findings carry
	pos   int    // its first byte in the file
	req   *message
	resp  *message
	// decoded says the capture tool gave the body as the client saw it
	// (de-chunked, maybe decompressed), so the framing headers do not
	// describe these bytes.
	decoded bool
	// unreadable says why the entry cannot be judged at all.
	unreadable string
}

// message is one side of an entry.
type message struct {
	method, url text // request
	status      int  // response
	reason      string
	line        int // first byte of the request or status line's source
	headers     []field
	body        text
	noBody      string // why the body is missing, when it was not captured
}

// field is one header.
type field struct{ name, value text }

// get returns a header's value, case-insensitively.
func (m *message) get(name string) string {
	if m == nil {
		return ""
	}
	for _, h := range m.headers {
		if strings.EqualFold(h.name.String(), name) {
			return h.value.String()
		}
	}
	return ""
}

// Unplaced is an entry of a capture that is not judged, and why.
type Unplaced struct {
	Entry        string // "entries[7]"
	Line, Col    int
	Method, URL  string // what it asked for, as far as the capture shows
	Why          string
	requestShown bool
}

func (u Unplaced) String() string {
	if !u.requestShown {
		return fmt.Sprintf("%s: %s", u.Entry, u.Why)
	}
	return fmt.Sprintf("%s: %s %s: %s", u.Entry, u.Method, u.URL, u.Why)
}
