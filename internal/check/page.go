package check

import (
	"strings"

	"github.com/getservice-conformance/gsc/internal/contract"
)

// Page is the canonical view of a success body, for live runs that must
// follow a walk: names and regions in listing order, the truncation flag
// ("true", "false" or "" when absent) and the next marker or token.
type Page struct {
	Names, Regions []string
	Truncated      string
	Next           string
}

// ReadPage reads a success body by the contract's listing pointers,
// leniently: whatever can be read is returned.
func ReadPage(c *contract.Contract, body []byte) Page {
	return exported(readPage(decode(c, bodyMessage(body)).value, c.Profile.Listing))
}

// Page returns the latest success page the walk checked, without reading
// its body again.
func (w *Walker) Page() Page { return exported(w.walk.latest) }

func exported(pg page) Page {
	p := Page{Truncated: pg.truncated, Next: pg.next}
	// Copies: a name read from a body may share the memory of the whole
	// body, which a caller keeping names across pages would keep too.
	for _, bk := range pg.buckets {
		p.Names = append(p.Names, strings.Clone(bk.name))
		p.Regions = append(p.Regions, strings.Clone(bk.region))
	}
	p.Truncated, p.Next = strings.Clone(p.Truncated), strings.Clone(p.Next)
	return p
}

// ErrorCode reads the error code of an error body, or "".
func ErrorCode(c *contract.Contract, body []byte) string {
	b := decode(c, bodyMessage(body))
	code, _, _ := first(b.value, c.Profile.Auth.ErrorCode)
	return code
}

// BucketField reads one field of every bucket of a success body, by a
// pointer relative to a bucket (OSS /ResourceGroupId), in listing order:
// "" where a bucket lacks it.
func BucketField(c *contract.Contract, body []byte, rel string) []string {
	v := decode(c, bodyMessage(body)).value
	toks := tokens(rel)
	var out []string
	for _, list := range collect(v, c.Profile.Listing.Buckets) {
		values, isArray := list.value.([]any)
		if !isArray {
			values = []any{list.value}
		}
		for _, el := range values {
			f, _ := lookup(el, toks)
			s, _ := scalar(f)
			out = append(out, s)
		}
	}
	return out
}
