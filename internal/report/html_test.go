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

	// Links within the page (href="#g1") are all it may have.
	if tag := regexp.MustCompile(`<[a-z][a-z0-9]*(\s+[a-z-]+(="[^"]*")?)*\s+(src|href|action|srcset)="[^#]`).FindString(page); tag != "" {
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

// Targets that ran the same specs share a table; a target that shares
// none with them has its own, so no column is all dashes; a spec a
// target of the table did not run is a dash.
func TestHTMLCells(t *testing.T) {
	run := &outcome.Run{Results: []outcome.Result{
		{Target: "a", Vendor: "v", Spec: "s", Status: outcome.Pass},
		{Target: "a", Vendor: "v", Spec: "s", Status: outcome.Fail, Summary: "second run failed", Message: "second run failed"},
		{Target: "b", Vendor: "v", Spec: "s", Status: outcome.Pass},
		{Target: "a", Vendor: "v", Spec: "t", Status: outcome.Pass},
		{Target: "b", Vendor: "v", Spec: "t", Status: outcome.Skipped, Summary: "--read-only"},
		{Target: "a", Vendor: "v", Spec: "u", Status: outcome.Pass},
		{Target: "c", Vendor: "v", Spec: "x", Status: outcome.Pass},
	}}
	var b bytes.Buffer
	if err := HTML(&b, run); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`<title>GET Service conformance</title>`,
		`<h2>v: a, b <span class="tally"`,
		`<tr><th scope="col">spec</th><th scope="col">a</th><th scope="col">b</th></tr>`,
		`<td id="c1-1-1" class="fail" data-status="fail" title="second run failed">`, // the worst of two runs
		`<td id="c1-2-2" class="skipped" data-status="skipped" title="--read-only"><span class="sym">↷</span> <span class="word">skipped</span></td>`,
		`<td id="c1-3-2" class="none" data-status="none"><span class="sym">–</span> <span class="word"></span></td>`,
		`<h2>v: c <span class="tally"`,
		`<td id="c2-1-1" class="pass"`,
		`<span class="status pass">pass</span> a: s`, // both runs open from the cell
		`<span class="status fail">fail</span> a: s`,
		`<pre class="message">second run failed</pre>`,
		`<tr data-search="v a, b s" data-statuses="fail pass" data-area="0">`,
	} {
		if !strings.Contains(page, want) {
			t.Errorf("the page lacks %s", want)
		}
	}
	if strings.Contains(page, `id="c2-1-2"`) {
		t.Error("c's table has a column for another target")
	}
}

// A target's recordings, each judged in several areas, read as a table
// of recordings by areas; an accepted cell says the baseline's reason,
// expiry and entry, and opens to what it accepts.
func TestHTMLRecordingsAndAccepted(t *testing.T) {
	rec := func(area, file string, st outcome.Status, acc ...outcome.Acceptance) outcome.Result {
		return outcome.Result{Target: "cos recordings", Vendor: "cos", Spec: area + " / " + file, Status: st, Accepted: acc}
	}
	a := outcome.Acceptance{What: "fixtures/docs/cos/x.txtar:12:3: error schema.type: want string", Reason: "the doc's sample has a number", Expires: "2027-01-31", Entry: "fixtures/docs/baseline.txt:7"}
	run := &outcome.Run{Results: []outcome.Result{
		rec("schema", "x.txtar (docs/cos)", outcome.Accepted, a),
		rec("headers", "x.txtar (docs/cos)", outcome.Pass),
		rec("schema", "y.txtar (valid/cos)", outcome.Pass),
		rec("headers", "y.txtar (valid/cos)", outcome.Pass),
		{Target: "cos", Vendor: "cos", Spec: "pagination / page size 1", Status: outcome.Accepted, Summary: "expected 1 bucket",
			Accepted: []outcome.Acceptance{{What: "fail: expected 1 bucket", Status: outcome.Fail, Reason: "known"}}},
	}}
	var b bytes.Buffer
	if err := HTML(&b, run); err != nil {
		t.Fatal(err)
	}
	page := b.String()
	for _, want := range []string{
		`<tr><th scope="col">recording</th><th scope="col">schema</th><th scope="col">headers</th></tr>`,
		`<th scope="row" title="x.txtar (docs/cos)">x.txtar (docs/cos)</th>`,
		`<td id="c1-1-1" class="accepted" data-status="accepted" title="the doc&#39;s sample has a number (until 2027-01-31)">`,
		`<span class="what">fixtures/docs/cos/x.txtar:12:3: error schema.type: want string</span><br><span class="reason">the doc&#39;s sample has a number</span> <span class="expires">until 2027-01-31</span> <span class="entry">(fixtures/docs/baseline.txt:7)</span>`,
		`<tr class="area"><th colspan="2" scope="colgroup">pagination</th></tr>`,
		`title="(fail) expected 1 bucket; accepted: known"`,
		`<span class="more">: (fail) expected 1 bucket</span>`,
		`<label class="accepted" title=`,
		`≈ accepted 2</label>`,
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
		`2 results in 1 tables: 1 pass, 0 fail, 1 error, 0 accepted, 0 unsupported, 0 skipped.`,
		`<div><dt>run</dt><dd>gsc-1a2b3c4d</dd></div><div><dt>requests</dt><dd>1</dd></div>`,
		`<p class="run-error" id="run-error"><strong>The run could not judge:</strong> set-up: &lt;b&gt;refused&lt;/b&gt;</p>`,
		`<td id="c1-1-1" class="error" data-status="error" title="the endpoint stalled">`,
		`<summary><span class="sym">⊘</span> <span class="word">error</span><span class="more">: the endpoint stalled</span></summary>`,
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
	for _, absent := range []string{`id="run-error"`, "<dt>run</dt>", "<dt>requests</dt>"} {
		if strings.Contains(b.String(), absent) {
			t.Errorf("a run without id, requests or error shows %s", absent)
		}
	}
}
