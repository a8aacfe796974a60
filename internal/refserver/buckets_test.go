package refserver

import (
	"github.com/getservice-conformance/gsc/internal/contract"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"

	"github.com/getservice-conformance/gsc/internal/signer"
)

func TestSetupCalls(t *testing.T) {
	forEachVendor(t, func(t *testing.T, e *endpoint, d vendorData) {
		ref := e.c.Profile.Reference
		errs := ref.Errors
		for _, dialect := range e.c.Profile.Auth.Signatures {
			t.Run(dialect, func(t *testing.T) {
				s := e.session(t)
				name := d.name("setup-" + strings.ReplaceAll(dialect, "-", ""))
				for _, prefix := range ref.BucketPaths {
					path := prefix + name
					put := call{method: http.MethodPut, path: path, dialect: dialect}
					del := call{method: http.MethodDelete, path: path, dialect: dialect}
					if r := s.do(put); r.status != createdStatus(ref) {
						t.Fatalf("PUT %s: %d\n%s", path, r.status, r.body)
					}
					if !slices.Contains(names(e.srv.Buckets()), name) {
						t.Fatalf("PUT %s created no bucket", path)
					}
					listed := s.listed(s.do(call{dialect: dialect}))
					if !slices.Contains(listed.names, name) {
						t.Errorf("the new bucket is not listed: %v", listed.names)
					}
					s.expectError(s.do(put), errs["bucketExists"].Status, errs["bucketExists"].Code, "PUT again")
					if r := s.do(del); r.status != http.StatusNoContent {
						t.Fatalf("DELETE %s: %d\n%s", path, r.status, r.body)
					}
					s.expectError(s.do(del), errs["noSuchBucket"].Status, errs["noSuchBucket"].Code, "DELETE again")
				}
				invalid := errs["invalidBucketName"]
				// The last name puts markup and quotes into the error body's
				// message and resource: the checker proves them escaped.
				for _, bad := range []string{"ab", "Upper" + name, "-" + name, strings.Repeat("a", 70), "under_score", `x<y>&"z'\é`} {
					s.expectError(s.do(call{method: http.MethodPut, path: "/" + url.PathEscape(bad), dialect: dialect}), invalid.Status, invalid.Code, "PUT /"+bad)
				}
				malformed := errs["malformedBody"]
				s.expectError(s.do(call{method: http.MethodPut, path: "/" + name, dialect: dialect, body: []byte("<not closed")}),
					malformed.Status, malformed.Code, "PUT with a broken body")
				if ref.Tagging != "" {
					tagging := url.Values{ref.Tagging: {""}}
					s.expectError(s.do(call{method: http.MethodPut, path: "/" + name, query: tagging, dialect: dialect, body: []byte("<Tagging><TagSet>")}),
						malformed.Status, malformed.Code, "tags in broken XML")
					s.expectError(s.do(call{method: http.MethodPut, path: "/" + name, query: tagging, dialect: dialect, body: []byte("<Other/>")}),
						malformed.Status, malformed.Code, "tags in another document")
					s.expectError(s.do(call{method: http.MethodPut, path: "/" + name, query: tagging, dialect: dialect, body: []byte("<Tagging><TagSet/></Tagging>")}),
						errs["noSuchBucket"].Status, errs["noSuchBucket"].Code, "tags of a missing bucket")
				}
				huge := make([]byte, maxBody+1)
				s.expectError(s.do(call{method: http.MethodPut, path: "/" + name, dialect: dialect, body: huge}),
					malformed.Status, malformed.Code, "PUT with an oversized body")
				notAllowed := errs["methodNotAllowed"]
				s.expectError(s.do(call{method: http.MethodPost, path: e.c.Profile.Paths[0], dialect: dialect}), notAllowed.Status, notAllowed.Code, "POST /")
				s.expectError(s.do(call{path: "/" + name + "/key", dialect: dialect}), notAllowed.Status, notAllowed.Code, "GET an object")
			})
		}
	})
}

