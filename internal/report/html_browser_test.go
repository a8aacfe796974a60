package report

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/log"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/testenv"
)

// The HTML report is checked in a real headless Chromium (Debian's
// chromium package), found by testenv.Chromium: GSC_CHROMIUM=PATH names
// another, GSC_SKIP_BROWSER=1 skips these tests, and without a browser
// they skip unless GSC_REQUIRE_ALL=1. GSC_SCREENSHOT_DIR=DIR saves
// screenshots of the pages there, to look at.

// browser starts a headless Chromium that reaches nothing but loopback,
// and returns a tab's context.
func browser(t *testing.T) context.Context {
	t.Helper()
	path := testenv.Chromium(t)
	var output bytes.Buffer
	var mu sync.Mutex
	opts := []chromedp.ExecAllocatorOption{
		chromedp.ExecPath(path),
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("headless", true),
		chromedp.Flag("no-sandbox", true),
		chromedp.Flag("disable-gpu", true),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("no-first-run", true),
		chromedp.Flag("disable-background-networking", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.Flag("disable-dev-shm-usage", true),
		chromedp.Flag("hide-scrollbars", true),
		// Anything bound elsewhere than loopback goes to a proxy that
		// refuses: the test cannot reach the network, whatever the page asks.
		chromedp.ProxyServer("http://127.0.0.1:9"),
		chromedp.WindowSize(1920, 1080),
		chromedp.CombinedOutput(writerFunc(func(p []byte) (int, error) {
			mu.Lock()
			defer mu.Unlock()
			return output.Write(p)
		})),
	}
	ctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	actx, cancelAlloc := chromedp.NewExecAllocator(ctx, opts...)
	tab, cancelTab := chromedp.NewContext(actx)
	t.Cleanup(func() {
		cancelTab()
		cancelAlloc()
		cancel()
		if t.Failed() {
			mu.Lock()
			t.Logf("chromium's output:\n%s", output.String())
			mu.Unlock()
		}
	})
	// The viewport of a maximized window on a 1920x1080 screen.
	if err := chromedp.Do(tab, chromedp.EmulateViewport(1920, 950)); err != nil {
		t.Fatalf("starting %s: %v", path, err)
	}
	return tab
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(p []byte) (int, error) { return f(p) }

// writePage writes run's HTML report to a file and returns its file:// URL.
func writePage(t *testing.T, run *outcome.Run) string {
	t.Helper()
	var b bytes.Buffer
	if err := HTML(&b, run); err != nil {
		t.Fatal(err)
	}
	file := filepath.Join(t.TempDir(), "report.html")
	if err := os.WriteFile(file, b.Bytes(), 0o644); err != nil {
		t.Fatal(err)
	}
	return (&url.URL{Scheme: "file", Path: file}).String()
}

func screenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	dir := os.Getenv("GSC_SCREENSHOT_DIR")
	if dir == "" {
		return
	}
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
		t.Fatal(err)
	}
}

// do runs actions, failing the test with what it was doing.
func do(t *testing.T, ctx context.Context, what string, actions ...chromedp.Action[chromedp.Void]) {
	t.Helper()
	if err := chromedp.Do(ctx, actions...); err != nil {
		t.Fatalf("%s: %v", what, err)
	}
}

// eval evaluates a JavaScript expression on the page.
func eval[T any](t *testing.T, ctx context.Context, what, js string, opts ...chromedp.EvaluateOption) T {
	t.Helper()
	v, err := chromedp.Run(ctx, chromedp.Evaluate[T](js, opts...))
	if err != nil {
		t.Fatalf("%s: %v", what, err)
	}
	return v
}

// shown is what the page shows of a cell's finding.
type shown struct {
	Open, Visible bool
	Text          string
}

