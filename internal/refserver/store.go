package refserver

import (
	"errors"
	"maps"
	"slices"
	"strings"
	"sync"
	"time"
)

// Bucket is one bucket the endpoint holds.
type Bucket struct {
	Name    string
	Region  string // region or zone id, as listed
	Created time.Time
	Tags    map[string]string
	Group   string // resource group id (OSS); "" where the profile has none
	// seq orders buckets by when the store took them, finer than the
	// creation date shown (CreationOrder lists by it).
	seq uint64
}

// hardCap bounds the buckets one endpoint holds whatever the profile says,
// so that no client can exhaust its memory.
const hardCap = 1_000_000

var (
	errExists  = errors.New("bucket exists")
	errTooMany = errors.New("too many buckets")
	errNoSuch  = errors.New("no such bucket")
)

// store holds the buckets in name order (UTF-8 byte order, which is Go's
// string order), once in all and once more per region, so that a page is
// found by binary search and costs O(page), also with a region filter.
// One mutex guards everything: a listing copies its page out under it.
type store struct {
	mu      sync.Mutex
	limit   int // buckets create accepts
	byName  map[string]*Bucket
	added   uint64 // buckets taken so far: the next one's seq
	all     sortedList
	regions map[string]*sortedList
}

func newStore(limit int) *store {
	if limit <= 0 || limit > hardCap {
		limit = hardCap
	}
	return &store{limit: limit, byName: map[string]*Bucket{}, regions: map[string]*sortedList{}}
}

// create adds a new bucket, refusing an existing name and a full store.
func (s *store) create(b Bucket) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byName[b.Name]; ok {
		return errExists
	}
	if len(s.byName) >= s.limit {
		return errTooMany
	}
	s.insert(&b)
	return nil
}

// put adds or replaces a bucket, bound only by the hard cap: seeding is
// the test's business, not a client's.
func (s *store) put(b Bucket) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byName[b.Name]; ok {
		s.remove(b.Name)
	} else if len(s.byName) >= hardCap {
		return errTooMany
	}
	s.insert(&b)
	return nil
}

func (s *store) delete(name string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.byName[name]; !ok {
		return errNoSuch
	}
	s.remove(name)
	return nil
}

// setTags replaces a bucket's tags. The map is replaced, never changed in
// place, so copies handed out earlier stay as they were.
func (s *store) setTags(name string, tags map[string]string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.byName[name]
	if !ok {
		return errNoSuch
	}
	b.Tags = tags
	return nil
}

// has reports whether a bucket of that name exists.
func (s *store) has(name string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	_, ok := s.byName[name]
	return ok
}

// snapshot returns every bucket in name order.
func (s *store) snapshot() []Bucket {
	s.mu.Lock()
	defer s.mu.Unlock()
	all := s.all.view()
	out := make([]Bucket, len(all))
	for i, b := range all {
		out[i] = *b
		out[i].Tags = maps.Clone(b.Tags) // the caller may change its copy
	}
	return out
}

func (s *store) insert(b *Bucket) {
	s.added++
	b.seq = s.added
	s.byName[b.Name] = b
	s.all.add(b)
	r := s.regions[b.Region]
	if r == nil {
		r = &sortedList{}
		s.regions[b.Region] = r
	}
	r.add(b)
}

func (s *store) remove(name string) {
	b := s.byName[name]
	delete(s.byName, name)
	s.all.remove(name)
	if r := s.regions[b.Region]; r != nil {
		r.remove(name)
		if r.len() == 0 {
			delete(s.regions, b.Region)
		}
	}
}

// selection is what one listing request asks for.
type selection struct {
	after    string // exclusive start (marker or token); "" for none
	offset   int    // matching buckets to skip first
	limit    int    // page size; 0 for no bound
	prefix   string
	regions  []string          // every one must be the bucket's region
	tagKey   string            // "" for no tag filter
	tagValue *string           // nil: any value of tagKey
	tagSet   map[string]string // every one a bucket must carry (OSS tagging); nil for none
	tagAny   bool              // one tag of tagSet is enough (fault TaggingAnyTag)
	group    *string           // the resource group; nil for every group
	created  *timeBound
	count    bool // count what the request selects over all pages
	// inclusive makes after an inclusive start (fault NextPageRepeats).
	inclusive bool
	// pattern, when set, is a path.Match pattern names must match too
	// (fault PrefixDotWildcard).
	pattern string
}

// timeBound is a creation-time filter: created op at.
type timeBound struct {
	op string // lt, lte, gt, gte
	at time.Time
}

func (t *timeBound) holds(created time.Time) bool {
	switch t.op {
	case "lt":
		return created.Before(t.at)
	case "lte":
		return !created.After(t.at)
	case "gt":
		return created.After(t.at)
	case "gte":
		return !created.Before(t.at)
	}
	return false
}

// page is one listing page, copied out of the store.
type page struct {
	buckets   []Bucket
	truncated bool // more buckets match after the page
	count     int  // all buckets the selection matches, when asked
}

