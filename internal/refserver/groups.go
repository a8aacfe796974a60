package refserver

import (
	"net/http"
	"regexp"
	"strings"
)

// OSS lists by resource group (the x-oss-resource-group-id header) and
// by a set of tags (the tagging parameter, which tag-key and tag-value
// may not join).

// defaultGroupAlias names the default group in a request, beside its id.
const defaultGroupAlias = "rg-default-id"

// groupOf is the resource group a new bucket joins: the one its creation
// names, else the default group; "" where the profile has none.
func (s *Server) groupOf(r *http.Request) string {
	h := s.prof.Params.ResourceGroupHeader
	if h == "" || s.ref == nil {
		return ""
	}
	if g := r.Header.Get(h); g != "" && g != defaultGroupAlias {
		return g
	}
	return s.ref.DefaultGroup
}

// ossSelection adds the resource group and the tag set to a listing's
// selection, and refuses tagging beside tag-key or tag-value.
func (s *Server) ossSelection(r *http.Request, sel *selection) *apiError {
	p := s.prof.Params
	if h := p.ResourceGroupHeader; h != "" && !s.faults[ResourceGroupIgnored] {
		vs, sent := r.Header[http.CanonicalHeaderKey(h)]
		if !sent && s.faults[NoGroupListsDefault] && s.ref != nil {
			sel.group = &s.ref.DefaultGroup
		}
		if sent {
			g := strings.TrimSpace(strings.Join(vs, ""))
			switch {
			case s.ref == nil:
			case g == "" && s.faults[EmptyGroupListsAll]:
			case g == "" || g == defaultGroupAlias:
				sel.group = &s.ref.DefaultGroup
			default:
				sel.group = &g
			}
		}
	}
	q := r.URL.Query()
	if p.Tagging == "" || !q.Has(p.Tagging) {
		return nil
	}
	if (q.Has(p.TagKey) || q.Has(p.TagValue)) && !s.faults[TaggingCombinedServed] {
		return failf("invalidArgument", "%s may not be sent with %s or %s", p.Tagging, p.TagKey, p.TagValue)
	}
	tags, ok := parseTagSet(q.Get(p.Tagging))
	if !ok {
		return failf("invalidArgument", "%s is a comma-separated list of \"key\":\"value\" pairs", p.Tagging)
	}
	if s.faults[TaggingIgnored] {
		return nil
	}
	sel.tagSet, sel.tagAny = tags, s.faults[TaggingAnyTag]
	return nil
}

var tagPair = regexp.MustCompile(`^"([^"]+)":"([^"]*)"$`)

// parseTagSet reads `"k1":"v1","k2":"v2"`.
func parseTagSet(v string) (map[string]string, bool) {
	tags := map[string]string{}
	for _, part := range strings.Split(v, ",") {
		m := tagPair.FindStringSubmatch(strings.TrimSpace(part))
		if m == nil {
			return nil, false
		}
		tags[m[1]] = m[2]
	}
	return tags, len(tags) > 0
}