func readFinding(t *testing.T, ctx context.Context, cell string) shown {
	t.Helper()
	return eval[shown](t, ctx, "reading "+cell, fmt.Sprintf(`(() => {
		const d = document.querySelector("#%s details"), f = d.querySelector(".finding");
		return {Open: d.open, Visible: f.checkVisibility(), Text: f.innerText};
	})()`, cell))
}

func TestHTMLInBrowser(t *testing.T) {
	start := time.Now()
	ctx := browser(t)
	page := writePage(t, matrixRun())

	// Every request the page makes, and every complaint the browser logs
	// about it (a request the page's policy refused is logged, not sent).
	var mu sync.Mutex
	var requests, complaints []string
	err := chromedp.Listen(ctx, func(ev any) {
		mu.Lock()
		defer mu.Unlock()
		switch e := ev.(type) {
		case *network.EventRequestWillBeSent:
			requests = append(requests, e.Request.URL)
		case *log.EventEntryAdded:
			if e.Entry.Level == log.EntryLevelError || e.Entry.Level == log.EntryLevelWarning {
				complaints = append(complaints, e.Entry.Text)
			}
		}
	})
	if err != nil {
		t.Fatal(err)
	}

	do(t, ctx, "loading the report", chromedp.Navigate(page))
	title, err := chromedp.Run(ctx, chromedp.Title())
	if err != nil {
		t.Fatal(err)
	}
	type table struct {
		Head, Words []string
		Rows        [][]string
	}
	matrix := eval[table](t, ctx, "reading the matrix", `(() => {
			const m = document.querySelector("table.matrix");
			const rows = [...m.tBodies[0].rows].filter(r => r.dataset.search);
			return {
				Head: [...m.tHead.rows[0].cells].map(c => c.firstChild.textContent),
				Rows: rows.map(r => [r.cells[0].textContent, ...[...r.cells].slice(1).map(c => c.dataset.status)]),
				Words: rows.flatMap(r => [...r.cells].slice(1).map(c => c.querySelector("summary")?.innerText ?? c.innerText)),
			};
		})()`)
	screenshot(t, ctx, "report")

	if title != "GET Service conformance: S3 family" {
		t.Errorf("title = %q", title)
	}
	// The rows of an area together, under its heading, named without it.
	wantHead := []string{"spec", "versitygw", "minio", "s3 recordings"}
	wantRows := [][]string{
		{"anonymous request is rejected", "pass", "fail", "pass"},
		{"request signed two hours ago is rejected", "skipped", "pass", "pass"},
		{"walks every bucket once / page size 1", "fail", "pass", "skipped"},
		{"prefix is honoured", "unsupported", "pass", "skipped"},
		{"every bucket has a creation date", "none", "pass", "fail"},
		{"answers with the contract's headers", "error", "pass", "pass"},
	}
	if !slices.Equal(matrix.Head, wantHead) {
		t.Errorf("header = %q, want %q", matrix.Head, wantHead)
	}
	if !slices.EqualFunc(matrix.Rows, wantRows, slices.Equal) {
		t.Errorf("matrix =\n%q\nwant\n%q", matrix.Rows, wantRows)
	}
	// Colour is not the only signal: each cell says its status.
	for i, w := range matrix.Words {
		status := wantRows[i/3][1+i%3]
		if status == "none" {
			status = "–"
		}
		if !strings.Contains(w, status) {
			t.Errorf("cell %d reads %q, not %q", i, w, status)
		}
	}

	colours := eval[map[string]string](t, ctx, "reading colours", `Object.fromEntries(["c1-1-1", "c1-3-1", "c1-4-1", "c1-2-1", "c1-6-1"].map(id =>
		[id, getComputedStyle(document.getElementById(id)).backgroundColor]))`)
	wantColours := map[string]string{"c1-1-1": "rgb(218, 251, 225)", "c1-3-1": "rgb(255, 235, 233)", "c1-4-1": "rgb(255, 248, 197)", "c1-2-1": "rgb(246, 248, 250)",
		"c1-6-1": "rgb(251, 239, 255)"}
	for id, want := range wantColours {
		if colours[id] != want {
			t.Errorf("%s background %s, want %s (is the stylesheet's CSP hash right?)", id, colours[id], want)
		}
	}

	// A failure is closed until clicked, then shows its finding.
	if f := readFinding(t, ctx, "c1-3-1"); f.Open || f.Visible {
		t.Errorf("the failure of c1-3-1 shows before a click: %+v", f)
	}
	do(t, ctx, "opening c1-3-1", chromedp.Click(chromedp.CSS("#c1-3-1 summary")), chromedp.WaitVisible(chromedp.CSS("#c1-3-1 .finding")))
	screenshot(t, ctx, "report-open")
	f := readFinding(t, ctx, "c1-3-1")
	for _, want := range []string{"expected\nat most 1 bucket", "seen\n2 buckets", "where\n/ListAllMyBucketsResult/Buckets", "HTTP/1.1 200 OK", "Signature=****", "curl -sS -H"} {
		if !strings.Contains(f.Text, want) {
			t.Errorf("the open finding lacks %q:\n%s", want, f.Text)
		}
	}
	if !f.Open || !f.Visible {
		t.Errorf("c1-3-1 after a click: %+v", f)
	}

	// A spec that could not run opens to why.
	do(t, ctx, "opening c1-6-1", chromedp.Click(chromedp.CSS("#c1-6-1 summary")), chromedp.WaitVisible(chromedp.CSS("#c1-6-1 .finding")))
	if f := readFinding(t, ctx, "c1-6-1"); !f.Visible || !strings.Contains(f.Text, "error versitygw: headers / answers with the contract's headers") ||
		!strings.Contains(f.Text, "set-up: creating bucket gsc-1a2b3c4d-00 was refused: 403 AccessDenied") {
		t.Errorf("the cell that could not run does not say why: %+v", f)
	}
	if s := eval[string](t, ctx, "reading the facts", `document.getElementById("facts").innerText`); !strings.Contains(s, "run\ngsc-1a2b3c4d") || !strings.Contains(s, "requests\n57") {
		t.Errorf("the header lacks the run's facts: %q", s)
	}

	// Opening another closes the first; the hostile summary is text.
	do(t, ctx, "opening c1-1-2", chromedp.Click(chromedp.CSS("#c1-1-2 summary")), chromedp.WaitVisible(chromedp.CSS("#c1-1-2 .finding")))
	screenshot(t, ctx, "report-hostile")
	if f := readFinding(t, ctx, "c1-3-1"); f.Open || f.Visible {
		t.Errorf("c1-3-1 stays open after c1-1-2 opened: %+v", f)
	}
	if f := readFinding(t, ctx, "c1-1-2"); !strings.Contains(f.Text, "<script>alert(1)</script>") || !f.Visible {
		t.Errorf("the hostile finding does not show its text: %+v", f)
	}
	if injected := eval[int](t, ctx, "counting elements", `document.querySelectorAll("main img, main script, main a").length`); injected != 0 {
		t.Errorf("a server's text became %d elements", injected)
	}

	// Escape and the Close button close it.
	do(t, ctx, "pressing Escape", chromedp.KeyEvent(kb.Escape))
	if f := readFinding(t, ctx, "c1-1-2"); f.Open || f.Visible {
		t.Errorf("c1-1-2 stays open after Escape: %+v", f)
	}
	do(t, ctx, "opening c1-5-3", chromedp.Click(chromedp.CSS("#c1-5-3 summary")), chromedp.WaitVisible(chromedp.CSS("#c1-5-3 .finding")))
	do(t, ctx, "closing c1-5-3", chromedp.Click(chromedp.CSS("#c1-5-3 button.close")))
	if f := readFinding(t, ctx, "c1-5-3"); f.Open || f.Visible {
		t.Errorf("c1-5-3 stays open after Close: %+v", f)
	}

	mu.Lock()
	seen, logged := slices.Clone(requests), slices.Clone(complaints)
	mu.Unlock()
	for _, c := range logged {
		t.Errorf("the browser logged: %s", c)
	}
	if !slices.Contains(seen, page) {
		t.Errorf("the page's own request was not seen (is the listener working?): %q", seen)
	}
	for _, u := range seen {
		if p, err := url.Parse(u); err != nil || p.Scheme != "file" && p.Scheme != "data" && !loopback(p.Hostname()) {
			t.Errorf("the page requested %s", u)
		}
	}

	// The page's policy refuses what a server's text could ask for.
	refused := eval[string](t, ctx, "probing the policy", `new Promise(done => {
		document.addEventListener("securitypolicyviolation", e => done(e.effectiveDirective));
		const img = document.createElement("img");
		img.src = "http://203.0.113.7/probe.png";
		document.body.append(img);
		setTimeout(() => done("loaded"), 2000);
	})`, chromedp.EvalAwaitPromise)
	if refused != "img-src" {
		t.Errorf("an outside image was not refused by the page's policy: %s", refused)
	}
	t.Logf("browser test took %v", time.Since(start).Round(time.Millisecond))
}

