package refserver

import (
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/schemas"
)

// vendorData is what a test needs to seed valid buckets: the regions
// (zones) buckets spread over, the endpoint's first, and how a stem
// becomes a valid bucket name.
type vendorData struct {
	regions []string
	name    func(stem string) string
}

var vendors = map[string]vendorData{
	"s3":       {[]string{"us-east-1", "eu-west-1", "ap-south-1"}, plain},
	"scality":  {[]string{"us-east-1", "eu-west-1"}, plain},
	"cos":      {[]string{"ap-beijing", "ap-guangzhou", "eu-frankfurt"}, func(s string) string { return s + "-1250000000" }},
	"oss":      {[]string{"cn-hangzhou", "cn-shanghai", "cn-beijing"}, plain},
	"bos":      {[]string{"bj", "gz", "su"}, plain},
	"qingstor": {[]string{"pek3a", "sh1a", "gd2"}, plain},
}

func plain(s string) string { return s }

// stems are chosen for byte order: '-' < '.' < digits < letters.
var stems = []string{"zeta", "app", "backup-2024", "app-logs", "apps", "app0", "logs", "logs-prod", "media", "backup", "images-gz", "a-b"}

// seed fills the endpoint with one bucket per stem, spread over regions
// and creation times, and returns them in name order.
func seed(e *endpoint, d vendorData) []Bucket {
	var bs []Bucket
	for i, stem := range stems {
		b := Bucket{
			Name:    d.name(stem),
			Region:  d.regions[i%len(d.regions)],
			Created: time.Date(2019, 5, 24, 11, 49, 50, 0, time.UTC).Add(time.Duration(i) * 37 * time.Hour),
		}
		if e.c.Profile.Params.ResourceGroupHeader != "" && i%3 == 2 {
			b.Group = otherGroup // the others join the default group
		}
		e.srv.Seed(b)
		bs = append(bs, e.srv.normalize(b))
	}
	sort.Slice(bs, func(i, j int) bool { return bs[i].Name < bs[j].Name })
	return bs
}

func names(bs []Bucket) []string {
	out := []string{}
	for _, b := range bs {
		out = append(out, b.Name)
	}
	return out
}

func filter(bs []Bucket, keep func(Bucket) bool) []Bucket {
	var out []Bucket
	for _, b := range bs {
		if keep(b) {
			out = append(out, b)
		}
	}
	return out
}

// forEachVendor runs f for every vendor with a profile, on a fresh endpoint.
func forEachVendor(t *testing.T, f func(t *testing.T, e *endpoint, d vendorData)) {
	for _, vendor := range contract.Vendors(schemas.FS) {
		t.Run(vendor, func(t *testing.T) {
			d, ok := vendors[vendor]
			if !ok {
				t.Fatalf("no test data for vendor %s", vendor)
			}
			f(t, startEndpoint(t, vendor), d)
		})
	}
}

func TestFullListing(t *testing.T) {
	forEachVendor(t, func(t *testing.T, e *endpoint, d vendorData) {
		want := seed(e, d)
		for _, dialect := range e.c.Profile.Auth.Signatures {
			t.Run(dialect, func(t *testing.T) {
				s := e.session(t)
				for _, path := range e.c.Profile.Paths {
					r := s.do(call{path: path, dialect: dialect})
					got := s.listed(r)
					if !slices.Equal(got.names, names(want)) {
						t.Errorf("GET %s lists %v, want %v", path, got.names, names(want))
					}
					for i, b := range want {
						// A listing may dress the region id (OSS: oss-<id>).
						if i < len(got.regions) && e.c.Profile.Listing.Region != "" && !strings.HasSuffix(got.regions[i], b.Region) {
							t.Errorf("%s is in %q, want %q", b.Name, got.regions[i], b.Region)
						}
						if i < len(got.created) {
							if ct, err := time.Parse(time.RFC3339, got.created[i]); err != nil || !ct.Equal(b.Created) {
								t.Errorf("%s created %q, want %s", b.Name, got.created[i], b.Created)
							}
						}
					}
					if got.truncated == "true" || got.next != "" {
						t.Errorf("a complete listing says truncated %q, next %q", got.truncated, got.next)
					}
					if r.header.Get("Content-Length") != strconv.Itoa(len(r.body)) {
						t.Errorf("Content-Length %q for %d bytes", r.header.Get("Content-Length"), len(r.body))
					}
					if ct := r.header.Get("Content-Type"); ct != e.c.Profile.ContentTypes[0] {
						t.Errorf("Content-Type %q", ct)
					}
					if _, err := http.ParseTime(r.header.Get("Date")); err != nil {
						t.Errorf("Date: %v", err)
					}
					s.expectIDs(r, "listing")
				}
			})
		}
	})
}

