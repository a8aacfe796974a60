package refserver

import (
	"path"
	"slices"
	"strconv"
	"strings"

	"github.com/getservice-conformance/gsc/internal/contract"
)

// The faults only a run that changes the listing between pages, or
// draws names and page sizes at random, meets (runner explore): the live
// specs' five buckets and fixed page sizes never show them.
const (
	TokenCountsPositions   Fault = "token-counts-positions"
	PrefixDotWildcard      Fault = "prefix-dot-wildcard"
	DivisiblePageDropsLast Fault = "divisible-page-drops-last"
	positionTokenMark            = "\x00pos:" // a position token's name
)

func init() {
	for f, info := range map[Fault]faultInfo{
		TokenCountsPositions: {"a continuation token holds how many buckets came before it, not the last name: a bucket deleted (or created) before it between two pages makes the walk skip (or repeat) one that did not change", func(c *contract.Contract) string {
			return orElse(paged(c), unless(c.Profile.Params.Token != "", "the contract has no continuation token"))
		}},
		PrefixDotWildcard: {"a '.' in the prefix filter matches any one character", func(c *contract.Contract) string {
			if c.Profile.Params.Prefix == "" {
				return "the contract has no prefix filter"
			}
			if r := c.Profile.Reference; r == nil || !strings.Contains(r.BucketName, ".") {
				return "the contract's bucket names hold no '.'"
			}
			return ""
		}},
		DivisiblePageDropsLast: {"the last page of a walk whose page size (2 or more) divides what the walk lists leaves out its last bucket", paged},
	} {
		faultInfos[f] = info
	}
	faultOrder = append(faultOrder, TokenCountsPositions, PrefixDotWildcard, DivisiblePageDropsLast)
}

// exploreSelection applies the explore faults to what a request selects.
func (s *Server) exploreSelection(sel *selection) {
	if s.faults[TokenCountsPositions] {
		if n, ok := strings.CutPrefix(sel.after, positionTokenMark); ok {
			sel.after = ""
			sel.offset, _ = strconv.Atoi(n)
		}
	}
	if s.faults[PrefixDotWildcard] && strings.Contains(sel.prefix, ".") {
		// What comes before the first '.' still narrows by index; the
		// rest is matched as a pattern, '.' standing for any character.
		stem, _, _ := strings.Cut(sel.prefix, ".")
		sel.pattern = strings.ReplaceAll(escapeGlob(sel.prefix), ".", "?") + "*"
		sel.prefix = stem
	}
}

// escapeGlob escapes what path.Match reads specially, '.' aside.
func escapeGlob(s string) string {
	var b strings.Builder
	for _, r := range s {
		if strings.ContainsRune(`*?[]\`, r) {
			b.WriteByte('\\')
		}
		b.WriteRune(r)
	}
	return b.String()
}

// matchesPattern says whether a name matches a prefix pattern of
// PrefixDotWildcard.
func matchesPattern(pattern, name string) bool {
	ok, _ := path.Match(pattern, name)
	return ok
}

// explorePage applies the explore faults to a page about to be sent.
func (s *Server) explorePage(pg *page, body *listingBody) {
	if s.faults[TokenCountsPositions] && body.ContinuationToken != "" && len(pg.buckets) > 0 {
		last := pg.buckets[len(pg.buckets)-1].Name
		body.ContinuationToken = s.tokens.issue(positionTokenMark + strconv.Itoa(s.store.countThrough(body.Prefix, last)))
	}
	if s.faults[DivisiblePageDropsLast] && body.MaxKeysSent && body.MaxKeys > 1 && !pg.truncated && len(body.Buckets) == body.MaxKeys {
		body.Buckets = slices.Delete(body.Buckets, len(body.Buckets)-1, len(body.Buckets))
		if body.Count > 0 {
			body.Count--
		}
	}
}

// countThrough counts the buckets with the prefix up to name, inclusive.
func (s *store) countThrough(prefix, name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	names := s.all.view()
	lo, hi := prefixRange(names, prefix)
	return min(upperBound(names, name), hi) - lo
}
