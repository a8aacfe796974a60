package main

import (
	"context"
	"fmt"
	"io"
	"net/url"
	"os"
	"path/filepath"
	"strconv"
	"time"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/internal/signer"
	"github.com/getservice-conformance/gsc/internal/suite"
	"github.com/getservice-conformance/gsc/schemas"
)

// A live run with --record writes, beside the specs' recordings, a tape
// of every attempt it sent (<vendor>.tape): runner check plays it back to
// the live specs, which reach the run's verdicts again offline.

// tapeFile is where a recorded run's tape goes.
func tapeFile(dir, vendor string) string { return filepath.Join(dir, vendor+".tape") }

// runSource is the source line of a live run's recordings (the suite's
// judge writes the same) and of its tape.
func runSource(runID string, t *live.Target) string {
	return "live run " + runID + " against " + t.Endpoint.Redacted()
}

// tapeRun is what a tape says about the run it was taken from: all a
// playback needs to ask what the run asked.
type tapeRun struct {
	sel        selection
	ownProfile bool // --contract-profile: a file the tape does not hold
}

// writeTape writes the run's tape, spooled as the run went, into the
// --record directory. Every fact of its header is known when the run
// starts; the tape.N lines that follow the header, only at its end.
func writeTape(t *live.Target, cfg suite.LiveConfig, how tapeRun) error {
	u := *t.Endpoint
	u.User = nil
	meta := [][2]string{
		{"vendor", t.Contract.Profile.Vendor},
		{"title", "every attempt of " + cfg.RunID + ", for runner check to play back"},
		{"source", runSource(cfg.RunID, t)},
		{"run", cfg.RunID},
		{"name", t.Name},
		{"endpoint", u.String()},
		{"signature", t.Signature},
		{"region", t.Region},
		{"addressing", t.Addressing},
		{"suffix", t.BucketSuffix},
		{"resource-group", t.ResourceGroup},
		{"buckets", strconv.Itoa(cfg.Buckets)},
		{"read-only", strconv.FormatBool(cfg.ReadOnly)},
		{"label-filter", how.sel.labels},
		{"focus", how.sel.focus},
		{"fail-fast", strconv.FormatBool(how.sel.failFast)},
		{"profile", map[bool]string{true: "own", false: ""}[how.ownProfile]},
		{"started", cfg.Started.Format(time.RFC3339Nano)},
	}
	return t.Client.Tape.Commit(meta)
}

// playback is a live run's tape found among the paths runner check was
// given.
type playback struct {
	file string
	meta map[string]string
	tape *live.TapeFile // read where it lies, an attempt at a time
}

// findTape looks for a tape in the directories of paths. With one, every
// recording must be of the tape's run: a mix of runs, or of a run and
// other recordings, cannot be played back as one run.
func findTape(paths []string) (*playback, error) {
	var tapes []string
	for _, p := range paths {
		if info, err := os.Stat(p); err == nil && info.IsDir() {
			found, _ := filepath.Glob(filepath.Join(p, "*.tape"))
			tapes = append(tapes, found...)
		}
	}
	switch len(tapes) {
	case 0:
		return nil, nil
	case 1:
	default:
		return nil, usagef("check: %s and %s are the tapes of two live runs: check one run's recordings at a time", tapes[0], tapes[1])
	}
	meta, tape, err := live.OpenTape(tapes[0])
	if err != nil {
		return nil, fmt.Errorf("check: %s: %w", tapes[0], err)
	}
	if meta["profile"] != "" {
		return nil, fmt.Errorf("check: %s: the run used its own --contract-profile, which the tape does not hold: its specs cannot be played back", tapes[0])
	}
	return &playback{file: tapes[0], meta: meta, tape: tape}, nil
}

// holds refuses a recording of another run than the tape's: one live
// run's recordings are played back at a time. A nil playback holds any.
func (pb *playback) holds(rec *exchange.Recording) error {
	if pb == nil {
		return nil
	}
	if got := rec.Meta["source"]; got != pb.meta["source"] {
		return usagef("check: %s is not a recording of the run %s holds (%s), but of %q: check one live run's recordings at a time", rec.File, pb.file, pb.meta["source"], got)
	}
	return nil
}

