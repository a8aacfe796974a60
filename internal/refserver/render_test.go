package refserver

import (
	"encoding/json"
	"encoding/xml"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
)

func TestTemplateFuncs(t *testing.T) {
	xmlText := contract.TemplateFuncs["xml"].(func(string) string)
	jsonString := contract.TemplateFuncs["json"].(func(string) string)
	for _, s := range []string{"", "bucket-1", `<a href="x">&'</a>`, "tab\there\nnew", "é\u2028", "\x00"} {
		var got struct{ V string }
		if err := xml.Unmarshal([]byte("<V>"+xmlText(s)+"</V>"), &got.V); err != nil {
			t.Errorf("xml(%q) = %q: %v", s, xmlText(s), err)
		} else if want := strings.ToValidUTF8(strings.ReplaceAll(s, "\x00", "\uFFFD"), "\uFFFD"); got.V != want {
			t.Errorf("xml(%q) reads back as %q", s, got.V)
		}
		var back string
		if err := json.Unmarshal([]byte(jsonString(s)), &back); err != nil || back != s {
			t.Errorf("json(%q) = %s reads back as %q, %v", s, jsonString(s), back, err)
		}
	}
}
