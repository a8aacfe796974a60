package jsonlenient_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/jsonlenient"
)

// bos is modelled on a documentation example with a missing ',' after the
// "creationDate" line of the first bucket.
const bos = `{
  "owner" : {
    "displayName" : "BosUser",
    "id" : "10eb6f5ff6ff4605bf044313e8f3ffa5"
  },
  "buckets" : [ {
    "name" : "bucket2",
    "location" : "bj",
    "creationDate" : "2016-04-05T16:41:58Z"
    "enableMultiAz" : true
  }, {
    "name" : "bucket2",
    "location" : "bj",
    "creationDate" : "2016-04-05T16:41:58Z",
    "enableMultiAz" : true
  } ]
}`

var bosFixed = strings.Replace(bos, `16:41:58Z"`, `16:41:58Z",`, 1)

// parseTests lists inputs, their problems as "offset:kind ...", and the
// value recovered, as JSON.
var parseTests = []struct {
	in, problems, value string
}{
	// Valid.
	{`{}`, ``, `{}`},
	{`[]`, ``, `[]`},
	{` {"a" : [1, -2.5e+3, "x", true, false, null, {}]} `, ``, `{"a":[1,-2.5e+3,"x",true,false,null,{}]}`},
	{`"\u00e9\ud83d\ude00\n\/"`, ``, `"\u00e9\ud83d\ude00\n\/"`},
	{`"\ud800x"`, ``, `"\ufffdx"`},
	{"\"\xff\"", ``, `"\ufffd"`},

	// Missing ','.
	{bos, fmt.Sprintf("%d:syntax", strings.Index(bos, `"enableMultiAz"`)), bosFixed},
	{`{"a":1 "b":2}`, `7:syntax`, `{"a":1,"b":2}`},
	{`{"a":1 b:2}`, `7:syntax`, `{"a":1,"b":2}`},
	{`[1 2]`, `3:syntax`, `[1,2]`},
	{`[{"a":1} {"b":2}]`, `9:syntax`, `[{"a":1},{"b":2}]`},
	{`["a" "b" "c"]`, `5:syntax 9:syntax`, `["a","b","c"]`},

	// Trailing or stray ','.
	{`[1,2,]`, `4:syntax`, `[1,2]`},
	{`{"a":1,}`, `6:syntax`, `{"a":1}`},
	{`{"a":1 , }`, `7:syntax`, `{"a":1}`},
	{`[1,,2]`, `3:syntax`, `[1,2]`},
	{`[,]`, `1:syntax`, `[]`},
	{`{,"a":1}`, `1:syntax`, `{"a":1}`},

	// Bad literals and numbers.
	{`tru`, `0:syntax`, `null`},
	{`[True, FALSE, Null]`, `1:syntax 7:syntax 14:syntax`, `[true,false,null]`},
	{`[NaN, Infinity, undefined, 'a']`, `1:syntax 6:syntax 16:syntax 27:syntax`, `[null,null,null,null]`},
	{`{"a":01}`, `5:syntax`, `{"a":1}`},
	{`[1., .5, +1, -01.50]`, `1:syntax 5:syntax 9:syntax 13:syntax`, `[1,0.5,1,-1.5]`},
	{`[-, 1e, 0x1F, 1.2.3, --1]`, `1:syntax 4:syntax 8:syntax 14:syntax 21:syntax`, `[null,null,null,null,null]`},
	{`[truex, 12ab]`, `1:syntax 8:syntax`, `[null,null]`},

	// Missing values.
	{`{"a":}`, `5:syntax`, `{}`},
	{`{"a":,"b":1}`, `5:syntax`, `{"b":1}`},
	{`[1,:2]`, `3:syntax`, `[1,2]`},

	// Unterminated strings.
	{`"abc`, `0:syntax`, `"abc"`},
	{"{\"a\":\"xyz\n}", `5:syntax`, `{"a":"xyz"}`},
	{"{\"a\":\"x, \r\n\"b\":1}", `5:syntax`, `{"a":"x","b":1}`},
	{`["abc`, `1:syntax 5:syntax`, `["abc"]`},
	{"[\"a\\\n]", `1:syntax 3:syntax`, `["a\\"]`},

	// Invalid escapes and control characters.
	{`"a\qb"`, `2:syntax`, `"a\\qb"`},
	{`"C:\dir\u12G4"`, `3:syntax 7:syntax`, `"C:\\dir\\u12G4"`},
	{"\"a\tb\x00\"", `2:syntax 4:syntax`, `"a\tb\u0000"`},

	// Missing ':' and bad keys.
	{`{"a" 1}`, `5:syntax`, `{"a":1}`},
	{`{"a" "b"}`, `5:syntax`, `{"a":"b"}`},
	{`{"a"}`, `4:syntax`, `{}`},
	{`{"a"::1}`, `5:syntax`, `{"a":1}`},
	{`{name: "x"}`, `1:syntax`, `{"name":"x"}`},
	{`{[1]: 2, "b": 3}`, `1:syntax`, `{"b":3}`},
	{`{:1}`, `1:syntax`, `{}`},

	// Containers not closed at the end.
	{`{"a":1`, `6:syntax`, `{"a":1}`},
	{`[{"a":[1,`, `9:syntax`, `[{"a":[1]}]`},
	{`{"a":`, `5:syntax`, `{}`},
	{`{"a"`, `4:syntax`, `{}`},

	// Mismatched closers.
	{`{"a":[1,2}`, `9:syntax`, `{"a":[1,2]}`},
	{`[{"a":1]`, `7:syntax`, `[{"a":1}]`},
	{`[1}`, `2:syntax`, `[1]`},
	{`{"a":{"b":1]}`, `11:syntax`, `{"a":{"b":1}}`},

	// Text after the value.
	{`{"a":1}}`, `7:syntax`, `{"a":1}`},
	{"{}\n{}", `3:syntax`, `{}`},
	{`1 2`, `2:syntax`, `1`},
	{`]`, `0:syntax`, `null`},
	{`,1`, `0:syntax`, `null`},
	{`:`, `0:syntax`, `null`},

	// Empty input, byte order mark, comments.
	{``, `0:syntax`, `null`},
	{" \n\t\r ", `0:syntax`, `null`},
	{"\xef\xbb\xbf{}", `0:syntax`, `{}`},
	{"\xef\xbb\xbf", `0:syntax 0:syntax`, `null`},
	{"{\"a\":1 // one\n}", `7:syntax`, `{"a":1}`},
	{`[1 /* one */, 2]`, `3:syntax`, `[1,2]`},
	{`[1 /* one`, `3:syntax 9:syntax`, `[1]`},

	// Duplicate keys: the last wins.
	{`{"a":1,"a":2}`, `7:duplicate-key`, `{"a":2}`},
	{`{"a":1,"\u0061":{},"a":3}`, `7:duplicate-key 19:duplicate-key`, `{"a":3}`},
	{`{"a":1,"a":}`, `11:syntax`, `{"a":1}`},
}

