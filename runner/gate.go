package main

import (
	"flag"
	"fmt"
	"io"
	"time"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/outcome"
)

// gateFlags decide what fails a run; every command that judges one takes
// them (addGateFlags) and ends with gate.
type gateFlags struct {
	// FailOn is the lowest severity of a new finding that fails the run.
	FailOn severityFlag
	// StrictBaseline fails the run on stale or expired baseline entries,
	// which otherwise are warnings.
	StrictBaseline bool
}

// addGateFlags defines --fail-on and --strict-baseline on fs. A bad
// --fail-on value makes fs.Parse fail, a usage error.
func addGateFlags(fs *flag.FlagSet) *gateFlags {
	g := &gateFlags{FailOn: severityFlag(finding.Error)}
	fs.Var(&g.FailOn, "fail-on", "the lowest severity of a new finding that fails the run: error or warning")
	fs.BoolVar(&g.StrictBaseline, "strict-baseline", false, "fail the run on stale or expired baseline entries")
	return g
}

// severityFlag is --fail-on's value.
type severityFlag finding.Severity

func (s *severityFlag) String() string { return finding.Severity(*s).String() }

func (s *severityFlag) Set(v string) error {
	switch v {
	case "error":
		*s = severityFlag(finding.Error)
	case "warning":
		*s = severityFlag(finding.Warning)
	default:
		return fmt.Errorf("want error or warning")
	}
	return nil
}

// tally is what a run comes to once judged against its baseline.
type tally struct {
	Errors, Warnings int // new findings, by severity
	Failed           int // new failed specs
	Stale, Expired   int // baseline entries
}

// tallyFindings counts a check run's new findings and baseline problems.
func tallyFindings(res baseline.Result) tally {
	t := tally{Stale: len(res.Stale), Expired: len(res.Expired)}
	for _, f := range res.New {
		switch f.Severity {
		case finding.Error:
			t.Errors++
		case finding.Warning:
			t.Warnings++
		}
	}
	return t
}

// gate decides whether a run fails (exit 1): nil, or an error wrapping
// errFindings that says why.
func gate(t tally, g gateFlags) error {
	var why string
	switch {
	case t.Errors > 0 || t.Failed > 0:
		why = fmt.Sprintf("%d new error(s), %d failed spec(s)", t.Errors, t.Failed)
	case t.Warnings > 0 && finding.Severity(g.FailOn) <= finding.Warning:
		why = fmt.Sprintf("%d new warning(s) with --fail-on warning", t.Warnings)
	case g.StrictBaseline && t.Stale+t.Expired > 0:
		why = fmt.Sprintf("%d stale and %d expired baseline entries with --strict-baseline", t.Stale, t.Expired)
	default:
		return nil
	}
	return fmt.Errorf("%s: %w", why, errFindings)
}

// reportBaseline writes a line per stale or expired entry of the baseline
// file, naming its file:line: an error when --strict-baseline makes it
// fail the run, else a warning.
func reportBaseline(w io.Writer, file string, stale, expired []baseline.Entry, strict bool) {
	level := "warning"
	if strict {
		level = "error"
	}
	for _, e := range stale {
		what := "its finding no longer occurs"
		if e.IsSpec() {
			what = "the spec now ends otherwise, or did not run"
		}
		fmt.Fprintf(w, "%s: %s:%d: stale baseline entry, %s: %s\n", level, file, e.Line, what, e)
	}
	for _, e := range expired {
		fmt.Fprintf(w, "%s: %s:%d: baseline entry expired on %s: %s (%s)\n", level, file, e.Line, e.Expires.Format("2006-01-02"), e, e.Reason)
	}
}

// loadBaseline reads the --baseline file, if one is named: nil without.
func loadBaseline(file string) (*baseline.Baseline, error) {
	if file == "" {
		return nil, nil
	}
	b, err := baseline.Load(file)
	if err != nil {
		return nil, fmt.Errorf("baseline: %w", err)
	}
	return b, nil
}

// writeSpecBaseline writes --write-baseline, if asked for: an entry per
// failed or unsupported spec, as the specs found them (accepted or not).
func writeSpecBaseline(file string, run *outcome.Run, stdout, stderr io.Writer) error {
	if file == "" {
		return nil
	}
	if err := writeOutput(file, baseline.FormatSpecs(run.Results), stdout); err != nil {
		return fmt.Errorf("--write-baseline: %w", err)
	}
	fmt.Fprintf(stderr, "wrote %s\n", shownPath(file))
	return nil
}

// acceptOutcomes marks each result whose outcome the baseline accepts as
// accepted, with the entry's reason and expiry, so that reports show it
// as such; the gate judges the outcomes the specs came to (Own).
func acceptOutcomes(run *outcome.Run, base *baseline.Baseline, file string) {
	if base == nil {
		return
	}
	specs := base.CompareSpecs(run.Results, time.Now())
	by := map[baseline.SpecKey]baseline.Entry{}
	for i, r := range specs.Accepted {
		by[baseline.SpecKey{Target: r.Target, ID: r.ID, Status: r.Own()}] = specs.AcceptedBy[i]
	}
	for i := range run.Results {
		r := &run.Results[i]
		if r.Status == outcome.Accepted {
			continue
		}
		if e, ok := by[baseline.SpecKey{Target: r.Target, ID: r.ID, Status: r.Status}]; ok {
			r.Accept(e.Acceptance("", file))
		}
	}
}
