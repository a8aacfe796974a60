package check

import (
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"
)

// schemaWindow is how many elements of a listing's bucket array one call
// of the full validator sees: a body whose every bucket is wrong is
// validated a window at a time, so the validator's error tree (several
// times the body, were it built for all of them at once) stays the size
// of a window. The differential test sets it to 1 and requires the same
// findings.
var schemaWindow = 512

// schema validates the body against the success or error schema.
func (e *exchangeRun) schema() {
	check, schema, valid := "schema.success", e.c.Success, e.c.SuccessValid
	if !e.success() {
		check, schema, valid = "schema.error", e.c.Error, e.c.ErrorValid
	}
	if valid != nil && valid.Valid(e.body.value) {
		return // certainly valid: the full validator would find nothing
	}
	// The validator walks objects in map order; findings come in the
	// order of their pointers, so that a run says the same each time.
	// Each leaf's message is made as its window is read, so that no
	// window's error tree outlives it.
	type placed struct{ pointer, at, msg string }
	var found []placed
	for _, w := range e.schemaWindows() {
		err := schema.Validate(w.value)
		if err == nil {
			continue
		}
		probe()
		verr, ok := err.(*jsonschema.ValidationError)
		if !ok {
			e.addBody(check, 0, "schema validation failed: %v", err)
			return
		}
		for _, leaf := range leaves(verr) {
			loc, ok := w.place(leaf.InstanceLocation)
			if !ok {
				continue // said by the first window already
			}
			pointer := ""
			if len(loc) > 0 {
				pointer = "/" + strings.Join(escapeTokens(loc), "/")
			}
			at, msg := e.schemaMessage(pointer, leaf)
			found = append(found, placed{pointer, at, msg})
		}
	}
	slices.SortStableFunc(found, func(a, b placed) int { return strings.Compare(a.pointer, b.pointer) })
	legacy := map[string]bool{}
	for _, f := range found {
		if e.success() && e.legacyName(f.pointer, legacy) {
			continue
		}
		e.at(check, f.at, "%s", f.msg)
	}
}

// window is the body's value with its bucket array cut to the elements
// from start on, at most schemaWindow of them; array is the array's
// pointer tokens, nil when the value is whole.
type window struct {
	value any
	array []string
	start int
}

// place maps a place in the window's value to the body's; false for a
// place outside the bucket array in any window but the first, whose
// findings the first window made.
func (w window) place(loc []string) ([]string, bool) {
	if w.array == nil {
		return loc, true
	}
	if len(loc) <= len(w.array) || !slices.Equal(loc[:len(w.array)], w.array) {
		return loc, w.start == 0
	}
	i, err := strconv.Atoi(loc[len(w.array)])
	if err != nil {
		return loc, w.start == 0
	}
	out := slices.Clone(loc)
	out[len(w.array)] = strconv.Itoa(w.start + i)
	return out, true
}

// schemaWindows cuts a success body's bucket array, when it is longer
// than schemaWindow and reached through objects only, into windows; any
// other body is one window, whole.
func (e *exchangeRun) schemaWindows() []window {
	whole := []window{{value: e.body.value}}
	ptr := e.c.Profile.Listing.Buckets
	if !e.success() || ptr == "" || !strings.HasPrefix(ptr, "/") {
		return whole
	}
	toks := strings.Split(ptr[1:], "/")
	for i, t := range toks {
		toks[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~1", "/"), "~0", "~")
	}
	v := e.body.value
	for _, t := range toks {
		m, ok := v.(map[string]any)
		if !ok {
			return whole
		}
		if v, ok = m[t]; !ok {
			return whole
		}
	}
	arr, ok := v.([]any)
	if !ok || len(arr) <= schemaWindow {
		return whole
	}
	var out []window
	for start := 0; start < len(arr); start += schemaWindow {
		part := arr[start:min(start+schemaWindow, len(arr)):min(start+schemaWindow, len(arr))]
		out = append(out, window{value: replaced(e.body.value, toks, part), array: toks, start: start})
	}
	return out
}

// replaced returns v with the value at toks (reached through objects)
// replaced by part, copying only the objects on the way.
func replaced(v any, toks []string, part []any) any {
	if len(toks) == 0 {
		return part
	}
	m := v.(map[string]any)
	c := make(map[string]any, len(m))
	for k, x := range m {
		c[k] = x
	}
	c[toks[0]] = replaced(m[toks[0]], toks[1:], part)
	return c
}

// leaves returns the innermost validation errors: each says one concrete
// thing about one place.
func leaves(err *jsonschema.ValidationError) []*jsonschema.ValidationError {
	if len(err.Causes) == 0 {
		return []*jsonschema.ValidationError{err}
	}
	var out []*jsonschema.ValidationError
	for _, c := range err.Causes {
		out = append(out, leaves(c)...)
	}
	return out
}

var printer = message.NewPrinter(language.English)

// leafMessage says what one leaf error found, in the schema's words where
// the schema explains itself: a "false" schema (nothing allowed here)
// reads as such.
func leafMessage(err *jsonschema.ValidationError) string {
	if k, ok := err.ErrorKind.(*kind.AdditionalProperties); ok {
		slices.Sort(k.Properties) // listed in map order
	}
	if _, ok := err.ErrorKind.(*kind.FalseSchema); ok {
		return "not allowed here by the contract (" + err.SchemaURL[strings.LastIndexByte(err.SchemaURL, '/')+1:] + ")"
	}
	return err.ErrorKind.LocalizedString(printer)
}

func escapeTokens(tokens []string) []string {
	out := make([]string, len(tokens))
	for i, t := range tokens {
		out[i] = strings.ReplaceAll(strings.ReplaceAll(t, "~", "~0"), "/", "~1")
	}
	return out
}