func TestParse(t *testing.T) {
	for _, tt := range parseTests {
		v, probs := jsonlenient.Parse([]byte(tt.in))
		var got []string
		for _, p := range probs {
			got = append(got, fmt.Sprintf("%d:%s", p.Offset, p.Kind))
		}
		if g := strings.Join(got, " "); g != tt.problems {
			t.Errorf("Parse(%q) problems = %q, want %q\n%v", tt.in, g, tt.problems, probs)
		}
		if want := decode(t, tt.value); !reflect.DeepEqual(v, want) {
			t.Errorf("Parse(%q) = %#v, want %#v", tt.in, v, want)
		}
	}
}

func TestParseBOS(t *testing.T) {
	v, probs := jsonlenient.Parse([]byte(bos))
	want := []jsonlenient.Problem{{
		Offset: strings.Index(bos, `"enableMultiAz"`),
		Kind:   "syntax",
		Msg:    "missing ',' between object members",
	}}
	if !reflect.DeepEqual(probs, want) {
		t.Errorf("problems = %v, want %v", probs, want)
	}
	buckets := v.(map[string]any)["buckets"].([]any)
	if len(buckets) != 2 {
		t.Fatalf("got %d buckets, want 2", len(buckets))
	}
	for i, b := range buckets {
		if n := len(b.(map[string]any)); n != 4 {
			t.Errorf("bucket %d has %d members, want 4", i, n)
		}
	}
	if line, col := jsonlenient.Position([]byte(bos), probs[0].Offset); line != 10 || col != 5 {
		t.Errorf("position = %d:%d, want 10:5", line, col)
	}
}

