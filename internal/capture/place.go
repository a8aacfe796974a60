package capture

import (
	"encoding/json"
	"encoding/xml"
	"fmt"
	"net/url"
	"regexp"
	"slices"
	"strings"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/redact"
)

// Options say how to place a capture's entries.
type Options struct {
	Contracts *contract.Set
	// Vendor, when set, is the vendor of every entry: the host and the
	// shape then only decide whether an entry is GET Service.
	Vendor string
}

// Import is a capture read and placed.
type Import struct {
	File   string
	Format Format
	Src    []byte
	// Walks are the GET Service exchanges, one recording per host.
	Walks []*Walk
	// Unplaced are the entries not judged, in file order.
	Unplaced []Unplaced
	lines    lines
}

// Walk is the exchanges of one host, synthesised as one recording.
type Walk struct {
	Vendor, Host string
	Rec          *exchange.Recording
	entries      []*entry // by the recording's exchange index - 1
	text         text     // the recording's bytes and their places
	lines        lines    // of the recording
}

// Read reads a capture of a known format other than txtar.
func Read(file string, src []byte, f Format, o Options) (*Import, error) {
	imp := &Import{File: file, Format: f, Src: src, lines: newLines(src)}
	var entries []*entry
	var err error
	switch f {
	case HAR:
		entries, err = imp.readHAR()
	case VCR:
		entries, err = imp.readVCR()
	case Curl:
		entries = imp.readCurl()
	default:
		return nil, fmt.Errorf("capture: %s is not an import format", f)
	}
	if err != nil {
		return nil, err
	}
	if err := imp.place(entries, o); err != nil {
		return nil, err
	}
	return imp, nil
}

// Placed is the number of exchanges judged.
func (imp *Import) Placed() int {
	n := 0
	for _, w := range imp.Walks {
		n += len(w.entries)
	}
	return n
}

func (imp *Import) place(entries []*entry, o Options) error {
	byKey := map[string]*Walk{}
	for _, e := range entries {
		vendor, why := imp.placeEntry(e, o)
		if why != "" {
			imp.unplaced(e, why)
			continue
		}
		host := e.host()
		key := vendor + " " + strings.ToLower(host)
		w := byKey[key]
		if w == nil {
			w = &Walk{Vendor: vendor, Host: host}
			byKey[key] = w
			imp.Walks = append(imp.Walks, w)
		}
		w.entries = append(w.entries, e)
	}
	for _, w := range imp.Walks {
		if err := w.synthesise(imp); err != nil {
			return err
		}
	}
	return nil
}

func (imp *Import) unplaced(e *entry, why string) {
	u := Unplaced{Entry: e.label, Why: why}
	u.Line, u.Col = imp.lines.position(e.pos)
	if e.req != nil {
		// A presigned URL carries its signature: mask it as every output does.
		u.Method, u.URL, u.requestShown = e.req.method.String(), redactURL(e.req.url.String()), true
	}
	imp.Unplaced = append(imp.Unplaced, u)
}

func redactURL(s string) string {
	if u, err := url.Parse(s); err == nil && u.User != nil {
		u.User = nil
		s = u.String()
	}
	base, q, ok := strings.Cut(s, "?")
	if !ok {
		return s
	}
	return base + "?" + redact.Query(q)
}

// host is the entry's host as the URL or the Host header names it.
func (e *entry) host() string {
	if e.req == nil {
		return ""
	}
	if u, err := url.Parse(e.req.url.String()); err == nil && u.Host != "" {
		return u.Host
	}
	if h := e.req.get("Host"); h != "" {
		return h
	}
	return e.req.get(":authority")
}

// serviceHosts are the hosts each vendor serves GET Service on; a host of
// the vendor's domain that is not one of them is a bucket's.
var serviceHosts = []struct {
	vendor  string
	domain  string
	service *regexp.Regexp
}{
	{"s3", ".amazonaws.com", regexp.MustCompile(`^s3([.-][a-z0-9-]+)*\.amazonaws\.com$`)},
	{"s3", ".amazonaws.com.cn", regexp.MustCompile(`^s3([.-][a-z0-9-]+)*\.amazonaws\.com\.cn$`)},
	{"cos", ".myqcloud.com", regexp.MustCompile(`^(service\.cos|cos\.[a-z0-9-]+)\.myqcloud\.com$`)},
	{"oss", ".aliyuncs.com", regexp.MustCompile(`^oss-[a-z0-9-]+\.aliyuncs\.com$`)},
	{"bos", ".bcebos.com", regexp.MustCompile(`^[a-z0-9-]+\.bcebos\.com$`)},
	{"qingstor", "qingstor.com", regexp.MustCompile(`^([a-z0-9-]+\.)?qingstor\.com$`)},
}

