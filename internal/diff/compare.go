package diff

import (
	"fmt"
	"slices"
	"strconv"
	"strings"
)

// Variances are the latitudes a contract leaves an endpoint: a
// difference of one of these kinds is allowed unless a check or a spec
// says otherwise.
const (
	ElementOrder    = "element order"
	DatePrecision   = "date precision or format"
	OptionalElement = "optional element"
	OptionalHeader  = "optional header"
	TypeParameters  = "content-type parameters"
	Wording         = "message wording"
	Formatting      = "formatting"
)

// Difference is one thing two normalised exchanges differ in.
type Difference struct {
	// Where: "request", "status", "header NAME", "content-type", "body"
	// or the path of a body's element, "exchange" when one side has none.
	Where string `json:"where"`
	A     string `json:"a"`
	B     string `json:"b"`
	// Variance names the latitude that allows the difference (see the
	// constants); "" is a difference in substance.
	Variance string `json:"variance,omitempty"`
}

func (d Difference) String() string {
	s := fmt.Sprintf("%s: A %s, B %s", d.Where, quoteOr(d.A), quoteOr(d.B))
	if d.Variance != "" {
		s += " (" + d.Variance + ")"
	}
	return s
}

const (
	absent  = "(absent)"
	notSent = "(not sent)"
)

func quoteOr(s string) string {
	if s == absent || s == notSent || s == "sent" || s == "present" {
		return s
	}
	return strconv.Quote(s)
}

// compare lists what a and b differ in; nil for either is an exchange
// one side did not make.
func compare(a, b *normalised) []Difference {
	switch {
	case a == nil && b == nil:
		return nil
	case a == nil:
		return []Difference{{Where: "exchange", A: notSent, B: "sent"}}
	case b == nil:
		return []Difference{{Where: "exchange", A: "sent", B: notSent}}
	}
	var ds []Difference
	if a.request != b.request {
		ds = append(ds, Difference{Where: "request", A: a.request, B: b.request})
	}
	if a.status != b.status {
		ds = append(ds, Difference{Where: "status", A: strconv.Itoa(a.status), B: strconv.Itoa(b.status)})
	}
	if a.media != b.media {
		ds = append(ds, Difference{Where: "content-type", A: a.media, B: b.media})
	} else if a.params != b.params {
		ds = append(ds, Difference{Where: "content-type", A: a.media + "; " + a.params, B: b.media + "; " + b.params, Variance: TypeParameters})
	}
	ds = append(ds, compareHeaders(a.headers, b.headers)...)
	switch {
	case a.body != nil && b.body != nil:
		if a.layout != b.layout {
			ds = append(ds, Difference{Where: "body", A: a.layout, B: b.layout, Variance: Formatting})
		}
		ds = append(ds, compareNodes("", a.body, b.body)...)
	case a.body != nil || b.body != nil || a.raw != b.raw:
		ds = append(ds, Difference{Where: "body", A: excerpt(a), B: excerpt(b)})
	}
	return ds
}

func excerpt(n *normalised) string {
	if n.body != nil {
		return "<" + n.body.name + "> document"
	}
	if len(n.raw) > 60 {
		return n.raw[:60] + "..."
	}
	return n.raw
}

func compareHeaders(a, b map[string]string) []Difference {
	names := make([]string, 0, len(a)+len(b))
	for k := range a {
		names = append(names, k)
	}
	for k := range b {
		if _, ok := a[k]; !ok {
			names = append(names, k)
		}
	}
	slices.Sort(names)
	var ds []Difference
	for _, k := range names {
		va, okA := a[k]
		vb, okB := b[k]
		switch {
		case !okA:
			ds = append(ds, Difference{Where: "header " + k, A: absent, B: vb, Variance: OptionalHeader})
		case !okB:
			ds = append(ds, Difference{Where: "header " + k, A: va, B: absent, Variance: OptionalHeader})
		case va != vb:
			ds = append(ds, Difference{Where: "header " + k, A: va, B: vb, Variance: leafVariance(k, va, vb)})
		}
	}
	return ds
}

// leafVariance is the latitude that covers two values of name, or "".
func leafVariance(name, a, b string) string {
	switch {
	case strings.HasPrefix(a, datePre) && strings.HasPrefix(b, datePre):
		return DatePrecision
	case strings.EqualFold(name, "message"):
		return Wording
	}
	return ""
}

// compareNodes compares two elements at path: their text, then their
// children by name, the k-th of a name with the k-th.
func compareNodes(path string, a, b *node) []Difference {
	here := path + "/" + a.name
	var ds []Difference
	if a.text != b.text {
		ds = append(ds, Difference{Where: here, A: a.text, B: b.text, Variance: leafVariance(a.name, a.text, b.text)})
	}
	byA, orderA := group(a.children)
	byB, orderB := group(b.children)
	names := slices.Clone(orderA)
	for _, n := range orderB {
		if _, ok := byA[n]; !ok {
			names = append(names, n)
		}
	}
	common := func(order []string, other map[string][]*node) []string {
		var out []string
		for _, n := range order {
			if _, ok := other[n]; ok {
				out = append(out, n)
			}
		}
		return out
	}
	if ca, cb := common(orderA, byB), common(orderB, byA); !slices.Equal(ca, cb) {
		ds = append(ds, Difference{Where: here, A: strings.Join(ca, " "), B: strings.Join(cb, " "), Variance: ElementOrder})
	}
	for _, name := range names {
		la, lb := byA[name], byB[name]
		switch {
		case len(la) == 0:
			ds = append(ds, Difference{Where: here + "/" + name, A: absent, B: "present", Variance: OptionalElement})
			continue
		case len(lb) == 0:
			ds = append(ds, Difference{Where: here + "/" + name, A: "present", B: absent, Variance: OptionalElement})
			continue
		case len(la) != len(lb):
			ds = append(ds, Difference{Where: here + "/" + name, A: fmt.Sprintf("%d element(s)", len(la)), B: fmt.Sprintf("%d element(s)", len(lb))})
		}
		for k := range min(len(la), len(lb)) {
			sub := compareNodes(here, la[k], lb[k])
			if len(la) > 1 || len(lb) > 1 {
				indexed := fmt.Sprintf("%s/%s[%d]", here, name, k+1)
				for i := range sub {
					sub[i].Where = indexed + strings.TrimPrefix(sub[i].Where, here+"/"+name)
				}
			}
			ds = append(ds, sub...)
		}
	}
	return ds
}

// group sorts children by name, keeping each name's first place.
func group(children []*node) (map[string][]*node, []string) {
	by := map[string][]*node{}
	var order []string
	for _, c := range children {
		if _, ok := by[c.name]; !ok {
			order = append(order, c.name)
		}
		by[c.name] = append(by[c.name], c)
	}
	return by, order
}