func TestMessages(t *testing.T) {
	tests := []struct{ in, msg string }{
		{`{"a":1 "b":2}`, `missing ',' between object members`},
		{`[1 2]`, `missing ',' between array elements`},
		{`{"name":1,"name":2}`, `duplicate key "name"`},
		{`{"a":1`, `unexpected end of input: 1 object not closed`},
		{`[[{"a":[{`, `unexpected end of input: 2 objects and 3 arrays not closed`},
		{`[1,]`, `trailing ',' before ']'`},
		{`tru`, `invalid literal "tru"`},
		{`01`, `invalid number "01"`},
		{`"abc`, `unterminated string`},
		{`"\x"`, `invalid escape '\x' in string`},
		{"\"\t\"", `control character U+0009 in string`},
		{`{"a" 1}`, `missing ':' after object key`},
		{`{} x`, `unexpected text after top-level value`},
		{``, `empty body`},
		{"\xef\xbb\xbf1", `byte order mark at start of input`},
		{`[1}`, `expected ']' but found '}'`},
		{`{"a":[1}`, `missing ']' before '}'`},
		{`{"a":}`, `missing value before '}'`},
	}
	for _, tt := range tests {
		_, probs := jsonlenient.Parse([]byte(tt.in))
		if len(probs) == 0 || probs[0].Msg != tt.msg {
			t.Errorf("Parse(%q) problems = %v, want first %q", tt.in, probs, tt.msg)
		}
	}
}

func TestDepthLimit(t *testing.T) {
	ok := strings.Repeat("[", 1000) + strings.Repeat("]", 1000)
	if _, probs := jsonlenient.Parse([]byte(ok)); len(probs) != 0 {
		t.Errorf("depth 1000: problems %v", probs)
	}
	for _, open := range []string{"[", `{"a":`} {
		deep := strings.Repeat(open, 100000)
		v, probs := jsonlenient.Parse([]byte(deep))
		at := 1000 * len(open)
		want := []jsonlenient.Problem{{at, "syntax", "nesting deeper than 1000 levels"}}
		if !reflect.DeepEqual(probs, want) {
			t.Errorf("%q x 100000: problems = %v, want %v", open, probs, want)
		}
		if v == nil {
			t.Errorf("%q x 100000: no value", open)
		}
	}
}

func TestProblemLimit(t *testing.T) {
	in := "[" + strings.Repeat("1 ", 300) + "]" // 299 missing commas
	_, probs := jsonlenient.Parse([]byte(in))
	if len(probs) != 101 {
		t.Fatalf("got %d problems, want 101", len(probs))
	}
	last := probs[100]
	if last.Msg != "199 more problems not reported" || last.Offset != 203 {
		t.Errorf("last problem = %v", last)
	}
}

