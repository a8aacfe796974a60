package suite

import (
	"fmt"
	"slices"

	. "github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
)

// OSS's tag-set filter (tagging) and resource groups
// (x-oss-resource-group-id), judged on the run's own buckets: it tags
// two of them, and, with --resource-group, creates one in that group.
func (l *liveSpecs) groupSpecs(has func(string) bool) {
	p := l.t.Contract.Profile
	It("honours the tagging tag set", func() {
		if !has("tagging") {
			Skip(p.Name + " documents no tagging filter")
		}
		l.needBuckets()
		if len(l.mine) < 3 {
			Skip(fmt.Sprintf("the run has %d buckets; the tag set needs 3 (--buckets)", len(l.mine)))
		}
		one, two := LiveRun.RunID+"-t1", LiveRun.RunID+"-t2"
		both, half := l.mine[len(l.mine)-1], l.mine[len(l.mine)-2]
		for _, tag := range []struct {
			bucket string
			tags   [][2]string
		}{{both, [][2]string{{one, "x"}, {two, "y"}}}, {half, [][2]string{{one, "x"}}}} {
			ex := l.t.TagBucketWith(l.ctx(), tag.bucket, tag.tags...)
			l.usable("tagging "+tag.bucket, 1, ex)
			if ex.Status/100 != 2 {
				l.cannotJudge(fmt.Sprintf("tagging %s to filter by it answered %d", tag.bucket, ex.Status))
			}
		}
		set := fmt.Sprintf("%q:%q,%q:%q", one, "x", two, "y")
		w := l.filterWalk("filter tagging", live.Intent{Tagging: set}, nil)
		// half carries one of the two tags: a server that takes any tag
		// of the set lists it.
		l.filtered("filter tagging", w, []string{both}, true, p.Params.Tagging+"="+set)
	})
	Context("resource groups", func() {
		BeforeEach(func() {
			if !has("resource-group") {
				Skip(p.Name + " documents no resource groups")
			}
			l.needBuckets()
		})
		h := p.Params.ResourceGroupHeader
		It("lists every group's buckets without the resource-group header", func() {
			w := l.filterWalk("group absent", live.Intent{}, nil)
			l.filtered("group absent", w, l.mine, false, "no "+h)
		})
		It("lists the default group's buckets for an empty resource-group header", func() {
			empty := ""
			w := l.filterWalk("group empty", live.Intent{Group: &empty}, nil)
			want := slices.DeleteFunc(slices.Clone(l.mine), func(n string) bool { return n == l.grouped })
			v := l.verdict()
			v.findingsShown(w.judge("group empty"), w.tally.shownAt, live.Signed, finding.AreaFilters)
			what := h + ": (empty)"
			if err := ofMine(want, w.names, l.mine); err != nil {
				v.deviation("every bucket of the run in the default group once"+l.groupedNote(), err.Error(), what, w.first, live.Signed)
			}
			// The run's default-group buckets show the default group's id;
			// a bucket listed with another is of another group.
			def := groupOf(w, want)
			for i, g := range w.groups {
				if def != "" && g != "" && g != def {
					v.deviation("only buckets of the default group "+def, fmt.Sprintf("%s of group %s", w.names[i], g), what, w.first, live.Signed)
					break
				}
			}
			v.settle()
		})
		It("lists only the named group's buckets for a group id", func() {
			group := l.t.ResourceGroup
			if group == "" {
				Skip("no resource group named: --resource-group ID has the run create one of its buckets in that group and judge the filter by it")
			}
			w := l.filterWalk("group named", live.Intent{Group: &group}, nil)
			v := l.verdict()
			v.findingsShown(w.judge("group named"), w.tally.shownAt, live.Signed, finding.AreaFilters)
			what := h + ": " + group
			if err := ofMine([]string{l.grouped}, w.names, l.mine); err != nil {
				v.deviation("of the run's buckets, exactly "+l.grouped+", created in "+group, err.Error(), what, w.first, live.Signed)
			}
			for i, g := range w.groups {
				if g != "" && g != group {
					v.deviation("only buckets of group "+group, fmt.Sprintf("%s of group %s", w.names[i], g), what, w.first, live.Signed)
					break
				}
			}
			v.settle()
		})
	})
}

// groupedNote says which bucket of the run is in the named group.
func (l *liveSpecs) groupedNote() string {
	if l.grouped == "" {
		return ""
	}
	return " (not " + l.grouped + ", created in " + l.t.ResourceGroup + ")"
}

// ofMine says whether, of the run's buckets (mine), names lists exactly
// want, each once; the account's other buckets, whose groups the run
// does not know, are not judged here.
func ofMine(want, names, mine []string) error {
	got := mineIn(mine, names)
	slices.Sort(got)
	want = slices.Sorted(slices.Values(want))
	if !slices.Equal(got, want) {
		return fmt.Errorf("of the run's buckets it listed %v; want each of %v once", got, want)
	}
	return nil
}

// groupOf is the group a walk shows for the first of names it lists with
// one, or "".
func groupOf(w *walked, names []string) string {
	for i, n := range w.names {
		if i < len(w.groups) && w.groups[i] != "" && slices.Contains(names, n) {
			return w.groups[i]
		}
	}
	return ""
}
