package main

import (
	"errors"
	"flag"
	"fmt"
	"io"
	"strings"
	"sync"
)

// command is one of the runner's commands. Its flags are defined where it
// reads them, in its run function; help, completion and the README test
// get them by running it with --help, which parseInterleaved answers by
// keeping the flag set and returning flag.ErrHelp before anything runs.
type command struct {
	name     string
	summary  string // one line, for the command list
	synopsis string // the usage line after "runner NAME"
	// args describes the positional arguments, one "NAME  meaning" a line.
	args        string
	description string
	examples    []string
	run         func(args []string, stdout, stderr io.Writer) error
}

// commands is every command, in the order help lists them. A new command
// is one entry here and its own file.
var commands = []command{
	{
		name: "check", summary: "judge recorded exchanges against their vendors' contracts, offline",
		synopsis:    "[flags] FILE|DIR...",
		args:        "FILE|DIR  recordings (.txtar) or directories of them; a directory holding a run's tape also plays the live specs back",
		description: "Reads each recording and prints every finding with its place (file, line, column, JSON pointer or XPath). Exit 1 on a finding at error severity outside the baseline.",
		examples: []string{
			"runner check fixtures/docs",
			"runner check fixtures/docs/cos --format json",
			"runner check --baseline fixtures/docs/baseline.txt --format sarif fixtures/docs > reports/check.sarif",
		},
		run: runCheck,
	},
	{
		name: "convert", summary: "write HAR files, go-vcr cassettes and curl output as recordings (or recordings as HAR), secrets masked",
		synopsis:    "--out DIR [--to txtar|har] [--vendor V] FILE...",
		args:        "FILE  HAR 1.2 files, go-vcr cassettes, curl -i/-v output, or recordings (.txtar) with --to har",
		description: "Picks out the GET Service exchanges of each capture (by host, path and shape; --vendor to force), writes one redacted txtar recording per host (one walk), and lists the entries it could not place. With --to har, writes recordings and captures as HTTP Archives.",
		examples: []string{
			"runner convert --out recordings/ session.har",
			"runner convert --out recordings/ --vendor s3 testdata/cassette.yaml",
			"runner convert --to har --out har/ reports/run/",
		},
		run: runConvert,
	},
	{
		name: "conformance", summary: "run every vendor's specs against its in-process reference endpoint and the recordings",
		synopsis:    "[flags] [FILE|DIR...]",
		args:        "FILE|DIR  recordings to judge (default: the embedded docs and valid fixtures)",
		description: "Starts every vendor's reference endpoint on loopback, runs the live specs against it and judges the recordings: no credentials, no network.",
		examples: []string{
			"runner conformance --baseline fixtures/docs/baseline.txt --html reports/conformance.html",
			"runner conformance --label-filter 'cos && pagination'",
			"runner conformance --focus s3 --fail-fast",
		},
		run: runConformance,
	},
	{
		name: "run", summary: "run a vendor's live specs against an endpoint",
		synopsis:    "--vendor V --endpoint URL [flags]",
		description: "Signs real GET Service requests, creates the run's own buckets (unless --read-only), judges every answer and deletes what it created on every exit path. Credentials come from the environment, a --credentials file, or the vendor's own configuration files, never from a flag.",
		examples: []string{
			"runner run --vendor s3 --endpoint https://s3.us-east-1.amazonaws.com --region us-east-1 --profile ci",
			"runner run --vendor cos --endpoint https://service.cos.myqcloud.com --label-filter auth --fail-fast",
			"runner run --vendor s3 --endpoint http://127.0.0.1:7070 --rerun-failed reports/results.json",
		},
		run: runLive,
	},
	{
		name: "list", summary: "list the live specs: id, title and labels",
		synopsis:    "[--vendor V] [--label-filter EXPR] [--focus ID|REGEX] [--format text|json]",
		description: "Prints the live specs runner run would run for each vendor (or one), as the selection flags narrow them: the ids are what baselines and --focus name.",
		examples: []string{
			"runner list --vendor s3",
			"runner list --vendor cos --label-filter pagination",
			"runner list --format json",
		},
		run: runList,
	},
	{
		name: "explore", summary: "generated runs on the run's own buckets, judged against a model, failures shrunk to a reproduction",
		synopsis:    "--vendor V --endpoint URL [--seed N] [--requests N | --duration D] [flags]",
		description: "A stateful property-based run (pgregory.net/rapid): creates and deletes buckets of every legal shape, walks the listing with random page sizes, prefixes, regions and markers, and changes the listing between pages; after every step every property the contract promises is checked against a model. A failure is shrunk to the shortest sequence that still fails, printed as numbered steps with curl or runner replay lines and its seed; every bucket it made is deleted on every exit path.",
		examples: []string{
			"runner explore --vendor s3 --endpoint http://127.0.0.1:7070 --requests 500",
			"runner explore --vendor s3 --endpoint http://127.0.0.1:7070 --seed 1001 --record explored/",
			"runner explore --vendor cos --endpoint https://service.cos.myqcloud.com --duration 10m --junit reports/explore.xml",
		},
		run: runExplore,
	},
	{
		name: "diff", summary: "run the live specs against two endpoints (or one and a recorded run) and compare them request by request",
		synopsis:    "--vendor V --endpoint A (--endpoint B | --recordings DIR) [flags]",
		description: "Runs the live specs against each side in a runner run of its own (its own buckets, deleted on every exit path), masks what must differ (ids, dates, owners, tokens, the run's bucket names), and classifies each difference: a contract violation on one side, a capability one side lacks, or a variance the contract allows. Gated by a baseline like any run.",
		examples: []string{
			"runner diff --vendor s3 --endpoint http://127.0.0.1:9001 --endpoint http://127.0.0.1:9002",
			"runner diff --vendor s3 --endpoint http://127.0.0.1:7070 --recordings recorded/aws --html reports/diff.html",
			"runner diff --vendor cos --endpoint https://cos.example --endpoint https://service.cos.myqcloud.com --credentials-b b.json",
		},
		run: runDiff,
	},
	{
		name: "proxy", summary: "stand between a client and an endpoint and judge the GET Service traffic that passes",
		synopsis:    "--vendor V --upstream URL [--listen 127.0.0.1:PORT] [flags]",
		description: "A reverse proxy any client points at instead of the endpoint: every exchange passes through unchanged (the Host the client signed for is kept); each GET Service page is checked as it passes, the pages of a client's walk judged as one walk; findings print as they happen, redacted; reports are written when it stops (SIGINT, SIGTERM, --timeout or --once).",
		examples: []string{
			"runner proxy --vendor s3 --upstream http://127.0.0.1:9000 --listen 127.0.0.1:8080",
			"runner proxy --vendor cos --upstream https://service.cos.myqcloud.com --once --junit reports/proxy.xml",
			"runner proxy --vendor s3 --upstream http://127.0.0.1:7070 --record recorded/ --timeout 10m",
		},
		run: runProxy,
	},
	{
		name: "matrix", summary: "join the results of several runs into one matrix",
		synopsis:    "[flags] RESULTS.json...",
		args:        "RESULTS.json  files written by --results",
		description: "Reads the results of several runs and writes one report with a column per target.",
		examples: []string{
			"runner matrix --markdown reports/matrix.md a.json b.json",
			"runner matrix --html reports/matrix.html --title 'S3 servers' reports/interop/*.json",
		},
		run: runMatrix,
	},
	{
		name: "cleanup", summary: "find and delete the buckets an interrupted run left",
		synopsis:    "--vendor V --endpoint URL (--run ID | --all-runs) [--yes] [flags]",
		description: "Walks the whole listing and matches only the run pattern (gsc-, 8 hex digits, -NN); deletes nothing without --yes.",
		examples: []string{
			"runner cleanup --vendor s3 --endpoint URL --run gsc-0123abcd",
			"runner cleanup --vendor s3 --endpoint URL --run gsc-0123abcd --yes",
			"runner cleanup --vendor s3 --endpoint URL --all-runs",
		},
		run: runCleanup,
	},
	{
		name: "replay", summary: "send one recorded exchange again, signed anew",
		synopsis:    "RECORDING [--exchange N] [flags]",
		args:        "RECORDING  a recording written by runner run --record",
		description: "Sends exchange N of a recording again, signed with the current keys and spoilt as the recording says, and prints the response.",
		examples: []string{
			"runner replay recorded/s3-list.txtar",
			"runner replay recorded/s3-auth.txtar --exchange 2 --endpoint http://127.0.0.1:9000",
		},
		run: runReplay,
	},
	{
		name: "sign", summary: "print the headers that sign a request, for curl -H @-",
		synopsis:    "--vendor V [flags] METHOD URL [-H 'Name: value']...",
		args:        "METHOD  the HTTP method\nURL     the request's URL",
		description: "Signs a request in the vendor's dialect with its official signer and prints the signing headers, one a line; a presigning --tamper prints the URL.",
		examples: []string{
			"runner sign --vendor cos GET 'https://service.cos.myqcloud.com/' | curl -sS -i -H @- 'https://service.cos.myqcloud.com/'",
			"runner sign --vendor s3 --tamper presignedExpired GET 'https://s3.amazonaws.com/'",
		},
		run: runSign,
	},
	{
		name: "serve", summary: "start a vendor's reference endpoint on loopback",
		synopsis:    "--vendor V [--addr 127.0.0.1:PORT] [--fault NAME]...",
		description: "Answers GET Service, bucket create and delete and tagging as the contract says, or breaks it in the named ways.",
		examples: []string{
			"runner serve --vendor s3 --addr 127.0.0.1:9000",
			"runner serve --vendor cos --fault help",
		},
		run: runServe,
	},
	{
		name: "completion", summary: "print a shell completion script",
		synopsis:    "bash|zsh|fish",
		args:        "SHELL  bash, zsh or fish",
		description: "Prints a script that completes commands, flags and flag values; load it in the shell's start-up file.",
		examples: []string{
			"source <(runner completion bash)",
			"runner completion zsh > \"${fpath[1]}/_runner\"",
			"runner completion fish > ~/.config/fish/completions/runner.fish",
		},
		run: nil, // runCompletion, set by init: it reads this table
	},
	{
		name: "help", summary: "describe a command: its flags, arguments and examples",
		synopsis: "[COMMAND]",
		args:     "COMMAND  the command to describe",
		examples: []string{"runner help run", "runner run -h"},
		run:      nil, // answered by run itself
	},
	{
		name: "version", summary: "print the runner's version",
		examples: []string{"runner version", "runner --version"},
		run:      nil, // answered by run itself
	},
}

