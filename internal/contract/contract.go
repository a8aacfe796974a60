// Package contract loads a vendor's contract from schemas/<vendor>/: the
// profile, the JSON Schemas for success and error bodies, the XPath
// assertions, compiled once and ready for the checks, and the body
// templates of the reference endpoint.
package contract

import (
	"bytes"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"sort"
	"strings"
	"sync"
	"text/template"

	"github.com/antchfx/xpath"
	"github.com/santhosh-tekuri/jsonschema/v6"

	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/xmljson"
)

// Contract is one vendor's compiled contract.
type Contract struct {
	Profile Profile
	Success *jsonschema.Schema
	Error   *jsonschema.Schema
	// SuccessValid and ErrorValid are the schemas' compiled fast forms:
	// a value they pass needs no full validation. Nil where a schema uses
	// what they do not compile.
	SuccessValid, ErrorValid *Validity
	Assertions               []Assertion
	Mapping                  xmljson.Options

	Scheme         *regexp.Regexp // Authorization value form
	RegionFromHost *regexp.Regexp // nil when hosts do not filter

	// Templates are the body templates of the vendor's reference endpoint
	// (schemas/<vendor>/*.tmpl, named by file: "listing.tmpl",
	// "error.tmpl"), parsed with TemplateFuncs; nil when there are none.
	Templates *template.Template
}

// TemplateFuncs are the functions a body template may call: xml escapes
// text for XML character data or an attribute value, json writes a string
// as a JSON string literal (quotes included).
var TemplateFuncs = template.FuncMap{
	"xml":  xmlText,
	"json": jsonString,
}

func xmlText(s string) string {
	if plainASCII(s, "<>&'\"") {
		return s // the common case, without an allocation per name
	}
	var b strings.Builder
	xml.EscapeText(&b, []byte(s)) // writing to a strings.Builder cannot fail
	return b.String()
}

func jsonString(s string) string {
	if plainASCII(s, "\"\\") {
		return `"` + s + `"`
	}
	var b bytes.Buffer
	enc := json.NewEncoder(&b)
	enc.SetEscapeHTML(false) // keep names and messages as written
	enc.Encode(s)            // a string always encodes
	return strings.TrimSuffix(b.String(), "\n")
}

// plainASCII reports whether s is printable ASCII without any of special,
// so that it needs no escaping.
func plainASCII(s, special string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c > 0x7e || strings.IndexByte(special, c) >= 0 {
			return false
		}
	}
	return true
}

// Assertion is one XPath assertion of assertions.json.
type Assertion struct {
	ID          string `json:"id"`
	Severity    string `json:"severity"`
	Description string `json:"description"`
	ForEach     string `json:"forEach"`
	Assert      string `json:"assert"`
	When        string `json:"when,omitempty"` // "success" (default) or "error"

	Level             finding.Severity `json:"-"`
	ForEachExpr, Expr *xpath.Expr      `json:"-"`
}

// Has reports whether the profile lists a capability.
func (c *Contract) Has(capability string) bool {
	for _, have := range c.Profile.Capabilities {
		if have == capability {
			return true
		}
	}
	return false
}

// Vendors lists the vendors that have a profile in fsys.
func Vendors(fsys fs.FS) []string {
	matches, _ := fs.Glob(fsys, "*/profile.json")
	var vendors []string
	for _, m := range matches {
		vendors = append(vendors, path.Dir(m))
	}
	sort.Strings(vendors)
	return vendors
}