// walk lists every page of a listing by the profile's continuation (token,
// marker or offset), checking each page's bounds and truncation, and
// returns the names in the order listed.
func (s *session) walk(base call, size int) []string {
	s.t.Helper()
	p := s.e.c.Profile.Params
	q := url.Values{}
	for k, v := range base.query {
		q[k] = v
	}
	if size > 0 {
		q.Set(p.PageSize.Name, strconv.Itoa(size))
	}
	var all []string
	offset := 0
	for pages := 0; ; pages++ {
		if pages > 100 {
			s.t.Fatalf("the walk does not end")
		}
		c := base
		c.query = q
		got := s.listed(s.do(c))
		if size > 0 && len(got.names) > size {
			s.t.Fatalf("page of %d buckets with page size %d", len(got.names), size)
		}
		all = append(all, got.names...)
		var more bool
		switch {
		case p.Token != "":
			more = got.next != ""
			q.Set(p.Token, got.next)
		case p.Marker != "":
			more = got.truncated == "true"
			if more != (got.next != "") {
				s.t.Fatalf("truncated %q but next marker %q", got.truncated, got.next)
			}
			if more && got.next != got.names[len(got.names)-1] {
				s.t.Errorf("next marker %q is not the page's last name %q", got.next, got.names[len(got.names)-1])
			}
			q.Set(p.Marker, got.next)
		case p.Offset != "":
			count, err := strconv.Atoi(got.count)
			if err != nil {
				s.t.Fatalf("count %q", got.count)
			}
			offset += len(got.names)
			more = len(got.names) > 0 && offset < count
			q.Set(p.Offset, strconv.Itoa(offset))
		}
		if !more {
			return all
		}
		if size > 0 && len(got.names) != size {
			s.t.Errorf("a page before the last holds %d buckets, want %d", len(got.names), size)
		}
	}
}

// pageSizes are the sizes a vendor's walks use: 1, 2, the default (0:
// the parameter not sent) and the maximum.
func pageSizes(p contract.Profile) []int {
	ps := p.Params.PageSize
	if ps.Name == "" {
		return []int{0}
	}
	sizes := []int{1, 2, 0}
	if ps.Max > 0 {
		sizes = append(sizes, ps.Max)
	}
	return sizes
}

func TestWalks(t *testing.T) {
	forEachVendor(t, func(t *testing.T, e *endpoint, d vendorData) {
		want := names(seed(e, d))
		for _, dialect := range e.c.Profile.Auth.Signatures {
			for _, size := range pageSizes(e.c.Profile) {
				t.Run(dialect+"/size="+strconv.Itoa(size), func(t *testing.T) {
					s := e.session(t)
					if got := s.walk(call{dialect: dialect}, size); !slices.Equal(got, want) {
						t.Errorf("walk lists %v, want %v", got, want)
					}
				})
			}
		}
	})
}

