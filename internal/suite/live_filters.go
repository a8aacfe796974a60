package suite

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	. "github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
)

// filterWalk walks a filtered listing at the default page size.
func (l *liveSpecs) filterWalk(name string, in live.Intent, into *tally) *walked {
	pages := accountPages
	if LiveRun.ReadOnly {
		pages = readOnlyPages
	}
	return l.walk(name, walkPlan{in: in, maxPages: pages, into: into})
}

// filtered judges a filtered walk: its filter findings, and whether the
// wanted buckets came back: exactly (in order), or each once.
func (l *liveSpecs) filtered(name string, w *walked, want []string, exact bool, what string) {
	v := l.verdict()
	v.findingsShown(w.judge(name), w.tally.shownAt, live.Signed, finding.AreaFilters)
	switch {
	case w.problem != "" && !w.capped:
		v.deviation("a filtered walk that ends", w.problem, what, w.last, live.Signed)
	case exact && !slices.Equal(w.names, want):
		v.deviation(fmt.Sprintf("exactly %v", want), fmt.Sprintf("%v", w.names), what, w.first, live.Signed)
	case !exact:
		if err := eachOnce(want, w.names); err != nil {
			v.deviation("every bucket the filter selects once", err.Error(), what, w.first, live.Signed)
		}
	}
	v.settle()
}

// zoneIgnored lists another region or zone than the run's, where none of
// its buckets is, and ends the spec if they all come back: a target with
// one region cannot show that it honours the filter any other way.
func (l *liveSpecs) zoneIgnored(capability string, elsewhere live.Intent, what string) {
	w := l.filterWalk("zone elsewhere", elsewhere, nil)
	if last := w.last; last.Status == 200 && eachOnce(l.mine, w.names) == nil {
		l.unsupported(capability, fmt.Sprintf("%s is ignored: every bucket of the run, created in %s, is listed", what, l.t.Region), w.first)
	}
}

// fromListing picks, on a read-only run, what a filter selects out of the
// walk of the account: the names for which keep is true. Where that walk
// did not end, only the filter's findings can be judged (nil).
func (l *liveSpecs) fromListing(keep func(i int) bool) []string {
	ref := l.account()
	if !ref.complete {
		return nil
	}
	var want []string
	for i, n := range ref.names {
		if keep(i) {
			want = append(want, n)
		}
	}
	return want
}

