package contract

import (
	"bytes"
	"testing"

	"github.com/santhosh-tekuri/jsonschema/v6"
)

// TestCertainDateTime: the plain forms are certain, and each is also
// what the full validator accepts; the rest is left to it.
func TestCertainDateTime(t *testing.T) {
	for s, want := range map[string]bool{
		"2024-01-02T03:04:05Z":          true,
		"2024-01-02t03:04:05.123z":      true,
		"2024-02-29T23:59:59+08:00":     true,
		"2024-01-02T03:04:05.000-23:59": true,
		"2023-02-29T00:00:00Z":          false,
		"2024-01-02T24:00:00Z":          false,
		"2016-12-31T23:59:60Z":          false, // a leap second: the full validator decides
		"2024-01-02 03:04:05Z":          false,
		"2024-01-02T03:04:05":           false,
		"2024-01-02T03:04:05.Z":         false,
		"2024-01-02T03:04:05+0800":      false,
		"2024-13-02T03:04:05Z":          false,
		"yesterday":                     false,
	} {
		if got := certainDateTime(s); got != want {
			t.Errorf("certainDateTime(%q) = %v, want %v", s, got, want)
		}
	}
}

// TestCompileValidity: a keyword the fast form does not read exactly
// leaves the schema to the full validator; the known ones compile.
func TestCompileValidity(t *testing.T) {
	for doc, compiles := range map[string]bool{
		`{"type":"object","properties":{"a":{"$ref":"#/$defs/x"}},"$defs":{"x":{"type":"string","format":"date-time"}}}`: true,
		`{"$schema":"http://json-schema.org/draft-07/schema#","type":"object"}`:                                          false,
		`{"patternProperties":{"^a":{"type":"string"}}}`:                                                                 false,
		`{"format":"email"}`:               false,
		`{"$ref":"other.json#/x"}`:         false,
		`{"properties":{"a":{"$id":"x"}}}`: false,
		`{"unevaluatedProperties":false}`:  false,
	} {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(doc)))
		if err != nil {
			t.Fatal(err)
		}
		if _, err := compileValidity(v); (err == nil) != compiles {
			t.Errorf("compileValidity(%s): error %v", doc, err)
		}
	}
}

// TestValidityAnswers: each keyword's yes, no and unsure on small values,
// checked against the full validator where the answer is certain.
func TestValidityAnswers(t *testing.T) {
	schema := `{"type":"object","required":["n"],"properties":{
		"n":{"type":"integer","minimum":2},
		"s":{"type":"string","minLength":2,"maxLength":3,"pattern":"^[a-z]+$"},
		"e":{"enum":["a",true,null]},
		"l":{"type":"array","prefixItems":[{"type":"string"}],"items":{"type":"boolean"}},
		"u":{"type":"string","format":"uri"},
		"c":{"if":{"type":"array"},"then":{"items":false},"else":{"anyOf":[{"type":"string"},{"type":"null"}]}}
	},"additionalProperties":{"type":"string"}}`
	doc, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(schema)))
	if err != nil {
		t.Fatal(err)
	}
	fast, err := compileValidity(doc)
	if err != nil {
		t.Fatal(err)
	}
	c := jsonschema.NewCompiler()
	c.AssertFormat()
	if err := c.AddResource("s.json", doc); err != nil {
		t.Fatal(err)
	}
	full, err := c.Compile("s.json")
	if err != nil {
		t.Fatal(err)
	}
	for in, want := range map[string]answer{
		`{"n":2}`:                      yes,
		`{"n":2,"s":"ab","e":"a"}`:     yes,
		`{"n":2,"l":["x",true,false]}`: yes,
		`{"n":2,"u":"https://h/p?q"}`:  yes,
		`{"n":2,"c":"x","z":"y"}`:      yes,
		`{"n":2,"c":null,"e":null}`:    yes,
		`{"n":2,"c":[]}`:               yes,
		`{}`:                           no,
		`{"n":1}`:                      no,
		`{"n":2,"s":"a"}`:              no,
		`{"n":2,"s":"abcd"}`:           no,
		`{"n":2,"s":"AB"}`:             no,
		`{"n":2,"e":"b"}`:              no,
		`{"n":2,"l":[1]}`:              no,
		`{"n":2,"l":["x",1]}`:          no,
		`{"n":2,"c":[1]}`:              no,
		`{"n":2,"c":1}`:                no,
		`{"n":2,"z":1}`:                no,
		`{"n":2.0}`:                    unsure, // an integer to JSON Schema
		`{"n":2,"u":"https://[::1]/"}`: unsure,
		`{"n":2,"e":1}`:                unsure,
	} {
		v, err := jsonschema.UnmarshalJSON(bytes.NewReader([]byte(in)))
		if err != nil {
			t.Fatal(err)
		}
		got := fast.root.check(v)
		if got != want {
			t.Errorf("%s: answer %d, want %d", in, got, want)
		}
		if fullOK := full.Validate(v) == nil; got != unsure && fullOK != (got == yes) {
			t.Errorf("%s: fast answer %d but the full validator says valid=%v", in, got, fullOK)
		}
	}
}
