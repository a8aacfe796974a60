package check

import (
	"fmt"

	"github.com/getservice-conformance/gsc/internal/finding"
)

// MaxListed is how many findings of one check in one exchange are listed;
// the rest are counted in one more finding, so that a report grows with
// what is wrong, not with how often a listing repeats it.
const MaxListed = 100

// limit keeps the first MaxListed findings (in fs's order) of each check
// in each exchange of each file and adds, where more were found, one
// finding of that check at the first left out, saying how many were.
func limit(fs []finding.Finding) []finding.Finding {
	type key struct {
		file     string
		exchange int
		check    string
	}
	type dropped struct {
		first finding.Finding
		n     int
	}
	seen := map[key]int{}
	var left map[key]*dropped
	var order []key
	kept := fs[:0]
	for _, f := range fs {
		k := key{f.File, f.Exchange, f.Check}
		if seen[k]++; seen[k] <= MaxListed {
			kept = append(kept, f)
			continue
		}
		if left == nil {
			left = map[key]*dropped{}
		}
		d, ok := left[k]
		if !ok {
			d = &dropped{first: f}
			left[k] = d
			order = append(order, k)
		}
		d.n++
		d.first.Severity = max(d.first.Severity, f.Severity)
	}
	if len(order) == 0 {
		return kept
	}
	for _, k := range order {
		d := left[k]
		f := d.first
		f.Message = fmt.Sprintf("%d more %s findings in this exchange are not listed (the first is here)", d.n, k.check)
		kept = append(kept, f)
	}
	Sort(kept)
	return kept
}
