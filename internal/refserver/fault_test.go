package refserver

import (
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"mime"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/jsonlenient"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/internal/xmltree"
	"github.com/getservice-conformance/gsc/schemas"
)

// probe is one endpoint, seeded, to show a fault on.
type probe struct {
	t       *testing.T
	e       *endpoint
	s       *session
	bs      []Bucket // the seeded buckets in name order, with their tags
	d       vendorData
	dialect string
}

// newProbe starts a seeded endpoint with faults in force. Without faults
// the session's exchanges are judged by the checker when the test ends:
// the probes' requests must then get clean answers.
func newProbe(t *testing.T, vendor string, faults []Fault) *probe {
	t.Helper()
	c := loadContract(t, vendor)
	srv := New(c, Options{Keys: map[string]string{testKey: testSecret}, Now: func() time.Time { return t0 }, Faults: faults})
	ts := httptest.NewServer(srv)
	t.Cleanup(ts.Close)
	e := &endpoint{c: c, srv: srv, url: ts.URL}
	d := vendors[vendor]
	p := &probe{t: t, e: e, d: d, dialect: c.Profile.Auth.Signatures[0]}
	p.bs = tagBuckets(t, e, seed(e, d))
	if len(faults) == 0 {
		p.s = e.session(t)
	} else {
		p.s = &session{t: t, e: e, client: &http.Client{Timeout: 30 * time.Second}}
	}
	return p
}

func (p *probe) list(q url.Values) reply {
	return p.s.do(call{dialect: p.dialect, query: q})
}

// reject sends a GET Service request that fails authentication as f.
func (p *probe) reject(f signer.Failure) reply {
	c := call{dialect: p.dialect}
	switch f {
	case signer.Anonymous:
		c.dialect = ""
	case signer.BadSignature:
		c.creds = signer.Credentials{AccessKey: testKey, SecretKey: "not-" + testSecret}
	case signer.UnknownKey:
		c.creds = signer.Credentials{AccessKey: "AKIDUNKNOWN", SecretKey: testSecret}
	case signer.ClockSkew:
		c.at = t0.Add(-2 * time.Hour)
	}
	return p.s.do(c)
}

// page lists with page size n.
func (p *probe) page(n int, q url.Values) (reply, listed) {
	if q == nil {
		q = url.Values{}
	}
	q.Set(p.e.c.Profile.Params.PageSize.Name, strconv.Itoa(n))
	r := p.list(q)
	return r, p.s.listed(r)
}

// secondPage lists the first two pages of size 2.
func (p *probe) secondPage() (first, second listed) {
	params := p.e.c.Profile.Params
	_, first = p.page(2, nil)
	q := url.Values{}
	switch {
	case params.Token != "":
		q.Set(params.Token, first.next)
	case params.Marker != "":
		q.Set(params.Marker, first.next)
	default:
		q.Set(params.Offset, "2")
	}
	_, second = p.page(2, q)
	return first, second
}

func (p *probe) region(name string) string {
	for _, b := range p.bs {
		if b.Name == name {
			return b.Region
		}
	}
	return ""
}

// syntax returns the check ids of a body's syntax problems.
func syntax(c *contract.Contract, body []byte) []string {
	var ids []string
	if c.Profile.Body == "json" {
		_, problems := jsonlenient.Parse(body)
		for range problems {
			ids = append(ids, "json.syntax")
		}
		return ids
	}
	_, problems := xmltree.Parse(body)
	for _, pr := range problems {
		ids = append(ids, pr.Check)
	}
	return ids
}

// rootNamespace returns the namespace of a body's root element.
func rootNamespaceOf(t *testing.T, body []byte) string {
	d := xml.NewDecoder(bytes.NewReader(body))
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return ""
		}
		if err != nil {
			t.Fatalf("reading the root element: %v", err)
		}
		if se, ok := tok.(xml.StartElement); ok {
			return se.Name.Space
		}
	}
}

func deviatesIf(deviates bool, format string, args ...any) string {
	if deviates {
		return fmt.Sprintf(format, args...)
	}
	return ""
}

func showsAccepted(f signer.Failure) func(p *probe) string {
	return func(p *probe) string {
		r := p.reject(f)
		return deviatesIf(r.status < 400, "%s answered %d", f, r.status)
	}
}

func showsWrongStatus(f signer.Failure) func(p *probe) string {
	return func(p *probe) string {
		r := p.reject(f)
		allowed := contract.Rejection{Status: p.e.c.Profile.Auth.Rejections[string(f)].Status}
		return deviatesIf(!allowed.Allows(r.status, ""), "%s answered status %d", f, r.status)
	}
}

