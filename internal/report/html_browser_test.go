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
			const m = document.getElementById("matrix");
			return {
				Head: [...m.tHead.rows[0].cells].map(c => c.firstChild.textContent),
				Rows: [...m.tBodies[0].rows].map(r => [r.cells[0].textContent, ...[...r.cells].slice(1).map(c => c.dataset.status)]),
				Words: [...m.tBodies[0].rows].flatMap(r => [...r.cells].slice(1).map(c => c.querySelector("summary")?.innerText ?? c.innerText)),
			};
		})()`)
	screenshot(t, ctx, "report")

	if title != "GET Service conformance: S3 family" {
		t.Errorf("title = %q", title)
	}
	wantHead := []string{"spec", "versitygw", "minio", "s3 recordings"}
	wantRows := [][]string{
		{"auth / anonymous request is rejected", "pass", "fail", "pass"},
		{"pagination / walks every bucket once / page size 1", "fail", "pass", "skipped"},
		{"filters / prefix is honoured", "unsupported", "pass", "skipped"},
		{"auth / request signed two hours ago is rejected", "skipped", "pass", "pass"},
		{"schema / every bucket has a creation date", "none", "pass", "fail"},
		{"headers / answers with the contract's headers", "error", "pass", "pass"},
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

	colours := eval[map[string]string](t, ctx, "reading colours", `Object.fromEntries(["c1-1", "c2-1", "c3-1", "c4-1", "c6-1"].map(id =>
		[id, getComputedStyle(document.getElementById(id)).backgroundColor]))`)
	wantColours := map[string]string{"c1-1": "rgb(218, 251, 225)", "c2-1": "rgb(255, 235, 233)", "c3-1": "rgb(255, 248, 197)", "c4-1": "rgb(246, 248, 250)",
		"c6-1": "rgb(251, 239, 255)"}
	for id, want := range wantColours {
		if colours[id] != want {
			t.Errorf("%s background %s, want %s (is the stylesheet's CSP hash right?)", id, colours[id], want)
		}
	}

	// A failure is closed until clicked, then shows its finding.
	if f := readFinding(t, ctx, "c2-1"); f.Open || f.Visible {
		t.Errorf("the failure of c2-1 shows before a click: %+v", f)
	}
	do(t, ctx, "opening c2-1", chromedp.Click(chromedp.CSS("#c2-1 summary")), chromedp.WaitVisible(chromedp.CSS("#c2-1 .finding")))
	screenshot(t, ctx, "report-open")
	f := readFinding(t, ctx, "c2-1")
	for _, want := range []string{"expected\nat most 1 bucket", "seen\n2 buckets", "where\n/ListAllMyBucketsResult/Buckets", "HTTP/1.1 200 OK", "Signature=****", "curl -sS -H"} {
		if !strings.Contains(f.Text, want) {
			t.Errorf("the open finding lacks %q:\n%s", want, f.Text)
		}
	}
	if !f.Open || !f.Visible {
		t.Errorf("c2-1 after a click: %+v", f)
	}

	// A spec that could not run opens to why.
	do(t, ctx, "opening c6-1", chromedp.Click(chromedp.CSS("#c6-1 summary")), chromedp.WaitVisible(chromedp.CSS("#c6-1 .finding")))
	if f := readFinding(t, ctx, "c6-1"); !f.Visible || !strings.Contains(f.Text, "error versitygw: headers / answers with the contract's headers") ||
		!strings.Contains(f.Text, "set-up: creating bucket gsc-1a2b3c4d-00 was refused: 403 AccessDenied") {
		t.Errorf("the cell that could not run does not say why: %+v", f)
	}
	if s := eval[string](t, ctx, "reading the summary", `document.getElementById("summary").innerText`); !strings.Contains(s, "run gsc-1a2b3c4d, 57 requests") {
		t.Errorf("the summary lacks the run's facts: %q", s)
	}

	// Opening another closes the first; the hostile summary is text.
	do(t, ctx, "opening c1-2", chromedp.Click(chromedp.CSS("#c1-2 summary")), chromedp.WaitVisible(chromedp.CSS("#c1-2 .finding")))
	screenshot(t, ctx, "report-hostile")
	if f := readFinding(t, ctx, "c2-1"); f.Open || f.Visible {
		t.Errorf("c2-1 stays open after c1-2 opened: %+v", f)
	}
	if f := readFinding(t, ctx, "c1-2"); !strings.Contains(f.Text, "<script>alert(1)</script>") || !f.Visible {
		t.Errorf("the hostile finding does not show its text: %+v", f)
	}
	if injected := eval[int](t, ctx, "counting elements", `document.querySelectorAll("#matrix img, #matrix script, #matrix a").length`); injected != 0 {
		t.Errorf("a server's text became %d elements", injected)
	}

	// Escape and the Close button close it.
	do(t, ctx, "pressing Escape", chromedp.KeyEvent(kb.Escape))
	if f := readFinding(t, ctx, "c1-2"); f.Open || f.Visible {
		t.Errorf("c1-2 stays open after Escape: %+v", f)
	}
	do(t, ctx, "opening c5-3", chromedp.Click(chromedp.CSS("#c5-3 summary")), chromedp.WaitVisible(chromedp.CSS("#c5-3 .finding")))
	do(t, ctx, "closing c5-3", chromedp.Click(chromedp.CSS("#c5-3 button.close")))
	if f := readFinding(t, ctx, "c5-3"); f.Open || f.Visible {
		t.Errorf("c5-3 stays open after Close: %+v", f)
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

// TestHTMLOneScreen: 6 targets by 40 specs fit the window of a 1920x1080
// screen, header and all, and the header stays in view when the page
// scrolls.
func TestHTMLOneScreen(t *testing.T) {
	ctx := browser(t)
	statuses := []outcome.Status{outcome.Pass, outcome.Pass, outcome.Fail, outcome.Pass, outcome.Unsupported, outcome.Skipped, outcome.Pass}
	areas := []string{"auth", "pagination", "filters", "schema", "headers"}
	runOf := &outcome.Run{Title: "six targets", Started: time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC), Duration: 42 * time.Second}
	for _, target := range []string{"versitygw", "minio", "garage", "ceph rgw", "seaweedfs", "s3 recordings"} {
		for i := range 40 {
			st := statuses[(i+len(target))%len(statuses)]
			runOf.Results = append(runOf.Results, outcome.Result{
				Target: target, Spec: fmt.Sprintf("%s / a spec of ordinary length number %d", areas[i%len(areas)], i), Status: st,
				Summary: map[outcome.Status]string{outcome.Fail: "expected status 403 AccessDenied, seen 200 with a listing", outcome.Unsupported: "max-keys ignored", outcome.Skipped: "--read-only"}[st],
			})
		}
	}
	do(t, ctx, "loading", chromedp.Navigate(writePage(t, runOf)))
	screenshot(t, ctx, "one-screen")

	type measures struct{ Right, Bottom, Width, Height float64 }
	box := eval[measures](t, ctx, "measuring", `(() => {
		const r = document.getElementById("matrix").getBoundingClientRect();
		return {Right: r.right, Bottom: r.bottom, Width: innerWidth, Height: innerHeight};
	})()`)
	if box.Right > box.Width || box.Bottom > box.Height {
		t.Errorf("the matrix ends at %.0fx%.0f, past the %.0fx%.0f window", box.Right, box.Bottom, box.Width, box.Height)
	}

	do(t, ctx, "shrinking the window", chromedp.EmulateViewport(1920, 400))
	top := eval[float64](t, ctx, "scrolling", `window.scrollTo(0, 300), document.querySelector("#matrix thead th").getBoundingClientRect().top`)
	if top != 0 {
		t.Errorf("scrolled down, the header is at %.0f, not stuck at the top", top)
	}
}
