package check

import (
	"fmt"
	"slices"
	"strconv"
	"strings"

	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
)

// schemaMessage says what one schema leaf error found in the body's own
// terms: for an XML body, elements (<Owner>), for a JSON body, members;
// each message says what the contract wants and what the body has. It
// returns the pointer to place the finding at, which for a repeated
// element is its second occurrence.
func (e *exchangeRun) schemaMessage(pointer string, err *jsonschema.ValidationError) (string, string) {
	xml := e.c.Profile.Body != "json"
	here := e.thing(pointer)
	switch k := err.ErrorKind.(type) {
	case *kind.Type:
		if xml && k.Got == "array" && slices.Contains(k.Want, "object") {
			n := 0
			if v, ok := e.valueAt(pointer).([]any); ok {
				n = len(v)
			}
			return pointer + "/1", fmt.Sprintf("%s %s elements in %s where the contract allows one", count(n), here, e.thing(parent(pointer)))
		}
		if xml {
			return pointer, fmt.Sprintf("%s %s; the contract wants %s", here, xmlShape(k.Got), xmlWant(k.Want))
		}
		return pointer, fmt.Sprintf("%s is a %s (%s); the contract wants a %s", here, k.Got, clip(fmt.Sprint(e.valueAt(pointer))), strings.Join(k.Want, " or a "))
	case *kind.Required:
		missing := make([]string, len(k.Missing))
		for i, m := range k.Missing {
			missing[i] = e.thing(pointer + "/" + m)
		}
		return pointer, fmt.Sprintf("%s has no %s; the contract requires it", here, strings.Join(missing, ", "))
	case *kind.AdditionalProperties:
		slices.Sort(k.Properties) // listed in map order
		extra := make([]string, len(k.Properties))
		for i, p := range k.Properties {
			extra[i] = e.thing(pointer + "/" + p)
		}
		return pointer, fmt.Sprintf("%s holds %s, which the contract does not allow there", here, strings.Join(extra, ", "))
	case *kind.Pattern:
		return pointer, fmt.Sprintf("%s is %s, which does not match the contract's pattern %s", here, strconv.Quote(clip(k.Got)), k.Want)
	case *kind.MaxLength:
		return pointer, fmt.Sprintf("%s is %d characters long; the contract allows at most %d", here, k.Got, k.Want)
	case *kind.MinLength:
		return pointer, fmt.Sprintf("%s is %d characters long; the contract wants at least %d", here, k.Got, k.Want)
	case *kind.Format:
		return pointer, fmt.Sprintf("%s is %s, not a valid %s", here, strconv.Quote(clip(fmt.Sprint(k.Got))), k.Want)
	case *kind.Enum:
		want := make([]string, len(k.Want))
		for i, w := range k.Want {
			want[i] = fmt.Sprint(w)
		}
		return pointer, fmt.Sprintf("%s is %s; the contract allows %s", here, strconv.Quote(clip(fmt.Sprint(k.Got))), strings.Join(want, ", "))
	case *kind.Const:
		return pointer, fmt.Sprintf("%s is %s; the contract allows only %v", here, clip(fmt.Sprint(e.valueAt(pointer))), k.Want)
	case *kind.FalseSchema:
		return pointer, fmt.Sprintf("%s is not allowed here by the contract (%s)", here, err.SchemaURL[strings.LastIndexByte(err.SchemaURL, '/')+1:])
	}
	return pointer, fmt.Sprintf("%s: %s", here, leafMessage(err))
}

// thing names what is at a pointer: <Name> for an XML body (an index
// names the element's position), member "name" for a JSON one, the body
// at the root.
func (e *exchangeRun) thing(pointer string) string {
	if pointer == "" {
		return "the body"
	}
	toks := tokens(pointer)
	last := toks[len(toks)-1]
	if _, err := strconv.Atoi(last); err == nil && len(toks) > 1 {
		n, _ := strconv.Atoi(last)
		if e.c.Profile.Body != "json" {
			return fmt.Sprintf("<%s> number %d", unescape(toks[len(toks)-2]), n+1)
		}
		return fmt.Sprintf("item %d of %q", n, unescape(toks[len(toks)-2]))
	}
	if e.c.Profile.Body != "json" {
		return "<" + unescape(last) + ">"
	}
	return strconv.Quote(unescape(last))
}

// valueAt returns the body's value at a pointer, nil if none.
func (e *exchangeRun) valueAt(pointer string) any {
	if found := collect(e.body.value, pointer); len(found) == 1 {
		return found[0].value
	}
	return nil
}

func parent(pointer string) string {
	if i := strings.LastIndexByte(pointer, '/'); i >= 0 {
		return pointer[:i]
	}
	return ""
}

func unescape(tok string) string {
	return strings.ReplaceAll(strings.ReplaceAll(tok, "~1", "/"), "~0", "~")
}

// xmlShape says what a value of a JSON type is in the mapped XML.
func xmlShape(t string) string {
	switch t {
	case "object":
		return "has child elements"
	case "array":
		return "is repeated"
	case "string":
		return "holds text only"
	case "null":
		return "is empty"
	}
	return "is " + t
}

// xmlWant names what a JSON type asks of an element.
func xmlWant(types []string) string {
	out := make([]string, len(types))
	for i, t := range types {
		switch t {
		case "object":
			out[i] = "child elements"
		case "array":
			out[i] = "a repeated element"
		case "string":
			out[i] = "text"
		default:
			out[i] = t
		}
	}
	return strings.Join(out, " or ")
}

func count(n int) string {
	if n <= 2 {
		return "two"
	}
	return strconv.Itoa(n)
}