// Load reads and compiles the contract of vendor from fsys (laid out as
// the schemas/ folder).
func Load(fsys fs.FS, vendor string) (*Contract, error) {
	c := &Contract{}
	dir := vendor
	if err := decodeFile(fsys, path.Join(dir, "profile.json"), &c.Profile); err != nil {
		return nil, err
	}
	if c.Profile.Vendor != vendor {
		return nil, fmt.Errorf("%s/profile.json: vendor is %q, want %q", dir, c.Profile.Vendor, vendor)
	}
	for _, o := range c.Profile.Optional {
		if !c.Has(o) {
			return nil, fmt.Errorf("%s/profile.json: optional lists %q, which capabilities does not", dir, o)
		}
	}
	var err error
	if c.Scheme, err = regexp.Compile(c.Profile.Auth.Scheme); err != nil {
		return nil, fmt.Errorf("%s/profile.json: auth.scheme: %w", dir, err)
	}
	if c.Profile.RegionFromHost != "" {
		if c.RegionFromHost, err = regexp.Compile(c.Profile.RegionFromHost); err != nil {
			return nil, fmt.Errorf("%s/profile.json: regionFromHost: %w", dir, err)
		}
	}
	if l := c.Profile.Names.Legacy; l != nil {
		if err := l.compile(); err != nil {
			return nil, fmt.Errorf("%s/profile.json: %w", dir, err)
		}
	}
	c.Mapping = xmljson.NewOptions(c.Profile.Mapping.Arrays, c.Profile.Mapping.Objects)

	compiler := jsonschema.NewCompiler()
	compiler.DefaultDraft(jsonschema.Draft2020)
	compiler.AssertFormat()
	for _, s := range []struct {
		file  string
		dst   **jsonschema.Schema
		valid **Validity
	}{{"success.schema.json", &c.Success, &c.SuccessValid}, {"error.schema.json", &c.Error, &c.ErrorValid}} {
		name := path.Join(dir, s.file)
		data, err := fs.ReadFile(fsys, name)
		if err != nil {
			return nil, err
		}
		doc, err := jsonschema.UnmarshalJSON(bytes.NewReader(data))
		if err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		url := "file:///schemas/" + name
		if err := compiler.AddResource(url, doc); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		if *s.dst, err = compiler.Compile(url); err != nil {
			return nil, fmt.Errorf("%s: %w", name, err)
		}
		// A schema the fast form cannot compile is validated in full.
		*s.valid, _ = compileValidity(doc)
	}

	name := path.Join(dir, "assertions.json")
	if _, err := fs.Stat(fsys, name); err == nil {
		if err := decodeFile(fsys, name, &c.Assertions); err != nil {
			return nil, err
		}
		for i := range c.Assertions {
			if err := c.Assertions[i].compile(); err != nil {
				return nil, fmt.Errorf("%s: %w", name, err)
			}
		}
	}

	pattern := path.Join(dir, "*.tmpl")
	if matches, _ := fs.Glob(fsys, pattern); len(matches) > 0 {
		if c.Templates, err = template.New(vendor).Funcs(TemplateFuncs).ParseFS(fsys, pattern); err != nil {
			return nil, fmt.Errorf("%s: %w", pattern, err)
		}
	}
	return c, nil
}

func (a *Assertion) compile() error {
	if a.ID == "" {
		return fmt.Errorf("an assertion has no id")
	}
	var err error
	if a.Level, err = finding.ParseSeverity(a.Severity); err != nil {
		return fmt.Errorf("assertion %s: %w", a.ID, err)
	}
	if a.When == "" {
		a.When = "success"
	}
	if a.When != "success" && a.When != "error" {
		return fmt.Errorf("assertion %s: when is %q, want success or error", a.ID, a.When)
	}
	if a.ForEachExpr, err = xpath.Compile(a.ForEach); err != nil {
		return fmt.Errorf("assertion %s: forEach: %w", a.ID, err)
	}
	if a.Expr, err = xpath.Compile(a.Assert); err != nil {
		return fmt.Errorf("assertion %s: assert: %w", a.ID, err)
	}
	return nil
}

func decodeFile(fsys fs.FS, name string, v any) error {
	data, err := fs.ReadFile(fsys, name)
	if err != nil {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return nil
}

// Set loads contracts on first use and keeps them.
type Set struct {
	FS    fs.FS
	mu    sync.Mutex
	cache map[string]*Contract
}

// Get returns vendor's contract.
func (s *Set) Get(vendor string) (*Contract, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if c, ok := s.cache[vendor]; ok {
		return c, nil
	}
	c, err := Load(s.FS, vendor)
	if err != nil {
		return nil, err
	}
	if s.cache == nil {
		s.cache = map[string]*Contract{}
	}
	s.cache[vendor] = c
	return c, nil
}
