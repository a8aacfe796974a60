package report

import (
	"bytes"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/yuin/goldmark"
	"github.com/yuin/goldmark/extension"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

var update = flag.Bool("update", false, "rewrite the golden files in testdata")

func TestMarkdownGolden(t *testing.T) {
	tests := []struct {
		file string
		run  *outcome.Run
	}{
		{"summary.md", matrixRun()},
		{"empty.md", &outcome.Run{Title: "nothing ran"}},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			var b bytes.Buffer
			if err := Markdown(&b, tt.run); err != nil {
				t.Fatal(err)
			}
			golden := filepath.Join("testdata", tt.file)
			if *update {
				if err := os.WriteFile(golden, b.Bytes(), 0o644); err != nil {
					t.Fatal(err)
				}
			}
			want, err := os.ReadFile(golden)
			if err != nil {
				t.Fatalf("%v (go test -run TestMarkdownGolden -update writes it)", err)
			}
			if got := b.String(); got != string(want) {
				t.Errorf("Markdown differs from %s (go test -update rewrites it):\n%s", golden, got)
			}
		})
	}
}

// render renders Markdown as GitHub does: CommonMark with tables,
// strikethrough and bare links made links.
func render(t *testing.T, md []byte) string {
	t.Helper()
	var b bytes.Buffer
	if err := goldmark.New(goldmark.WithExtensions(extension.GFM)).Convert(md, &b); err != nil {
		t.Fatal(err)
	}
	return b.String()
}

var (
	trRE   = regexp.MustCompile(`(?s)<tr>(.*?)</tr>`)
	cellRE = regexp.MustCompile(`(?s)<t[hd]>(.*?)</t[hd]>`)
)

// cells reads the rendered tables as rows of cell contents.
func cells(html string) [][]string {
	var rows [][]string
	for _, tr := range trRE.FindAllStringSubmatch(html, -1) {
		var row []string
		for _, td := range cellRE.FindAllStringSubmatch(tr[1], -1) {
			row = append(row, td[1])
		}
		rows = append(rows, row)
	}
	return rows
}

// TestMarkdownHostileSummary renders the summary with a GFM renderer: a
// "|" or a line break in a server's text adds no cell and no row (GFM
// drops cells past the header's, so a shift shows as a wrong status in
// a later column), and its HTML and links stay text.
func TestMarkdownHostileSummary(t *testing.T) {
	var b bytes.Buffer
	if err := Markdown(&b, matrixRun()); err != nil {
		t.Fatal(err)
	}
	html := render(t, b.Bytes())

	want := [][]string{
		{"spec", "versitygw", "minio", "s3 recordings"},
		{"auth / anonymous request is rejected", "✅ pass", "❌ fail: seen | &lt;img", "✅ pass"},
		{"auth / request signed two hours ago is rejected", "⏭ skipped", "✅ pass", "✅ pass"},
		{"pagination / walks every bucket once / page size 1", "❌ fail: page size 1 returned 2 buckets", "✅ pass", "⏭ skipped"},
		{"filters / prefix is honoured", "⚠️ unsupported: prefix ignored", "✅ pass", "⏭ skipped"},
		{"schema / every bucket has a creation date", "–", "✅ pass", "❌ fail: Bucket 2 has no CreationDate"},
		{"headers / answers with the contract's headers", "⛔ error: set-up: creating bucket gsc-1a2b3c4d-00 was refused: 403 AccessDenied", "✅ pass", "✅ pass"},
	}
	got := cells(html)
	if len(got) != len(want) {
		t.Fatalf("%d table rows, want %d:\n%s", len(got), len(want), html)
	}
	for i := range want {
		if len(got[i]) != len(want[i]) {
			t.Errorf("row %d has %d cells, want %d: %q", i, len(got[i]), len(want[i]), got[i])
			continue
		}
		for j := range want[i] {
			if !strings.HasPrefix(got[i][j], want[i][j]) {
				t.Errorf("row %d, column %d = %q, want it to start with %q", i, j, got[i][j], want[i][j])
			}
		}
	}
	if !strings.Contains(got[1][2], "| injected | row |") {
		t.Errorf("the hostile cell lost its text: %q", got[1][2])
	}
	for _, bad := range []string{"<img", "<script", "<a ", "<strong>bold", "<code>code"} {
		if strings.Contains(html, bad) {
			t.Errorf("rendered summary contains %s:\n%s", bad, html)
		}
	}
	for _, text := range []string{"&lt;script&gt;alert(1)&lt;/script&gt;", "https://203.0.113.7/", "www.example.com", "**bold**", "`code`"} {
		if !strings.Contains(html, text) {
			t.Errorf("rendered summary lacks the literal text %s:\n%s", text, html)
		}
	}
}