func TestInvalidParameters(t *testing.T) {
	forEachVendor(t, func(t *testing.T, e *endpoint, d vendorData) {
		seed(e, d)
		p := e.c.Profile.Params
		bad := e.c.Profile.Reference.Errors["invalidArgument"]
		var cases []url.Values
		if ps := p.PageSize; ps.Name != "" {
			for _, v := range []string{"0", "-1", "abc", "", "1.5"} {
				cases = append(cases, url.Values{ps.Name: {v}})
			}
			if ps.Max > 0 {
				cases = append(cases, url.Values{ps.Name: {strconv.Itoa(ps.Max + 1)}})
			}
		}
		if p.Offset != "" {
			cases = append(cases, url.Values{p.Offset: {"-1"}}, url.Values{p.Offset: {"x"}})
		}
		if p.Token != "" {
			real := e.srv.tokens.issue(d.name("app"))
			tampered := "A" + real[1:] // another MAC
			if real[0] == 'A' {
				tampered = "B" + real[1:]
			}
			cases = append(cases, url.Values{p.Token: {"bogus"}}, url.Values{p.Token: {tampered}}, url.Values{p.Token: {strings.Repeat("A", 1100)}})
		}
		if p.CreateTime != "" {
			cases = append(cases,
				url.Values{p.CreateTime: {"1600000000"}},
				url.Values{p.Range: {"lt"}},
				url.Values{p.CreateTime: {"1600000000"}, p.Range: {"eq"}},
				url.Values{p.CreateTime: {"yesterday"}, p.Range: {"lt"}})
		}
		if len(cases) == 0 {
			t.Skip("the contract has no parameters to get wrong")
		}
		for _, dialect := range e.c.Profile.Auth.Signatures {
			t.Run(dialect, func(t *testing.T) {
				s := e.session(t)
				for _, q := range cases {
					s.expectError(s.do(call{dialect: dialect, query: q}), bad.Status, bad.Code, q.Encode())
				}
			})
		}
	})
}

func TestTamperedTokenFormsDiffer(t *testing.T) {
	tk := newTokens()
	tok := tk.issue("bucket")
	if name, ok := tk.read(tok); !ok || name != "bucket" {
		t.Fatalf("read(issue(bucket)) = %q, %v", name, ok)
	}
	if _, ok := newTokens().read(tok); ok {
		t.Error("another endpoint's token was accepted")
	}
	for _, bad := range []string{"", "!!", tok[:4], tok + "A"} {
		if _, ok := tk.read(bad); ok {
			t.Errorf("token %q was accepted", bad)
		}
	}
}

// filterCase is one filtered request and the buckets it must list.
type filterCase struct {
	name   string
	query  url.Values
	header http.Header
	host   string
	keep   func(Bucket) bool
}

// filterCases derives the filters a contract offers from its profile.
func filterCases(e *endpoint, d vendorData, bs []Bucket) []filterCase {
	p := e.c.Profile.Params
	var cs []filterCase
	if p.Prefix != "" {
		for _, prefix := range []string{"app", "app-", "backup", "zzz", ""} {
			cs = append(cs, filterCase{name: "prefix=" + prefix, query: url.Values{p.Prefix: {prefix}},
				keep: func(b Bucket) bool { return strings.HasPrefix(b.Name, prefix) }})
		}
	}
	regions := append(slices.Clone(d.regions), "nowhere")
	if p.Region != "" {
		for _, r := range regions {
			cs = append(cs, filterCase{name: p.Region + "=" + r, query: url.Values{p.Region: {r}},
				keep: func(b Bucket) bool { return b.Region == r }})
		}
	}
	if e.c.RegionFromHost != nil {
		for _, r := range d.regions {
			host := "cos." + r + ".myqcloud.com" // the one form RegionFromHost has; checked below
			if !e.c.RegionFromHost.MatchString(host) {
				continue
			}
			cs = append(cs, filterCase{name: "host " + host, host: host,
				keep: func(b Bucket) bool { return b.Region == r }})
			if p.Region != "" {
				other := d.regions[0]
				if other == r {
					other = d.regions[1]
				}
				cs = append(cs, filterCase{name: "host " + host + " and " + other, host: host, query: url.Values{p.Region: {other}},
					keep: func(Bucket) bool { return false }})
			}
		}
	}
	if p.LocationHeader != "" {
		for _, r := range regions {
			cs = append(cs, filterCase{name: p.LocationHeader + ": " + r, header: http.Header{p.LocationHeader: {r}},
				keep: func(b Bucket) bool { return b.Region == r }})
		}
	}
	if p.CreateTime != "" {
		mid := bs[len(bs)/2].Created
		for _, op := range []string{"lt", "lte", "gt", "gte"} {
			bound := &timeBound{op: op, at: mid}
			cs = append(cs, filterCase{name: "create-time " + op, query: url.Values{p.CreateTime: {strconv.FormatInt(mid.Unix(), 10)}, p.Range: {op}},
				keep: func(b Bucket) bool { return bound.holds(b.Created) }})
		}
	}
	if p.TagKey != "" {
		cs = append(cs,
			filterCase{name: "tag env", query: url.Values{p.TagKey: {"env"}},
				keep: func(b Bucket) bool { _, ok := b.Tags["env"]; return ok }},
			filterCase{name: "tag env=prod", query: url.Values{p.TagKey: {"env"}, p.TagValue: {"prod"}},
				keep: func(b Bucket) bool { return b.Tags["env"] == "prod" }},
			filterCase{name: "tag team=none", query: url.Values{p.TagKey: {"team"}, p.TagValue: {"none"}},
				keep: func(Bucket) bool { return false }})
	}
	return cs
}

