package check

import (
	"bytes"
	"fmt"
	"strings"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
	"golang.org/x/text/transform"
)

// transcoded is an XML body decoded to UTF-8 from the encoding it
// declares, its declaration naming UTF-8 from then on, so that the readers
// (which know UTF-8 only) judge what the body says.
type transcoded struct {
	body []byte
	// origin[i] is the offset in the original body of byte i of body.
	origin []int32
	// declared is the encoding the body named (its declaration, or a
	// UTF-16 byte order mark); labelAt is the offset of that name in
	// the original body (-1: a byte order mark named it).
	declared string
	labelAt  int
	// unknown says no registry knows declared, mislabeled that the bytes
	// cannot be in it (UTF-16 named in one-byte characters): either way
	// the body is read as UTF-8.
	unknown, mislabeled bool
}

// transcode decodes an XML body that declares an encoding other than
// UTF-8; nil when it declares UTF-8 or nothing (XML's default).
func transcode(raw []byte) *transcoded {
	if enc, name := utf16Encoding(raw); enc != nil {
		body, origin := decodeMapped(enc, raw)
		t := &transcoded{body: body, origin: origin, declared: name, labelAt: -1}
		if label, start, end := declaredEncoding(body); label != "" {
			t.declared, t.labelAt = label, int(origin[start])
			t.relabel(start, end)
		}
		return t
	}
	label, start, end := declaredEncoding(raw)
	switch strings.ToLower(label) {
	case "", "utf-8", "utf8":
		return nil
	}
	t := &transcoded{declared: label, labelAt: start}
	enc := lookupEncoding(label)
	if lower := strings.ToLower(label); strings.HasPrefix(lower, "utf-16") || strings.HasPrefix(lower, "utf-32") {
		// The declaration was read as ASCII, so the bytes are not what it
		// names: read them as UTF-8 and say so.
		t.mislabeled, enc = true, nil
	}
	if enc == nil {
		t.unknown = !t.mislabeled
		enc = encoding.Nop
	}
	t.body, t.origin = decodeMapped(enc, raw)
	// The declaration is ASCII in every encoding lookupEncoding returns
	// but UTF-16 (handled above), so its offsets are the same.
	t.relabel(start, end)
	return t
}

// relabel replaces body[start:end], the declaration's encoding name,
// with UTF-8, keeping origin in step.
func (t *transcoded) relabel(start, end int) {
	at := t.origin[start]
	body := append(append(t.body[:start:start], "UTF-8"...), t.body[end:]...)
	origin := append(t.origin[:start:start], at, at, at, at, at)
	t.body, t.origin = body, append(origin, t.origin[end:]...)
}

// pos maps an offset of the transcoded body to the original body.
func (t *transcoded) pos(off int) int {
	if off < len(t.origin) {
		return int(t.origin[off])
	}
	if len(t.origin) == 0 {
		return off
	}
	return int(t.origin[len(t.origin)-1]) + 1
}

// lookupEncoding finds an encoding by its IANA name, or the name a web
// browser knows it by; nil when neither registry knows it.
func lookupEncoding(label string) encoding.Encoding {
	switch strings.ToLower(label) {
	case "us-ascii", "ascii":
		return encoding.Nop // a subset of UTF-8
	}
	if enc, err := ianaindex.IANA.Encoding(label); err == nil && enc != nil {
		return enc
	}
	if enc, err := htmlindex.Get(label); err == nil {
		return enc
	}
	return nil
}

// utf16Encoding recognises a UTF-16 body by its byte order mark or by
// "<?" in either byte order (XML 1.0 appendix F).
func utf16Encoding(b []byte) (encoding.Encoding, string) {
	switch {
	case bytes.HasPrefix(b, []byte{0xFF, 0xFE}):
		return unicode.UTF16(unicode.LittleEndian, unicode.ExpectBOM), "UTF-16LE"
	case bytes.HasPrefix(b, []byte{0xFE, 0xFF}):
		return unicode.UTF16(unicode.BigEndian, unicode.ExpectBOM), "UTF-16BE"
	case bytes.HasPrefix(b, []byte{'<', 0, '?', 0}):
		return unicode.UTF16(unicode.LittleEndian, unicode.IgnoreBOM), "UTF-16LE"
	case bytes.HasPrefix(b, []byte{0, '<', 0, '?'}):
		return unicode.UTF16(unicode.BigEndian, unicode.IgnoreBOM), "UTF-16BE"
	}
	return nil, ""
}

