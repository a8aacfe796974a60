package jsonlenient_test

import (
	"encoding/json"
	"reflect"
	"testing"

	"github.com/getservice-conformance/gsc/internal/jsonlenient"
)

func FuzzParse(f *testing.F) {
	for _, tt := range parseTests {
		f.Add([]byte(tt.in))
	}
	for _, doc := range validDocs[:len(validDocs)-1] {
		f.Add([]byte(doc))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		v, probs := jsonlenient.Parse(data)
		if len(probs) > 101 {
			t.Fatalf("%d problems", len(probs))
		}
		syntax, deep := 0, false
		for i, p := range probs {
			if p.Offset < 0 || p.Offset > len(data) || i > 0 && p.Offset < probs[i-1].Offset || p.Msg == "" {
				t.Fatalf("bad problem %d: %v", i, probs)
			}
			switch p.Kind {
			case "syntax":
				syntax++
			case "duplicate-key":
			default:
				t.Fatalf("bad kind: %v", p)
			}
			deep = deep || p.Msg == "nesting deeper than 1000 levels"
		}

		// json.Valid allows more nesting.
		if valid := json.Valid(data); valid != (syntax == 0) && !(valid && deep) {
			t.Fatalf("json.Valid = %v, but problems %v", valid, probs)
		}
		if syntax == 0 {
			if want := decode(t, string(data)); !reflect.DeepEqual(v, want) {
				t.Fatalf("Parse = %#v, want %#v", v, want)
			}
		}
		checkLocate(t, data, v, 20, syntax == 0)
		for _, p := range probs {
			jsonlenient.Position(data, p.Offset)
		}
	})
}