func TestLocate(t *testing.T) {
	doc := `{"owner": {"id": "x", "a/b": 1, "m~n": 2},
 "buckets": [{"name": "b1"}, {"name": "b2", "tags": [10, 20]}],
 "dup": 1, "dup": {"k": true}, "": 5,
 "bad": [1 2], "nested": {"a": {"b": 3}, "a": 4}}`
	tests := []struct {
		ptr string
		at  string // the text the value starts with, unique in doc; "" if none
	}{
		{"", `{"owner"`},
		{"/owner", `{"id"`},
		{"/owner/id", `"x"`},
		{"/owner/a~1b", `1, "m~n"`},
		{"/owner/m~0n", `2}`},
		{"/buckets", `[{"name"`},
		{"/buckets/0", `{"name": "b1"}`},
		{"/buckets/1/name", `"b2"`},
		{"/buckets/1/tags/1", `20`},
		{"/dup", `{"k"`},
		{"/dup/k", `true`},
		{"/", `5,`},
		{"/bad/1", `2]`}, // recovered from a missing ','
		{"/nested/a", `4}`},
		{"/nested/a/b", ``}, // the object holding b was replaced
		{"/buckets/2", ``},
		{"/buckets/01", ``},
		{"/buckets/-", ``},
		{"/buckets/x", ``},
		{"/owner/id/0", ``},
		{"/nope", ``},
		{"owner", ``},
		{"/owner/~2", ``},
		{"/owner/a~", ``},
	}
	for _, tt := range tests {
		want := -1
		if tt.at != "" {
			want = strings.Index(doc, tt.at)
			if want < 0 || strings.Count(doc, tt.at) != 1 {
				t.Fatalf("bad test: %q not unique in doc", tt.at)
			}
		}
		if got := jsonlenient.Locate([]byte(doc), tt.ptr); got != want {
			t.Errorf("Locate(%q) = %d, want %d", tt.ptr, got, want)
		}
	}

	if got, want := jsonlenient.Locate([]byte(bos), "/buckets/0/enableMultiAz"), strings.Index(bos, "true"); got != want {
		t.Errorf("Locate in bos = %d, want %d", got, want)
	}
	for _, in := range []string{``, `  `, `]`} {
		if got := jsonlenient.Locate([]byte(in), ""); got != -1 {
			t.Errorf("Locate(%q, \"\") = %d, want -1", in, got)
		}
	}
	if got := jsonlenient.Locate([]byte("\xef\xbb\xbf [1]"), "/0"); got != 5 {
		t.Errorf("Locate after BOM = %d, want 5", got)
	}
	for _, tt := range []struct {
		in, ptr string
		want    int
	}{
		{`{"a":1,"a":}`, "/a", 5}, // the duplicate is dropped
		{`{"a"::"x"}`, "/a", 6},
		{`::1`, "", 2},
		{`[:1]`, "/0", 2},
	} {
		if got := jsonlenient.Locate([]byte(tt.in), tt.ptr); got != tt.want {
			t.Errorf("Locate(%q, %q) = %d, want %d", tt.in, tt.ptr, got, tt.want)
		}
	}
}

func TestPosition(t *testing.T) {
	data := []byte("ab\ncd\r\nef\n")
	tests := []struct{ off, line, col int }{
		{-1, 1, 1},
		{0, 1, 1},
		{2, 1, 3},
		{3, 2, 1},
		{5, 2, 3}, // the '\r'
		{6, 2, 4}, // the '\n' of "\r\n"
		{7, 3, 1},
		{10, 4, 1},
		{99, 4, 1},
	}
	for _, tt := range tests {
		if line, col := jsonlenient.Position(data, tt.off); line != tt.line || col != tt.col {
			t.Errorf("Position(%d) = %d:%d, want %d:%d", tt.off, line, col, tt.line, tt.col)
		}
	}
}

// decode decodes data the way Parse promises to for valid JSON.
func decode(t testing.TB, s string) any {
	d := json.NewDecoder(bytes.NewReader([]byte(s)))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		t.Fatalf("decode %q: %v", s, err)
	}
	return v
}