// lookup finds a command by name.
func lookup(name string) (command, bool) {
	for _, c := range commands {
		if c.name == name {
			return c, true
		}
	}
	return command{}, false
}

// collected keeps the flag set a command defined when parseInterleaved
// met --help, so that help can print it.
var collected struct {
	sync.Mutex
	fs *flag.FlagSet
}

// flagsOf returns the flags a command defines, or nil for one that has
// none or does not parse with parseInterleaved.
func flagsOf(c command) *flag.FlagSet {
	if c.run == nil {
		return nil
	}
	collected.Lock()
	defer collected.Unlock()
	collected.fs = nil
	// --help stops every command at its flag parsing, before it acts.
	c.run([]string{"--help"}, io.Discard, io.Discard)
	fs := collected.fs
	collected.fs = nil
	return fs
}

// parseInterleaved parses flags that may come before, between or after
// the positional arguments (runner check DIR --format json) and returns
// the positional ones; after "--" everything is positional. -h, -help
// and --help return flag.ErrHelp; an unknown flag says which one is
// closest.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	fs.SetOutput(io.Discard) // help and errors are the runner's to print
	fs.Usage = func() {}
	var flags, positional []string
	for i := 0; i < len(args); i++ {
		a := args[i]
		if a == "--" {
			positional = append(positional, args[i+1:]...)
			break
		}
		if len(a) < 2 || a[0] != '-' {
			positional = append(positional, a)
			continue
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		if (name == "h" || name == "help") && fs.Lookup(name) == nil {
			collected.fs = fs
			return nil, flag.ErrHelp
		}
		flags = append(flags, a)
		f := fs.Lookup(name)
		if f == nil {
			return nil, unknownFlag(fs, name)
		}
		if !hasValue && !isBool(f) && i+1 < len(args) {
			flags = append(flags, args[i+1])
			i++
		}
	}
	if err := fs.Parse(flags); err != nil {
		return nil, err
	}
	return positional, nil
}

