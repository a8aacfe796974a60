package main

import (
	"bytes"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"slices"
	"strings"
	"syscall"
	"time"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/diff"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/schemas"
)

// sideBEnvPrefix marks the environment variables meant for endpoint B:
// GSC_B_AWS_ACCESS_KEY_ID is B's AWS_ACCESS_KEY_ID.
const sideBEnvPrefix = "GSC_B_"

// diffPassed are the flags of runner run that runner diff hands to both
// sides' runs as given.
var diffPassed = []string{"region", "signature", "addressing", "appid", "ca-file", "contract-profile", "resource-group", "insecure-skip-verify", "timeout", "buckets", "label-filter", "deadline"}

// stringList is a repeatable string flag.
type stringList []string

func (l *stringList) String() string     { return strings.Join(*l, ",") }
func (l *stringList) Set(v string) error { *l = append(*l, v); return nil }

// runDiff runs the live specs against two endpoints (or one, and a
// recorded run of another), each in a runner run of its own that
// creates, ledgers and deletes its own buckets, then compares the two
// runs' recordings request by request.
func runDiff(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("diff", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	var endpoints stringList
	fs.Var(&endpoints, "endpoint", "an endpoint's URL; given twice: A, then B")
	vendor := fs.String("vendor", "", "both endpoints' vendor: "+strings.Join(contract.Vendors(schemas.FS), ", "))
	recordings := fs.String("recordings", "", "B is this directory of a recorded run (runner run --record, or runner diff --record's a or b) instead of a second endpoint")
	credsA := fs.String("credentials", "", "A's credentials file (default: the vendor's environment variables); B's too, unless --credentials-b")
	credsB := fs.String("credentials-b", "", "B's credentials file (default: the vendor's variables prefixed "+sideBEnvPrefix+", e.g. "+sideBEnvPrefix+"AWS_ACCESS_KEY_ID, else A's)")
	record := fs.String("record", "", "keep both runs' recordings in this directory (a and b), for runner check, replay and diff --recordings")
	name := fs.String("name", "A vs B", "what the reports call the pair")
	rowsFile := fs.String("rows", "", "write every row, with what differs and why, as JSON to this file (\"-\": standard output)")
	baselineFile := fs.String("baseline", "", "file of accepted differences (spec TARGET ROW-ID fail [expires=DATE] REASON)")
	gf := addGateFlags(fs)
	writeBaseline := fs.String("write-baseline", "", "write the rows that differ in a violation or a gap as a baseline to this file (their summaries as reasons: edit them)")
	files := reportFiles{stdout: stdout}
	files.register(fs, "")
	// Flags handed to both sides' runs as given: runner run's.
	fs.String("region", "", "the region or zone (default: the profile's)")
	fs.String("signature", "", "the signature to use (default: the profile's first)")
	fs.String("addressing", "path", "bucket addressing for set-up calls: path or virtual")
	fs.String("appid", "", "COS: the APPID that ends every bucket name")
	fs.String("ca-file", "", "PEM certificates to trust for TLS")
	profile := fs.String("contract-profile", "", "a profile.json to use instead of the vendor's own")
	fs.String("resource-group", "", "OSS: a resource group id each side creates one of its buckets in")
	fs.Bool("insecure-skip-verify", false, "do not verify the endpoints' TLS certificates")
	fs.Duration("timeout", 0, "the longest one exchange may take (default: runner run's)")
	fs.Int("buckets", 5, "buckets each side creates")
	fs.String("label-filter", "", "compare only specs whose labels match")
	deadline := fs.Duration("deadline", defaultDeadline, "the longest each side's run may take")
	rest, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("diff: %w", err)
	}
	started := time.Now()
	if len(rest) > 0 {
		return usagef("diff: unexpected argument %q", rest[0])
	}
	switch {
	case !slices.Contains(contract.Vendors(schemas.FS), *vendor):
		return usagef("diff: --vendor must be one of %s", strings.Join(contract.Vendors(schemas.FS), ", "))
	case *recordings == "" && len(endpoints) != 2:
		return usagef("diff: give --endpoint twice (A and B), or --endpoint once and --recordings DIR")
	case *recordings != "" && len(endpoints) != 1:
		return usagef("diff: with --recordings, give --endpoint once (A)")
	case *deadline <= 0:
		return usagef("diff: --deadline must be more than 0")
	case *credsB != "" && *recordings != "":
		return usagef("diff: --credentials-b is for a second endpoint, not --recordings")
	}
	base, err := loadBaseline(*baselineFile)
	if err != nil {
		return err
	}
	if err := files.check(*record, *writeBaseline); err != nil {
		return err
	}
	if *rowsFile != "" && !isStdout(*rowsFile) {
		if err := writableFile(*rowsFile); err != nil {
			return usagef("diff: --rows: %w", err)
		}
	}
	c, err := diffContract(*vendor, *profile)
	if err != nil {
		return err
	}
	if *recordings != "" {
		if tapes, _ := filepath.Glob(filepath.Join(*recordings, "*.tape")); len(tapes) != 1 {
			return usagef("diff: --recordings %s holds %d tapes, not the one of a recorded run (runner run --record)", *recordings, len(tapes))
		}
	}
	work := *record
	if work != "" {
		// A side's run must not find another run's recordings there.
		for _, side := range []string{"a", "b"} {
			if entries, _ := os.ReadDir(filepath.Join(work, side)); len(entries) > 0 {
				return usagef("diff: --record %s already holds a run in %s: give a new directory", work, side)
			}
		}
	}
	if work == "" {
		if work, err = os.MkdirTemp("", "gsc-diff-"); err != nil {
			return err
		}
		defer os.RemoveAll(work)
	}
	var passed []string
	fs.Visit(func(f *flag.Flag) {
		if slices.Contains(diffPassed, f.Name) {
			passed = append(passed, "--"+f.Name+"="+f.Value.String())
		}
	})
	sides := []diffSide{{label: "A", endpoint: endpoints[0], creds: *credsA, dir: filepath.Join(work, "a")}}
	if *recordings != "" {
		sides = append(sides, diffSide{label: "B", dir: *recordings, recorded: true})
	} else {
		sides = append(sides, diffSide{label: "B", endpoint: endpoints[1], creds: cmpOr(*credsB, *credsA), dir: filepath.Join(work, "b"), envB: true})
	}
	// One signal handler for the command: each signal goes to the side
	// running, which stops, cleans up and exits as runner run does.
	sigs := make(chan os.Signal, 2)
	signal.Notify(sigs, os.Interrupt, syscall.SIGTERM)
	defer signal.Stop(sigs)
	loaded := make([]*diff.Side, 2)
	order := []int{0, 1}
	if *recordings != "" {
		order = []int{1, 0} // the recorded side first: it creates nothing, and may not do
	}
	for _, i := range order {
		s := &sides[i]
		if err := s.run(*vendor, passed, work, sigs, stderr); err != nil {
			return err
		}
		if loaded[i], err = diff.LoadSide(s.dir, s.results); err != nil {
			return fmt.Errorf("diff: side %s: %w", s.label, err)
		}
		for _, rec := range loaded[i].Recordings {
			if v := rec.Vendor(); v != *vendor {
				return usagef("diff: side %s: %s is a recording of %s, not of --vendor %s", s.label, rec.File, v, *vendor)
			}
		}
	}
	rows := diff.Compare(loaded[0], loaded[1], c)
	// The differences go to standard output, unless a report does.
	text := stdout
	toStdout := func(name string) bool { return name == "-" || (name != "" && isStdout(name)) }
	if slices.ContainsFunc([]string{files.junit, files.results, files.markdown, files.html, *rowsFile, *writeBaseline}, toStdout) {
		text = stderr
	}
	if err := diff.WriteText(text, rows); err != nil {
		return err
	}
	if *rowsFile != "" {
		data, err := json.MarshalIndent(rows, "", "  ")
		if err != nil {
			return err
		}
		if err := writeOutput(*rowsFile, append(data, '\n'), stdout); err != nil {
			return fmt.Errorf("--rows: %w", err)
		}
	}
	run := &outcome.Run{
		Title: "GET Service diff: " + *name, RunID: loaded[0].RunID + " vs " + loaded[1].RunID,
		Started: started, Duration: time.Since(started), Results: diff.Results(rows, *name, *vendor),
		Requests: sides[0].results.Requests + sides[1].results.Requests,
	}
	// What the baseline accepts shows as accepted, as in runner run's
	// reports; the gate and --write-baseline judge what was found.
	acceptOutcomes(run, base, *baselineFile)
	if err := files.write(run, stderr); err != nil {
		return fmt.Errorf("writing reports: %w", err)
	}
	if err := writeSpecBaseline(*writeBaseline, run, stdout, stderr); err != nil {
		return err
	}
	return judgeRun(run, base, *baselineFile, baseline.Result{}, *gf, stderr)
}

