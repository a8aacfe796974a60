package check

import (
	"encoding/json"
	"strconv"
	"strings"
)

// item is a value found in a body with the JSON pointer it sits at.
type item struct {
	value   any
	pointer string
}

// collect resolves a JSON pointer leniently: where it meets an array but
// names a member, it goes on into every element, so buckets in a repeated
// container are all still found (with their true pointers).
func collect(v any, pointer string) []item {
	if pointer == "" {
		return []item{{v, ""}}
	}
	items := []item{{v, ""}}
	for _, tok := range strings.Split(pointer, "/")[1:] {
		var next []item
		for _, it := range items {
			next = append(next, step(it, tok)...)
		}
		items = next
	}
	return items
}

func step(it item, tok string) []item {
	switch v := it.value.(type) {
	case map[string]any:
		if c, ok := v[tok]; ok {
			return []item{{c, it.pointer + "/" + escapeTokens([]string{tok})[0]}}
		}
	case []any:
		if i, err := strconv.Atoi(tok); err == nil {
			if i >= 0 && i < len(v) {
				return []item{{v[i], it.pointer + "/" + tok}}
			}
			return nil
		}
		var out []item
		for i, el := range v {
			out = append(out, step(item{el, it.pointer + "/" + strconv.Itoa(i)}, tok)...)
		}
		return out
	}
	return nil
}

// lookup follows pointer tokens through objects only: the fast path for
// a bucket's own members.
func lookup(v any, tokens []string) (any, bool) {
	for _, tok := range tokens {
		obj, ok := v.(map[string]any)
		if !ok {
			return nil, false
		}
		if v, ok = obj[tok]; !ok {
			return nil, false
		}
	}
	return v, true
}

func tokens(pointer string) []string {
	if pointer == "" {
		return nil
	}
	return strings.Split(pointer, "/")[1:]
}

// scalar returns a value as text: strings as they are, numbers and
// booleans as written; ok is false for objects, arrays and null.
func scalar(v any) (string, bool) {
	switch v := v.(type) {
	case string:
		return v, true
	case json.Number:
		return v.String(), true
	case bool:
		return strconv.FormatBool(v), true
	case float64:
		return strconv.FormatFloat(v, 'f', -1, 64), true
	}
	return "", false
}

// first returns the first scalar at pointer, if any.
func first(v any, pointer string) (string, string, bool) {
	if pointer == "" {
		return "", "", false
	}
	for _, it := range collect(v, pointer) {
		if s, ok := scalar(it.value); ok {
			return s, it.pointer, true
		}
	}
	return "", "", false
}

// bucket is one entry of a listing.
type bucket struct {
	name, region, created string
	// The bucket is element index of the array at list; its name's JSON
	// pointer is built only when a finding needs it.
	list     *item
	index    int
	namePath string
}

// pointer is the JSON pointer of the bucket's name.
func (b bucket) pointer() string {
	if b.list == nil {
		return b.namePath
	}
	if _, isArray := b.list.value.([]any); !isArray {
		return b.list.pointer + b.namePath
	}
	return b.list.pointer + "/" + strconv.Itoa(b.index) + b.namePath
}

// page is the canonical listing of one success body.
type page struct {
	buckets   []bucket
	truncated string // "true", "false" or "" when absent
	truncPtr  string
	next      string // next marker or continuation token, "" when absent
	nextPtr   string
	hasNext   bool
	count     string
	countPtr  string
}
