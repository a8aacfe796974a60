// Package baseline reads the list of accepted findings and splits a run's
// findings into new ones (which fail the run) and accepted ones, and names
// the entries that no longer occur.
//
// A baseline file has one entry per line:
//
//	FILE CHECK-ID EXCHANGE WHERE [reason...]
//
// the same four fields a finding's key has (finding.Key), then free text
// saying why it is accepted. Blank lines and lines starting with # are
// ignored.
package baseline

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"

	"github.com/getservice-conformance/gsc/internal/finding"
)

// Entry is one accepted finding.
type Entry struct {
	Key    finding.Key
	Reason string
	Line   int // in the baseline file
}

// Baseline is a set of accepted findings.
type Baseline struct {
	File    string
	Entries []Entry
}

// Load reads a baseline file.
func Load(file string) (*Baseline, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, data)
}

// Parse reads baseline entries from data.
func Parse(file string, data []byte) (*Baseline, error) {
	b := &Baseline{File: file}
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		f := strings.Fields(line)
		if len(f) < 4 {
			return nil, fmt.Errorf("%s:%d: want FILE CHECK-ID EXCHANGE WHERE [reason]", file, n)
		}
		ex, err := strconv.Atoi(f[2])
		if err != nil {
			return nil, fmt.Errorf("%s:%d: exchange %q is not a number", file, n, f[2])
		}
		if !finding.Known(f[1]) {
			return nil, fmt.Errorf("%s:%d: unknown check id %q", file, n, f[1])
		}
		b.Entries = append(b.Entries, Entry{
			Key:    finding.Key{File: f[0], Check: f[1], Exchange: ex, Where: f[3]},
			Reason: strings.Join(f[4:], " "),
			Line:   n,
		})
	}
	return b, sc.Err()
}

// Result is a run's findings judged against a baseline.
type Result struct {
	New      []finding.Finding // not in the baseline: they fail the run
	Accepted []finding.Finding // in the baseline: shown, not failing
	Stale    []Entry           // in the baseline but no longer found
}

// Compare judges findings against b. A nil baseline accepts nothing.
// Only entries whose file was checked can be stale.
func (b *Baseline) Compare(findings []finding.Finding, checked map[string]bool) Result {
	var r Result
	accepted := map[finding.Key]bool{}
	if b != nil {
		for _, e := range b.Entries {
			accepted[e.Key] = true
		}
	}
	found := map[finding.Key]bool{}
	for _, f := range findings {
		k := f.Key()
		found[k] = true
		if accepted[k] {
			r.Accepted = append(r.Accepted, f)
		} else {
			r.New = append(r.New, f)
		}
	}
	if b != nil {
		for _, e := range b.Entries {
			if !found[e.Key] && (checked == nil || checked[e.Key.File]) {
				r.Stale = append(r.Stale, e)
			}
		}
	}
	sort.SliceStable(r.Stale, func(i, j int) bool { return r.Stale[i].Line < r.Stale[j].Line })
	return r
}

// Format writes findings as baseline entries, their messages as reasons.
func Format(findings []finding.Finding) []byte {
	var buf bytes.Buffer
	for _, f := range findings {
		fmt.Fprintf(&buf, "%s %s\n", f.Key(), f.Message)
	}
	return buf.Bytes()
}
