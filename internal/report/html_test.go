package report

import (
	"bytes"
	"regexp"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// TestHTMLSelfContained checks what needs no browser: the page names no
// outside resource, a server's text is escaped, and the policy's hashes
// are those of the style and script the page holds (else a browser
// ignores both).
func TestHTMLSelfContained(t *testing.T) {
	var b bytes.Buffer
	if err := HTML(&b, matrixRun()); err != nil {
		t.Fatal(err)
	}
	page := b.String()

	if tag := regexp.MustCompile(`<[a-z][a-z0-9]*(\s+[a-z-]+(="[^"]*")?)*\s+(src|href|action|srcset)=`).FindString(page); tag != "" {
		t.Errorf("the page loads or links something: %s", tag)
	}
	for _, ref := range []string{"@import", "url("} {
		if strings.Contains(reportCSS, ref) {
			t.Errorf("the style loads something: %s", ref)
		}
	}
	if n := strings.Count(page, "<script"); n != 1 {
		t.Errorf("%d <script elements, want the page's one", n)
	}
	if strings.Contains(page, "<img") {
		t.Error("a server's <img> reached the page as markup")
	}
	if !strings.Contains(page, "&lt;img src=http://203.0.113.7/x.png&gt; &lt;script&gt;alert(1)&lt;/script&gt;") {
		t.Error("the hostile summary is not on the page as escaped text")
	}

	style := regexp.MustCompile(`(?s)<style>(.*?)</style>`).FindStringSubmatch(page)
	script := regexp.MustCompile(`(?s)<script>(.*?)</script>`).FindStringSubmatch(page)
	csp := regexp.MustCompile(`http-equiv="Content-Security-Policy" content="([^"]*)"`).FindStringSubmatch(page)
	if style == nil || script == nil || csp == nil {
		t.Fatalf("the page lacks its style, script or policy:\n%s", page)
	}
	policy := strings.NewReplacer("&#39;", "'", "&#43;", "+").Replace(csp[1])
	for _, want := range []string{"default-src 'none'", "style-src '" + cspHash(style[1]) + "'", "script-src '" + cspHash(script[1]) + "'"} {
		if !strings.Contains(policy, want) {
			t.Errorf("policy %q lacks %q", policy, want)
		}
	}
}

func TestHTMLCells(t *testing.T) {
	run := &outcome.Run{Results: []outcome.Result{
		{Target: "a", Spec: "s", Status: outcome.Pass},
		{Target: "a", Spec: "s", Status: outcome.Fail, Summary: "second run failed", Message: "second run failed"},
		{Target: "b", Spec: "t", Status: outcome.Skipped, Summary: "--read-only"},
	}}
	var b bytes.Buffer
	if err := HTML(&b, run); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`<title>GET Service conformance</title>`,
		`<td id="c1-1" class="fail" data-status="fail" title="second run failed">`, // the worst of two runs
		`<td id="c1-2" class="none" data-status="none">– </td>`,
		`<td id="c2-2" class="skipped" data-status="skipped" title="--read-only">↷ skipped</td>`,
		`<span class="status pass">pass</span> a: s`, // both runs open from the cell
		`<span class="status fail">fail</span> a: s`,
		`<pre class="message">second run failed</pre>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
}

// A spec that could not run has its own colour and word, and opens to
// why; the run's facts and its error are in the header, escaped.
func TestHTMLError(t *testing.T) {
	run := &outcome.Run{RunID: "gsc-1a2b3c4d", Requests: 1, Error: "set-up: <b>refused</b>", Results: []outcome.Result{
		{Target: "a", Spec: "s", Status: outcome.Error, Summary: "the endpoint stalled", Message: "the endpoint stalled after 3 bytes"},
		{Target: "a", Spec: "t", Status: outcome.Pass},
	}}
	var b bytes.Buffer
	if err := HTML(&b, run); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`2 results, 2 specs × 1 targets: 1 pass, 0 fail, 1 error, 0 unsupported, 0 skipped; run gsc-1a2b3c4d, 1 request.`,
		`<p class="run-error" id="run-error"><strong>The run could not judge:</strong> set-up: &lt;b&gt;refused&lt;/b&gt;</p>`,
		`<td id="c1-1" class="error" data-status="error" title="the endpoint stalled">`,
		`<summary>⊘ error: the endpoint stalled</summary>`,
		`<span class="status error">error</span> a: s`,
		`<pre class="message">the endpoint stalled after 3 bytes</pre>`,
		`<li class="error">⊘ error: could not run`,
		`<span class="tally">1✓ 1⊘</span>`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if !regexp.MustCompile(`(?s)\.error \{ background: #[0-9a-f]{6}`).MatchString(reportCSS) {
		t.Error("the style gives error no colour of its own")
	}

	b.Reset()
	if err := HTML(&b, &outcome.Run{Results: run.Results[1:]}); err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{`id="run-error"`, "; run ", "request"} {
		if strings.Contains(b.String(), absent) {
			t.Errorf("a run without id, requests or error shows %s", absent)
		}
	}
}
