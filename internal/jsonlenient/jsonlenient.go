// Package jsonlenient reads JSON that may be malformed. It reports every
// syntax problem with its byte offset and recovers as much of the value as it
// can, so that checks on the value can still run on a broken document.
//
// For valid JSON, Parse returns no problems and the value encoding/json
// produces when decoding into an any with UseNumber. Otherwise it recovers
// as follows; each rule reports one problem at the offset given.
//
//   - A missing ',' between object members or array elements is reported at
//     the token that should have followed it; reading goes on as if it were
//     there.
//   - A trailing ',' before '}' or ']' is reported at the comma and ignored.
//     A stray ',' (as in "[1,,2]" or "{,") is reported and skipped.
//   - A missing ':' after an object key is reported where the ':' should be;
//     the value is read as if it were there. A stray ':' where a value
//     should start is reported and skipped.
//   - A bare word as an object key ({name: 1}) is reported and used as the
//     key. An object or array as a key is reported and its member dropped.
//   - A bad literal or number is reported at its start and skipped as a
//     whole (up to the next white space or punctuation). It reads as true,
//     false or null if it is one of those in other letter case, as the number
//     strconv.ParseFloat makes of it if it is a malformed decimal number such
//     as 01, 1. or +1, and as null otherwise.
//   - A value missing where one is required (as in {"a":}) is reported at the
//     byte where it should start; its member or element is dropped.
//   - An unterminated string is reported at its opening quote and runs to
//     the end of the line (or input). If that line ends in ',', the comma is
//     taken to be the separator that followed the lost closing quote.
//   - An invalid escape is reported at its '\' and kept as written; a
//     control character in a string is reported and kept.
//   - A '}' or ']' that does not match the innermost open container is
//     reported at it. If an enclosing container it does match is open, the
//     innermost container is taken to lack its closer and ends there, and
//     the '}' or ']' is left for the enclosing one; otherwise it is taken as
//     a typo for the right closer.
//   - Containers still open at the end of input are reported once, at
//     offset len(data), with how many there are; what was read is kept.
//   - Anything but white space after the top-level value is reported once
//     at its first byte and ignored.
//   - Empty input (or only white space) is reported at offset 0.
//   - A leading UTF-8 byte order mark is reported at offset 0 and skipped.
//   - A // or /* */ comment is reported at its start and skipped like white
//     space.
//   - Nesting deeper than 1000 containers is reported at the opening bracket
//     that exceeds it, and reading stops there.
//
// Of syntax problems found one after another at the same offset, only the
// first is reported; the others are consequences of it. At most 100
// problems are reported; one more problem then says how many were left out.
//
// Parse returns nil both for null and when no value could be read at all;
// the problems tell which.
package jsonlenient

import (
	"bytes"
	"strconv"
	"strings"
)

// Problem is one syntax defect in a JSON text.
type Problem struct {
	Offset int    // byte offset in the input where the problem is (0-based)
	Kind   string // "syntax" or "duplicate-key"
	Msg    string // one short lower-case sentence
}

// Parse reads data as JSON. It returns the value as encoding/json would decode
// it into an `any` with UseNumber (map[string]any, []any, string, json.Number,
// bool, nil), as far as it can be read, and every problem found, in order of
// offset. For valid JSON, problems is empty and v equals what encoding/json
// (UseNumber) produces. Duplicate keys: the last value wins (like encoding/json)
// and each repeat is a "duplicate-key" problem at the repeated key's opening quote.
func Parse(data []byte) (v any, problems []Problem) { return ParseDepth(data, 0) }

// ParseDepth is Parse with nesting limited to depth open containers (a
// contract's limit): the container that would open one more is reported
// and reading stops there. depth 0, or past 1000, is 1000.
func ParseDepth(data []byte, depth int) (v any, problems []Problem) {
	p := newParser(data)
	if depth > 0 && depth < maxDepth {
		p.depth = depth
	}
	v = p.parse()
	return v, p.result()
}

// Locate returns the byte offset of the first byte of the value at the JSON
// Pointer ptr (RFC 6901, "" is the whole document) in data, or -1 if there is no
// such value. It works on the same lenient reading as Parse, so a pointer
// into a recovered value resolves too. For a duplicate key, it resolves to the
// last occurrence (the one whose value Parse kept).
func Locate(data []byte, ptr string) int {
	want, ok := splitPointer(ptr)
	if !ok {
		return -1
	}
	p := newParser(data)
	p.locate = true
	p.want = want
	p.index = make([]int, len(want))
	for i, tok := range want {
		p.index[i] = arrayIndex(tok)
	}
	p.parse()
	return p.found
}

// Position turns a byte offset into a 1-based line and 1-based byte column
// (a line starts after '\n'; "\r\n" counts as one line end). Offsets outside
// data are clamped to it.
func Position(data []byte, offset int) (line, col int) {
	offset = max(0, min(offset, len(data)))
	head := data[:offset]
	line = 1 + bytes.Count(head, []byte{'\n'})
	col = offset - bytes.LastIndexByte(head, '\n')
	return line, col
}

// splitPointer splits an RFC 6901 JSON Pointer into its unescaped reference
// tokens. ok is false if ptr is not a valid pointer.
func splitPointer(ptr string) (toks []string, ok bool) {
	if ptr == "" {
		return nil, true
	}
	if ptr[0] != '/' {
		return nil, false
	}
	toks = strings.Split(ptr[1:], "/")
	for i, t := range toks {
		if !strings.Contains(t, "~") {
			continue
		}
		for j := 0; j < len(t); j++ {
			if t[j] == '~' && (j+1 == len(t) || t[j+1] != '0' && t[j+1] != '1') {
				return nil, false
			}
		}
		toks[i] = tildeUnescaper.Replace(t)
	}
	return toks, true
}

// tildeUnescaper undoes the ~1 and ~0 escapes of a pointer token; scanning
// left to right makes "~01" become "~1", as RFC 6901 requires.
var tildeUnescaper = strings.NewReplacer("~1", "/", "~0", "~")

// arrayIndex returns the array index a pointer token names, or -1 if it
// names none (RFC 6901 allows no sign and no leading zeros; "-" names the
// element after the last, which never exists).
func arrayIndex(tok string) int {
	if tok == "" || len(tok) > 1 && tok[0] == '0' {
		return -1
	}
	for i := 0; i < len(tok); i++ {
		if tok[i] < '0' || tok[i] > '9' {
			return -1
		}
	}
	n, err := strconv.Atoi(tok)
	if err != nil {
		return -1
	}
	return n
}
