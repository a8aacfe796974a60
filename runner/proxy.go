package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/proxy"
	"github.com/getservice-conformance/gsc/schemas"
)

// runProxy is `runner proxy`: a reverse proxy in front of an endpoint
// that judges the GET Service walks a client makes through it, until
// SIGINT or SIGTERM, --timeout, or the first whole walk with --once. Its
// exit is the verdict on what it judged: stopping it is how it ends.
func runProxy(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("proxy", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	vendor := fs.String("vendor", "", "the contract to judge by: "+strings.Join(contract.Vendors(schemas.FS), ", "))
	upstream := fs.String("upstream", "", "the endpoint to forward to, http:// or https://")
	listen := fs.String("listen", "127.0.0.1:0", "the address to listen on (loopback; port 0 picks one)")
	allowRemote := fs.Bool("allow-remote", false, "allow a --listen address other than loopback: anyone who reaches it reaches the upstream through it")
	record := fs.String("record", "", "directory to write each walk's recording to, for runner check")
	once := fs.Bool("once", false, "stop after the first walk that reaches its last page (or an error answer)")
	timeout := fs.Duration("timeout", 0, "stop after this long (0: when stopped by SIGINT or SIGTERM)")
	baselineFile := fs.String("baseline", "", "file of accepted findings")
	gf := addGateFlags(fs)
	files := reportFiles{stdout: stdout}
	files.register(fs, "")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("proxy: %w", err)
	}
	if len(rest) > 0 {
		return usagef("proxy: unexpected argument %q", rest[0])
	}
	if !slices.Contains(contract.Vendors(schemas.FS), *vendor) {
		return usagef("proxy: --vendor must be one of %s", strings.Join(contract.Vendors(schemas.FS), ", "))
	}
	up, err := url.Parse(*upstream)
	if err != nil || (up.Scheme != "http" && up.Scheme != "https") || up.Host == "" {
		return usagef("proxy: --upstream %q: want an http:// or https:// URL with a host", *upstream)
	}
	up.User = nil // the client signs; the proxy sends no credentials of its own
	if err := loopbackOnly(*listen, *allowRemote); err != nil {
		return err
	}
	// Written when it stops: found unwritable before it listens.
	if err := files.check(*record, ""); err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	c, err := contract.Load(schemas.FS, *vendor)
	if err != nil {
		return err
	}
	base, err := loadBaseline(*baselineFile)
	if err != nil {
		return err
	}
	var recordTo func(string) (io.WriteCloser, error)
	if *record != "" {
		if err := os.MkdirAll(*record, 0o755); err != nil {
			return fmt.Errorf("proxy: --record: %w", err)
		}
		recordTo = func(name string) (io.WriteCloser, error) { return os.Create(filepath.Join(*record, name)) }
	}

	started := time.Now()
	p, err := proxy.New(proxy.Config{
		Contract: c, Upstream: up, Record: recordTo, Dir: *record,
		Source: "runner proxy to " + up.Redacted(),
		Event:  (&proxyConsole{out: stdout, errs: stderr}).event,
	})
	if err != nil {
		return err
	}
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		return fmt.Errorf("proxy: %w", err)
	}
	srv := &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second}
	served := make(chan error, 1)
	go func() { served <- srv.Serve(ln) }()
	fmt.Fprintf(stdout, "runner proxy: listening on http://%s, forwarding to %s as %s\n", ln.Addr(), up.Redacted(), c.Profile.Name)

	sig := catchSignals(stderr, "stopping: writing the reports")
	defer sig.stop()
	var deadline <-chan time.Time
	if *timeout > 0 {
		deadline = time.After(*timeout)
	}
	var first <-chan struct{}
	if *once {
		first = p.FirstWalk()
	}
	var serveErr error
	select {
	case <-sig.ctx.Done():
	case <-deadline:
		fmt.Fprintf(stderr, "runner proxy: --timeout %s: stopping\n", *timeout)
	case <-first:
	case serveErr = <-served:
	}
	// In-flight exchanges finish (a second signal cuts them off); then
	// the walks still open end, incomplete.
	ctx, done := sig.cleanupContext(10 * time.Second)
	if err := srv.Shutdown(ctx); err != nil {
		srv.Close()
	}
	done()
	walks, stats := p.Close()
	if serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return fmt.Errorf("proxy: %w", serveErr)
	}
	return judgeProxy(proxyRun{walks: walks, stats: stats, c: c, upstream: up.Redacted(), started: started},
		base, *baselineFile, *gf, files, p.Err(), stdout, stderr)
}

// loopbackOnly refuses a listen address off loopback unless allowed.
func loopbackOnly(addr string, allowed bool) error {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return usagef("proxy: --listen %q: %v", addr, err)
	}
	if ip := net.ParseIP(host); host == "localhost" || ip != nil && ip.IsLoopback() || allowed {
		return nil
	}
	return usagef("proxy: --listen %s is not a loopback address (127.0.0.1, ::1, localhost): pass --allow-remote to listen there", addr)
}

