package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"regexp"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/explore"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/outcome"
)

// runExplore runs a property-based exploration against an endpoint:
// generated sequences of creates, deletes and walks on the run's own
// buckets, judged against a model, failures shrunk to a reproduction.
func runExplore(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("explore", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	var lf liveFlags
	lf.register(fs)
	seed := fs.Uint64("seed", 0, "the first sequence's seed (default: a random one, printed); a failure's seed reruns it first")
	requests := fs.Int("requests", 500, "the most requests the run sends, searching and shrinking (its final cleanup aside)")
	duration := fs.Duration("duration", 0, "the longest the search and shrinking may take (default: until --requests or --deadline)")
	record := fs.String("record", "", "write each walk of a failure's shrunk sequence as a recording into this directory")
	name := fs.String("name", "", "what the reports call the target, e.g. versitygw (default: the vendor)")
	baselineFile := fs.String("baseline", "", "file of accepted spec outcomes (spec TARGET explore/PROPERTY STATUS [expires=DATE] REASON)")
	gf := addGateFlags(fs)
	files := reportFiles{stdout: stdout}
	files.register(fs, "")
	// The selection flags runner run takes, but --label-filter: a
	// property has no labels.
	var sf selectionFlags
	fs.StringVar(&sf.focus, "focus", "", "judge only the property with this id (explore/PROPERTY, as the results name it) or those whose name matches this regular expression")
	fs.StringVar(&sf.rerunFailed, "rerun-failed", "", "judge only the properties that failed or could not run in an earlier run: its --results file")
	fs.BoolVar(&sf.failFast, "fail-fast", false, "stop the search at the first property that fails (after shrinking it; the run's buckets are still deleted)")
	verbose := fs.Bool("v", false, "print a line per failure as it is found")
	deadline := deadlineFlag(fs)
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("explore: %w", err)
	}
	switch {
	case len(rest) > 0:
		return usagef("explore: unexpected argument %q", rest[0])
	case *requests < 1:
		return usagef("explore: --requests must be at least 1")
	case *duration < 0:
		return usagef("explore: --duration must not be negative")
	case *deadline <= 0:
		return usagef("explore: --deadline must be more than 0")
	}
	base, err := loadBaseline(*baselineFile)
	if err != nil {
		return err
	}
	sel, err := sf.resolve("explore")
	if err != nil {
		return err
	}
	if err := files.check(*record, ""); err != nil {
		return err
	}
	t, err := lf.target()
	if err != nil {
		return err
	}
	t.Name = *name
	if *record != "" {
		if err := os.MkdirAll(*record, 0o755); err != nil {
			return fmt.Errorf("--record: %w", err)
		}
	}
	if *seed == 0 {
		var b [8]byte
		rand.Read(b[:])
		*seed = binary.BigEndian.Uint64(b[:]) >> 1
	}
	sigs := catchSignals(stderr, runInterruptNote)
	defer sigs.stop()
	ctx, cancel := context.WithTimeout(sigs.ctx, *deadline)
	defer cancel()
	runID := newRunID()
	fmt.Fprintf(stderr, "explore %s: %s at %s, seed %d, at most %d requests, deadline %s\n",
		runID, lf.vendor, t.Endpoint.Redacted(), *seed, *requests, *deadline)
	ledger := &live.Ledger{}
	cfg := explore.Config{Target: t, Ledger: ledger, RunID: runID, Seed: *seed, Requests: *requests, Context: ctx, FailFast: sel.failFast}
	if sel.focus != "" {
		// Matched as runner run matches a spec: the vendor, then the
		// property's text.
		focus := regexp.MustCompile(sel.focus)
		cfg.Select = func(p explore.Property) bool { return focus.MatchString(lf.vendor + " " + p.Spec()) }
	}
	if *duration > 0 {
		cfg.Until = time.Now().Add(*duration)
	}
	if *verbose {
		cfg.Log = stderr
	}
	started := time.Now()
	rep, err := explore.Run(cfg)
	var run *outcome.Run
	if err == nil {
		run, err = exploreOutcome(rep, t, runID, started, *record, lf, stderr)
	}
	if err := settle(sigs, ledger, runID, err, stderr); err != nil {
		return err
	}
	// Reports show what the baseline accepts as accepted, as runner
	// run's do; the gate judges what the properties found.
	acceptOutcomes(run, base, *baselineFile)
	if err := files.write(run, stderr); err != nil {
		return err
	}
	if rep.Unjudged != "" {
		return errors.New("explore: could not judge: " + rep.Unjudged)
	}
	return judgeRun(run, base, *baselineFile, baseline.Result{}, *gf, stderr)
}

// exploreOutcome prints what the run found, writes the recordings of each
// failure, and makes the run's results: one spec per property.
func exploreOutcome(rep *explore.Report, t *live.Target, runID string, started time.Time, record string, lf liveFlags, stderr io.Writer) (*outcome.Run, error) {
	target := t.Name
	if target == "" {
		target = lf.vendor
	}
	run := &outcome.Run{Title: "GET Service explore", RunID: runID, Started: started, Duration: rep.Duration, Requests: rep.Requests, Error: rep.Unjudged}
	for _, r := range rep.Results {
		res := outcome.Result{Target: target, Vendor: lf.vendor, Spec: r.Property.Spec(), ID: outcome.Slug(r.Property.Spec()),
			Labels: []string{lf.vendor, "explore"}, Status: r.Status, Summary: r.Reason, Message: r.Reason}
		if f := r.Failure; f != nil {
			var steps bytes.Buffer
			files := make([]string, len(f.Steps))
			if record != "" {
				written, err := explore.Recordings(record, t, runID, r.Property, f)
				if err != nil {
					return nil, fmt.Errorf("--record: %w", err)
				}
				files = written
			}
			explore.PrintSteps(&steps, t, f, files)
			rerun := fmt.Sprintf("runner explore --vendor %s --endpoint %s --seed %d", lf.vendor, t.Endpoint.Redacted(), f.Seed)
			res.Summary = f.Message
			if r.Status == outcome.Unsupported {
				res.Summary = r.Reason
			}
			res.Message = fmt.Sprintf("%s\nfound after %d requests (seed %d), shrunk to %d step(s):\n%srerun: %s", f.Message, f.Found, f.Seed, f.Shrunk(), steps.String(), rerun)
			// No deviation: reports then show the message whole, the
			// numbered steps of the reproduction with it.
			fmt.Fprintf(stderr, "%s: %s: %s\n", r.Status, r.Property.Spec(), res.Message)
		} else {
			line := fmt.Sprintf("%s: %s (exercised %d time(s))", r.Status, r.Property.Spec(), r.Exercised)
			if r.Reason != "" {
				line += ": " + r.Reason
			}
			fmt.Fprintln(stderr, line)
		}
		run.Results = append(run.Results, res)
	}
	for _, n := range rep.Notes {
		fmt.Fprintf(stderr, "note: %s\n", n)
	}
	fmt.Fprintf(stderr, "explore %s: %d action(s) in %d sequence(s), %d request(s), %s; stopped: %s\n",
		runID, rep.Actions, rep.Cases, rep.Requests, rep.Duration.Round(time.Millisecond), rep.Stopped)
	if record != "" && strings.TrimSpace(record) != "" {
		fmt.Fprintf(stderr, "recordings of the shrunk sequences in %s\n", record)
	}
	return run, nil
}
