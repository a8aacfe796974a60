package capture

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"strconv"
	"strings"

	yaml "go.yaml.in/yaml/v3"
)

// readVCR reads a go-vcr cassette: format version 1 (go-vcr v1, v2) and 2
// (go-vcr v3, v4). Both hold interactions[].request{method,url,headers,
// body} and .response{body,headers,status,code}; version 2 adds proto,
// content_length, uncompressed and more, which change nothing here: the
// body is always as Go's client read it (de-chunked, and decompressed
// when the transport asked for gzip itself).
func (imp *Import) readVCR() ([]*entry, error) {
	var doc yaml.Node
	if err := yaml.Unmarshal(imp.Src, &doc); err != nil {
		return nil, fmt.Errorf("%s: not a go-vcr cassette: %v", imp.File, err)
	}
	if len(doc.Content) == 0 || doc.Content[0].Kind != yaml.MappingNode {
		return nil, fmt.Errorf("%s: not a go-vcr cassette: no top-level mapping", imp.File)
	}
	list := member(doc.Content[0], "interactions")
	if list == nil || list.Kind != yaml.SequenceNode {
		return nil, fmt.Errorf("%s: not a go-vcr cassette: no interactions list", imp.File)
	}
	var entries []*entry
	for i, in := range list.Content {
		e := &entry{label: fmt.Sprintf("interactions[%d]", i), num: i + 1, pos: imp.nodeOffset(in), decoded: true}
		entries = append(entries, e)
		if in.Kind != yaml.MappingNode {
			e.unreadable = "not a mapping of request and response"
			continue
		}
		if rq := member(in, "request"); rq != nil && rq.Kind == yaml.MappingNode {
			e.req = &message{
				method:  imp.scalar(member(rq, "method"), rq),
				url:     imp.scalar(member(rq, "url"), rq),
				line:    imp.nodeOffset(rq),
				headers: imp.vcrHeaders(member(rq, "headers")),
				body:    imp.scalar(member(rq, "body"), rq),
			}
		}
		rs := member(in, "response")
		if rs == nil || rs.Kind != yaml.MappingNode {
			continue // placing says no response was captured
		}
		m := &message{line: imp.nodeOffset(rs), headers: imp.vcrHeaders(member(rs, "headers")), body: imp.scalar(member(rs, "body"), rs)}
		if n := member(rs, "status"); n != nil {
			m.reason = n.Value
			if code, rest, ok := strings.Cut(n.Value, " "); ok {
				m.status, _ = strconv.Atoi(code)
				m.reason = rest
			}
			m.line = imp.nodeOffset(n)
		}
		if n := member(rs, "code"); n != nil {
			if c, err := strconv.Atoi(n.Value); err == nil {
				m.status = c
			}
		}
		if m.status == 0 {
			e.unreadable = "the response has no status code"
			continue
		}
		e.resp = m
	}
	return entries, nil
}

// member is a mapping's value for key, or nil.
func member(m *yaml.Node, key string) *yaml.Node {
	if m == nil || m.Kind != yaml.MappingNode {
		return nil
	}
	for i := 0; i+1 < len(m.Content); i += 2 {
		if m.Content[i].Value == key {
			return m.Content[i+1]
		}
	}
	return nil
}

func (imp *Import) nodeOffset(n *yaml.Node) int {
	if n == nil {
		return 0
	}
	return max(imp.lines.offset(n.Line, n.Column), 0)
}

// vcrHeaders reads a header map: name to a list of values (or one).
func (imp *Import) vcrHeaders(n *yaml.Node) []field {
	if n == nil || n.Kind != yaml.MappingNode {
		return nil
	}
	var fs []field
	for i := 0; i+1 < len(n.Content); i += 2 {
		name, v := imp.scalar(n.Content[i], n), n.Content[i+1]
		values := []*yaml.Node{v}
		if v.Kind == yaml.SequenceNode {
			values = v.Content
		}
		for _, val := range values {
			fs = append(fs, field{name: name, value: imp.scalar(val, v)})
		}
	}
	return fs
}

// scalar reads a scalar with its place: byte for byte where the file
// shows it as is (plain, quoted without escapes, each line of a literal
// block), else as a whole at the scalar's start. A missing scalar is
// empty, placed at parent.
func (imp *Import) scalar(n, parent *yaml.Node) text {
	if n == nil {
		return from(nil, imp.nodeOffset(parent))
	}
	off := imp.nodeOffset(n)
	if n.Kind != yaml.ScalarNode {
		return from(nil, off)
	}
	v := []byte(n.Value)
	if n.Tag == "!!binary" {
		data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(n.Value), ""))
		if err == nil {
			return from(data, off)
		}
	}
	if n.Style&yaml.LiteralStyle != 0 {
		return imp.literalBlock(n, v, off)
	}
	src := imp.Src
	for _, at := range []int{off, off + 1} {
		if at+len(v) <= len(src) && bytes.Equal(src[at:at+len(v)], v) {
			return verbatim(v, at)
		}
	}
	return from(v, off)
}

// literalBlock places each line of a "|" block on its source line.
func (imp *Import) literalBlock(n *yaml.Node, v []byte, off int) text {
	first := n.Line // 0-based index of the line after the indicator
	if first >= len(imp.lines) {
		return from(v, off)
	}
	// The block's indentation is that of its first non-blank line.
	indent := -1
	for l := first; l < len(imp.lines) && indent < 0; l++ {
		line := imp.lineBytes(l)
		if t := bytes.TrimLeft(line, " "); len(bytes.TrimSpace(t)) > 0 {
			indent = len(line) - len(t)
		}
	}
	if indent < 0 {
		return from(v, off)
	}
	t := text{data: v}
	at := 0
	for k, l := range bytes.SplitAfter(v, []byte("\n")) {
		if len(l) == 0 {
			continue
		}
		src, exact := off, false
		if idx := first + k; idx < len(imp.lines) {
			line := imp.lineBytes(idx)
			content := bytes.TrimSuffix(l, []byte("\n"))
			if len(line) >= indent && bytes.HasPrefix(line[indent:], content) {
				src, exact = imp.lines[idx]+indent, true
			} else {
				src = imp.lines[idx]
			}
		}
		t.spans = append(t.spans, span{at, src, exact})
		at += len(l)
	}
	if len(t.spans) == 0 {
		t.spans = []span{{0, off, false}}
	}
	return t
}

// lineBytes is line idx (0-based) of the file without its line end.
func (imp *Import) lineBytes(idx int) []byte {
	end := len(imp.Src)
	if idx+1 < len(imp.lines) {
		end = imp.lines[idx+1] - 1
	}
	return bytes.TrimSuffix(imp.Src[imp.lines[idx]:end], []byte("\r"))
}
