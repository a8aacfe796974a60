package explore

import (
	"fmt"
	"regexp"
	"slices"
	"strings"

	"pgregory.net/rapid"
)

// namer makes the bucket names a run may create: every one starts with
// the run's prefix (gsc-xxxxxxxx-x), so that cleanup finds it, and ends
// with the target's suffix (COS: -APPID); in between, the shapes the
// vendor's naming rule (the contract's reference.bucketName) allows:
// digits, hyphens, dots where the rule has them, the longest name it
// allows, the shortest the prefix leaves, and names that are prefixes of
// others.
type namer struct {
	prefix string // run id + "-x"
	suffix string // the target's (COS -APPID), or the tail the rule needs
	rule   *regexp.Regexp
	dots   bool
	maxLen int
}

// alphabet is small on purpose: names drawn from it share prefixes often.
const alphabet = "ab01"

func newNamer(runID, suffix, rule string) (*namer, error) {
	n := &namer{prefix: runID + "-x", suffix: suffix}
	if rule == "" {
		rule = `^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$`
	}
	re, err := regexp.Compile(rule)
	if err != nil {
		return nil, fmt.Errorf("the contract's bucket name rule: %w", err)
	}
	n.rule = re
	// COS names end in -APPID; without --appid the run's names end in a
	// number of their own so that they still follow the rule.
	if !re.MatchString(n.prefix+"a"+suffix) && re.MatchString(n.prefix+"a-0"+suffix) {
		n.suffix = "-0" + suffix
	}
	if !re.MatchString(n.prefix + "a" + n.suffix) {
		return nil, fmt.Errorf("the contract's bucket name rule %s allows no name that starts with %s", rule, n.prefix)
	}
	n.dots = re.MatchString(n.prefix + "a.b" + n.suffix)
	for body := 1; body < 256; body++ {
		if re.MatchString(n.prefix + strings.Repeat("a", body) + n.suffix) {
			n.maxLen = len(n.prefix) + body + len(n.suffix)
		}
	}
	return n, nil
}

// mine says whether name is one of the run's.
func (n *namer) mine(name string) bool { return strings.HasPrefix(name, n.prefix) }

// body is a name without the run's prefix and the suffix.
func (n *namer) body(name string) string {
	return strings.TrimSuffix(strings.TrimPrefix(name, n.prefix), n.suffix)
}

func (n *namer) name(body string) string { return n.prefix + body + n.suffix }

// legal says whether the vendor's rule allows name; bodies also keep the
// rules a regular expression says less well (no two separators in a row).
func (n *namer) legal(name string) bool {
	b := n.body(name)
	return n.rule.MatchString(name) && !strings.Contains(b, "..") && !strings.Contains(b, ".-") &&
		!strings.Contains(b, "-.") && !strings.HasSuffix(b, ".") && !strings.HasSuffix(b, "-")
}

// draw makes a name of one of the shapes, given the names that exist.
func (n *namer) draw(t *rapid.T, existing []string) string {
	seps := "-"
	if n.dots {
		seps = "-."
	}
	segment := func(label string) string {
		k := rapid.IntRange(1, 3).Draw(t, label+"-len")
		var b strings.Builder
		for i := 0; i < k; i++ {
			b.WriteByte(alphabet[rapid.IntRange(0, len(alphabet)-1).Draw(t, label+"-char")])
		}
		return b.String()
	}
	shapes := []string{"fresh", "fresh", "shortest", "longest"}
	if len(existing) > 0 {
		shapes = append(shapes, "extend", "extend", "sibling")
		if n.dots {
			shapes = append(shapes, "twin")
		}
	}
	var body string
	switch rapid.SampledFrom(shapes).Draw(t, "shape") {
	case "fresh":
		body = segment("seg")
		for k := rapid.IntRange(0, 2).Draw(t, "segments"); k > 0; k-- {
			body += string(seps[rapid.IntRange(0, len(seps)-1).Draw(t, "sep")]) + segment("seg")
		}
	case "shortest":
		body = segment("one")[:1]
	case "longest":
		room := n.maxLen - len(n.prefix) - len(n.suffix)
		base := segment("seg")
		body = base + strings.Repeat("9", max(0, room-len(base)))
	case "extend": // a name that has an existing one as its prefix
		base := n.body(rapid.SampledFrom(existing).Draw(t, "base"))
		body = base + string(seps[rapid.IntRange(0, len(seps)-1).Draw(t, "sep")]) + segment("seg")
	case "twin": // the same name with one separator swapped: a.b and a-b
		base := n.body(rapid.SampledFrom(existing).Draw(t, "base"))
		at := strings.IndexAny(base, seps)
		if at < 0 {
			body = base + "." + segment("seg")
			break
		}
		swap := byte('.')
		if base[at] == '.' {
			swap = '-'
		}
		body = base[:at] + string(swap) + base[at+1:]
	case "sibling": // same stem, another separator or last segment
		base := n.body(rapid.SampledFrom(existing).Draw(t, "base"))
		cut := strings.LastIndexAny(base, seps)
		if cut < 0 {
			cut = len(base)
		}
		body = base[:cut] + string(seps[rapid.IntRange(0, len(seps)-1).Draw(t, "sep")]) + segment("seg")
	}
	return n.name(body)
}

// model is what the listing of the run's own buckets must be: the names
// the run created and has not deleted.
type model struct {
	names  []string // sorted
	region string   // every bucket's: the run creates in its region
}

func (m *model) add(name string) {
	if i, found := slices.BinarySearch(m.names, name); !found {
		m.names = slices.Insert(m.names, i, name)
	}
}

func (m *model) remove(name string) {
	if i, found := slices.BinarySearch(m.names, name); found {
		m.names = slices.Delete(m.names, i, i+1)
	}
}

func (m *model) has(name string) bool {
	_, found := slices.BinarySearch(m.names, name)
	return found
}

// filter is what a listing request selects, in the contract's terms.
type filter struct {
	prefix   string
	region   string
	marker   string // exclusive start
	pageSize int    // 0: not sent
}

// selects says whether the filter selects a bucket of the run's.
func (f filter) selects(name, region string) bool {
	return strings.HasPrefix(name, f.prefix) && (f.region == "" || f.region == region) && name > f.marker
}

// expected lists the model's buckets the filter selects, in name order.
func (m *model) expected(f filter) []string {
	var out []string
	for _, n := range m.names {
		if f.selects(n, m.region) {
			out = append(out, n)
		}
	}
	return out
}
