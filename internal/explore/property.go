package explore

import (
	"slices"

	"github.com/getservice-conformance/gsc/internal/contract"
)

// Property is one promise of the contract that explore checks after every
// step. Each is a spec of its own in the reports (explore/<property>), so
// that a baseline can accept one and the others still judge.
type Property string

const (
	// Names: every legal name of the run's shapes is created, and
	// deleted, as asked.
	Names Property = "bucket names"
	// Listing: a listing without filter or page size lists exactly the
	// run's buckets, each once, in order.
	Listing Property = "listing"
	// Pages: pages hold at most the page size, and a walk by its markers,
	// tokens or offsets lists exactly the run's buckets, each once, in
	// order; truncation and next marker or token agree.
	Pages Property = "pages"
	// Prefix, Region, Marker: the filter selects exactly the model's
	// buckets it names.
	Prefix Property = "prefix filter"
	Region Property = "region filter"
	Marker Property = "marker"
	// Changes: buckets created or deleted between the pages of a walk do
	// not disturb the others: every bucket that existed throughout the
	// walk is listed once, and none twice.
	Changes Property = "changes during a walk"
	// Checks: every response passes the checks recorded exchanges get.
	Checks Property = "recorded-exchange checks"
)

// Properties lists every property in report order.
var Properties = []Property{Names, Listing, Pages, Prefix, Region, Marker, Changes, Checks}

// Spec is the property's spec text in reports; its id is explore/<slug>.
func (p Property) Spec() string { return "explore / " + string(p) }

// capability is the profile capability a property exercises, "" for
// none: where the contract marks it optional, a target that ignores it
// is unsupported there, not failing.
func (p Property) capability() string {
	switch p {
	case Pages:
		return "pagination"
	case Prefix:
		return "prefix"
	case Region:
		return "region"
	}
	return ""
}

// applies says why a property does not apply to a contract, or "".
func (p Property) applies(c *contract.Contract) string {
	params := c.Profile.Params
	paged := params.PageSize.Name != "" && slices.Contains(c.Profile.Capabilities, "pagination")
	switch p {
	case Pages:
		if !paged {
			return "the contract documents no page size"
		}
	case Changes:
		if !paged || params.Marker == "" && params.Token == "" {
			// An offset is a position: a change before it moves every
			// bucket after it, and the contract documents no way around.
			return "the contract's pages lead on by no marker or token that a change between pages could be judged against"
		}
	case Prefix:
		if params.Prefix == "" {
			return "the contract documents no prefix filter"
		}
	case Region:
		if params.Region == "" {
			return "the contract documents no region parameter"
		}
	case Marker:
		if params.Marker == "" {
			return "the contract documents no marker"
		}
	}
	return ""
}