func TestCreateRegion(t *testing.T) {
	forEachVendor(t, func(t *testing.T, e *endpoint, d vendorData) {
		s := e.session(t)
		dialect := e.c.Profile.Auth.Signatures[0]
		name := d.name("placed")
		c := call{method: http.MethodPut, path: "/" + name, dialect: dialect}
		want := e.srv.region
		switch {
		case e.c.RegionFromHost != nil:
			c.host, want = "cos."+d.regions[1]+".myqcloud.com", d.regions[1]
		case e.c.Profile.Body == "xml":
			c.body = []byte("<CreateBucketConfiguration><LocationConstraint>" + d.regions[1] + "</LocationConstraint></CreateBucketConfiguration>")
			want = d.regions[1]
		default:
			c.body = []byte(`{}`)
		}
		if r := s.do(c); r.status != createdStatus(e.c.Profile.Reference) {
			t.Fatalf("PUT: %d\n%s", r.status, r.body)
		}
		bs := e.srv.Buckets()
		if len(bs) != 1 || bs[0].Region != want || !bs[0].Created.Equal(t0) {
			t.Errorf("created %+v, want region %s created %s", bs, want, t0)
		}
	})
}

// TestQuota fills a vendor whose listing cannot page (BOS) to its quota.
func TestQuota(t *testing.T) {
	forEachVendor(t, func(t *testing.T, e *endpoint, d vendorData) {
		quota := e.c.Profile.Reference.MaxBuckets
		if quota == 0 || quota > 1000 {
			t.Skip("no small quota")
		}
		for i := range quota - 1 {
			e.srv.Seed(Bucket{Name: d.name("bucket-" + strconv.Itoa(1000+i))})
		}
		s := e.session(t)
		dialect := e.c.Profile.Auth.Signatures[0]
		if r := s.do(call{method: http.MethodPut, path: "/" + d.name("last"), dialect: dialect}); r.status != http.StatusOK {
			t.Fatalf("the bucket that fills the quota: %d\n%s", r.status, r.body)
		}
		many := e.c.Profile.Reference.Errors["tooManyBuckets"]
		s.expectError(s.do(call{method: http.MethodPut, path: "/" + d.name("one-more"), dialect: dialect}), many.Status, many.Code, "past the quota")
		if got := s.listed(s.do(call{dialect: dialect})); len(got.names) != quota {
			t.Errorf("lists %d buckets, want all %d", len(got.names), quota)
		}
	})
}

// TestConcurrent creates, tags, lists and deletes from many goroutines;
// run with -race.
func TestConcurrent(t *testing.T) {
	e := startEndpoint(t, "cos")
	d := vendors["cos"]
	seed(e, d)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 20 {
				name := d.name("c" + strconv.Itoa(g) + "x" + strconv.Itoa(i))
				e.srv.store.create(Bucket{Name: name, Region: "ap-beijing"})
				e.srv.store.setTags(name, map[string]string{"k": "v"})
				pg := e.srv.store.list(selection{limit: 5, after: name, tagKey: "k"})
				for _, b := range pg.buckets {
					if b.Name <= name {
						t.Errorf("listed %s after %s", b.Name, name)
					}
				}
				if i%2 == 0 {
					e.srv.store.delete(name)
				}
			}
		}()
	}
	// Meanwhile, listings over HTTP.
	for range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for range 10 {
				req, _ := http.NewRequest(http.MethodGet, e.url+"/?max-keys=3", nil)
				if err := signer.Sign("cos", req, goodCreds, signer.Options{}, t0); err != nil {
					t.Error(err)
					return
				}
				resp, err := http.DefaultClient.Do(req)
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				if resp.StatusCode != http.StatusOK {
					t.Errorf("status %d", resp.StatusCode)
				}
			}
		}()
	}
	wg.Wait()
	if got := len(e.srv.Buckets()); got != len(stems)+8*10 {
		t.Errorf("%d buckets, want %d", got, len(stems)+8*10)
	}
}

// createdStatus is the status a successful create bucket call gets.
func createdStatus(ref *contract.Reference) int {
	if ref.CreatedStatus != 0 {
		return ref.CreatedStatus
	}
	return http.StatusOK
}