// declaredEncoding returns the encoding name of an XML declaration at the
// start of b and where the name stands; "" when there is none.
func declaredEncoding(b []byte) (label string, start, end int) {
	off := 0
	if bytes.HasPrefix(b, []byte("\xEF\xBB\xBF")) {
		off = 3
	}
	// White space before the declaration breaks XML, but Go's reader
	// still honours the declaration: so must this.
	for off < len(b) && (b[off] == ' ' || b[off] == '\t' || b[off] == '\r' || b[off] == '\n') {
		off++
	}
	if !bytes.HasPrefix(b[off:], []byte("<?xml")) {
		return "", 0, 0
	}
	decl := b[off:min(len(b), off+512)]
	stop := bytes.Index(decl, []byte("?>"))
	if stop < 0 {
		return "", 0, 0
	}
	decl = decl[:stop]
	i := bytes.Index(decl, []byte("encoding"))
	if i < 0 {
		return "", 0, 0
	}
	rest := decl[i+len("encoding"):]
	j := 0
	for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\r' || rest[j] == '\n') {
		j++
	}
	if j >= len(rest) || rest[j] != '=' {
		return "", 0, 0
	}
	j++
	for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t' || rest[j] == '\r' || rest[j] == '\n') {
		j++
	}
	if j >= len(rest) || rest[j] != '"' && rest[j] != '\'' {
		return "", 0, 0
	}
	q := rest[j]
	k := bytes.IndexByte(rest[j+1:], q)
	if k < 0 {
		return "", 0, 0
	}
	start = off + i + len("encoding") + j + 1
	return string(rest[j+1 : j+1+k]), start, start + k
}

// decodeMapped decodes src with enc character by character, recording for
// every output byte the offset of the input character it came from. A
// byte the decoder cannot read becomes U+FFFD. Bodies that declare other
// encodings are rare and small, so the per-character pace is no cost.
func decodeMapped(enc encoding.Encoding, src []byte) ([]byte, []int32) {
	dec := enc.NewDecoder()
	out := make([]byte, 0, len(src)+len(src)/4)
	origin := make([]int32, 0, cap(out))
	var buf [64]byte
	emit := func(b []byte, at int) {
		out = append(out, b...)
		for range b {
			origin = append(origin, int32(at))
		}
	}
	for i := 0; i < len(src); {
		n, done := 1, false
		for !done {
			atEOF := i+n >= len(src)
			nDst, nSrc, err := dec.Transform(buf[:], src[i:min(i+n, len(src))], atEOF)
			switch {
			case nSrc > 0:
				emit(buf[:nDst], i)
				i += nSrc
				done = true
			case err == transform.ErrShortSrc && !atEOF && n < 8:
				n++
			default:
				emit([]byte("\uFFFD"), i)
				i++
				done = true
			}
		}
	}
	return out, origin
}

// encodingProblem says what is wrong with a transcoded body's encoding
// for a contract that lists the encodings allowed; "" when nothing is.
func encodingProblem(t *transcoded, allowed []string) string {
	if t.unknown {
		return fmt.Sprintf("the XML declaration names encoding %q, which no registry this tool knows lists; the body is read as UTF-8", t.declared)
	}
	if t.mislabeled {
		return fmt.Sprintf("the XML declaration names encoding %q, but it is itself written in one-byte characters, so the body is not in %s; it is read as UTF-8", t.declared, t.declared)
	}
	if len(allowed) == 0 {
		return ""
	}
	for _, a := range allowed {
		if strings.EqualFold(a, t.declared) {
			return ""
		}
	}
	return fmt.Sprintf("the body is in %s; the contract wants %s (it was decoded from %s and checked as such)", t.declared, strings.Join(allowed, " or "), t.declared)
}
