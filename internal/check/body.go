package check

import (
	"fmt"
	"strings"

	"github.com/antchfx/xmlquery"
	"github.com/antchfx/xpath"
	"github.com/santhosh-tekuri/jsonschema/v6"
	"github.com/santhosh-tekuri/jsonschema/v6/kind"
	"golang.org/x/text/language"
	"golang.org/x/text/message"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/jsonlenient"
	"github.com/getservice-conformance/gsc/internal/xmljson"
	"github.com/getservice-conformance/gsc/internal/xmltree"
)

// body is a response body decoded for the checks: its JSON value (for XML,
// by the mapping of schemas/README.md) and, for XML, its tree.
type body struct {
	raw    []byte
	offset int // of raw's first byte in the recording
	value  any
	xml    *xmltree.Doc // nil for JSON bodies
	opts   xmljson.Options
	// recovered says a syntax error was found, so every later finding on
	// this body comes from the lenient reading.
	recovered bool
	syntax    []syntaxProblem
	index     *jsonlenient.Index // of a JSON body, read for its first finding
}

// syntaxProblem is a well-formedness defect at an offset of the recording.
type syntaxProblem struct {
	check string
	off   int
	msg   string
}

func decode(c *contract.Contract, m *exchange.Message) *body {
	b := &body{raw: m.Body, offset: m.BodyOffset, opts: c.Mapping}
	if c.Profile.Body == "json" {
		v, problems := jsonlenient.Parse(m.Body)
		b.value = v
		for _, p := range problems {
			check := "json.syntax"
			if p.Kind == "duplicate-key" {
				check = "json.duplicate-key"
			}
			b.problem(check, p.Offset, p.Msg)
		}
	} else {
		doc, problems := xmltree.Parse(m.Body)
		b.xml = doc
		b.value = xmljson.Map(doc.Root, c.Mapping)
		for _, p := range problems {
			b.problem(p.Check, p.Offset, p.Msg)
		}
	}
	b.recovered = len(b.syntax) > 0
	return b
}

func (b *body) problem(check string, off int, msg string) {
	b.syntax = append(b.syntax, syntaxProblem{check, b.offset + off, msg})
}

// offsetOf returns the recording offset of the value at a JSON pointer, or
// of the nearest enclosing value that exists; -1 if none.
func (b *body) offsetOf(pointer string) int {
	if b.xml != nil {
		n := xmljson.LocateIn(b.xml.Root, pointer, b.opts, b.xml.Children)
		if n == nil {
			n = b.xml.Element()
		}
		if off := b.xml.Offset(n); off >= 0 {
			return b.offset + off
		}
		return -1
	}
	if b.index == nil {
		b.index = jsonlenient.NewIndex(b.raw)
	}
	for p := pointer; ; p = p[:strings.LastIndexByte(p, '/')] {
		if off := b.index.Locate(p); off >= 0 {
			return b.offset + off
		}
		if p == "" {
			return -1
		}
	}
}

// xpathOf returns the XPath of the element at a JSON pointer, for XML bodies.
func (b *body) xpathOf(pointer string) string {
	if b.xml == nil {
		return ""
	}
	if n := xmljson.LocateIn(b.xml.Root, pointer, b.opts, b.xml.Children); n != nil {
		return b.xml.Path(n)
	}
	return ""
}

// at places a finding at a JSON pointer of the body.
func (e *exchangeRun) at(check, pointer, format string, args ...any) *finding.Finding {
	f := e.add(check, e.body.offsetOf(pointer), format, args...)
	f.Pointer = pointer
	f.XPath = e.body.xpathOf(pointer)
	f.Recovered = e.body.recovered
	return f
}

// schema validates the body against the success or error schema.
func (e *exchangeRun) schema() {
	check, schema, valid := "schema.success", e.c.Success, e.c.SuccessValid
	if !e.success() {
		check, schema, valid = "schema.error", e.c.Error, e.c.ErrorValid
	}
	if valid != nil && valid.Valid(e.body.value) {
		return // certainly valid: the full validator would find nothing
	}
	err := schema.Validate(e.body.value)
	if err == nil {
		return
	}
	verr, ok := err.(*jsonschema.ValidationError)
	if !ok {
		e.add(check, e.body.offset, "schema validation failed: %v", err)
		return
	}
	for _, leaf := range leaves(verr) {
		pointer := "/" + strings.Join(escapeTokens(leaf.InstanceLocation), "/")
		if len(leaf.InstanceLocation) == 0 {
			pointer = ""
		}
		e.at(check, pointer, "%s", leafMessage(leaf))
	}
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

// assertions evaluates the contract's XPath assertions on an XML body.
func (e *exchangeRun) assertions() {
	if e.body.xml == nil {
		return
	}
	when := "success"
	if !e.success() {
		when = "error"
	}
	for _, a := range e.c.Assertions {
		if a.When != when {
			continue
		}
		for _, n := range xmlquery.QuerySelectorAll(e.body.xml.Root, a.ForEachExpr) {
			ok, err := holds(a.Expr, n)
			if ok {
				continue
			}
			el := n
			for el != nil && el.Type != xmlquery.ElementNode {
				el = el.Parent
			}
			off := -1
			if el != nil {
				if o := e.body.xml.Offset(el); o >= 0 {
					off = e.body.offset + o
				}
			}
			f := e.add("xpath."+a.ID, off, "%s (%s) does not hold", a.Description, a.Assert)
			if err != nil {
				f.Message = fmt.Sprintf("assertion %s cannot be evaluated: %v", a.ID, err)
			}
			f.Severity = a.Level
			f.XPath = e.body.xml.Path(el)
			f.Recovered = e.body.recovered
		}
	}
}

// holds evaluates expr with n as context, by XPath's boolean() rules.
// The xpath package panics on some run-time errors (a bad pattern given to
// matches()); that is the contract's defect and is returned as an error.
func holds(expr *xpath.Expr, n *xmlquery.Node) (ok bool, err error) {
	defer func() {
		if r := recover(); r != nil {
			ok, err = false, fmt.Errorf("%v", r)
		}
	}()
	switch v := expr.Evaluate(xmlquery.CreateXPathNavigator(n)).(type) {
	case bool:
		return v, nil
	case float64:
		return v != 0, nil
	case string:
		return v != "", nil
	case *xpath.NodeIterator:
		return v.MoveNext(), nil
	}
	return false, nil
}

// bodyMessage wraps a bare body for decode.
func bodyMessage(body []byte) *exchange.Message {
	return &exchange.Message{Kind: exchange.BodyOnly, Body: body}
}
