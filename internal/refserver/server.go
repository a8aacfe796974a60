// Package refserver is the suite's reference endpoint: an in-memory object
// store that serves GET Service (ListBuckets) exactly as a vendor's
// contract in schemas/<vendor>/ describes it, plus the few set-up calls a
// live run needs (create and delete a bucket, set its tags).
//
// Everything vendor-specific is data: the profile's parameter names,
// limits, defaults, rejections and headers, its reference section
// (contract.Reference), and the body templates listing.tmpl and
// error.tmpl. The Go code knows no vendor.
//
// Calls, path-style: GET on each of the profile's paths lists buckets;
// under each of reference.bucketPaths, PUT /<bucket> creates a bucket
// (an optional body: XML with a LocationConstraint element, or JSON, which
// is only checked to be JSON), DELETE /<bucket> deletes it, and PUT
// /<bucket>?<reference.tagging> sets its tags from a Tagging XML body.
// Every call is authenticated first.
package refserver

import (
	"fmt"
	"maps"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"text/template"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/signer"
)

// Options configure a Server.
type Options struct {
	Keys map[string]string // access key -> secret
	// SessionTokens are the session tokens the endpoint issued, by access
	// key; a request carrying any other token is refused (S3 V4).
	SessionTokens map[string]string
	Region        string           // the endpoint's region or zone; default reference.region
	Now           func() time.Time // clock; default time.Now
	Owner         Owner            // listed as owner; default reference.owner
	// Faults make the endpoint deviate from its contract on purpose, to
	// test the suite (fault.go). Each must apply to the contract.
	Faults []Fault
}

// Owner is the owner listed in a listing.
type Owner struct{ ID, DisplayName string }

// Server is a vendor's reference endpoint. It is safe for concurrent use.
type Server struct {
	c        *contract.Contract
	prof     *contract.Profile
	ref      *contract.Reference
	keys     map[string]string
	sessions map[string]string // session tokens by access key
	region   string
	now      func() time.Time
	owner    Owner
	listing  *template.Template
	errorT   *template.Template
	bucketRE *regexp.Regexp
	store    *store
	tokens   tokens
	ids      *idSource
	faults   faultSet
}

// The error kinds every reference section must answer (contract.Reference.Errors).
var requiredErrors = []string{
	"invalidArgument", "bucketExists", "noSuchBucket", "malformedBody",
	"invalidBucketName", "tooManyBuckets", "methodNotAllowed",
}

// authFailures are the keys of contract.Auth.Rejections every contract
// answers; the finer failures (signer.Finer) a contract may list fall
// back to these (auth.go, rejection).
var authFailures = []signer.Failure{signer.Anonymous, signer.UnknownKey, signer.BadSignature, signer.ClockSkew}

// New returns the reference endpoint of the vendor whose contract is c.
// Like regexp.MustCompile it panics when the contract cannot drive an
// endpoint (no reference section, a missing template or error answer, an
// unknown signature dialect): that is a defect of schemas/, found by the
// package's tests. It panics too on a fault that does not apply to the
// contract: callers check names with ParseFault.
func New(c *contract.Contract, o Options) *Server {
	if err := usable(c); err != nil {
		panic(fmt.Sprintf("refserver: contract %s: %v", c.Profile.Vendor, err))
	}
	faults, err := newFaultSet(c, o.Faults)
	if err != nil {
		panic(fmt.Sprintf("refserver: %v", err))
	}
	ref := c.Profile.Reference
	keys := make(map[string]string, len(o.Keys)) // the caller's map may change later
	for k, v := range o.Keys {
		keys[k] = v
	}
	s := &Server{
		c:        c,
		prof:     &c.Profile,
		ref:      ref,
		keys:     keys,
		sessions: maps.Clone(o.SessionTokens),
		region:   o.Region,
		now:      o.Now,
		owner:    o.Owner,
		listing:  c.Templates.Lookup("listing.tmpl"),
		errorT:   c.Templates.Lookup("error.tmpl"),
		bucketRE: regexp.MustCompile(ref.BucketName), // checked by usable
		store:    newStore(ref.MaxBuckets),
		tokens:   newTokens(),
		ids:      newIDSource(),
		faults:   faults,
	}
	if s.region == "" {
		s.region = ref.Region
	}
	if s.now == nil {
		s.now = time.Now
	}
	if s.owner == (Owner{}) {
		s.owner = Owner{ref.Owner.ID, ref.Owner.DisplayName}
	}
	return s
}

