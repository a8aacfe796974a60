package finding

import "testing"

// Every check a report lists as a rule has a description, and no
// description outlives its check.
func TestDescriptionsMatchCatalogue(t *testing.T) {
	for id := range Catalogue {
		if Descriptions[id] == "" {
			t.Errorf("check %s has no description", id)
		}
	}
	for id := range Descriptions {
		if _, ok := Catalogue[id]; !ok {
			t.Errorf("description of %s, which is not in the catalogue", id)
		}
	}
}

func TestDescribe(t *testing.T) {
	tests := []struct{ id, want string }{
		{"xml.syntax", "The XML body is well-formed."},
		{"xpath.name-has-appid", "The contract's XPath assertion name-has-appid holds."},
		{"xpath.", ""},
		{"xpath", ""},
		{"nope", ""},
	}
	for _, tt := range tests {
		if got := Describe(tt.id); got != tt.want {
			t.Errorf("Describe(%q) = %q, want %q", tt.id, got, tt.want)
		}
	}
}
