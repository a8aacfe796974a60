package jsonlenient_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/jsonlenient"
)

var validDocs = []string{
	bosFixed,
	`null`, `true`, `false`, `0`, `-0`, `-0.0e-0`, `1E+2`, `""`,
	`123456789012345678901234567890.123456789e-400`,
	` [ 1 , [ ] , { } , [ [ "x" ] ] ] `,
	"\t\r\n{\"\":\"\"}\r\n",
	`{"a":{"b":{"c":[{"d":null}]}}}`,
	`"\"\\\/\b\f\n\r\t\u0000\u001f\u00E9\uD834\uDD1E"`,
	`"\udd1e\ud834 \ud834\u0041 \ud834\ud834\udd1e"`,
	"\"é€😀 \xc3\x28 \xed\xa0\x80 \xff\"",
	`{"a":1,"\u0062":{"x":2},"b\u0000":[],"c":[3]}`,
	strings.Repeat("[", 1000) + strings.Repeat("]", 1000),
}

// TestValid checks that valid JSON without duplicate keys reads as
// encoding/json reads it, with no problems, and that Locate finds every value
// in it.
func TestValid(t *testing.T) {
	docs := validDocs
	r := rand.New(rand.NewPCG(1, 2))
	for range 2000 {
		var b bytes.Buffer
		genValue(r, &b, 4)
		docs = append(docs, b.String())
	}
	for _, doc := range docs {
		data := []byte(doc)
		if !json.Valid(data) {
			t.Fatalf("bad test: invalid JSON %q", doc)
		}
		v, probs := jsonlenient.Parse(data)
		if len(probs) != 0 {
			t.Errorf("Parse(%q): problems %v", doc, probs)
		}
		if want := decode(t, doc); !reflect.DeepEqual(v, want) {
			t.Errorf("Parse(%q) = %#v, want %#v", doc, v, want)
		}
		checkLocate(t, data, v, 50, true)
	}
}

// checkLocate checks Locate on up to n paths into v, the value Parse read
// from data. If exact, data must be valid JSON, and the text at each offset
// must decode to the value at the path.
func checkLocate(t *testing.T, data []byte, v any, n int, exact bool) {
	t.Helper()
	index := jsonlenient.NewIndex(data)
	_, problems := jsonlenient.Parse(data)
	valid := len(problems) == 0
	var walk func(ptr string, v any)
	walk = func(ptr string, v any) {
		if n == 0 {
			return
		}
		n--
		off := jsonlenient.Locate(data, ptr)
		// The index answers as Locate does, for values there and not,
		// and so does LocateValid on a document without a problem.
		for _, p := range []string{ptr, ptr + "/0", ptr + "/x", ptr + "/-", ptr + "/01", ptr + "/~1"} {
			want := jsonlenient.Locate(data, p)
			if got := index.Locate(p); got != want {
				t.Fatalf("Index(%q).Locate(%q) = %d, Locate = %d", data, p, got, want)
			}
			if got := jsonlenient.LocateValid(data, p); valid && got != want {
				t.Fatalf("LocateValid(%q, %q) = %d, Locate = %d", data, p, got, want)
			}
		}
		if off < 0 && ptr == "" && v == nil {
			return // nothing read
		}
		if off < 0 || off >= len(data) {
			t.Fatalf("Locate(%q, %q) = %d", data, ptr, off)
		}
		var lead byte
		switch v := v.(type) {
		case map[string]any:
			lead = '{'
			for k, e := range v {
				walk(ptr+"/"+escapeToken(k), e)
			}
		case []any:
			lead = '['
			for i, e := range v {
				walk(ptr+"/"+strconv.Itoa(i), e)
			}
		case string:
			lead = '"'
		}
		if lead != 0 && data[off] != lead {
			t.Fatalf("Locate(%q, %q) = %d, at %q", data, ptr, off, data[off:])
		}
		if exact {
			if got := decode(t, string(data[off:])); !reflect.DeepEqual(got, v) {
				t.Fatalf("Locate(%q, %q) = %d, holding %#v, want %#v", data, ptr, off, got, v)
			}
		}
	}
	walk("", v)
}

func escapeToken(s string) string {
	return strings.ReplaceAll(strings.ReplaceAll(s, "~", "~0"), "/", "~1")
}

// genValue writes a random valid JSON value, with random white space.
func genValue(r *rand.Rand, b *bytes.Buffer, depth int) {
	space(r, b)
	switch n := r.IntN(10); {
	case depth > 0 && n < 2:
		b.WriteByte('{')
		seen := make(map[string]bool)
		for range r.IntN(5) {
			// Short keys often collide; skip those, as duplicate
			// keys are problems.
			var k bytes.Buffer
			genString(r, &k, 2)
			var key string
			if json.Unmarshal(k.Bytes(), &key) != nil || seen[key] {
				continue
			}
			if len(seen) > 0 {
				b.WriteByte(',')
			}
			seen[key] = true
			space(r, b)
			b.Write(k.Bytes())
			space(r, b)
			b.WriteByte(':')
			genValue(r, b, depth-1)
		}
		space(r, b)
		b.WriteByte('}')
	case depth > 0 && n < 4:
		b.WriteByte('[')
		for i := range r.IntN(5) {
			if i > 0 {
				b.WriteByte(',')
			}
			genValue(r, b, depth-1)
		}
		space(r, b)
		b.WriteByte(']')
	case n < 6:
		genString(r, b, 8)
	case n < 8:
		genNumber(r, b)
	default:
		b.WriteString([]string{"true", "false", "null"}[r.IntN(3)])
	}
	space(r, b)
}

func space(r *rand.Rand, b *bytes.Buffer) {
	for range r.IntN(3) {
		b.WriteByte(" \t\r\n"[r.IntN(4)])
	}
}

// genString writes a string of up to n pieces; short ones make duplicate
// keys likely.
func genString(r *rand.Rand, b *bytes.Buffer, n int) {
	b.WriteByte('"')
	for range r.IntN(n + 1) {
		switch r.IntN(8) {
		case 0:
			b.WriteString([]string{`\"`, `\\`, `\/`, `\b`, `\f`, `\n`, `\r`, `\t`}[r.IntN(8)])
		case 1:
			fmt.Fprintf(b, `\u%04x`, r.IntN(0x10000))
		case 2:
			fmt.Fprintf(b, `\u%04X\u%04x`, 0xd800+r.IntN(0x400), 0xdc00+r.IntN(0x400))
		case 3:
			b.WriteRune(rune(0x80 + r.IntN(0x10000)))
		case 4:
			b.WriteByte(byte(0x80 + r.IntN(0x80))) // invalid UTF-8
		default:
			b.WriteByte("abc~/ {}[],:"[r.IntN(12)])
		}
	}
	b.WriteByte('"')
}

func genNumber(r *rand.Rand, b *bytes.Buffer) {
	if r.IntN(2) == 0 {
		b.WriteByte('-')
	}
	if r.IntN(3) == 0 {
		b.WriteByte('0')
	} else {
		b.WriteString(strconv.Itoa(1 + r.IntN(1e6)))
	}
	if r.IntN(2) == 0 {
		fmt.Fprintf(b, ".%d", r.IntN(1e4))
	}
	if r.IntN(3) == 0 {
		fmt.Fprintf(b, "%c%s%d", "eE"[r.IntN(2)], []string{"", "+", "-"}[r.IntN(3)], r.IntN(400))
	}
}