// list returns one page. Its cost is the binary search plus the buckets
// it passes over: the page itself when only prefix and region filter, and
// the skipped non-matching buckets when tags or creation time filter too
// (and the offset, with those filters).
func (s *store) list(sel selection) page {
	s.mu.Lock()
	defer s.mu.Unlock()
	var names []*Bucket
	if len(sel.regions) == 0 {
		names = s.all.view()
	} else if r := s.regions[sel.regions[0]]; r != nil && allSame(sel.regions) {
		names = r.view()
	}
	lo, hi := 0, len(names)
	if sel.prefix != "" {
		lo, hi = prefixRange(names, sel.prefix)
	}
	scan := sel.tagKey != "" || sel.created != nil || sel.tagSet != nil || sel.group != nil || sel.pattern != ""
	var p page
	if sel.count {
		p.count = hi - lo
		if scan {
			p.count = 0
			for _, b := range names[lo:hi] {
				if sel.matches(b) {
					p.count++
				}
			}
		}
	}
	start := lo
	if sel.after != "" {
		from := upperBound(names, sel.after)
		if sel.inclusive {
			from, _ = slices.BinarySearchFunc(names, sel.after, byName)
		}
		start = max(start, from)
	}
	skip := sel.offset
	if !scan {
		start, skip = min(start+skip, hi), 0
	}
	for _, b := range names[start:hi] {
		if scan && !sel.matches(b) {
			continue
		}
		if skip > 0 {
			skip--
			continue
		}
		if sel.limit > 0 && len(p.buckets) == sel.limit {
			p.truncated = true
			break
		}
		p.buckets = append(p.buckets, *b)
	}
	return p
}

// matches applies the filters that have no index.
func (sel *selection) matches(b *Bucket) bool {
	if sel.pattern != "" && !matchesPattern(sel.pattern, b.Name) {
		return false
	}
	if sel.tagKey != "" {
		v, ok := b.Tags[sel.tagKey]
		if !ok || sel.tagValue != nil && v != *sel.tagValue {
			return false
		}
	}
	if sel.tagSet != nil && !carries(b.Tags, sel.tagSet, sel.tagAny) {
		return false
	}
	if sel.group != nil && b.Group != *sel.group {
		return false
	}
	return sel.created == nil || sel.created.holds(b.Created)
}

// carries says whether tags hold every tag of want (or, any, one of them).
func carries(tags, want map[string]string, any bool) bool {
	for k, v := range want {
		got, ok := tags[k]
		if held := ok && got == v; held == any {
			return held
		}
	}
	return !any
}

func allSame(s []string) bool {
	for _, v := range s[1:] {
		if v != s[0] {
			return false
		}
	}
	return true
}

// upperBound is the index of the first name strictly after name.
func upperBound(bs []*Bucket, name string) int {
	i, found := slices.BinarySearchFunc(bs, name, byName)
	if found {
		i++
	}
	return i
}

// prefixRange is the index range of the names that start with prefix:
// in byte order they are contiguous.
func prefixRange(bs []*Bucket, prefix string) (lo, hi int) {
	lo, _ = slices.BinarySearchFunc(bs, prefix, byName)
	// Names with the prefix compare as "before" it here, so the search
	// lands on the first name past the range.
	hi, _ = slices.BinarySearchFunc(bs[lo:], prefix, func(b *Bucket, prefix string) int {
		if strings.HasPrefix(b.Name, prefix) {
			return -1
		}
		return strings.Compare(b.Name, prefix)
	})
	return lo, lo + hi
}

func byName(b *Bucket, name string) int { return strings.Compare(b.Name, name) }

// sortedList keeps buckets in name order. Additions wait in pending and
// are merged in on the next read, so that seeding n buckets in any order
// costs O(n log n) rather than O(n²).
type sortedList struct {
	sorted  []*Bucket
	pending []*Bucket
}

func (l *sortedList) add(b *Bucket) { l.pending = append(l.pending, b) }

func (l *sortedList) len() int { return len(l.sorted) + len(l.pending) }

func (l *sortedList) remove(name string) {
	all := l.view()
	if i, found := slices.BinarySearchFunc(all, name, byName); found {
		l.sorted = slices.Delete(all, i, i+1)
	}
}

// view merges pending buckets in and returns the sorted slice; callers
// must not keep it past the store's lock.
func (l *sortedList) view() []*Bucket {
	if len(l.pending) == 0 {
		return l.sorted
	}
	slices.SortFunc(l.pending, func(a, b *Bucket) int { return strings.Compare(a.Name, b.Name) })
	if len(l.sorted) == 0 || l.sorted[len(l.sorted)-1].Name < l.pending[0].Name {
		l.sorted = append(l.sorted, l.pending...) // the common case: names added in order
	} else {
		merged := make([]*Bucket, 0, len(l.sorted)+len(l.pending))
		i, j := 0, 0
		for i < len(l.sorted) && j < len(l.pending) {
			if l.sorted[i].Name < l.pending[j].Name {
				merged = append(merged, l.sorted[i])
				i++
			} else {
				merged = append(merged, l.pending[j])
				j++
			}
		}
		merged = append(merged, l.sorted[i:]...)
		l.sorted = append(merged, l.pending[j:]...)
	}
	clear(l.pending)
	l.pending = l.pending[:0]
	return l.sorted
}
