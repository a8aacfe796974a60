package main

import (
	"flag"
	"fmt"
	"io"
	"runtime/debug"
	"strings"
	"text/tabwriter"
)

// usage is the runner's own help: every command and its summary.
func usage() string {
	var b strings.Builder
	b.WriteString("usage: runner COMMAND [flags] [arguments]\n\ncommands:\n")
	tw := tabwriter.NewWriter(&b, 0, 4, 2, ' ', 0)
	for _, c := range commands {
		fmt.Fprintf(tw, "  %s\t%s\n", c.name, c.summary)
	}
	tw.Flush()
	b.WriteString("\nRun \"runner help COMMAND\" or \"runner COMMAND -h\" for a command's flags, arguments and examples.\n")
	b.WriteString("Exit codes: 0 conforms (or within the baseline), 1 the target deviates, 2 could not judge (usage, input, endpoint), 130/143 interrupted.")
	return b.String()
}

// commandUsage is the usage line of one command, for a usage error: the
// command's own, not the whole list.
func commandUsage(c command) string {
	if c.name == "" {
		return usage()
	}
	return fmt.Sprintf("usage: runner %s %s\nRun \"runner help %s\" for its flags and examples.", c.name, c.synopsis, c.name)
}

// closestCommand is the command nearest to name, or "".
func closestCommand(name string) string {
	var names []string
	for _, c := range commands {
		names = append(names, c.name)
	}
	return closest(name, names)
}

// unknownCommand names the command closest to one that does not exist.
func unknownCommand(name string) error {
	if near := closestCommand(name); near != "" {
		return usagef("unknown command %q (did you mean %s?)", name, near)
	}
	return usagef("unknown command %q", name)
}

// runHelp is `runner help [COMMAND]`.
func runHelp(args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprintln(stdout, usage())
		return exitClean
	}
	c, ok := lookup(args[0])
	if !ok {
		fmt.Fprintf(stderr, "runner: help: %v\n%s\n", unknownCommand(args[0]), usage())
		return exitUsage
	}
	printHelp(stdout, c)
	return exitClean
}

// printHelp describes a command: what it does, its usage, every flag with
// its default, its positional arguments and examples.
func printHelp(w io.Writer, c command) {
	fmt.Fprintf(w, "runner %s: %s\n\nusage: runner %s %s\n", c.name, c.summary, c.name, c.synopsis)
	if c.description != "" {
		fmt.Fprintf(w, "\n%s\n", wrap(c.description, 78))
	}
	if fs := flagsOf(c); fs != nil && len(flagNames(fs)) > 0 {
		fmt.Fprintln(w, "\nflags:")
		tw := tabwriter.NewWriter(w, 0, 4, 2, ' ', 0)
		fs.VisitAll(func(f *flag.Flag) {
			fmt.Fprintf(tw, "  %s\t%s\n", flagSyntax(f), flagUsage(f))
		})
		tw.Flush()
	}
	if c.args != "" {
		fmt.Fprintln(w, "\narguments:")
		for _, line := range strings.Split(c.args, "\n") {
			fmt.Fprintf(w, "  %s\n", line)
		}
	}
	if len(c.examples) > 0 {
		fmt.Fprintln(w, "\nexamples:")
		for _, e := range c.examples {
			fmt.Fprintf(w, "  %s\n", e)
		}
	}
}

// flagSyntax is a flag as typed: --vendor V, -v, --timeout D.
func flagSyntax(f *flag.Flag) string {
	if isBool(f) {
		return dashed(f.Name)
	}
	return dashed(f.Name) + " " + valueName(f)
}

// valueNames are the placeholders of flags whose type says too little.
var valueNames = map[string]string{
	"vendor": "V", "endpoint": "URL", "region": "R", "signature": "D", "addressing": "path|virtual",
	"label-filter": "EXPR", "focus": "ID|REGEX", "format": "F", "fail-on": "S", "fault": "NAME",
	"addr": "HOST:PORT", "run": "ID", "name": "NAME", "title": "T", "tamper": "T", "data": "BODY",
	"H": "'Name: value'", "appid": "APPID", "profile": "NAME", "record": "DIR", "shell": "SHELL",
}

func valueName(f *flag.Flag) string {
	if n, ok := valueNames[f.Name]; ok {
		return n
	}
	kind, _ := flag.UnquoteUsage(f)
	switch kind {
	case "duration":
		return "D"
	case "int", "uint", "int64", "uint64", "float":
		return "N"
	}
	return "FILE"
}

// flagUsage is a flag's meaning and its default, when it has one.
func flagUsage(f *flag.Flag) string {
	_, text := flag.UnquoteUsage(f)
	switch f.DefValue {
	case "", "0", "false", "[]":
	default:
		text += fmt.Sprintf(" (default %s)", f.DefValue)
	}
	return text
}

// wrap breaks text into lines of at most width columns.
func wrap(text string, width int) string {
	var b strings.Builder
	n := 0
	for _, word := range strings.Fields(text) {
		if n > 0 && n+1+len(word) > width {
			b.WriteByte('\n')
			n = 0
		} else if n > 0 {
			b.WriteByte(' ')
			n++
		}
		b.WriteString(word)
		n += len(word)
	}
	return b.String()
}

// version is the module version the binary was built from: the tag or
// pseudo-version with go install <module>/runner@<version>, "(devel)"
// from a checkout, with the commit when the build recorded it.
func version() string {
	info, ok := debug.ReadBuildInfo()
	if !ok {
		return "runner (unknown version)"
	}
	v := fmt.Sprintf("runner %s (%s, %s", info.Main.Version, info.Main.Path, info.GoVersion)
	for _, s := range info.Settings {
		if s.Key == "vcs.revision" && len(s.Value) >= 12 {
			v += ", commit " + s.Value[:12]
		}
	}
	return v + ")"
}
