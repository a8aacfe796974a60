package check

import (
	"slices"
	"strconv"
)

// echoes checks that a page echoes the prefix, marker and page size the
// request sent, where the contract's listing has those echoes. An echo
// the contract names in listing.echoed must be there; the others are
// judged where the page has them.
func (e *exchangeRun) echoes(param func(string) (string, bool)) {
	prof := e.c.Profile
	l, p := prof.Listing, prof.Params
	echo := func(check, key, pointer, name string, same func(sent, got string) bool) {
		if pointer == "" {
			return
		}
		sent, ok := param(name)
		if !ok {
			return
		}
		got, at, present := first(e.body.value, pointer)
		switch {
		case !present && slices.Contains(l.Echoed, key):
			e.at(check, parentOf(pointer), "the request sends %s=%q but the page does not echo it (%s)", name, sent, pointer)
		case present && !same(sent, got):
			e.at(check, at, "the page echoes %q; the request sent %s=%q", got, name, sent)
		}
	}
	equal := func(a, b string) bool { return a == b }
	echo("filter.prefix-echo", "prefix", l.Prefix, p.Prefix, equal)
	echo("page.marker-echo", "marker", l.Marker, p.Marker, equal)
	// Only a valid page size has an echo to judge: an invalid one is
	// refused, which the refusal specs judge.
	ps := p.PageSize
	echo("page.max-keys-echo", "maxKeys", l.MaxKeys, ps.Name, func(sent, got string) bool {
		n, err := strconv.Atoi(sent)
		if err != nil || n < max(ps.Min, 1) || ps.Max > 0 && n > ps.Max {
			return true
		}
		m, err := strconv.Atoi(got)
		return err == nil && m == n
	})
}

// regionShown checks that every bucket shows its region on a page the
// request asked for with a page size, a filter or a token, where the
// contract says so (listing.regionWhenPaged).
func (e *exchangeRun) regionShown(pg page, param func(string) (string, bool)) {
	prof := e.c.Profile
	if !prof.Listing.RegionWhenPaged || prof.Listing.Region == "" {
		return
	}
	var sent string
	for _, name := range []string{prof.Params.PageSize.Name, prof.Params.Prefix, prof.Params.Region, prof.Params.Token} {
		if _, ok := param(name); ok && name != "" {
			sent = name
			break
		}
	}
	if sent == "" || !e.answersPaged(pg) {
		return
	}
	for _, b := range pg.buckets {
		if b.region == "" {
			e.at("page.bucket-region", b.pointer(), "bucket %q shows no %s; a page asked for with %s lists it on every bucket", b.name, prof.Listing.Region[1:], sent)
		}
	}
}

// answersPaged says whether a page answers as a paginated or filtered
// one: it leads on (a next marker or token), echoes the prefix, or shows
// a region on some bucket. An endpoint that ignores the parameters
// altogether sends none of these; the specs of that (optional)
// capability judge it, not the fields that come with it.
func (e *exchangeRun) answersPaged(pg page) bool {
	if pg.next != "" {
		return true
	}
	if l := e.c.Profile.Listing; l.Prefix != "" {
		if _, _, present := first(e.body.value, l.Prefix); present {
			return true
		}
	}
	for _, b := range pg.buckets {
		if b.region != "" {
			return true
		}
	}
	return false
}

// parentOf is the pointer of the object that holds pointer's member.
func parentOf(pointer string) string {
	for i := len(pointer) - 1; i >= 0; i-- {
		if pointer[i] == '/' {
			return pointer[:i]
		}
	}
	return ""
}

// nextBehind checks that a page's next marker or token does not lead
// back into the page: a marker is exclusive, so one that sorts before a
// name the page lists makes a paginating client list that name again. A
// token is opaque; it is judged only where it is plainly one of the
// page's names other than the last.
func (e *exchangeRun) nextBehind(pg page) {
	if !pg.hasNext || pg.next == "" || pg.truncated == "false" || len(pg.buckets) == 0 {
		return
	}
	last := pg.buckets[len(pg.buckets)-1]
	if e.c.Profile.Params.Token != "" {
		for _, b := range pg.buckets[:len(pg.buckets)-1] {
			if b.name == pg.next && b.name != last.name {
				e.at("page.next-marker", pg.nextPtr, "the next token is %q, a name this page lists before its last, %q: the next page would list again what follows it", pg.next, last.name)
				return
			}
		}
		return
	}
	if e.c.Profile.Params.Marker == "" {
		return
	}
	var behind []string
	for _, b := range pg.buckets {
		if b.name > pg.next {
			behind = append(behind, b.name)
		}
	}
	if len(behind) > 0 {
		e.at("page.next-marker", pg.nextPtr, "the next marker is %q but the page lists %d name(s) after it (%q first) and ends at %q: a client that follows it lists them again", pg.next, len(behind), behind[0], last.name)
	}
}

// count checks a count field against the listing as the profile defines
// it: the page's length ("page"), all buckets the request selects
// ("total"), or either. The total is known on the last page, one shorter
// than the page size in force (limit): the offset plus the page's length;
// before it, the total is at least that, and an empty page past the end
// bounds it by its offset.
func (e *exchangeRun) count(pg page, param func(string) (string, bool), limit int) {
	if pg.countPtr == "" {
		return
	}
	n, err := strconv.Atoi(pg.count)
	if err != nil {
		e.at("page.count", pg.countPtr, "count %q is not a number", pg.count)
		return
	}
	offset := 0
	if v, ok := param(e.c.Profile.Params.Offset); ok {
		offset, _ = strconv.Atoi(v)
	}
	length := len(pg.buckets)
	seen := offset + length // buckets up to the end of this page
	last := limit > 0 && length < limit && (length > 0 || offset == 0)
	means := e.c.Profile.CountMeans
	switch {
	case means == "page" || n < length:
		if n != length {
			e.at("page.count", pg.countPtr, "count is %d but the page lists %d buckets", n, length)
		}
	case means == "either" && n == length:
	case length == 0 && offset > 0 && limit > 0 && n > offset:
		e.at("page.count", pg.countPtr, "count is %d but the page at offset %d is empty: the listing holds at most %d buckets", n, offset, offset)
	case last && n != seen:
		e.at("page.count", pg.countPtr, "count is %d but the listing holds %d buckets: this last page lists %d from offset %d", n, seen, length, offset)
	case n < seen:
		e.at("page.count", pg.countPtr, "count is %d but the listing holds at least %d buckets: this page lists %d from offset %d", n, seen, length, offset)
	}
}