// usable reports why a contract cannot drive an endpoint.
func usable(c *contract.Contract) error {
	ref := c.Profile.Reference
	switch {
	case ref == nil:
		return fmt.Errorf("profile has no reference section")
	case c.Templates == nil || c.Templates.Lookup("listing.tmpl") == nil || c.Templates.Lookup("error.tmpl") == nil:
		return fmt.Errorf("listing.tmpl or error.tmpl is missing")
	case len(c.Profile.Auth.Signatures) == 0:
		return fmt.Errorf("auth.signatures is empty")
	case ref.DateLayout == "" || len(ref.BucketPaths) == 0 || len(c.Profile.ContentTypes) == 0:
		return fmt.Errorf("reference.dateLayout, reference.bucketPaths or contentTypes is empty")
	}
	if _, err := regexp.Compile(ref.BucketName); err != nil {
		return fmt.Errorf("reference.bucketName: %w", err)
	}
	for _, d := range c.Profile.Auth.Signatures {
		if !slices.Contains(signer.Dialects(), d) {
			return fmt.Errorf("auth.signatures: unknown dialect %q", d)
		}
	}
	for _, kind := range requiredErrors {
		if a, ok := ref.Errors[kind]; !ok || a.Status == 0 || a.Code == "" {
			return fmt.Errorf("reference.errors has no status and code for %s", kind)
		}
	}
	for _, f := range authFailures {
		if _, code := rejection(&c.Profile, f); code == "" {
			return fmt.Errorf("no error code for auth failure %s: give one in reference.errors", f)
		}
	}
	return nil
}

// Seed adds or replaces a bucket without HTTP, for tests and set-up. An
// empty region is the endpoint's, a zero creation time is now; the time
// is kept at the precision the vendor shows. Seeding is bound only by the
// endpoint's hard cap of 1,000,000 buckets, not by the vendor's quota;
// beyond the cap Seed panics.
func (s *Server) Seed(b Bucket) {
	if err := s.store.put(s.normalize(b)); err != nil {
		panic(fmt.Sprintf("refserver: seeding %q: %v", b.Name, err))
	}
}

// Buckets returns every bucket in name order.
func (s *Server) Buckets() []Bucket { return s.store.snapshot() }

// Region is the endpoint's region or zone: the one S3 V4 and OSS V4
// requests must be signed for.
func (s *Server) Region() string { return s.region }

// normalize fills a bucket's defaults and copies its tags, so that the
// caller's map is not shared.
func (s *Server) normalize(b Bucket) Bucket {
	if b.Region == "" {
		b.Region = s.region
	}
	if b.Created.IsZero() {
		b.Created = s.now()
	}
	b.Created = s.shown(b.Created)
	if b.Group == "" && s.prof.Params.ResourceGroupHeader != "" && s.ref != nil {
		b.Group = s.ref.DefaultGroup
	}
	if b.Tags != nil {
		tags := make(map[string]string, len(b.Tags))
		for k, v := range b.Tags {
			tags[k] = v
		}
		b.Tags = tags
	}
	return b
}

// shown returns t as the listing shows it: UTC, at the date layout's
// precision. Filters compare this value, so a bucket passes a time filter
// exactly when its listed date does.
func (s *Server) shown(t time.Time) time.Time {
	layout := s.ref.DateLayout
	parsed, err := time.Parse(layout, t.UTC().Format(layout))
	if err != nil {
		return t.UTC()
	}
	return parsed
}

// ServeHTTP authenticates the request and serves GET Service or a bucket
// call.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	x := &request{w: w, r: r, now: s.now().UTC().Truncate(time.Second), id: s.ids.next()}
	if err := s.authenticate(x); err != nil {
		s.fail(x, err)
		return
	}
	if slices.Contains(s.prof.Paths, r.URL.Path) {
		if r.Method != http.MethodGet {
			s.fail(x, failf("methodNotAllowed", "%s is not allowed on the service", r.Method))
			return
		}
		s.list(x)
		return
	}
	name, ok := s.bucketName(r.URL.Path)
	switch {
	case !ok:
		s.fail(x, failf("methodNotAllowed", "%s %s is not an operation of this endpoint", r.Method, r.URL.Path))
	case r.Method == http.MethodPut && s.ref.Tagging != "" && r.URL.Query().Has(s.ref.Tagging):
		s.putTagging(x, name)
	case r.Method == http.MethodPut:
		s.createBucket(x, name)
	case r.Method == http.MethodDelete:
		s.deleteBucket(x, name)
	default:
		s.fail(x, failf("methodNotAllowed", "%s is not allowed on a bucket", r.Method))
	}
}

// bucketName returns the bucket a path names under one of the bucket
// paths, trying the longest prefix first ("/v1/b" is b, not "v1/b").
func (s *Server) bucketName(path string) (string, bool) {
	best := ""
	for _, prefix := range s.ref.BucketPaths {
		if strings.HasPrefix(path, prefix) && len(prefix) > len(best) {
			best = prefix
		}
	}
	if best == "" {
		return "", false
	}
	// In path style "/<bucket>/" names the bucket itself (the OSS SDK
	// sends it so).
	name := strings.TrimSuffix(path[len(best):], "/")
	return name, name != "" && !strings.Contains(name, "/")
}

// request is one request being served.
type request struct {
	w   http.ResponseWriter
	r   *http.Request
	now time.Time // the server's clock for this request, whole seconds (as Date shows it)
	id  string    // request id
}
