package refserver

import (
	"slices"

	"github.com/getservice-conformance/gsc/internal/contract"
)

// The faults in what a page says about itself: its echoes of the
// request, its count and its next marker. They are documented here and
// listed in faultOrder.
func init() {
	for f, info := range map[Fault]faultInfo{
		CountBeyondTotal: {"the count field is one more than the buckets the request selects over all pages", func(c *contract.Contract) string {
			return unless(c.Profile.Listing.Count != "", "the contract's listing has no count field")
		}},
		NextMarkerBehind: {"a truncated page's next marker is its last name without the last character, which sorts before that name", func(c *contract.Contract) string {
			return orElse(paged(c), unless(c.Profile.Params.Marker != "" && c.Profile.Listing.NextMarker != "", "the contract's pages lead on by no next marker"))
		}},
		MarkerEchoWrong: {"a page echoes the marker sent without its last character", func(c *contract.Contract) string {
			return unless(c.Profile.Params.Marker != "" && c.Profile.Listing.Marker != "", "the contract's pages echo no marker")
		}},
		MaxKeysEchoWrong: {"a page echoes one more than the page size sent", func(c *contract.Contract) string {
			return orElse(paged(c), unless(c.Profile.Listing.MaxKeys != "", "the contract's pages echo no page size"))
		}},
		PrefixEchoWrong: {"a page echoes the prefix sent without its last character", func(c *contract.Contract) string {
			return unless(c.Profile.Listing.Prefix != "" && slices.Contains(c.Profile.Capabilities, "prefix"), "the contract's pages echo no prefix")
		}},
	} {
		faultInfos[f] = info
	}
}

// echoFaults change what a rendered page says about itself.
func (s *Server) echoFaults(body *listingBody) {
	fs := s.faults
	if fs[CountBeyondTotal] {
		body.Count++
	}
	if fs[NextMarkerBehind] && body.NextMarker != "" {
		body.NextMarker = dropLast(body.NextMarker)
	}
	if fs[MarkerEchoWrong] && body.MarkerSent {
		body.Marker = dropLast(body.Marker)
	}
	if fs[MaxKeysEchoWrong] && body.MaxKeysSent {
		body.MaxKeys++
	}
	if fs[PrefixEchoWrong] && body.PrefixSent {
		body.Prefix = dropLast(body.Prefix)
	}
}

// dropLast is s without its last byte: a string that sorts before s
// and differs from it; "" stays "" (nothing to echo wrongly).
func dropLast(s string) string {
	if s == "" {
		return s
	}
	return s[:len(s)-1]
}