// playedTarget is the run's target, answered by the tape.
func (pb *playback) target() (*live.Target, error) {
	m := pb.meta
	c, err := contract.Load(schemas.FS, m["vendor"])
	if err != nil {
		return nil, fmt.Errorf("check: %s: %w", pb.file, err)
	}
	u, err := url.Parse(m["endpoint"])
	if err != nil || u.Host == "" {
		return nil, fmt.Errorf("check: %s: endpoint %q is not a URL", pb.file, m["endpoint"])
	}
	client, err := live.NewPlaybackFile(pb.tape, live.DefaultLimits)
	if err != nil {
		return nil, fmt.Errorf("check: %s: %w", pb.file, err)
	}
	return &live.Target{
		Name: m["name"], Contract: c, Endpoint: u, Signature: m["signature"], Region: m["region"],
		Addressing: m["addressing"], BucketSuffix: m["suffix"], ResourceGroup: m["resource-group"],
		// Requests are signed, as live, and matched without their
		// signatures: these keys sign nothing anyone checks.
		Creds:  signer.Credentials{AccessKey: "GSCPLAYBACK0000000000", SecretKey: "gsc-playback-secret-7c1e0d9a"},
		Client: client,
	}, nil
}

// replay runs the live specs of the tape's run against its playback.
func (pb *playback) replay(files reportFiles, base *baseline.Baseline, baseFile string, stderr io.Writer) (*outcome.Run, error) {
	t, err := pb.target()
	if err != nil {
		return nil, err
	}
	m := pb.meta
	buckets, _ := strconv.Atoi(m["buckets"])
	started, err := time.Parse(time.RFC3339Nano, m["started"])
	if err != nil {
		return nil, fmt.Errorf("check: %s: started %q: %w", pb.file, m["started"], err)
	}
	ctx, cancel := context.WithTimeout(context.Background(), defaultDeadline)
	defer cancel()
	targets := map[string]*live.Target{m["vendor"]: t}
	suite.LiveRun = suite.LiveConfig{
		Targets: targets, RunID: m["run"], ReadOnly: m["read-only"] == "true", Buckets: buckets,
		Ledger: &live.Ledger{}, Context: ctx, Started: started,
	}
	suite.Current = suite.Config{Recordings: noRecordings}
	fmt.Fprintf(stderr, "%s: playing back %s to its live specs\n", pb.file, m["source"])
	return runSpecs("GET Service live run, played back", runFacts{RunID: m["run"], Targets: targets, Baseline: base, BaselineFile: baseFile}, files,
		selection{labels: m["label-filter"], focus: m["focus"], failFast: m["fail-fast"] == "true"}, false, stderr)
}

// printVerdicts writes each spec's verdict, as the live run's reports
// would show it.
func printVerdicts(w io.Writer, source string, run *outcome.Run) {
	fmt.Fprintf(w, "\n%d spec(s) of %s, played back:\n", len(run.Results), source)
	for _, r := range run.Results {
		line := fmt.Sprintf("  %-11s %s", r.Status, r.ID)
		if r.Summary != "" && r.Status != outcome.Pass {
			line += ": " + r.Summary
		}
		fmt.Fprintln(w, line)
	}
}

// judge plays the tape back, prints the verdicts (on stdout for a text
// report, else on stderr, so that a JSON or SARIF report stays one
// document) and decides the exit as runner run does: by the specs'
// verdicts, which judge the same findings, each in its own spec (an
// optional capability the target lacks is unsupported, not a failure),
// against the baseline's spec entries.
func (pb *playback) judge(files reportFiles, base *baseline.Baseline, file string, gf gateFlags, verdicts, stderr io.Writer) error {
	run, err := pb.replay(files, base, file, stderr)
	if err != nil {
		return err
	}
	printVerdicts(verdicts, pb.meta["source"], run)
	return judgeRun(run, base, file, baseline.Result{}, gf, stderr)
}
