package refserver

import (
	"net/http"
	"net/url"
	"slices"
	"testing"
)

// otherGroup is the resource group some seeded OSS buckets belong to.
const otherGroup = "rg-gsc-other"

func init() {
	tagging := func(v string) func(p *probe) (url.Values, http.Header) {
		return func(p *probe) (url.Values, http.Header) { return url.Values{p.e.c.Profile.Params.Tagging: {v}}, nil }
	}
	group := func(g string) func(p *probe) (url.Values, http.Header) {
		return func(p *probe) (url.Values, http.Header) {
			return nil, http.Header{http.CanonicalHeaderKey(p.e.c.Profile.Params.ResourceGroupHeader): {g}}
		}
	}
	carriesAll := func(want map[string]string) func(*probe, Bucket) bool {
		return func(_ *probe, b Bucket) bool { return carries(b.Tags, want, false) }
	}
	faultProbes[TaggingIgnored] = filtered(tagging(`"env":"prod","team":"web"`), carriesAll(map[string]string{"env": "prod", "team": "web"}))
	// No seeded bucket carries both; any-tag lists those with either.
	faultProbes[TaggingAnyTag] = filtered(tagging(`"env":"dev","team":"web"`), carriesAll(map[string]string{"env": "dev", "team": "web"}))
	faultProbes[TaggingCombinedServed] = func(p *probe) string {
		params := p.e.c.Profile.Params
		r := p.list(url.Values{params.Tagging: {`"env":"prod"`}, params.TagKey: {"env"}})
		return deviatesIf(r.status/100 != 4, "tagging with tag-key answered %d", r.status)
	}
	faultProbes[ResourceGroupIgnored] = filtered(group(otherGroup), func(_ *probe, b Bucket) bool { return b.Group == otherGroup })
	faultProbes[NoGroupListsDefault] = func(p *probe) string {
		got := p.s.listed(p.list(url.Values{"max-keys": {"1000"}}))
		return deviatesIf(len(got.names) != len(p.bs), "no header listed %d of %d buckets", len(got.names), len(p.bs))
	}
	faultProbes[EmptyGroupListsAll] = filtered(group(""), func(p *probe, b Bucket) bool { return b.Group == p.e.c.Profile.Reference.DefaultGroup })
}

// OSS resource groups: no header lists every bucket; an empty one, or
// rg-default-id, the default group's; a group id, that group's. The tag
// set selects the buckets that carry all of its tags, and tagging beside
// tag-key is refused.
func TestResourceGroupsAndTagging(t *testing.T) {
	p := newProbe(t, "oss", nil)
	h := http.CanonicalHeaderKey(p.e.c.Profile.Params.ResourceGroupHeader)
	def := p.e.c.Profile.Reference.DefaultGroup
	inGroup := func(g string) []string {
		return names(filter(p.bs, func(b Bucket) bool { return b.Group == g }))
	}
	for _, tc := range []struct {
		header http.Header
		want   []string
	}{
		{nil, names(p.bs)},
		{http.Header{h: {""}}, inGroup(def)},
		{http.Header{h: {"rg-default-id"}}, inGroup(def)},
		{http.Header{h: {otherGroup}}, inGroup(otherGroup)},
		{http.Header{h: {"rg-nobody"}}, []string{}},
	} {
		got := p.s.listed(p.s.do(call{dialect: p.dialect, header: tc.header, query: url.Values{"max-keys": {"1000"}}}))
		if !slices.Equal(got.names, tc.want) && !(len(got.names) == 0 && len(tc.want) == 0) {
			t.Errorf("header %v: listed %v, want %v", tc.header, got.names, tc.want)
		}
	}
	if len(inGroup(def)) == 0 || len(inGroup(otherGroup)) == 0 {
		t.Fatalf("the seed puts buckets in both groups: %v, %v", inGroup(def), inGroup(otherGroup))
	}
	both := map[string]string{"env": "prod", "team": "web"}
	want := names(filter(p.bs, func(b Bucket) bool { return carries(b.Tags, both, false) }))
	got := p.s.listed(p.list(url.Values{"tagging": {`"env":"prod","team":"web"`}, "max-keys": {"1000"}}))
	if len(want) == 0 || !slices.Equal(got.names, want) {
		t.Errorf("tagging env=prod and team=web: listed %v, want %v", got.names, want)
	}
	for _, q := range []url.Values{
		{"tagging": {`"env":"prod"`}, "tag-key": {"env"}},
		{"tagging": {`"env":"prod"`}, "tag-value": {"prod"}},
		{"tagging": {`env=prod`}},
	} {
		if r := p.list(q); r.status != http.StatusBadRequest {
			t.Errorf("%v: %d, want 400", q, r.status)
		}
	}
}