// isBool says whether a flag takes no value (-v, not -v true).
func isBool(f *flag.Flag) bool {
	b, ok := f.Value.(interface{ IsBoolFlag() bool })
	return ok && b.IsBoolFlag()
}

// unknownFlag names the flag closest to one not defined.
func unknownFlag(fs *flag.FlagSet, name string) error {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	msg := fmt.Sprintf("unknown flag %s", dashed(name))
	if near := closest(name, names); near != "" {
		msg += fmt.Sprintf(" (did you mean %s?)", dashed(near))
	}
	return errors.New(msg)
}

// dashed writes a flag as people type it: -v, --label-filter.
func dashed(name string) string {
	if len(name) == 1 {
		return "-" + name
	}
	return "--" + name
}

// closest is the candidate nearest to s, if one is near enough to be
// what was meant: a prefix of it, or a few edits away.
func closest(s string, candidates []string) string {
	best, bestDist := "", 0
	for _, c := range candidates {
		d := distance(s, c)
		if len(s) >= 3 && strings.HasPrefix(c, s) {
			d = 1
		}
		if best == "" || d < bestDist {
			best, bestDist = c, d
		}
	}
	if best == "" || len(s) < 3 || bestDist > max(2, len(s)/3) {
		return ""
	}
	return best
}

// distance is the Levenshtein distance between a and b, with a swap of
// two neighbours counted as one edit (chekc, check).
func distance(a, b string) int {
	ra, rb := []rune(a), []rune(b)
	d := make([][]int, len(ra)+1)
	for i := range d {
		d[i] = make([]int, len(rb)+1)
		d[i][0] = i
	}
	for j := range d[0] {
		d[0][j] = j
	}
	for i := 1; i <= len(ra); i++ {
		for j := 1; j <= len(rb); j++ {
			cost := 1
			if ra[i-1] == rb[j-1] {
				cost = 0
			}
			d[i][j] = min(d[i-1][j]+1, d[i][j-1]+1, d[i-1][j-1]+cost)
			if i > 1 && j > 1 && ra[i-1] == rb[j-2] && ra[i-2] == rb[j-1] {
				d[i][j] = min(d[i][j], d[i-2][j-2]+1)
			}
		}
	}
	return d[len(ra)][len(rb)]
}

// newFlagSet is a command's flag set; parseInterleaved parses it.
func newFlagSet(name string) *flag.FlagSet {
	return flag.NewFlagSet(name, flag.ContinueOnError)
}

// flagNames lists a flag set's names in order.
func flagNames(fs *flag.FlagSet) []string {
	var names []string
	fs.VisitAll(func(f *flag.Flag) { names = append(names, f.Name) })
	return names
}