// tagBuckets sets tags over HTTP (the set-up call a live run makes) where
// the contract filters by tag, and returns the buckets with their tags.
func tagBuckets(t *testing.T, e *endpoint, bs []Bucket) []Bucket {
	if e.c.Profile.Params.TagKey == "" {
		return bs
	}
	s := e.session(t)
	dialect := e.c.Profile.Auth.Signatures[0]
	out := slices.Clone(bs)
	for i := range out {
		var tags map[string]string
		switch i % 3 {
		case 0:
			tags = map[string]string{"env": "prod", "team": "web"}
		case 1:
			tags = map[string]string{"env": "dev"}
		default:
			continue
		}
		var body strings.Builder
		body.WriteString("<Tagging><TagSet>")
		for _, k := range slices.Sorted(mapKeys(tags)) {
			body.WriteString("<Tag><Key>" + k + "</Key><Value>" + tags[k] + "</Value></Tag>")
		}
		body.WriteString("</TagSet></Tagging>")
		r := s.do(call{method: http.MethodPut, path: "/" + out[i].Name, query: url.Values{e.c.Profile.Reference.Tagging: {""}},
			body: []byte(body.String()), dialect: dialect})
		if r.status != http.StatusOK {
			t.Fatalf("tagging %s: %d\n%s", out[i].Name, r.status, r.body)
		}
		out[i].Tags = tags
	}
	return out
}

