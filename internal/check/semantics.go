package check

import (
	"strconv"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
)

// readPage extracts the canonical listing by the profile's pointers.
func readPage(v any, l contract.Listing) page {
	var p page
	name, region, created := tokens(l.Name), tokens(l.Region), tokens(l.Created)
	field := func(v any, toks []string) string {
		if toks == nil {
			return ""
		}
		f, _ := lookup(v, toks)
		s, _ := scalar(f)
		return s
	}
	lists := collect(v, l.Buckets)
	n := 0
	for _, list := range lists {
		if values, isArray := list.value.([]any); isArray {
			n += len(values)
		} else {
			n++
		}
	}
	p.buckets = make([]bucket, 0, n)
	for i := range lists {
		list := &lists[i]
		values, isArray := list.value.([]any)
		if !isArray {
			values = []any{list.value}
		}
		for j, el := range values {
			p.buckets = append(p.buckets, bucket{
				name: field(el, name), region: field(el, region), created: field(el, created),
				list: list, index: j, namePath: l.Name,
			})
		}
	}
	p.truncated, p.truncPtr, _ = first(v, l.Truncated)
	p.next, p.nextPtr, p.hasNext = first(v, l.NextMarker)
	p.count, p.countPtr, _ = first(v, l.Count)
	return p
}

// semantics checks what needs the request: page bounds, filters, markers,
// order and uniqueness, within the page and across the walk.
func (e *exchangeRun) semantics() {
	prof := e.c.Profile
	pg := readPage(e.body.value, prof.Listing)
	req := e.ex.Request
	var query map[string][]string
	if req != nil {
		query = req.Query
	}
	param := func(name string) (string, bool) {
		if name == "" || query == nil {
			return "", false
		}
		vs, ok := query[name]
		if !ok || len(vs) == 0 {
			return "", false
		}
		return vs[0], true
	}

	// Page size: within the requested size and the vendor's bound.
	ps := prof.Params.PageSize
	limit, why := ps.Max, "the vendor maximum"
	if v, ok := param(ps.Name); ok {
		if n, err := strconv.Atoi(v); err == nil && n >= 1 && (limit == 0 || n < limit) {
			limit, why = n, ps.Name+"="+v
		}
	} else if sent := e.sendsFilterOrToken(param); ps.DefaultWithFilter > 0 && sent != "" {
		// S3 since 2024-10: a filter or token without a page size gets
		// pages of the default, and a token when more buckets exist.
		limit, why = ps.DefaultWithFilter, "a request with "+sent+" and no "+ps.Name+" (the default page, a token for the rest)"
	} else if ps.Default > 0 {
		limit, why = ps.Default, "the default page size"
	}
	if limit > 0 && len(pg.buckets) > limit {
		b := pg.buckets[limit]
		e.at("page.size", b.pointer(), "%d buckets on one page; %s allows %d", len(pg.buckets), why, limit)
	}

	e.count(pg, param, limit)

	// Truncation flag against the next marker.
	switch {
	case pg.truncated == "true" && prof.Listing.NextMarker != "" && pg.next == "":
		e.at("page.truncation", pg.truncPtr, "the page is truncated but has no next marker: a client cannot go on")
	case pg.truncated == "false" && pg.next != "":
		e.at("page.truncation", pg.truncPtr, "the page is complete but names next marker %q", pg.next)
	}

	// Marker is exclusive.
	if m, ok := param(prof.Params.Marker); ok && m != "" {
		for _, b := range pg.buckets {
			if b.name <= m {
				e.at("page.marker-exclusive", b.pointer(), "bucket %q is at or before marker %q; the marker is exclusive, so a page lists only names after it", b.name, m)
			}
		}
	}

	e.echoes(param)
	e.regionShown(pg, param)
	e.nextBehind(pg)
	e.filters(pg, param)
	e.walk.page(e, pg)
}

// sendsFilterOrToken names the filter or token the request sends, which
// changes some vendors' default page size; "" when it sends none.
func (e *exchangeRun) sendsFilterOrToken(param func(string) (string, bool)) string {
	p := e.c.Profile.Params
	for _, name := range []string{p.Prefix, p.Region, p.Token} {
		if _, ok := param(name); ok {
			return name
		}
	}
	return ""
}

// filters checks that every filter the request sends is honoured.
func (e *exchangeRun) filters(pg page, param func(string) (string, bool)) {
	p := e.c.Profile.Params
	if prefix, ok := param(p.Prefix); ok {
		for _, b := range pg.buckets {
			if !strings.HasPrefix(b.name, prefix) {
				e.at("filter.prefix", b.pointer(), "bucket %q lacks prefix %q", b.name, prefix)
			}
		}
	}
	region, how := "", ""
	if r, ok := param(p.Region); ok {
		region, how = r, p.Region+"="+r
	} else if e.c.RegionFromHost != nil && e.ex.Request != nil {
		if m := e.c.RegionFromHost.FindStringSubmatch(e.ex.Request.Get("Host")); m != nil {
			region, how = m[1], "host "+m[0]
		}
	}
	// A bucket that shows no region (S3's BucketRegion is optional) cannot
	// be judged by the filter; the schema says whether it must show one.
	if region != "" {
		for _, b := range pg.buckets {
			if b.region != "" && b.region != region {
				e.at("filter.region", b.pointer(), "bucket %q is in %q; the request asked for %s", b.name, b.region, how)
			}
		}
	}
	if p.LocationHeader != "" && e.ex.Request != nil {
		if zone := e.ex.Request.Get(p.LocationHeader); zone != "" {
			for _, b := range pg.buckets {
				if b.region != "" && b.region != zone {
					e.at("filter.location", b.pointer(), "bucket %q is in %q; the %s header asked for %q", b.name, b.region, p.LocationHeader, zone)
				}
			}
		}
	}
	e.createTime(pg, param)
}

func (e *exchangeRun) createTime(pg page, param func(string) (string, bool)) {
	p := e.c.Profile.Params
	ct, ok1 := param(p.CreateTime)
	op, ok2 := param(p.Range)
	if !ok1 || !ok2 {
		return
	}
	secs, err := strconv.ParseInt(ct, 10, 64)
	if err != nil {
		return
	}
	bound := time.Unix(secs, 0)
	for _, b := range pg.buckets {
		created, err := time.Parse(time.RFC3339, b.created)
		if err != nil {
			continue // the schema reports the date
		}
		var holds bool
		switch op {
		case "lt":
			holds = created.Before(bound)
		case "lte":
			holds = !created.After(bound)
		case "gt":
			holds = created.After(bound)
		case "gte":
			holds = !created.Before(bound)
		default:
			return
		}
		if !holds {
			e.at("filter.create-time", b.pointer(), "bucket %q was created %s, not %s %s", b.name, b.created, op, bound.UTC().Format(time.RFC3339))
		}
	}
}