func (l *liveSpecs) filterSpecs() {
	p := l.t.Contract.Profile
	Context("filters", Label("filters"), func() {
		has := func(c string) bool { return slices.Contains(p.Capabilities, c) }
		It("honours prefix", func() {
			if !has("prefix") {
				Skip(p.Name + " documents no prefix filter")
			}
			if LiveRun.ReadOnly {
				l.readOnlyPrefix()
				return
			}
			// The first bucket's whole name: on a fresh endpoint that holds
			// only the run's buckets, a server that ignores the filter shows
			// itself by listing the others.
			prefix := l.mine[0]
			w := l.filterWalk("filter prefix", live.Intent{Prefix: prefix}, nil)
			var others []string
			for _, n := range w.names {
				if !strings.HasPrefix(n, prefix) {
					others = append(others, n)
				}
			}
			if len(others) > 0 && each(l.mine, w.names) == nil {
				l.unsupported("prefix", fmt.Sprintf("%s=%s is ignored: %d of %d buckets listed lack the prefix, e.g. %s",
					p.Params.Prefix, prefix, len(others), len(w.names), others[0]), w.first)
			}
			l.filtered("filter prefix", w, l.mine[:1], true, p.Params.Prefix+"="+prefix)
		})
		It("honours the region filter", func() {
			if !has("region") {
				Skip(p.Name + " documents no region filter")
			}
			if LiveRun.ReadOnly {
				l.readOnlyZone("filter region", func(z string) live.Intent { return live.Intent{Region: z} }, p.Params.Region+"=")
				return
			}
			foreign := "eu-west-1"
			if l.t.Region == foreign {
				foreign = "us-east-1"
			}
			l.zoneIgnored("region", live.Intent{Region: foreign}, p.Params.Region+"="+foreign)
			w := l.filterWalk("filter region", live.Intent{Region: l.t.Region}, nil)
			// filter.region fires on a foreign bucket
			l.filtered("filter region", w, l.mine, false, p.Params.Region+"="+l.t.Region)
		})
		It("honours the Location header", func() {
			if !has("location") {
				Skip(p.Name + " documents no Location filter")
			}
			if LiveRun.ReadOnly {
				l.readOnlyZone("filter location", func(z string) live.Intent { return live.Intent{Location: z} }, p.Params.LocationHeader+": ")
				return
			}
			l.zoneIgnored("location", live.Intent{Location: "gsc-nowhere"}, p.Params.LocationHeader+": gsc-nowhere")
			w := l.filterWalk("filter location", live.Intent{Location: l.t.Region}, nil)
			l.filtered("filter location", w, l.mine, false, p.Params.LocationHeader+": "+l.t.Region)
		})
		It("honours create-time with range", func() {
			if !has("create-time") {
				Skip(p.Name + " documents no create-time filter")
			}
			l.needBuckets()
			later := strconv.FormatInt(LiveRun.started().Add(time.Hour).Unix(), 10)
			before := l.filterWalk("filter create-time lt", live.Intent{CreateTime: later, Range: "lt"}, nil)
			after := l.filterWalk("filter create-time gt", live.Intent{CreateTime: later, Range: "gt"}, before.tally)
			v := l.verdict()
			v.findingsShown(before.judge("filter create-time"), before.tally.shownAt, live.Signed, finding.AreaFilters)
			if err := eachOnce(l.mine, before.names); err != nil {
				v.deviation("range=lt an hour from now to list every bucket of the run", err.Error(), p.Params.CreateTime+"="+later+"&"+p.Params.Range+"=lt", before.first, live.Signed)
			}
			for _, n := range after.names {
				if slices.Contains(l.mine, n) {
					v.deviation("range=gt an hour from now to list none of the run's buckets", "it listed "+n+", created just now", p.Params.CreateTime+"="+later+"&"+p.Params.Range+"=gt", after.first, live.Signed)
					break
				}
			}
			v.settle()
		})
		It("honours tag filters", func() {
			if !has("tags") {
				Skip(p.Name + " documents no tag filter")
			}
			l.needBuckets()
			key, value := LiveRun.RunID, "tagged"
			tag := l.t.TagBucket(l.ctx(), l.mine[0], key, value)
			l.usable("tagging "+l.mine[0], 1, tag)
			if tag.Status/100 != 2 {
				// Tagging is not GET Service: a refusal leaves the filter unjudged.
				l.cannotJudge(fmt.Sprintf("tagging %s to filter by it answered %d", l.mine[0], tag.Status))
			}
			w := l.filterWalk("filter tags", live.Intent{TagKey: key, TagValue: value}, nil)
			l.filtered("filter tags", w, l.mine[:1], true, key+"="+value)
		})
		l.groupSpecs(has)
	})
}

// readOnlyPrefix filters the existing listing by a proper prefix of its
// first name: every name listed must carry it (filter.prefix), and every
// name of the account that carries it must be listed.
func (l *liveSpecs) readOnlyPrefix() {
	ref := l.account()
	if len(ref.names) == 0 {
		Skip("--read-only: the account holds no bucket to take a prefix from")
	}
	first := ref.names[0]
	prefix := first[:max(1, len(first)-1)]
	what := l.t.Contract.Profile.Params.Prefix + "=" + prefix
	w := l.filterWalk("filter prefix", live.Intent{Prefix: prefix}, nil)
	want := l.fromListing(func(i int) bool { return strings.HasPrefix(ref.names[i], prefix) })
	l.filtered("filter prefix", w, want, false, what)
}

// readOnlyZone filters the existing listing by the region of the first
// bucket that shows one: every bucket listed that shows a region must be
// in it (filter.region, filter.location), and every bucket of the account
// in it must be listed.
func (l *liveSpecs) readOnlyZone(name string, intent func(zone string) live.Intent, what string) {
	ref := l.account()
	i := slices.IndexFunc(ref.regions, func(r string) bool { return r != "" })
	if i < 0 {
		Skip("--read-only: no bucket of the account shows its region")
	}
	zone := ref.regions[i]
	w := l.filterWalk(name, intent(zone), nil)
	want := l.fromListing(func(j int) bool { return ref.regions[j] == zone })
	l.filtered(name, w, want, false, what+zone)
}

// started is when the run began, or now.
func (c LiveConfig) started() time.Time {
	if c.Started.IsZero() {
		return time.Now()
	}
	return c.Started
}
