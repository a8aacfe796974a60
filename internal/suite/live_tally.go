package suite

import (
	"bytes"
	"fmt"
	"io"
	"os"

	. "github.com/onsi/ginkgo/v2"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
)

// tally judges a spec's exchanges as they come: each is checked as the
// next page of one walk (check.Walker) and, when the run records, spooled
// for the spec's recording. What it keeps is what the judgement needs
// afterwards: the findings, and the excerpt of each exchange they show,
// never the bodies, so a walk holds the page in hand and not the pages
// before it.
//
// The recording's header names one replay line per exchange, so it is
// written last: the parts go to a spool file, and judge writes the header
// and copies the spool after it. Findings are placed as in that file: the
// parts' lines, offset by the header's when judged.
type tally struct {
	l        *liveSpecs
	name     string // what the trace calls the exchanges
	walker   *check.Walker
	meta     map[string]string // what the checks read of the header
	n        int               // exchanges so far
	lines    int               // lines of the parts so far
	tampers  []live.Tamper     // each exchange's, for the replay lines
	findings []finding.Finding
	shown    map[int]*shown // the exchanges error findings show
	// stop, when set, ends the judgement as the first exchange that
	// cannot be judged says: could not run, a redirect, a body cut off.
	stop  func(name string)
	err   error // the recording cannot be written
	spool *os.File
}

func (l *liveSpecs) tally(name string) *tally {
	t := &tally{l: l, name: name, walker: check.NewWalker(l.t.Contract), meta: map[string]string{}, shown: map[int]*shown{}}
	if !LiveRun.ReadOnly {
		t.meta["scope"] = LiveRun.RunID + "-"
	}
	return t
}

// add checks ex as the next exchange and spools it.
func (t *tally) add(ex *live.Exchange) {
	t.n++
	i := t.n
	for _, r := range ex.Retries {
		fmt.Fprintf(GinkgoWriter, "retry: %s\n", r)
	}
	if t.stop == nil {
		t.stop = t.l.stopAt(i, ex)
	}
	if LiveRun.Trace != nil {
		fmt.Fprintf(LiveRun.Trace, "--- %s: exchange %d\n%s\n%s\n", t.name, i, ex.Request, ex.Response)
	}
	t.tampers = append(t.tampers, ex.Tamper)
	if t.err != nil {
		return
	}
	src, err := exchange.FormatParts([]exchange.Part{
		{Name: fmt.Sprintf("%d/request", i), Data: ex.Request},
		{Name: fmt.Sprintf("%d/response", i), Data: ex.Response}})
	if err == nil {
		err = t.spooled(src)
	}
	if err != nil {
		t.err = err
		return
	}
	fs := t.walker.Check(exchange.ParseParts("", t.meta, src, t.lines, i))
	t.lines += bytes.Count(src, []byte{'\n'})
	for _, f := range fs {
		if f.Severity == finding.Error && f.Exchange == i && t.shown[i] == nil {
			t.shown[i] = show(ex)
		}
	}
	t.findings = append(t.findings, fs...)
}

// page is the page ex (the latest exchange added, a 200) holds: as the
// walker read it, or read anew where the exchange could not be checked.
func (t *tally) page(ex *live.Exchange) check.Page {
	if t.err != nil {
		return check.ReadPage(t.l.t.Contract, ex.Body)
	}
	return t.walker.Page()
}

func (t *tally) spooled(src []byte) error {
	if LiveRun.Record == nil {
		return nil
	}
	if t.spool == nil {
		f, err := os.CreateTemp("", "gsc-parts-*.txtar")
		if err != nil {
			return err
		}
		t.spool = f
		t.l.spools = append(t.l.spools, f)
	}
	_, err := t.spool.Write(src)
	return err
}

// stopAt says how exchange i ends a judgement, or nil when it does not.
func (l *liveSpecs) stopAt(i int, ex *live.Exchange) func(string) {
	switch {
	case ex.Err != nil:
		return func(name string) { l.usable(name, i, ex) }
	case ex.Status/100 == 3:
		why := redirected(ex)
		return func(name string) { Fail(fmt.Sprintf("%s: exchange %d: %s", name, i, why)) }
	case ex.Truncated:
		n := len(ex.Body)
		return func(name string) {
			Fail(fmt.Sprintf("%s: exchange %d: the response is larger than the %d bytes a run reads", name, i, n))
		}
	}
	return nil
}

// judge records the exchanges as the spec name's recording if the run
// records, and returns their findings. An exchange that did not complete
// ends the spec as could not run.
func (t *tally) judge(name string) []finding.Finding {
	defer t.discard()
	if t.stop != nil {
		t.stop(name)
	}
	if t.err != nil {
		Fail(t.err.Error())
	}
	l := t.l
	file := fmt.Sprintf("%s-%s.txtar", l.vendor, slug(name))
	meta := [][2]string{{"vendor", l.vendor}, {"title", name}, {"source", "live run " + LiveRun.RunID + " against " + l.t.Endpoint.Redacted()}}
	if scope, ok := t.meta["scope"]; ok {
		// Uniqueness and order are judged over the run's own buckets:
		// others may create and delete theirs while a walk goes on.
		meta = append(meta, [2]string{"scope", scope})
	}
	exs := make([]*live.Exchange, len(t.tampers))
	for i, tp := range t.tampers {
		exs[i] = &live.Exchange{Tamper: tp}
	}
	meta = append(meta, l.t.ReplayMeta(exs)...) // what runner replay needs
	head, err := exchange.FormatHeader(meta)
	if err != nil {
		Fail(err.Error())
	}
	if LiveRun.Record != nil {
		if err := t.record(file, head); err != nil {
			Fail(fmt.Sprintf("recording %s: %v", file, err))
		}
	}
	fs := t.findings
	for i := range fs {
		fs[i].File = file
		if fs[i].Line > 0 {
			fs[i].Line += len(meta)
		}
	}
	return fs
}

// record writes the recording: the header, then the spooled parts.
func (t *tally) record(file string, head []byte) error {
	w, err := LiveRun.Record(file)
	if err != nil {
		return err
	}
	_, err = w.Write(head)
	if err == nil && t.spool != nil {
		if _, err = t.spool.Seek(0, io.SeekStart); err == nil {
			_, err = io.Copy(w, t.spool)
		}
	}
	if cerr := w.Close(); err == nil {
		err = cerr
	}
	return err
}

// discard removes the spool.
func (t *tally) discard() {
	if t.spool != nil {
		removeSpool(t.spool)
		t.spool = nil
	}
}

func removeSpool(f *os.File) {
	f.Close()
	os.Remove(f.Name())
}

// shown is an exchange as a deviation shows it: its excerpt, and its
// request for the curl line.
type shown struct {
	excerpt string
	req     *live.Exchange // the request and tamper only
}

func show(ex *live.Exchange) *shown {
	return &shown{excerpt: excerpt(ex), req: &live.Exchange{Request: ex.Request, Tamper: ex.Tamper}}
}

// shownAt is the exchange a finding of exchange i shows, or nil.
func (t *tally) shownAt(i int) *shown { return t.shown[i] }
