package main

import (
	"bytes"
	"flag"
	"os"
	"regexp"
	"slices"
	"strings"
	"testing"
)

var updateReadme = flag.Bool("update-readme", false, "rewrite the README's sample outputs from real runs")

// readme reads the README from the checkout's root.
func readme(t *testing.T) string {
	t.Helper()
	data, err := os.ReadFile("../README.md")
	if err != nil {
		t.Fatal(err)
	}
	return string(data)
}

// sampleOutput is a README block marked
//
//	<!-- stdout of: runner ARGS... -->  (or stderr of:)
//
// right before it: the output of that command, run from the checkout's
// root.
var sampleOutput = regexp.MustCompile("(?m)^<!-- (stdout|stderr) of: runner ([^\n]*) -->\n```\n((?s:.*?))```\n")

// The README's sample outputs are what the commands print: a test runs
// each, and -update-readme writes them anew.
func TestReadmeOutputs(t *testing.T) {
	text := readme(t)
	matches := sampleOutput.FindAllStringSubmatchIndex(text, -1)
	if len(matches) < 2 {
		t.Fatalf("the README has %d marked sample outputs, want at least 2", len(matches))
	}
	t.Chdir("..")
	var out strings.Builder
	last := 0
	for _, m := range matches {
		stream, command, shown := text[m[2]:m[3]], text[m[4]:m[5]], text[m[6]:m[7]]
		var stdout, stderr bytes.Buffer
		run(strings.Fields(command), &stdout, &stderr)
		got := stdout.String()
		if stream == "stderr" {
			got = stderr.String()
		}
		if got != shown {
			t.Errorf("README: the %s of runner %s is not as shown (go test ./runner -run TestReadmeOutputs -update-readme):\ngot:\n%s\nshown:\n%s", stream, command, got, shown)
		}
		out.WriteString(text[last:m[6]])
		out.WriteString(got)
		last = m[7]
	}
	out.WriteString(text[last:])
	if *updateReadme {
		if err := os.WriteFile("README.md", []byte(out.String()), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

// flagTable is a README table marked <!-- flags: COMMAND... --> on the
// line before it: a row per flag (or a few), the flags in the first cell.
var flagTable = regexp.MustCompile("(?m)^<!-- flags: ([a-z ]+) -->\n((?:\\|[^\n]*\n)+)")

var rowFlag = regexp.MustCompile("`(--?[A-Za-z][A-Za-z0-9-]*)")

// Every flag of every command has a row in a README table marked for that
// command, and every row names a flag one of its commands has.
func TestReadmeFlags(t *testing.T) {
	documented := map[string][]string{} // command -> flags with a row
	for _, m := range flagTable.FindAllStringSubmatch(readme(t), -1) {
		cmds := strings.Fields(m[1])
		var rows []string
		for _, line := range strings.Split(strings.TrimSpace(m[2]), "\n")[2:] {
			first := strings.SplitN(strings.Trim(line, "|"), " | ", 2)[0]
			for _, f := range rowFlag.FindAllStringSubmatch(first, -1) {
				rows = append(rows, strings.TrimLeft(f[1], "-"))
			}
		}
		var defined []string
		for _, name := range cmds {
			c, ok := lookup(name)
			if !ok {
				t.Errorf("README: a flag table is marked for runner %s, which does not exist", name)
				continue
			}
			if fs := flagsOf(c); fs != nil {
				defined = append(defined, flagNames(fs)...)
			}
			documented[name] = append(documented[name], rows...)
		}
		for _, r := range rows {
			if !slices.Contains(defined, r) {
				t.Errorf("README: the table marked <!-- flags: %s --> has a row for %s, which none of those commands has", m[1], dashed(r))
			}
		}
	}
	for _, c := range commands {
		fs := flagsOf(c)
		if fs == nil {
			if c.run != nil {
				t.Errorf("runner %s does not parse its flags with parseInterleaved: its help cannot list them", c.name)
			}
			continue
		}
		var missing []string
		for _, name := range flagNames(fs) {
			if !slices.Contains(documented[c.name], name) {
				missing = append(missing, dashed(name))
			}
		}
		if len(missing) > 0 {
			t.Errorf("README: runner %s -h lists flags without a row in a table marked <!-- flags: ... %s ... -->: %s", c.name, c.name, strings.Join(missing, ", "))
		}
	}
}
