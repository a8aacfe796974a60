package refserver

import (
	"encoding/json"
	"encoding/xml"
	"errors"
	"io"
	"net/http"
	"regexp"
)

// maxBody bounds the request bodies the endpoint reads.
const maxBody = 1 << 20

// maxTags bounds a bucket's tags, as S3, COS and OSS do.
const maxTags = 50

// regionID is the form of a region or zone a client may name: it must be
// one every vendor's schema accepts in a listing.
var regionID = regexp.MustCompile(`^[a-z0-9]+(-[a-z0-9]+)*$`)

// createBucket serves PUT /<bucket>. The region is the body's
// LocationConstraint (XML vendors), else the one a regional host names,
// else the endpoint's.
func (s *Server) createBucket(x *request, name string) {
	if !s.bucketRE.MatchString(name) {
		s.fail(x, failf("invalidBucketName", "%q is not a valid bucket name", name))
		return
	}
	body, err := readBody(x.r)
	if err != nil {
		s.fail(x, err)
		return
	}
	region := s.region
	if m := s.hostRegion(x.r); m != "" {
		region = m
	}
	if len(body) > 0 {
		var cfg struct {
			LocationConstraint string
		}
		if s.prof.Body == "json" {
			if !json.Valid(body) {
				s.fail(x, failf("malformedBody", "the request body is not JSON"))
				return
			}
		} else if err := xml.Unmarshal(body, &cfg); err != nil {
			s.fail(x, failf("malformedBody", "the request body is not well-formed XML"))
			return
		}
		if cfg.LocationConstraint != "" {
			region = cfg.LocationConstraint
		}
	}
	if !regionID.MatchString(region) {
		s.fail(x, failf("invalidArgument", "%q is not a region", region))
		return
	}
	switch err := s.store.create(Bucket{Name: name, Region: region, Created: s.shown(x.now), Group: s.groupOf(x.r)}); {
	case errors.Is(err, errExists):
		s.fail(x, failf("bucketExists", "bucket %q already exists", name))
	case errors.Is(err, errTooMany):
		s.fail(x, failf("tooManyBuckets", "the endpoint holds as many buckets as it allows"))
	default:
		status := http.StatusOK
		if s.ref.CreatedStatus != 0 {
			status = s.ref.CreatedStatus
		}
		s.empty(x, status)
	}
}

// deleteBucket serves DELETE /<bucket>.
func (s *Server) deleteBucket(x *request, name string) {
	if err := s.store.delete(name); err != nil {
		s.fail(x, failf("noSuchBucket", "bucket %q does not exist", name))
		return
	}
	s.empty(x, http.StatusNoContent)
}

// tagging is the Tagging XML body S3, COS and OSS share.
type tagging struct {
	XMLName xml.Name `xml:"Tagging"`
	TagSet  struct {
		Tags []struct{ Key, Value string } `xml:"Tag"`
	}
}

// putTagging serves PUT /<bucket>?tagging: the body's tags replace the
// bucket's.
func (s *Server) putTagging(x *request, name string) {
	body, apiErr := readBody(x.r)
	if apiErr != nil {
		s.fail(x, apiErr)
		return
	}
	var t tagging
	if err := xml.Unmarshal(body, &t); err != nil {
		s.fail(x, failf("malformedBody", "the request body is not a Tagging document"))
		return
	}
	if len(t.TagSet.Tags) > maxTags {
		s.fail(x, failf("invalidArgument", "at most %d tags", maxTags))
		return
	}
	tags := make(map[string]string, len(t.TagSet.Tags))
	for _, tag := range t.TagSet.Tags {
		if _, dup := tags[tag.Key]; tag.Key == "" || dup {
			s.fail(x, failf("invalidArgument", "tag keys must be present and unique"))
			return
		}
		tags[tag.Key] = tag.Value
	}
	if err := s.store.setTags(name, tags); err != nil {
		s.fail(x, failf("noSuchBucket", "bucket %q does not exist", name))
		return
	}
	s.empty(x, http.StatusOK)
}

// hostRegion is the region a regional host names, "" if none. It reads
// the raw Host, as the checker does: with a port, a host names none.
func (s *Server) hostRegion(r *http.Request) string {
	if s.c.RegionFromHost == nil {
		return ""
	}
	if m := s.c.RegionFromHost.FindStringSubmatch(r.Host); m != nil {
		return m[1]
	}
	return ""
}

// readBody reads a request body of at most maxBody bytes; a longer one is
// refused as malformed rather than read on.
func readBody(r *http.Request) ([]byte, *apiError) {
	if r.Body == nil {
		return nil, nil
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, maxBody+1))
	switch {
	case err != nil:
		return nil, failf("malformedBody", "the request body could not be read")
	case len(body) > maxBody:
		return nil, failf("malformedBody", "the request body is longer than %d bytes", maxBody)
	}
	return body, nil
}