// proxyConsole prints judgements as the proxy makes them: findings on
// stdout, exchanges it could not judge on stderr.
type proxyConsole struct {
	mu        sync.Mutex
	out, errs io.Writer
}

func (pc *proxyConsole) event(e proxy.Event) {
	pc.mu.Lock()
	defer pc.mu.Unlock()
	if e.Note != "" {
		where := "GET Service"
		if e.Walk != nil {
			where = fmt.Sprintf("walk %d", e.Walk.N)
		}
		fmt.Fprintf(pc.errs, "runner proxy: %s: not judged: %s\n", where, e.Note)
	}
	for _, f := range e.Findings {
		fmt.Fprintln(pc.out, f.String())
	}
	if e.Ended {
		fmt.Fprintf(pc.out, "walk %d ended after %d page(s): %d finding(s)\n", e.Walk.N, e.Walk.Exchanges, len(e.Walk.Findings))
	}
}

// proxyRun is what a proxy came to.
type proxyRun struct {
	walks    []*proxy.Walk
	stats    proxy.Stats
	c        *contract.Contract
	upstream string
	started  time.Time
}

// judgeProxy writes the reports and decides the exit: 2 when nothing was
// judged (or a recording could not be written), else by the findings
// outside the baseline, as runner check decides.
func judgeProxy(pr proxyRun, base *baseline.Baseline, file string, gf gateFlags, files reportFiles, recordErr error, stdout, stderr io.Writer) error {
	var all []finding.Finding
	checked := map[string]bool{}
	for _, w := range pr.walks {
		checked[w.File] = true
		all = append(all, w.Findings...)
	}
	res := base.CompareAt(all, checked, time.Now())
	run := proxyOutcome(pr, res, gf)
	s := pr.stats
	fmt.Fprintf(stdout, "runner proxy: %d GET Service exchange(s) judged in %d walk(s), %d not judged; %d other request(s) passed through\n",
		s.Judged, s.Walks, s.Unjudged, s.Passed)
	t := tallyFindings(res)
	if s.Judged > 0 {
		fmt.Fprintf(stdout, "%d finding(s): %d new error(s), %d new warning(s), %d accepted by the baseline\n", len(all), t.Errors, t.Warnings, len(res.Accepted))
	}
	if err := files.write(run, stderr); err != nil {
		return err
	}
	reportBaseline(stderr, file, res.Stale, res.Expired, gf.StrictBaseline)
	if recordErr != nil {
		return fmt.Errorf("proxy: --record: %w", recordErr)
	}
	if s.Judged == 0 {
		return errors.New(run.Error)
	}
	return gate(t, gf)
}

// proxyOutcome is the run the reports show: one result per walk, failed
// by its findings outside the baseline at the failing severity.
func proxyOutcome(pr proxyRun, res baseline.Result, gf gateFlags) *outcome.Run {
	run := &outcome.Run{
		Title:    "GET Service through runner proxy to " + pr.upstream,
		Started:  pr.started,
		Duration: time.Since(pr.started),
		Requests: pr.stats.Judged + pr.stats.Unjudged + pr.stats.Passed,
	}
	if pr.stats.Judged == 0 {
		run.Error = "proxy: no GET Service exchange was judged: point a client at the proxy and list buckets (runner proxy -h)"
	}
	isNew := map[finding.Key]bool{}
	for _, f := range res.New {
		isNew[f.Key()] = true
	}
	vendor := pr.c.Profile.Vendor
	for _, w := range pr.walks {
		r := outcome.Result{
			Target: vendor + " via runner proxy", Vendor: vendor,
			Spec:   fmt.Sprintf("client walk %d", w.N),
			Labels: []string{"proxy"},
			Status: outcome.Pass,
		}
		r.ID = outcome.Slug(r.Spec)
		var out, failing []string
		for _, f := range w.Findings {
			if !isNew[f.Key()] {
				out = append(out, "accepted: "+f.String())
				continue
			}
			out = append(out, f.String())
			if f.Severity < finding.Severity(gf.FailOn) {
				continue
			}
			failing = append(failing, f.String())
			where := f.File
			if f.Line > 0 {
				where = fmt.Sprintf("%s:%d:%d", f.File, f.Line, f.Col)
			}
			r.Deviations = append(r.Deviations, outcome.Deviation{Expected: "no " + f.Check + " finding", Seen: f.Message, Where: where})
		}
		for _, n := range w.Unjudged {
			out = append(out, "not judged: "+n)
		}
		r.Output = strings.Join(out, "\n")
		switch {
		case w.Exchanges == 0:
			r.Status, r.Message = outcome.Error, strings.Join(w.Unjudged, "\n")
		case len(failing) > 0:
			r.Status, r.Message = outcome.Fail, fmt.Sprintf("%s: %d finding(s) outside the baseline:\n%s", w.File, len(failing), strings.Join(failing, "\n"))
		}
		if len(r.Deviations) > 0 {
			r.Summary = r.Deviations[0].Seen
		} else if r.Status == outcome.Error {
			r.Summary = outcome.FirstLine(r.Message)
		}
		run.Results = append(run.Results, r)
	}
	return run
}