func cmpOr(a, b string) string {
	if a != "" {
		return a
	}
	return b
}

// diffContract is the vendor's contract, or one with the user's profile.
func diffContract(vendor, profile string) (*contract.Contract, error) {
	var contracts fs.FS = schemas.FS
	if profile != "" {
		contracts = profileOverlay{FS: schemas.FS, name: vendor + "/profile.json", file: profile}
	}
	return contract.Load(contracts, vendor)
}

// diffSide is one side of a diff: an endpoint the runner runs the live
// specs against, or a recorded run it plays back for the verdicts.
type diffSide struct {
	label, endpoint, creds, dir string
	recorded                    bool // dir is a recorded run
	envB                        bool // the GSC_B_ variables are this side's
	results                     *outcome.Run
}

// run runs the side in a runner process of its own (Ginkgo runs once per
// process), in its own process group so that a signal at the terminal
// reaches this command only, which hands it on once.
func (s *diffSide) run(vendor string, passed []string, work string, sigs chan os.Signal, stderr io.Writer) error {
	self, err := os.Executable()
	if err != nil {
		return fmt.Errorf("diff: finding the runner's own executable: %w", err)
	}
	results := filepath.Join(work, strings.ToLower(s.label)+"-results.json")
	var args []string
	if s.recorded {
		args = []string{"check", "--results", results, s.dir}
		fmt.Fprintf(stderr, "side %s: the recorded run in %s, played back\n", s.label, shownPath(s.dir))
	} else {
		args = append([]string{"run", "--vendor", vendor, "--endpoint", s.endpoint, "--record", s.dir, "--results", results, "--junit", ""}, passed...)
		if s.creds != "" {
			args = append(args, "--credentials", s.creds)
		}
		fmt.Fprintf(stderr, "side %s: %s\n", s.label, redactURL(s.endpoint))
	}
	cmd := exec.Command(self, args...)
	cmd.Env = sideEnv(os.Environ(), s.envB)
	ownProcessGroup(cmd)
	shown := &sideOutput{w: stderr, prefix: "  " + s.label + ": "}
	defer shown.flush()
	cmd.Stdout = io.Discard
	cmd.Stderr = shown
	if err := cmd.Start(); err != nil {
		return fmt.Errorf("diff: side %s: %w", s.label, err)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	var got os.Signal
	for waiting := true; waiting; {
		select {
		case sig := <-sigs:
			got = firstSignal(got, sig)
			cmd.Process.Signal(sig)
		case err = <-done:
			waiting = false
		}
	}
	code := cmd.ProcessState.ExitCode()
	var exit *exec.ExitError
	if err != nil && !errors.As(err, &exit) {
		return fmt.Errorf("diff: side %s: %w", s.label, err)
	}
	switch {
	case got != nil:
		return interrupted{got.(syscall.Signal), fmt.Sprintf("interrupted by %s during side %s's run (its own cleanup is above)", signalName(got), s.label)}
	case code == 130 || code == 143:
		return interrupted{syscall.Signal(code - 128), fmt.Sprintf("side %s's run was interrupted", s.label)}
	case code != exitClean && code != exitFindings:
		return fmt.Errorf("diff: side %s could not be judged (its run exited %d): see above", s.label, code)
	}
	if s.results, err = outcome.Load(results); err != nil {
		return fmt.Errorf("diff: side %s: %w", s.label, err)
	}
	return nil
}

// firstSignal keeps the first signal.
func firstSignal(first, next os.Signal) os.Signal {
	if first != nil {
		return first
	}
	return next
}

// sideEnv is the environment of a side's run: B's has each GSC_B_
// variable under its own name, over A's; A's has none of them.
func sideEnv(env []string, b bool) []string {
	var out, over []string
	for _, kv := range env {
		if rest, ok := strings.CutPrefix(kv, sideBEnvPrefix); ok {
			if b {
				over = append(over, rest)
			}
			continue
		}
		out = append(out, kv)
	}
	return append(out, over...) // the last of a name wins
}

// sideOutput shows a side's run's output, each line after prefix, but
// for the lines that name the files the diff writes for itself (its
// temporary results), which are no concern of the user's.
type sideOutput struct {
	w      io.Writer
	prefix string
	line   []byte
}

func (o *sideOutput) Write(b []byte) (int, error) {
	for _, c := range b {
		o.line = append(o.line, c)
		if c == '\n' {
			if err := o.flush(); err != nil {
				return 0, err
			}
		}
	}
	return len(b), nil
}

// flush writes the line in hand, if any.
func (o *sideOutput) flush() error {
	line := o.line
	o.line = o.line[:0]
	if len(line) == 0 || bytes.HasPrefix(line, []byte("wrote ")) {
		return nil
	}
	if line[len(line)-1] != '\n' {
		line = append(line, '\n')
	}
	_, err := fmt.Fprintf(o.w, "%s%s", o.prefix, line)
	return err
}
