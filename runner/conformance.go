package main

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"os"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/onsi/ginkgo/v2"
	"github.com/onsi/ginkgo/v2/formatter"

	"github.com/getservice-conformance/gsc/fixtures"
	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/replay"
	"github.com/getservice-conformance/gsc/internal/suite"

	// Every vendor's specs.
	_ "github.com/getservice-conformance/gsc/suites/bos"
	_ "github.com/getservice-conformance/gsc/suites/cos"
	_ "github.com/getservice-conformance/gsc/suites/oss"
	_ "github.com/getservice-conformance/gsc/suites/qingstor"
	_ "github.com/getservice-conformance/gsc/suites/s3"
	_ "github.com/getservice-conformance/gsc/suites/scality"
)

// defaultSets are the embedded fixture sets conformance judges when no
// path is given: the vendors' documentation examples and exchanges that
// honour the contracts. fixtures/checks holds deliberate deviations for
// the project's own tests, so it is not a conformance target.
var defaultSets = []string{"docs", "valid"}

func runConformance(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("conformance", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	baselineFile := fs.String("baseline", "", "file of accepted findings and spec outcomes (without it, any error finding fails its spec)")
	gf := addGateFlags(fs)
	files := reportFiles{stdout: stdout}
	files.register(fs, "reports/junit.xml")
	var sf selectionFlags
	sf.register(fs, "'cos && pagination' or '!docs'", true)
	verbose := fs.Bool("v", false, "print every spec, and every live exchange (redacted) as it happens")
	deadline := deadlineFlag(fs)
	paths, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("conformance: %w", err)
	}
	if *deadline <= 0 {
		return usagef("conformance: --deadline must be more than 0")
	}
	sel, err := sf.resolve("conformance")
	if err != nil {
		return err
	}
	if err := files.check("", ""); err != nil {
		return err
	}
	var recs []*exchange.Recording
	if len(paths) > 0 {
		recs, err = replay.LoadPaths(paths)
	} else {
		for _, set := range defaultSets {
			var more []*exchange.Recording
			more, err = replay.LoadFS(fixtures.FS, set, "fixtures/")
			recs = append(recs, more...)
			if err != nil {
				break
			}
		}
	}
	if err != nil {
		return err
	}
	cfg := suite.Config{Recordings: recs, Baseline: &baseline.Baseline{}}
	if *baselineFile != "" {
		if cfg.Baseline, err = baseline.Load(*baselineFile); err != nil {
			return fmt.Errorf("baseline: %w", err)
		}
	}
	suite.Current = cfg

	// Every vendor's reference endpoint, in-process on loopback, is the
	// live target: no credentials, no network.
	targets, stop, err := suite.ReferenceTargets()
	if err != nil {
		return err
	}
	defer stop()
	ledger := &live.Ledger{}
	sigs := catchSignals(stderr, runInterruptNote)
	defer sigs.stop()
	ctx, cancelDeadline := context.WithTimeout(sigs.ctx, *deadline)
	defer cancelDeadline()
	suite.LiveRun = suite.LiveConfig{Targets: targets, RunID: newRunID(), Buckets: 5, Ledger: ledger, Context: ctx, Trace: trace(*verbose, stderr)}
	fmt.Fprintf(stderr, "run %s: the reference endpoints of %d vendor(s), in-process\n", suite.LiveRun.RunID, len(targets))

	run, err := runSpecs("GET Service conformance", runFacts{RunID: suite.LiveRun.RunID, Targets: targets, Baseline: cfg.Baseline, BaselineFile: *baselineFile,
		Endpoint: "each vendor's reference endpoint, in-process on loopback"}, files, sel, *verbose, stderr)
	if err := settle(sigs, ledger, suite.LiveRun.RunID, err, stderr); err != nil {
		return err
	}
	// The recorded specs accept baselined findings themselves; what is
	// left to judge is the spec outcomes, and the baseline's own entries.
	found := baseline.Result{}
	if *baselineFile != "" {
		var all []finding.Finding
		checked := map[string]bool{}
		for _, rec := range recs {
			checked[rec.File] = true
			all = append(all, suite.Findings(rec)...) // checked once, by the specs or now
		}
		found = cfg.Baseline.CompareAt(all, checked, time.Now())
	}
	return judgeRun(run, cfg.Baseline, *baselineFile, found, *gf, stderr)
}

// judgeRun decides a spec run's exit: failed specs outside the baseline
// fail it; under --strict-baseline so do new unsupported outcomes (a
// server that stops paginating is news) and stale or expired entries,
// of spec outcomes and of findings alike. A run without a failure that
// could not judge (no spec selected, specs that could not run, every
// spec skipped) is exit 2, before any baseline entry it left stale.
func judgeRun(run *outcome.Run, base *baseline.Baseline, file string, found baseline.Result, gf gateFlags, stderr io.Writer) error {
	specs := base.CompareSpecs(run.Results, time.Now())
	t := tally{Stale: len(found.Stale) + len(specs.Stale), Expired: len(found.Expired) + len(specs.Expired)}
	for _, r := range specs.New {
		switch {
		case r.Status == outcome.Fail:
			t.Failed++
		case gf.StrictBaseline:
			t.Failed++
			fmt.Fprintf(stderr, "error: %s: %s: unsupported, and the baseline does not say so: %s\n", r.Target, r.Spec, r.Summary)
		}
	}
	reportBaseline(stderr, file, append(found.Stale, specs.Stale...), append(found.Expired, specs.Expired...), gf.StrictBaseline)
	if len(run.Reports) > 0 {
		// The last word: where to look.
		defer fmt.Fprintf(stderr, "reports: %s\n", strings.Join(run.Reports, ", "))
	}
	if t.Failed == 0 {
		// Nothing failed; the run must still have judged something.
		if err := judgedSomething(run); err != nil {
			return fmt.Errorf("could not judge: %w", err)
		}
	}
	return gate(t, gf)
}

