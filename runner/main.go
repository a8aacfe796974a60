// Command runner checks GET Service (ListBuckets) exchanges against the
// vendors' contracts.
//
//	runner check [--vendor V] [--format text|json|sarif] [--baseline FILE] [--strict-baseline] [--fail-on error|warning] [--results FILE] [--junit FILE] [--markdown FILE] [--html FILE] FILE|DIR...
//	runner conformance [--baseline FILE] [--junit FILE] [--label-filter EXPR] [FILE|DIR...]
//
//	runner cleanup --vendor V --endpoint URL (--run ID | --all-runs) [--yes]
//	runner replay RECORDING [--exchange N]
//	runner sign --vendor V [--signature D] [--region R] [--tamper T] METHOD URL [-H 'Name: value']...
//
// Exit codes: 0 clean (or within the baseline), 1 findings at error
// severity outside the baseline (or a failed spec), 2 usage or unreadable
// input, 130 and 143 interrupted by SIGINT and SIGTERM.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/debug"
	"slices"
)

// Exit codes.
const (
	exitClean    = 0
	exitFindings = 1
	exitUsage    = 2
)

// usageError is a mistake in how the runner was called.
type usageError struct{ err error }

func (e usageError) Error() string { return e.err.Error() }
func (e usageError) Unwrap() error { return e.err }

func usagef(format string, args ...any) error { return usageError{fmt.Errorf(format, args...)} }

// errFindings says the run completed and found what fails it.
var errFindings = errors.New("findings outside the baseline")

const usage = `usage:
  runner check [--vendor V] [--format text|json|sarif] [--baseline FILE] [--strict-baseline] [--fail-on error|warning] [--results FILE] [--junit FILE] [--markdown FILE] [--html FILE] FILE|DIR...
  runner conformance [--baseline FILE] [--strict-baseline] [REPORTS] [--label-filter EXPR] [-v] [FILE|DIR...]
  runner run --vendor V --endpoint URL [--name NAME] [--baseline FILE] [--strict-baseline] [REPORTS] [--label-filter EXPR] [-v] ...
  runner explore --vendor V --endpoint URL [--seed N] [--requests N] [--duration D] [--record DIR] [--baseline FILE] [REPORTS] ...
  runner matrix [--markdown FILE] [--html FILE] [--junit FILE] [--title T] RESULTS.json...
  runner cleanup --vendor V --endpoint URL (--run ID | --all-runs) [--yes] ...
  runner replay RECORDING [--exchange N] [--endpoint URL] ...
  runner sign --vendor V [--signature D] [--region R] [--tamper T] [--data BODY] METHOD URL [-H 'Name: value']...
  runner serve --vendor V [--addr 127.0.0.1:PORT] [--fault NAME]...
  runner version
REPORTS: --junit FILE --results FILE --markdown FILE --html FILE (FILE "-": standard output)
Run "runner COMMAND -h" for a command's flags.`

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// flagOutput is where a command's flag set prints its flags: nowhere,
// but for -h.
var flagOutput io.Writer = io.Discard

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage)
		return exitUsage
	}
	help := slices.ContainsFunc(args[1:], func(a string) bool { return a == "-h" || a == "-help" || a == "--help" })
	if help {
		flagOutput = stdout
		defer func() { flagOutput = io.Discard }()
	}
	var err error
	switch args[0] {
	case "check":
		err = runCheck(args[1:], stdout, stderr)
	case "conformance":
		err = runConformance(args[1:], stdout, stderr)
	case "run":
		err = runLive(args[1:], stdout, stderr)
	case "explore":
		err = runExplore(args[1:], stdout, stderr)
	case "matrix":
		err = runMatrix(args[1:], stdout, stderr)
	case "cleanup":
		err = runCleanup(args[1:], stdout, stderr)
	case "serve":
		err = runServe(args[1:], stdout, stderr)
	case "replay":
		err = runReplay(args[1:], stdout, stderr)
	case "sign":
		err = runSign(args[1:], stdout, stderr)
	case "version":
		fmt.Fprintln(stdout, version())
		return exitClean
	case "-h", "-help", "--help", "help":
		fmt.Fprintln(stdout, usage)
		return exitClean
	default:
		err = usagef("unknown command %q", args[0])
	}
	var ue usageError
	var ie interrupted
	switch {
	case err == nil:
		return exitClean
	case errors.As(err, &ie):
		fmt.Fprintf(stderr, "runner: %v\n", err)
		return 128 + int(ie.sig)
	case errors.Is(err, errFindings):
		return exitFindings
	case help && errors.Is(err, flag.ErrHelp):
		return exitClean
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "runner: %v\n%s\n", err, usage)
		return exitUsage
	default:
		fmt.Fprintf(stderr, "runner: %v\n", err)
		return exitUsage
	}
}

// version is the module version the binary was built from: the tag with
// go install <module>/runner@<version>, "(devel)" from a checkout.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "runner (unknown version)"
	}
	return fmt.Sprintf("runner %s (%s, %s)", info.Main.Version, info.Main.Path, info.GoVersion)
}

// interruptible returns a context cancelled by SIGINT or SIGTERM, for a
// command that has nothing to clean up (serve).
func interruptible() (context.Context, context.CancelFunc) {
	s := catchSignals(io.Discard, "")
	return s.ctx, s.stop
}