func mapKeys(m map[string]string) func(func(string) bool) {
	return func(yield func(string) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func TestFilters(t *testing.T) {
	forEachVendor(t, func(t *testing.T, e *endpoint, d vendorData) {
		bs := tagBuckets(t, e, seed(e, d))
		cases := filterCases(e, d, bs)
		if len(cases) == 0 {
			t.Skip("the contract has no filters")
		}
		for _, dialect := range e.c.Profile.Auth.Signatures {
			for _, fc := range cases {
				t.Run(dialect+"/"+fc.name, func(t *testing.T) {
					s := e.session(t)
					want := names(filter(bs, fc.keep))
					c := call{dialect: dialect, query: fc.query, header: fc.header, host: fc.host}
					if got := s.walk(c, 0); !slices.Equal(got, want) {
						t.Errorf("lists %v, want %v", got, want)
					}
					if e.c.Profile.Params.PageSize.Name != "" {
						if got := s.walk(c, 2); !slices.Equal(got, want) {
							t.Errorf("a walk by 2 lists %v, want %v", got, want)
						}
					}
				})
			}
		}
	})
}

// wantRejection is the answer the contract asks for an auth failure,
// worked out here from the data: the first status and code listed, else
// the reference section's choice, else status 403.
func wantRejection(p contract.Profile, failure string) (int, string) {
	r := p.Auth.Rejections[failure]
	choice := p.Reference.Errors[failure]
	status, code := 403, choice.Code
	if len(r.Status) > 0 {
		status = r.Status[0]
	} else if choice.Status != 0 {
		status = choice.Status
	}
	if len(r.Codes) > 0 {
		code = r.Codes[0]
	}
	return status, code
}

func TestAuthFailures(t *testing.T) {
	forEachVendor(t, func(t *testing.T, e *endpoint, d vendorData) {
		seed(e, d)
		p := e.c.Profile
		expect := func(s *session, r reply, failure string) {
			t.Helper()
			status, code := wantRejection(p, failure)
			if code == "" {
				t.Fatalf("the contract gives no code for %s", failure)
			}
			if !p.Auth.Rejections[failure].Allows(r.status, s.errorCode(r)) {
				t.Errorf("%s: %d %q is not what the profile allows", failure, r.status, s.errorCode(r))
			}
			s.expectError(r, status, code, failure)
		}
		t.Run("anonymous", func(t *testing.T) {
			s := e.session(t)
			for _, path := range p.Paths {
				expect(s, s.do(call{path: path}), "anonymous")
			}
			expect(s, s.do(call{method: http.MethodPut, path: "/" + d.name("newbucket")}), "anonymous")
		})
		for _, dialect := range p.Auth.Signatures {
			t.Run(dialect, func(t *testing.T) {
				s := e.session(t)
				// A wrong secret, and a signature corrupted after signing.
				expect(s, s.do(call{dialect: dialect, creds: signer.Credentials{AccessKey: testKey, SecretKey: "not-the-secret"}}), "badSignature")
				bad := s.request(call{dialect: dialect})
				bad.Header.Set("Authorization", corruptSignature(bad.Header.Get("Authorization")))
				expect(s, s.doRequest(bad), "badSignature")
				expect(s, s.do(call{dialect: dialect, creds: signer.Credentials{AccessKey: "AKIDUNKNOWN", SecretKey: testSecret}}), "unknownKey")
				expect(s, s.do(call{dialect: dialect, at: t0.Add(-2 * time.Hour)}), "clockSkew")
				expect(s, s.do(call{dialect: dialect, at: t0.Add(2 * time.Hour)}), "clockSkew")
				// Inside the allowed skew a request signed by a clock
				// that is ahead passes, except where the signature carries
				// its own window, which must contain the server's time.
				r := s.do(call{dialect: dialect, at: t0.Add(5 * time.Minute)})
				if p.Auth.SignTime == "date" {
					s.listed(r)
				} else {
					expect(s, r, "clockSkew")
				}
				s.listed(s.do(call{dialect: dialect, at: t0.Add(-5 * time.Minute)}))
				// A tampered request: the signature no longer covers it.
				req := call{dialect: dialect, path: p.Paths[0]}
				tampered := s.request(req)
				tampered.Header.Set("Authorization", strings.Replace(tampered.Header.Get("Authorization"), testKey, testKey+"X", 1))
				if r := s.doRequest(tampered); r.status < 400 {
					t.Errorf("a request with an altered key was answered %d", r.status)
				}
			})
		}
	})
}

// corruptSignature changes the first character of an Authorization
// value's signature to another of the same alphabet.
func corruptSignature(v string) string {
	for _, re := range signatures {
		if m := re.FindStringSubmatchIndex(v); m != nil {
			c := byte('0')
			if v[m[4]] == '0' {
				c = '1'
			}
			return v[:m[4]] + string(c) + v[m[4]+1:]
		}
	}
	return v + "0"
}

// TestDefaultPageSize fills a vendor past its default page and checks the
// page sizes that apply without the page-size parameter: the default, or
// the maximum where there is none, and defaultWithFilter when a filter or
// token is sent (S3: 10,000).
func TestDefaultPageSize(t *testing.T) {
	forEachVendor(t, func(t *testing.T, e *endpoint, d vendorData) {
		ps := e.c.Profile.Params.PageSize
		if ps.Name == "" {
			t.Skip("no page-size parameter")
		}
		n := max(ps.Default, ps.DefaultWithFilter, ps.Max) + 1
		for i := range n {
			e.srv.Seed(Bucket{Name: d.name(fmt.Sprintf("b%05d", i)), Created: t0.Add(-time.Hour)})
		}
		s := e.session(t)
		dialect := e.c.Profile.Auth.Signatures[0]
		plain := ps.Default
		if plain == 0 {
			plain = ps.Max
		}
		if got := s.listed(s.do(call{dialect: dialect})); len(got.names) != plain {
			t.Errorf("without parameters: %d buckets, want %d", len(got.names), plain)
		}
		if p := e.c.Profile.Params.Prefix; ps.DefaultWithFilter > 0 && p != "" {
			got := s.listed(s.do(call{dialect: dialect, query: url.Values{p: {"b"}}}))
			if len(got.names) != ps.DefaultWithFilter {
				t.Errorf("with a prefix: %d buckets, want %d", len(got.names), ps.DefaultWithFilter)
			}
		}
	})
}