func loopback(host string) bool {
	return host == "localhost" || host == "127.0.0.1" || host == "::1"
}

// conformanceLike is a run shaped like make conformance's: per vendor,
// live specs with long names that differ at their end, and recordings
// judged area by area, some accepted by the baseline.
func conformanceLike() *outcome.Run {
	run := &outcome.Run{Title: "GET Service conformance", Tool: "runner (devel)", RunID: "gsc-1a2b3c4d",
		Started: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Duration: 42 * time.Second, Requests: 179}
	areas := []string{"auth", "filters", "headers", "pagination", "recording", "schema"}
	for _, v := range []string{"s3", "cos", "oss", "bos", "qingstor", "scality"} {
		for _, size := range []int{1, 2, 3, 1000} {
			st := outcome.Pass
			if size == 2 && v == "cos" {
				st = outcome.Fail
			}
			run.Results = append(run.Results, outcome.Result{Target: v, Vendor: v, Status: st,
				Spec: fmt.Sprintf("pagination / page size %d: walks every bucket once, in order, each page within its bound, the last without a token", size)})
		}
		for i := range 8 {
			file := fmt.Sprintf("%s-example-%d.txtar (docs/%s): the documentation's response sample of GET Service", v, i, v)
			for _, a := range areas {
				r := outcome.Result{Target: v + " recordings", Vendor: v, Spec: a + " / " + file, Status: outcome.Pass}
				if a != "filters" && a != "recording" && i%3 == 0 {
					r.Status = outcome.Accepted
					r.Accepted = []outcome.Acceptance{{What: "fixtures/docs/x.txtar:3:1: error schema.type", Reason: "the documentation sample omits the Authorization header, which every request must carry", Expires: "2027-06-30"}}
				}
				run.Results = append(run.Results, r)
			}
		}
	}
	return run
}