// vendorByHost returns the vendor whose domain host is in, and whether
// host is one of its buckets' hosts rather than its service host.
func vendorByHost(host string) (vendor string, bucket bool) {
	for _, s := range serviceHosts {
		if strings.HasSuffix(host, s.domain) || host == strings.TrimPrefix(s.domain, ".") {
			return s.vendor, !s.service.MatchString(host)
		}
	}
	return "", false
}

// placeEntry returns the vendor of a GET Service entry, or why the entry
// is not one (or cannot be told to be one).
func (imp *Import) placeEntry(e *entry, o Options) (vendor, why string) {
	if e.unreadable != "" {
		return "", e.unreadable
	}
	if e.resp == nil {
		return "", "no response was captured"
	}
	if e.req == nil {
		// curl -i shows no request: only a body that is a bucket listing
		// says it answered GET Service.
		v := o.Vendor
		if v == "" {
			v = vendorByHeaders(e, o.Contracts)
		}
		shape := listingShape(e.resp.body.data)
		switch {
		case shape == "":
			return "", "no request is shown and the body is not a bucket listing"
		case v == "":
			v = shape
		}
		return v, ""
	}
	host := strings.ToLower(e.host())
	if h, _, ok := strings.Cut(host, ":"); ok && !strings.HasPrefix(host, "[") {
		host = h
	}
	vendor = o.Vendor
	if v, bucket := vendorByHost(host); bucket {
		return "", fmt.Sprintf("not a GET Service request: %s is a bucket's host, not the %s service host", host, v)
	} else if vendor == "" {
		vendor = v
	}
	if vendor == "" {
		vendor = vendorByHeaders(e, o.Contracts)
	}
	if vendor == "" {
		vendor = listingShape(e.resp.body.data)
	}
	if method := e.req.method.String(); method != "GET" {
		return "", "not a GET Service request: the method is " + method
	}
	u, err := url.Parse(e.req.url.String())
	if err != nil {
		return "", "the URL does not parse: " + err.Error()
	}
	path := u.EscapedPath()
	if path == "" {
		path = "/"
	}
	if path != "/" && path != "/v1" {
		return "", "not a GET Service request: the path is not a service root (/ or /v1)"
	}
	if vendor == "" {
		return "", "the vendor cannot be told from the host, the headers or the body: name it with --vendor"
	}
	c, err := o.Contracts.Get(vendor)
	if err != nil {
		return "", fmt.Sprintf("vendor %q: %v", vendor, err)
	}
	if !slices.Contains(c.Profile.Paths, path) {
		return "", fmt.Sprintf("not a GET Service request: the path is not %s", strings.Join(c.Profile.Paths, " or "))
	}
	known := listingParams(c.Profile.Params)
	for name := range u.Query() {
		if !known[name] && !strings.HasPrefix(strings.ToLower(name), "x-amz-") {
			return "", fmt.Sprintf("not a GET Service request: %q is not a %s listing parameter", name, vendor)
		}
	}
	if e.resp.noBody != "" {
		return "", e.resp.noBody
	}
	return vendor, ""
}

// listingParams are the query parameters a GET Service request may send.
func listingParams(p contract.Params) map[string]bool {
	m := map[string]bool{"x-id": true} // aws-sdk-go-v2 sends x-id=ListBuckets
	for _, n := range []string{p.PageSize.Name, p.Marker, p.Token, p.Offset, p.Prefix, p.Region, p.CreateTime, p.Range, p.TagKey, p.TagValue, "tagging"} {
		if n != "" {
			m[n] = true
		}
	}
	return m
}

// vendorByHeaders tells the vendor by the response's request-id header or
// by the request's Authorization form, as each contract gives them; the
// first vendor in name order wins a tie (s3 before scality).
func vendorByHeaders(e *entry, set *contract.Set) string {
	if set == nil {
		return ""
	}
	vendors := contract.Vendors(set.FS)
	for _, v := range vendors {
		c, err := set.Get(v)
		if err == nil && e.resp.get(c.Profile.RequestIDHeader) != "" {
			return v
		}
	}
	auth := e.req.get("Authorization")
	if auth == "" {
		return ""
	}
	for _, v := range vendors {
		c, err := set.Get(v)
		if err == nil && c.Scheme.MatchString(auth) {
			return v
		}
	}
	return ""
}

// listingShape tells a vendor from a body that is a bucket listing, or "":
// XML ListAllMyBucketsResult reads as S3 (COS and OSS have their own hosts
// and headers), JSON with a count as QingStor, with an owner as BOS.
func listingShape(body []byte) string {
	var j map[string]json.RawMessage
	if json.Unmarshal(body, &j) == nil {
		if _, ok := j["buckets"]; !ok {
			return ""
		}
		if _, ok := j["count"]; ok {
			return "qingstor"
		}
		if _, ok := j["owner"]; ok {
			return "bos"
		}
		return ""
	}
	var root struct{ XMLName xml.Name }
	if xml.Unmarshal(body, &root) == nil && root.XMLName.Local == "ListAllMyBucketsResult" {
		return "s3"
	}
	return ""
}
