package check

import (
	"fmt"
	"math/rand"
	"reflect"
	"testing"

	"github.com/getservice-conformance/gsc/internal/finding"
)

// limitAfterSort is the limit the limiter must give: sort every finding,
// then keep the first MaxListed of each group and count the rest.
func limitAfterSort(fs []finding.Finding) []finding.Finding {
	fs = append([]finding.Finding(nil), fs...)
	Sort(fs)
	type agg struct {
		first finding.Finding
		n     int
	}
	seen := map[group]int{}
	left := map[group]*agg{}
	var order []group
	var kept []finding.Finding
	for _, f := range fs {
		g := groupOf(&f)
		if seen[g]++; seen[g] <= MaxListed {
			kept = append(kept, f)
			continue
		}
		a, ok := left[g]
		if !ok {
			a = &agg{first: f}
			left[g] = a
			order = append(order, g)
		}
		a.n++
		a.first.Severity = max(a.first.Severity, f.Severity)
	}
	for _, g := range order {
		f := left[g].first
		f.Message = fmt.Sprintf("%d more %s findings in this exchange are not listed (the first is here)", left[g].n, g.check)
		kept = append(kept, f)
	}
	Sort(kept)
	return kept
}

// TestLimiterAgrees: pruning as findings come gives what sorting them all
// and limiting would, ties and severities included, for random runs of
// findings of a few checks at few places (many ties) in a few exchanges.
func TestLimiterAgrees(t *testing.T) {
	rng := rand.New(rand.NewSource(1))
	for run := 0; run < 200; run++ {
		n := rng.Intn(3000)
		var fs []finding.Finding
		var l limiter
		var held []finding.Finding
		for i := 0; i < n; i++ {
			f := finding.Finding{
				File: "f", Exchange: 1 + rng.Intn(2), Check: []string{"a", "b", "c"}[rng.Intn(3)],
				Line: 1 + rng.Intn(1+run%40), Col: 1 + rng.Intn(3),
				Severity: finding.Severity(rng.Intn(3)), Message: fmt.Sprint(i), Pointer: fmt.Sprint("/", i),
			}
			fs = append(fs, f)
			held = append(l.note(held, &f), f)
			if len(held) > 3*2*pruneAt+3*2 {
				t.Fatalf("run %d: %d findings held", run, len(held))
			}
		}
		if got, want := l.finish(held), limitAfterSort(fs); !reflect.DeepEqual(got, want) {
			t.Fatalf("run %d (%d findings): limiter gives %d findings, sort-then-limit %d\n%v\n%v", run, n, len(got), len(want), got, want)
		}
	}
}