func showsWrongCode(f signer.Failure) func(p *probe) string {
	return func(p *probe) string {
		r := p.reject(f)
		code := p.s.errorCode(r)
		return deviatesIf(!slices.Contains(p.e.c.Profile.Auth.Rejections[string(f)].Codes, code), "%s answered code %q", f, code)
	}
}

// hasSyntax is a probe that finds a syntax problem in a listing.
func hasSyntax(check ...string) func(p *probe) string {
	return func(p *probe) string {
		r := p.list(nil)
		found := syntax(p.e.c, r.body)
		for _, id := range check {
			if slices.Contains(found, id) {
				return fmt.Sprintf("%s in:\n%s", id, r.body)
			}
		}
		return ""
	}
}

// filtered is a probe that lists with a filter and finds a bucket the
// filter should have left out.
func filtered(q func(p *probe) (url.Values, http.Header), keep func(p *probe, b Bucket) bool) func(p *probe) string {
	return func(p *probe) string {
		query, header := q(p)
		got := p.s.listed(p.s.do(call{dialect: p.dialect, query: query, header: header}))
		for _, name := range got.names {
			i := slices.IndexFunc(p.bs, func(b Bucket) bool { return b.Name == name })
			if i < 0 || !keep(p, p.bs[i]) {
				return fmt.Sprintf("query %v, header %v lists %s", query, header, name)
			}
		}
		return ""
	}
}