func TestInline(t *testing.T) {
	tests := []struct{ in, want string }{
		{"plain text, 200 OK", "plain text, 200 OK"},
		{"a|b", `a\|b`},
		{"two\r\nlines\tand\u202eRLO", "two lines and RLO"},
		{"200 \"\"\x00\x1b[31m red", `200 "" \[31m red`},
		{"<b>&amp;</b>", `\<b\>\&amp;\</b\>`},
		{`\|`, `\\\|`},
		{"see https://x.example/ or WWW.x.example", `see https\://x.example/ or WWW\.x.example`},
		{"mail a@b.example", `mail a\@b.example`},
		{"[x](y) *e* _u_ ~s~ $m$ `c` #h !i", "\\[x\\](y) \\*e\\* \\_u\\_ \\~s\\~ \\$m\\$ \\`c\\` \\#h \\!i"},
		{"ünïcödé ok: 12.5", "ünïcödé ok: 12.5"},
		{strings.Repeat("é", 120), strings.Repeat("é", 99) + "…"},
	}
	for _, tt := range tests {
		if got := inline(tt.in, cellRunes); got != tt.want {
			t.Errorf("inline(%q)\n = %q\nwant %q", tt.in, got, tt.want)
		}
	}
}

func TestCodeBlockFence(t *testing.T) {
	got := codeBlock("sh", "echo ```` done")
	if !strings.HasPrefix(got, "`````sh\n") || !strings.HasSuffix(got, "\n`````\n\n") {
		t.Errorf("codeBlock did not fence past the backticks inside:\n%s", got)
	}
	html := render(t, []byte(got+"after"))
	if !strings.Contains(html, "<pre><code class=\"language-sh\">echo ```` done\n</code></pre>") || !strings.Contains(html, "<p>after</p>") {
		t.Errorf("the code block did not hold its text:\n%s", html)
	}
	long := codeBlock("text", strings.Repeat("ab", blockBytes))
	if len(long) > blockBytes+100 || !strings.Contains(long, fmt.Sprintf("(%d more bytes left out)", blockBytes)) {
		t.Errorf("a long block was not cut to %d bytes: %d bytes", blockBytes, len(long))
	}
}

// bigRun fails every spec on every target with long summaries and curl
// lines: about 5 MiB of Markdown if nothing were left out.
func bigRun() *outcome.Run {
	run := &outcome.Run{Title: "big"}
	long := strings.Repeat("x|<", 200)
	for spec := range 200 {
		for target := range 6 {
			run.Results = append(run.Results, outcome.Result{
				Target: fmt.Sprintf("target %d", target), Vendor: "v", Spec: fmt.Sprintf("spec %d", spec), Status: outcome.Fail,
				Summary:    long,
				Deviations: []outcome.Deviation{{Expected: long, Seen: long, Where: long, Curl: "curl " + strings.Repeat("'a' ", 1000)}},
			})
		}
	}
	return run
}

func TestMarkdownLimit(t *testing.T) {
	tests := []struct {
		limit             int
		rowsLeft, failing string
	}{
		{summaryLimit, "0 of 200 matrix rows", "of 1200 failures"},
		{100_000, "of 200 matrix rows", "1200 of 1200 failures"},
	}
	for _, tt := range tests {
		var b bytes.Buffer
		if err := markdown(&b, bigRun(), tt.limit); err != nil {
			t.Fatal(err)
		}
		if b.Len() > tt.limit {
			t.Errorf("limit %d: wrote %d bytes", tt.limit, b.Len())
		}
		if b.Len() < tt.limit*8/10 {
			t.Errorf("limit %d: wrote only %d bytes", tt.limit, b.Len())
		}
		last := b.String()[strings.LastIndex(strings.TrimSpace(b.String()), "\n")+1:]
		if !strings.Contains(last, "Left out to stay within the 1 MiB limit") || !strings.Contains(last, tt.rowsLeft) || !strings.Contains(last, tt.failing) {
			t.Errorf("limit %d: the last line does not say what was left out: %q", tt.limit, last)
		}
		for i, row := range cells(render(t, b.Bytes())) {
			if len(row) != 7 || i > 0 && row[1] != row[6] {
				t.Fatalf("limit %d: a row has %d cells, want 7 alike: %q", tt.limit, len(row), row)
			}
		}
	}
}