// runSpecs runs the Ginkgo specs once (Ginkgo allows one run per process)
// with a selection, and writes the reports.
func runSpecs(description string, facts runFacts, files reportFiles, sel selection, verbose bool, stderr io.Writer) (run *outcome.Run, err error) {
	progress = &console{w: stderr, tty: isTerminal(stderr)}
	defer func() { progress = nil }()
	run, t, err := runGinkgo(description, sel, verbose, false)
	if err != nil {
		return nil, err
	}
	if c := run.Counts(); t.failed && c[outcome.Fail]+c[outcome.Error] == 0 {
		// A failure outside any spec (a suite node) is the runner's, not
		// the target's: the run could not judge.
		run.Results = append(run.Results, outcome.Result{Target: "runner", Spec: "suite set-up", Status: outcome.Error, Summary: "a suite node failed: see the output above"})
	}
	facts.fill(run)
	progress.summary(run, files.junit)
	if err := files.write(run, stderr); err != nil {
		return run, fmt.Errorf("writing reports: %w", err)
	}
	return run, nil
}

// runGinkgo configures Ginkgo and runs the specs once, or, dry, walks
// them without running any (runner list).
func runGinkgo(description string, sel selection, verbose, dry bool) (*outcome.Run, *failRecorder, error) {
	// Ginkgo reads its configuration from the standard flag set. Its own
	// report (stdout) tells the failures in full; ours (stderr) sums up.
	settings := map[string]string{
		"ginkgo.label-filter": sel.labels,
		"ginkgo.fail-fast":    strconv.FormatBool(sel.failFast),
		"ginkgo.dry-run":      strconv.FormatBool(dry),
		"ginkgo.no-color":     strconv.FormatBool(!isTerminal(os.Stdout)),
		"ginkgo.succinct":     strconv.FormatBool(!verbose),
		"ginkgo.v":            strconv.FormatBool(verbose),
	}
	if sel.focus != "" {
		settings["ginkgo.focus"] = sel.focus
	}
	for name, value := range settings {
		if err := flag.CommandLine.Set(name, value); err != nil {
			return nil, nil, err
		}
	}
	if err := flag.CommandLine.Parse(nil); err != nil {
		return nil, nil, err
	}
	if !verbose {
		// Ginkgo's own console report would repeat ours (progress and
		// summary on stderr, details in the report files); -v shows it.
		formatter.ColorableStdOut = io.Discard
	} else {
		formatter.ColorableStdOut = trimPaths(formatter.ColorableStdOut)
	}
	t := &failRecorder{}
	ginkgo.RunSpecs(t, description)
	if lastRun == nil { // the suite never got to its report: say so, do not pretend
		return nil, nil, fmt.Errorf("the specs ended without a report")
	}
	return lastRun, t, nil
}

// runFacts are what a run's reports say about the run as a whole.
type runFacts struct {
	RunID   string
	Targets map[string]*live.Target // whose requests are counted
	// Baseline, when the run has one, marks the spec outcomes it accepts
	// as accepted in every report; BaselineFile names it there.
	Baseline     *baseline.Baseline
	BaselineFile string
	// Endpoint, when set, is what the header says instead of the
	// targets' URLs (the in-process reference endpoints' ports say
	// nothing to a reader).
	Endpoint string
}

// fill sets the run's facts, and, when it could not judge, why.
func (f runFacts) fill(run *outcome.Run) {
	run.RunID = f.RunID
	for _, t := range f.Targets {
		run.Requests += t.Client.Requests()
	}
	run.Tool = version()
	describeTargets(run, f.Targets)
	if f.Endpoint != "" {
		run.Endpoint = f.Endpoint
	}
	acceptOutcomes(run, f.Baseline, f.BaselineFile)
	if run.Counts()[outcome.Fail] == 0 {
		if err := judgedSomething(run); err != nil {
			run.Error = err.Error()
		}
	}
}

// failRecorder is the ginkgo.GinkgoTestingT a plain program offers.
type failRecorder struct{ failed bool }

func (f *failRecorder) Fail() { f.failed = true }

// describeTargets fills in what a run's header says of its targets: the
// vendor, endpoint (without credentials), region and signature, each
// joined when the run had several targets that differ.
func describeTargets(run *outcome.Run, targets map[string]*live.Target) {
	names := slices.Sorted(maps.Keys(targets))
	var vendors, endpoints, regions, signatures []string
	add := func(list *[]string, v string) {
		if v != "" && !slices.Contains(*list, v) {
			*list = append(*list, v)
		}
	}
	for _, name := range names {
		t := targets[name]
		add(&vendors, t.Contract.Profile.Vendor)
		if t.Endpoint != nil {
			add(&endpoints, t.Endpoint.Redacted())
		}
		add(&regions, t.Region)
		add(&signatures, t.Signature)
	}
	run.Vendor = strings.Join(vendors, ", ")
	run.Endpoint = strings.Join(endpoints, ", ")
	run.Region = strings.Join(regions, ", ")
	run.Signature = strings.Join(signatures, ", ")
}