// faultProbes show each fault: the probe makes the exchanges where the
// fault shows and says how the answer departs from the contract, "" when
// it does not.
var faultProbes = map[Fault]func(p *probe) string{
	AnonymousAccepted:  showsAccepted(signer.Anonymous),
	SignatureUnchecked: showsAccepted(signer.BadSignature),
	ClockSkewUnchecked: showsAccepted(signer.ClockSkew),

	AnonymousWrongStatus:    showsWrongStatus(signer.Anonymous),
	AnonymousWrongCode:      showsWrongCode(signer.Anonymous),
	BadSignatureWrongStatus: showsWrongStatus(signer.BadSignature),
	BadSignatureWrongCode:   showsWrongCode(signer.BadSignature),
	UnknownKeyWrongStatus:   showsWrongStatus(signer.UnknownKey),
	UnknownKeyWrongCode:     showsWrongCode(signer.UnknownKey),
	ClockSkewWrongStatus:    showsWrongStatus(signer.ClockSkew),
	ClockSkewWrongCode:      showsWrongCode(signer.ClockSkew),

	MissingRequestID: func(p *probe) string {
		h := p.e.c.Profile.RequestIDHeader
		ok, rejected := p.list(nil), p.reject(signer.Anonymous)
		return deviatesIf(ok.header.Get(h) == "" || rejected.header.Get(h) == "", "no %s header", h)
	},
	WrongContentType: func(p *probe) string {
		ct := p.list(nil).header.Get("Content-Type")
		mt, _, _ := mime.ParseMediaType(ct)
		return deviatesIf(!slices.Contains(p.e.c.Profile.ContentTypes, mt), "Content-Type %q", ct)
	},
	ErrorBodyHTML: func(p *probe) string {
		r := p.reject(signer.Anonymous)
		return deviatesIf(bytes.HasPrefix(r.body, []byte("<html")), "an HTML error body:\n%s", r.body)
	},
	ErrorBodyEmpty: func(p *probe) string {
		r := p.reject(signer.Anonymous)
		return deviatesIf(len(r.body) == 0, "an empty error body with status %d", r.status)
	},
	ErrorBodyNoID: func(p *probe) string {
		r := p.reject(signer.BadSignature)
		id := r.header.Get(p.e.c.Profile.RequestIDHeader)
		return deviatesIf(id != "" && !bytes.Contains(r.body, []byte(id)), "the error body lacks request id %s: %s", id, r.body)
	},

	BareEndTag:     hasSyntax("xml.unmatched-end"),
	MismatchedTags: hasSyntax("xml.mismatched-end"),
	InvalidJSON:    hasSyntax("json.syntax"),
	TextAfterRoot:  hasSyntax("xml.outside-root", "json.syntax"),
	WrongNamespace: func(p *probe) string {
		var want bytes.Buffer
		if err := p.e.srv.listing.Execute(&want, &listingBody{}); err != nil {
			p.t.Fatal(err)
		}
		got := rootNamespaceOf(p.t, p.list(nil).body)
		return deviatesIf(got != "" && got != rootNamespaceOf(p.t, want.Bytes()), "namespace %q", got)
	},
	MissingNamespace: func(p *probe) string {
		return deviatesIf(rootNamespaceOf(p.t, p.list(nil).body) == "", "no namespace")
	},
	DateNotISO8601: func(p *probe) string {
		for _, d := range p.s.listed(p.list(nil)).created {
			if _, err := time.Parse(time.RFC3339, d); err != nil {
				return fmt.Sprintf("date %q", d)
			}
		}
		return ""
	},
	CountDisagrees: func(p *probe) string {
		got := p.s.listed(p.list(nil))
		n, err := strconv.Atoi(got.count)
		return deviatesIf(err != nil || n < len(got.names), "count %q with %d buckets listed", got.count, len(got.names))
	},

	PageSizeIgnored: func(p *probe) string {
		_, got := p.page(2, nil)
		return deviatesIf(len(got.names) > 2, "page size 2 listed %d buckets", len(got.names))
	},
	PageSizeUnvalidated: func(p *probe) string {
		r := p.list(url.Values{p.e.c.Profile.Params.PageSize.Name: {"0"}})
		return deviatesIf(r.status != http.StatusBadRequest, "page size 0 answered %d", r.status)
	},
	ZeroPageSizeServed: func(p *probe) string {
		name := p.e.c.Profile.Params.PageSize.Name
		zero, nan := p.list(url.Values{name: {"0"}}), p.list(url.Values{name: {"abc"}})
		return deviatesIf(zero.status != http.StatusBadRequest && nan.status == http.StatusBadRequest, "page size 0 answered %d, abc %d", zero.status, nan.status)
	},
	TruncatedWithoutNext: func(p *probe) string {
		_, got := p.page(2, nil)
		return deviatesIf(got.next == "", "a page of 2 of %d buckets names no next page", len(p.bs))
	},
	PartialPageSaysComplete: func(p *probe) string {
		_, got := p.page(2, nil)
		return deviatesIf(got.truncated != "true", "a page of 2 of %d buckets says truncated %q", len(p.bs), got.truncated)
	},
	NextPageRepeats: func(p *probe) string {
		first, second := p.secondPage()
		return deviatesIf(len(second.names) > 0 && second.names[0] == first.names[len(first.names)-1], "pages %v then %v", first.names, second.names)
	},
	NextPageSkips: func(p *probe) string {
		first, second := p.secondPage()
		return deviatesIf(len(second.names) > 0 && second.names[0] == p.bs[3].Name, "pages %v then %v", first.names, second.names)
	},
	Unsorted: func(p *probe) string {
		got := p.s.listed(p.list(nil))
		return deviatesIf(!slices.IsSorted(got.names), "listed %v", got.names)
	},
	BucketRegionMissing: func(p *probe) string {
		r := p.list(url.Values{p.e.c.Profile.Params.PageSize.Name: {"2"}})
		return deviatesIf(!bytes.Contains(r.body, []byte("<BucketRegion>")), "a page of 2 shows no BucketRegion: %s", r.body)
	},
	CreationOrder: func(p *probe) string {
		got := p.s.listed(p.list(nil))
		return deviatesIf(!slices.IsSorted(got.names), "listed %v", got.names)
	},
	UnknownMarkerRestarts: func(p *probe) string {
		marker := p.bs[0].Name + "-gone"
		got := p.s.listed(p.list(url.Values{p.e.c.Profile.Params.Marker: {marker}}))
		return deviatesIf(len(got.names) > 0 && got.names[0] <= marker, "marker %s listed %v", marker, got.names)
	},
	EmptyTokenServed: func(p *probe) string {
		r := p.list(url.Values{p.e.c.Profile.Params.Token: {""}})
		return deviatesIf(r.status != http.StatusBadRequest, "an empty token answered %d", r.status)
	},
	RegionUnvalidated: func(p *probe) string {
		r := p.list(url.Values{p.e.c.Profile.Params.Region: {"not a region"}})
		return deviatesIf(r.status != http.StatusBadRequest, "a region that is none answered %d", r.status)
	},
	ForgedTokenAccepted: func(p *probe) string {
		r := p.list(url.Values{p.e.c.Profile.Params.Token: {"forged"}})
		return deviatesIf(r.status != http.StatusBadRequest, "a forged token answered %d", r.status)
	},

	PrefixIgnored: filtered(func(p *probe) (url.Values, http.Header) {
		return url.Values{p.e.c.Profile.Params.Prefix: {"app"}}, nil
	}, func(_ *probe, b Bucket) bool { return strings.HasPrefix(b.Name, "app") }),
	RegionIgnored: filtered(func(p *probe) (url.Values, http.Header) {
		return url.Values{p.e.c.Profile.Params.Region: {p.d.regions[1]}}, nil
	}, func(p *probe, b Bucket) bool { return b.Region == p.d.regions[1] }),
	LocationIgnored: filtered(func(p *probe) (url.Values, http.Header) {
		return nil, http.Header{p.e.c.Profile.Params.LocationHeader: {p.d.regions[1]}}
	}, func(p *probe, b Bucket) bool { return b.Region == p.d.regions[1] }),
	CreateTimeIgnored: filtered(func(p *probe) (url.Values, http.Header) {
		mid := p.bs[len(p.bs)/2].Created
		params := p.e.c.Profile.Params
		return url.Values{params.CreateTime: {strconv.FormatInt(mid.Unix(), 10)}, params.Range: {"lt"}}, nil
	}, func(p *probe, b Bucket) bool { return b.Created.Before(p.bs[len(p.bs)/2].Created) }),
	TagsIgnored: filtered(func(p *probe) (url.Values, http.Header) {
		return url.Values{p.e.c.Profile.Params.TagKey: {"env"}}, nil
	}, func(_ *probe, b Bucket) bool { _, ok := b.Tags["env"]; return ok }),
}

