package refserver

import (
	"net/http"
	"strconv"
	"time"
)

// list serves GET Service: it reads the profile's page controls and
// filters from the request, takes one page from the store and renders it.
func (s *Server) list(x *request) {
	sel, body, err := s.selection(x.r)
	if err != nil {
		s.fail(x, err)
		return
	}
	pg := s.store.list(sel)
	body.Owner = s.owner
	body.Count = pg.count
	body.Buckets = make([]bucketEntry, len(pg.buckets))
	layout := s.dateLayout()
	for i, b := range pg.buckets {
		body.Buckets[i] = bucketEntry{Name: b.Name, Region: b.Region, Created: b.Created.UTC().Format(layout), Group: b.Group}
		if s.faults[BucketRegionMissing] {
			body.Buckets[i].Region = ""
		}
	}
	if pg.truncated && len(pg.buckets) > 0 {
		last := pg.buckets[len(pg.buckets)-1].Name
		body.IsTruncated = true
		if s.prof.Params.Token != "" {
			body.ContinuationToken = s.tokens.issue(last)
		}
		if s.prof.Params.Marker != "" {
			body.NextMarker = last
		}
	}
	s.pageFaults(&pg, body)
	s.explorePage(&pg, body)
	s.echoFaults(body)
	s.send(x, http.StatusOK, s.listing, body)
}

// selection reads a listing request by the profile's parameter names. A
// parameter the profile does not name is ignored, as servers ignore
// unknown parameters.
func (s *Server) selection(r *http.Request) (selection, *listingBody, *apiError) {
	p := s.prof.Params
	q := r.URL.Query()
	sent := func(name string) bool { return name != "" && q.Has(name) }
	var sel selection
	body := &listingBody{}

	ps := p.PageSize
	switch {
	case ps.DefaultWithFilter > 0 && (sent(p.Prefix) || sent(p.Region) || sent(p.Token)):
		sel.limit = ps.DefaultWithFilter
	case ps.Default > 0:
		sel.limit = ps.Default
	default:
		sel.limit = ps.Max // 0: no bound
	}
	if sent(ps.Name) {
		n, err := strconv.Atoi(q.Get(ps.Name))
		valid := err == nil && n >= max(ps.Min, 1) && (ps.Max == 0 || n <= ps.Max)
		served := s.faults[PageSizeUnvalidated] || s.faults[ZeroPageSizeServed] && err == nil && n == 0
		if !valid && !served {
			return sel, nil, failf("invalidArgument", "%s must be an integer %s", ps.Name, bounds(ps.Min, ps.Max))
		}
		if valid && !s.faults[PageSizeIgnored] {
			sel.limit = n
		}
		body.MaxKeysSent = true
	}
	body.MaxKeys = sel.limit
	if n, err := strconv.Atoi(q.Get(ps.Name)); sent(ps.Name) && err == nil && n > 0 {
		body.MaxKeys = n // the echo is of what was sent, also where a fault ignores it
	}

	if sent(p.Marker) {
		sel.after, body.Marker, body.MarkerSent = q.Get(p.Marker), q.Get(p.Marker), true
		if s.faults[UnknownMarkerRestarts] && !s.store.has(sel.after) {
			sel.after = ""
		}
	}
	if sent(p.Token) && q.Get(p.Token) == "" && s.prof.Refuses(p.Token) && !s.faults[EmptyTokenServed] {
		return sel, nil, failf("invalidArgument", "the %s is empty", p.Token)
	}
	if tok := q.Get(p.Token); sent(p.Token) && tok != "" {
		name, ok := s.tokens.read(tok)
		switch {
		case ok:
			sel.after = max(sel.after, name)
		case !s.faults[ForgedTokenAccepted]:
			return sel, nil, failf("invalidArgument", "the %s is not one this endpoint issued", p.Token)
		}
	}
	if sent(p.Offset) {
		n, err := strconv.Atoi(q.Get(p.Offset))
		if err != nil || n < 0 {
			return sel, nil, failf("invalidArgument", "%s must be an integer from 0", p.Offset)
		}
		sel.offset, body.Offset = n, n
	}
	s.continuationFaults(&sel)
	if sent(p.Prefix) {
		body.Prefix, body.PrefixSent = q.Get(p.Prefix), true
		if !s.faults[PrefixIgnored] {
			sel.prefix = q.Get(p.Prefix)
		}
	}

	if v := q.Get(p.Region); sent(p.Region) && !regionID.MatchString(v) && s.prof.Refuses(p.Region) && !s.faults[RegionUnvalidated] {
		return sel, nil, failf("invalidArgument", "%s %q is not a region", p.Region, v)
	}
	if v := q.Get(p.Region); sent(p.Region) && v != "" && !s.faults[RegionIgnored] {
		sel.regions = append(sel.regions, v)
	}
	if region := s.hostRegion(r); region != "" && !s.faults[RegionIgnored] {
		sel.regions = append(sel.regions, region)
	}
	if p.LocationHeader != "" && !s.faults[LocationIgnored] {
		if zone := r.Header.Get(p.LocationHeader); zone != "" {
			sel.regions = append(sel.regions, zone)
		}
	}

	if sent(p.CreateTime) || sent(p.Range) {
		secs, err := strconv.ParseInt(q.Get(p.CreateTime), 10, 64)
		op := q.Get(p.Range)
		if err != nil || !validRange[op] {
			return sel, nil, failf("invalidArgument", "%s (unix seconds) and %s (lt, lte, gt, gte) go together", p.CreateTime, p.Range)
		}
		if !s.faults[CreateTimeIgnored] {
			sel.created = &timeBound{op: op, at: time.Unix(secs, 0)}
		}
	}
	if key := q.Get(p.TagKey); sent(p.TagKey) && key != "" && !s.faults[TagsIgnored] {
		sel.tagKey = key
		if sent(p.TagValue) {
			v := q.Get(p.TagValue)
			sel.tagValue = &v
		}
	}
	if err := s.ossSelection(r, &sel); err != nil {
		return sel, nil, err
	}
	sel.count = s.prof.Listing.Count != ""
	s.exploreSelection(&sel)
	return sel, body, nil
}

var validRange = map[string]bool{"lt": true, "lte": true, "gt": true, "gte": true}

func bounds(lo, hi int) string {
	lo = max(lo, 1)
	if hi == 0 {
		return "from " + strconv.Itoa(lo)
	}
	return "from " + strconv.Itoa(lo) + " to " + strconv.Itoa(hi)
}
