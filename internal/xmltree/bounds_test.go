package xmltree

import (
	"fmt"
	"strings"
	"testing"
)

// hostile bodies of size about proportional to n.
var hostile = map[string]func(n int) string{
	"nested and closed": func(n int) string {
		return "<R>" + strings.Repeat("<a>", n) + strings.Repeat("</a>", n) + "</R>"
	},
	"nested, never closed": func(n int) string { return "<R>" + strings.Repeat("<a>", n) },
	"stray end tags under deep nesting": func(n int) string {
		return "<R>" + strings.Repeat("<a>", 900) + strings.Repeat("</b>", n) + strings.Repeat("</a>", 900) + "</R>"
	},
	"siblings deep down": func(n int) string {
		return "<R>" + strings.Repeat("<a>", 999) + strings.Repeat("<x:b xmlns:x='u'/>", n) + strings.Repeat("</a>", 999) + "</R>"
	},
	"prefixes declared on every level": func(n int) string {
		var b strings.Builder
		b.WriteString("<R>")
		for i := 0; i < min(n, 999); i++ {
			fmt.Fprintf(&b, "<p%d:a xmlns:p%d='u%d'>", i, i, i)
		}
		b.WriteString(strings.Repeat("<p0:b/>", n))
		return b.String()
	},
}

// TestParseLinear bounds the parser's work by the input: four times the
// input takes about four times the steps (a depth-quadratic reader takes
// sixteen), and never more than a few steps a byte.
func TestParseLinear(t *testing.T) {
	const n = 20000
	for name, gen := range hostile {
		small, large := gen(n), gen(4*n)
		s, l := parse([]byte(small), 0).steps, parse([]byte(large), 0).steps
		if ratio := float64(l) / float64(s); ratio > 5 {
			t.Errorf("%s: %d steps for %d bytes, %d for %d: ratio %.1f, want about 4", name, s, len(small), l, len(large), ratio)
		}
		if l > 2*len(large) {
			t.Errorf("%s: %d steps for %d bytes", name, l, len(large))
		}
	}
}

// TestParseDepthLimit: a body nested past MaxDepth has one finding for
// it, at the element that goes too deep, closed or not; one within the
// limit has none.
func TestParseDepthLimit(t *testing.T) {
	for _, body := range []string{hostile["nested and closed"](1_000_000), hostile["nested, never closed"](1_000_000)} {
		_, probs := Parse([]byte(body))
		want := len("<R>") + (MaxDepth-1)*len("<a>")
		if len(probs) != 1 || probs[0].Check != "xml.syntax" || probs[0].Offset != want || !strings.Contains(probs[0].Msg, "nesting deeper") {
			t.Errorf("%.20q...: problems %v, want one nesting problem at %d", body, probs, want)
		}
	}
	if _, probs := Parse([]byte(hostile["nested and closed"](MaxDepth - 1))); len(probs) != 0 {
		t.Errorf("nested %d levels: %v", MaxDepth, probs)
	}
}

// TestParseProblemCap: past maxProblems, problems are counted in one.
func TestParseProblemCap(t *testing.T) {
	_, probs := Parse([]byte("<R>" + strings.Repeat("</b>", 1000) + "</R>"))
	if len(probs) != maxProblems+1 {
		t.Fatalf("%d problems, want %d", len(probs), maxProblems+1)
	}
	last := probs[maxProblems]
	if last.Check != "xml.syntax" || last.Msg != "900 more problems not reported" || last.Offset != 3+4*maxProblems {
		t.Errorf("last problem %+v", last)
	}
	if _, probs := Parse([]byte("<R>" + strings.Repeat("</b>", maxProblems) + "</R>")); len(probs) != maxProblems {
		t.Errorf("%d stray tags: %d problems", maxProblems, len(probs))
	}
}

// TestDocPath: the indexed Path agrees with the walking one everywhere.
func TestDocPath(t *testing.T) {
	body := `<R xmlns:x="u"><A/><B><C/><x:C/><C/></B><A><D/></A><x:E/></R>`
	doc, _ := Parse([]byte(body))
	count := 0
	for _, n := range doc.elements {
		count++
		if got, want := doc.Path(n), Path(n); got != want {
			t.Errorf("Doc.Path = %s, Path = %s", got, want)
		}
	}
	if count != 9 {
		t.Errorf("%d elements", count)
	}
	if got := len(doc.Children(doc.Element().LastChild.PrevSibling.PrevSibling, "C")); got != 3 {
		t.Errorf("Children(B, C): %d", got)
	}
}