// The header says why the run could not judge, escaped; a run that could
// judge says nothing of it. What could not run is listed, and counted in
// the note when left out.
func TestMarkdownError(t *testing.T) {
	run := &outcome.Run{Title: "t", RunID: "gsc-1a2b3c4d", Error: "set-up: creating bucket gsc-1a2b3c4d-00 was refused: 403 <AccessDenied>", Results: []outcome.Result{
		{Target: "a", Spec: "s", Status: outcome.Error, Message: "the endpoint stalled\nafter 3 bytes"},
	}}
	var b bytes.Buffer
	if err := Markdown(&b, run); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"**run** gsc-1a2b3c4d\n",
		"**The run could not judge**: set-up: creating bucket gsc-1a2b3c4d-00 was refused: 403 \\<AccessDenied\\>\n",
		"## a\n\n0 pass, 0 fail, 1 error, 0 accepted, 0 unsupported, 0 skipped",
		"| s | ⛔ error |",
		"## Could not run\n\n- ⛔ **a**: s: the endpoint stalled\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the summary lacks %q:\n%s", want, b.String())
		}
	}
	b.Reset()
	run.Error, run.Results[0].Status = "", outcome.Fail
	if err := Markdown(&b, run); err != nil {
		t.Fatal(err)
	}
	if strings.Contains(b.String(), "could not") || strings.Contains(b.String(), "Could not") {
		t.Errorf("a run that judged says it could not:\n%s", b.String())
	}

	big := bigRun()
	for i := range big.Results {
		if i%2 == 1 {
			big.Results[i].Status = outcome.Error
		}
	}
	b.Reset()
	if err := markdown(&b, big, 100_000); err != nil {
		t.Fatal(err)
	}
	if b.Len() > 100_000 || !regexp.MustCompile(`[1-9][0-9]* of 600 specs that could not run\._`).MatchString(b.String()) {
		t.Errorf("%d bytes; the note does not count what could not run:\n%s", b.Len(), b.String()[max(0, b.Len()-300):])
	}
}

// Accepted specs are a status of their own in the tables and the tally,
// and listed with what the baseline accepts, why, until when and where
// the entry is.
func TestMarkdownAccepted(t *testing.T) {
	run := &outcome.Run{Results: []outcome.Result{
		{Target: "cos recordings", Vendor: "cos", Spec: "schema / x.txtar (docs/cos)", Status: outcome.Accepted,
			Accepted: []outcome.Acceptance{{What: "fixtures/docs/cos/x.txtar:12:3: error schema.type", Reason: "the doc's sample has a number", Expires: "2027-01-31", Entry: "fixtures/docs/baseline.txt:7"}}},
		{Target: "cos recordings", Vendor: "cos", Spec: "headers / x.txtar (docs/cos)", Status: outcome.Pass},
	}}
	var b bytes.Buffer
	if err := Markdown(&b, run); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{
		"2 results: 1 pass, 0 fail, 0 error, 1 accepted, 0 unsupported, 0 skipped.",
		"| recording | schema | headers |",
		"| x.txtar (docs/cos) | ☑️ accepted: the doc's sample has a number (until 2027-01-31) | ✅ pass |",
		"## Accepted by the baseline\n\n- ☑️ **cos recordings**: schema / x.txtar (docs/cos)\n  - fixtures/docs/cos/x.txtar:12:3: error schema.type: the doc's sample has a number (until 2027-01-31) \\[fixtures/docs/baseline.txt:7\\]\n",
	} {
		if !strings.Contains(b.String(), want) {
			t.Errorf("the summary lacks %q:\n%s", want, b.String())
		}
	}
}