// TestFaults shows every fault of every vendor: with it the answer
// departs from the contract as the fault's name says; without it the same
// exchanges are as the contract says, and the checker finds nothing in
// them.
func TestFaults(t *testing.T) {
	for _, vendor := range contract.Vendors(schemas.FS) {
		t.Run(vendor, func(t *testing.T) {
			t.Parallel()
			for _, f := range Faults(loadContract(t, vendor)) {
				t.Run(string(f), func(t *testing.T) {
					show := faultProbes[f]
					if show == nil {
						t.Fatalf("no probe shows fault %s", f)
					}
					if why := show(newProbe(t, vendor, nil)); why != "" {
						t.Errorf("without the fault the answer deviates: %s", why)
					}
					why := show(newProbe(t, vendor, []Fault{f}))
					if why == "" {
						t.Errorf("with fault %s the answer is as the contract says", f)
					}
					t.Logf("%s: %s", f, why)
				})
			}
		})
	}
}

// TestFaultNames: every fault is documented and shown, applies to some
// vendor, and a name that does not apply is refused with the reason.
func TestFaultNames(t *testing.T) {
	applies := map[Fault]bool{}
	for _, vendor := range contract.Vendors(schemas.FS) {
		for _, f := range Faults(loadContract(t, vendor)) {
			applies[f] = true
		}
	}
	for _, f := range AllFaults() {
		if f.Doc() == "" || faultProbes[f] == nil {
			t.Errorf("fault %s has no doc or no probe", f)
		}
		if !applies[f] {
			t.Errorf("fault %s applies to no vendor", f)
		}
	}
	if len(faultProbes) != len(AllFaults()) {
		t.Errorf("%d probes for %d faults", len(faultProbes), len(AllFaults()))
	}
	tests := []struct {
		vendor, name, err string
	}{
		{"s3", "invalid-json", "does not apply to s3: the contract's bodies are XML"},
		{"cos", "wrong-namespace", "does not apply to cos: the contract's listing has no namespace"},
		{"qingstor", "anonymous-wrong-code", "allows any error code for an anonymous request"},
		{"bos", "prefix-ignored", "documents no prefix filter"},
		{"scality", "unsorted", "does not promise an order"},
		{"s3", "no-such-fault", `unknown fault "no-such-fault"`},
		{"s3", "wrong-namespace", ""},
		{"qingstor", "count-disagrees", ""},
	}
	for _, tt := range tests {
		_, err := ParseFault(loadContract(t, tt.vendor), tt.name)
		switch {
		case tt.err == "" && err != nil:
			t.Errorf("%s %s: %v", tt.vendor, tt.name, err)
		case tt.err != "" && (err == nil || !strings.Contains(err.Error(), tt.err)):
			t.Errorf("%s %s: error %v, want one saying %q", tt.vendor, tt.name, err, tt.err)
		}
	}
	defer func() {
		if recover() == nil {
			t.Error("New accepted a fault that does not apply")
		}
	}()
	New(loadContract(t, "s3"), Options{Faults: []Fault{InvalidJSON}})
}