// TestHTMLWidths: the matrix of a conformance-shaped run at 1400 and 420
// pixels wide: nothing runs off the side, every cell's status is in view,
// names are whole (wrapped, not cut), and the search box and the status
// filters show just the rows that match. Screenshots of both widths are
// kept when the test fails, and named in its output.
func TestHTMLWidths(t *testing.T) {
	ctx := browser(t)
	page := writePage(t, conformanceLike())
	type layout struct {
		Overflow          float64 // how far the page runs past the window
		CellsOut          []string
		NamesCut          []string
		Rows, Groups      int
		ShownText, Search string
	}
	measure := `(() => {
		const out = [], cut = [];
		for (const td of document.querySelectorAll("tr:not([hidden]) td")) {
			const sym = td.querySelector(".sym").getBoundingClientRect();
			if (sym.right > innerWidth || sym.width === 0) out.push(td.id);
		}
		for (const th of document.querySelectorAll("tr[data-search]:not([hidden]) th")) {
			if (!th.title.endsWith(th.innerText.trim()) || th.scrollWidth > th.clientWidth + 1) cut.push(th.title);
		}
		return {
			Overflow: document.documentElement.scrollWidth - innerWidth,
			CellsOut: out.slice(0, 5), NamesCut: cut.slice(0, 5),
			Rows: document.querySelectorAll("tr[data-search]:not([hidden])").length,
			Groups: document.querySelectorAll("section.group:not([hidden])").length,
			ShownText: document.getElementById("shown").innerText,
		};
	})()`
	for _, width := range []int64{1400, 420} {
		do(t, ctx, "resizing", chromedp.EmulateViewport(width, 900))
		do(t, ctx, "loading", chromedp.Navigate(page))
		keepScreenshot(t, ctx, fmt.Sprintf("width-%d", width))
		l := eval[layout](t, ctx, "measuring", measure)
		if l.Overflow > 0 {
			t.Errorf("at %d px the page runs %.0f px past the window", width, l.Overflow)
		}
		if len(l.CellsOut) > 0 {
			t.Errorf("at %d px cells show no status in view: %q", width, l.CellsOut)
		}
		if len(l.NamesCut) > 0 {
			t.Errorf("at %d px names are cut: %q", width, l.NamesCut)
		}
		// 6 live tables of 4 rows, 6 recording tables of 8.
		if l.Groups != 12 || l.Rows != 72 || l.ShownText != "72 rows" {
			t.Errorf("at %d px: %d tables, %d rows, %q; want 12, 72, \"72 rows\"", width, l.Groups, l.Rows, l.ShownText)
		}
	}

	// Only failures and accepted deviations: the passing rows go, and
	// the tables left without a row.
	do(t, ctx, "unticking pass", chromedp.Click(chromedp.CSS(`#filter input[value="pass"]`)))
	keepScreenshot(t, ctx, "no-pass")
	l := eval[layout](t, ctx, "measuring", measure)
	// cos page size 2, and 3 accepted recordings per vendor.
	if l.Rows != 1+6*3 || l.Groups != 7 || l.ShownText != "19 of 72 rows" {
		t.Errorf("without pass: %d tables, %d rows, %q; want 7, 19, \"19 of 72 rows\"", l.Groups, l.Rows, l.ShownText)
	}
	do(t, ctx, "ticking pass", chromedp.Click(chromedp.CSS(`#filter input[value="pass"]`)))
	do(t, ctx, "searching", chromedp.SendKeys(chromedp.CSS("#search"), "cos page size 2"))
	l = eval[layout](t, ctx, "measuring", measure)
	if l.Rows != 1 || l.Groups != 1 {
		t.Errorf("searching for cos page size 2 shows %d rows in %d tables", l.Rows, l.Groups)
	}
}

// keepScreenshot takes a screenshot; it is written to GSC_SCREENSHOT_DIR,
// or, when the test fails, to a new temporary directory named in the
// test's output, to look at.
func keepScreenshot(t *testing.T, ctx context.Context, name string) {
	t.Helper()
	png, err := chromedp.Run(ctx, chromedp.CaptureScreenshot())
	if err != nil {
		t.Fatal(err)
	}
	if dir := os.Getenv("GSC_SCREENSHOT_DIR"); dir != "" {
		if err := os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	t.Cleanup(func() {
		if !t.Failed() {
			return
		}
		dir, err := os.MkdirTemp("", "gsc-screenshots-")
		if err == nil {
			err = os.WriteFile(filepath.Join(dir, name+".png"), png, 0o644)
		}
		if err != nil {
			t.Logf("keeping the screenshot %s: %v", name, err)
			return
		}
		t.Logf("screenshot %s: %s", name, filepath.Join(dir, name+".png"))
	})
}
