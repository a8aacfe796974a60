// Command runner checks GET Service (ListBuckets) exchanges against the
// vendors' contracts: recorded ones (runner check), live endpoints (runner
// run) and every vendor's reference endpoint (runner conformance). The
// commands are listed in commands.go; "runner help COMMAND" describes one.
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

func main() {
	os.Exit(run(os.Args[1:], os.Stdout, os.Stderr))
}

// flagOutput is where a command's flag set prints: nowhere, since help
// and flag errors are printed by run (help.go).
var flagOutput io.Writer = io.Discard

func run(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stderr, usage())
		return exitUsage
	}
	// Commands are entries of the table in commands.go; a case here is
	// for what is not a command.
	var c command
	var err error
	switch name := args[0]; name {
	case "-h", "-help", "--help":
		fmt.Fprintln(stdout, usage())
		return exitClean
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, version())
		return exitClean
	case "help":
		return runHelp(args[1:], stdout, stderr)
	default:
		var ok bool
		if c, ok = lookup(name); ok && c.run != nil {
			err = c.run(args[1:], stdout, stderr)
		} else {
			// The usage printed is that of the command meant, if one is near.
			c, _ = lookup(closestCommand(name))
			err = unknownCommand(name)
		}
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
	case errors.Is(err, flag.ErrHelp):
		printHelp(stdout, c)
		return exitClean
	case errors.As(err, &ue):
		fmt.Fprintf(stderr, "runner: %v\n%s\n", err, commandUsage(c))
		return exitUsage
	default:
		fmt.Fprintf(stderr, "runner: %v\n", err)
		return exitUsage
	}
}

// interruptible returns a context cancelled by SIGINT or SIGTERM, for a
// command that has nothing to clean up (serve).
func interruptible() (context.Context, context.CancelFunc) {
	s := catchSignals(io.Discard, "")
	return s.ctx, s.stop
}
