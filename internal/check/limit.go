package check

import (
	"fmt"
	"sort"

	"github.com/getservice-conformance/gsc/internal/finding"
)

// MaxListed is how many findings of one check in one exchange are listed;
// the rest are counted in one more finding, so that a report grows with
// what is wrong, not with how often a listing repeats it.
const MaxListed = 100

// pruneAt is how many findings of one check in one exchange a run holds
// before it drops those past the first MaxListed: memory stays bounded
// while a body with a million defects is checked.
const pruneAt = 4 * MaxListed

// group is the findings of one check in one exchange of one file.
type group struct {
	file     string
	exchange int
	check    string
}

// dropped is what a group's findings past MaxListed come to: the first of
// them (in the order of Sort), how many and their highest severity.
type dropped struct {
	first    finding.Finding
	firstSeq int
	n        int
}

// limiter keeps, in effect, the first MaxListed findings (in the order of
// Sort) of each group; it gives what sorting every finding and then
// keeping those would, holding at most pruneAt findings of each group.
type limiter struct {
	// seqs are the order in which the findings held came, position by
	// position, for ties between findings dropped at different prunes.
	seqs    []int
	next    int
	held    map[group]int
	dropped map[group]*dropped
	order   []group // of the groups with dropped findings, as they came
}

func groupOf(f *finding.Finding) group { return group{f.File, f.Exchange, f.Check} }

// note counts a finding about to be appended to fs (which holds what
// note returned before, with the findings appended since) and returns
// fs, pruned when the finding's group has reached pruneAt.
func (l *limiter) note(fs []finding.Finding, f *finding.Finding) []finding.Finding {
	if l.held == nil {
		l.held = map[group]int{}
	}
	g := groupOf(f)
	if l.held[g]++; l.held[g] > pruneAt {
		fs = l.prune(fs)
		l.held[g]++
	}
	l.seqs = append(l.seqs, l.next)
	l.next++
	return fs
}

// prune sorts fs and drops every group's findings past the first
// MaxListed into its count. A stable sort of findings sorted before and
// appended since orders ties as one sort of them all would.
func (l *limiter) prune(fs []finding.Finding) []finding.Finding {
	order := make([]int, len(fs))
	for i := range order {
		order[i] = i
	}
	sort.SliceStable(order, func(i, j int) bool { return less(&fs[order[i]], &fs[order[j]]) })
	sorted := make([]finding.Finding, 0, len(fs))
	seqs := l.seqs[:0:0]
	seen := map[group]int{}
	for _, i := range order {
		f, seq := fs[i], l.seqs[i]
		g := groupOf(&f)
		if seen[g]++; seen[g] <= MaxListed {
			sorted, seqs = append(sorted, f), append(seqs, seq)
			continue
		}
		if l.dropped == nil {
			l.dropped = map[group]*dropped{}
		}
		d, ok := l.dropped[g]
		switch {
		case !ok:
			d = &dropped{first: f, firstSeq: seq}
			l.dropped[g] = d
			l.order = append(l.order, g)
		case less(&f, &d.first) || !less(&d.first, &f) && seq < d.firstSeq:
			f.Severity = max(f.Severity, d.first.Severity)
			d.first, d.firstSeq = f, seq
		}
		d.n++
		d.first.Severity = max(d.first.Severity, f.Severity)
	}
	l.seqs = seqs
	l.held = map[group]int{}
	for g, n := range seen {
		l.held[g] = min(n, MaxListed)
	}
	return sorted
}

// less is Sort's order.
func less(a, b *finding.Finding) bool {
	switch {
	case a.File != b.File:
		return a.File < b.File
	case a.Exchange != b.Exchange:
		return a.Exchange < b.Exchange
	case a.Line != b.Line:
		return a.Line < b.Line
	case a.Col != b.Col:
		return a.Col < b.Col
	}
	return a.Check < b.Check
}

// finish prunes fs a last time and adds, for each group with findings
// past MaxListed, one finding of its check at the first of them saying
// how many were not listed; the result is sorted.
func (l *limiter) finish(fs []finding.Finding) []finding.Finding {
	fs = l.prune(fs)
	for _, g := range l.order {
		d := l.dropped[g]
		f := d.first
		f.Message = fmt.Sprintf("%d more %s findings in this exchange are not listed (the first is here)", d.n, g.check)
		fs = append(fs, f)
	}
	Sort(fs)
	return fs
}
