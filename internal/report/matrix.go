package report

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// matrix lays a run out as specs (rows, in first-seen order) by targets
// (columns, in first-seen order), the shape both the Markdown and the
// HTML report show.
type matrix struct {
	targets []string
	specs   []string
	cells   [][]cell // [spec][target]
}

// cell is what one spec came to against one target. A spec may run more
// than once against a target (a table entry repeated); the cell then
// shows the worst status and keeps every result.
type cell struct {
	status  outcome.Status // "" when the spec did not run for the target
	results []*outcome.Result
}

// rank orders statuses from least to most worth a reader's attention.
func rank(s outcome.Status) int {
	switch s {
	case outcome.Skipped:
		return 1
	case outcome.Pass:
		return 2
	case outcome.Unsupported:
		return 3
	case outcome.Error:
		return 4
	case outcome.Fail:
		return 5
	}
	return 0 // an unknown status, or none
}

func newMatrix(run *outcome.Run) *matrix {
	m := &matrix{targets: run.Targets()}
	row := map[string]int{}
	for i := range run.Results {
		res := &run.Results[i]
		r, ok := row[res.Spec]
		if !ok {
			r = len(m.specs)
			row[res.Spec] = r
			m.specs = append(m.specs, res.Spec)
			m.cells = append(m.cells, make([]cell, len(m.targets)))
		}
		c := &m.cells[r][slices.Index(m.targets, res.Target)]
		if c.results == nil || rank(res.Status) > rank(c.status) {
			c.status = res.Status
		}
		c.results = append(c.results, res)
	}
	return m
}

// summary is the one line the cell shows: that of its first result with
// the cell's status.
func (c cell) summary() string {
	for _, r := range c.results {
		if r.Status == c.status {
			return r.Summary
		}
	}
	return ""
}

// tally counts one target's results by status, in outcome.Statuses order.
func tally(run *outcome.Run, target string) []int {
	n := make([]int, len(outcome.Statuses))
	for _, r := range run.Results {
		if r.Target == target {
			if i := slices.Index(outcome.Statuses, r.Status); i >= 0 {
				n[i]++
			}
		}
	}
	return n
}

// tallyText reads "3 pass, 1 fail, 0 error, 0 unsupported, 2 skipped".
func tallyText(n []int) string {
	parts := make([]string, len(n))
	for i, s := range outcome.Statuses {
		parts[i] = fmt.Sprintf("%d %s", n[i], s)
	}
	return strings.Join(parts, ", ")
}

// when reads "started 2025-01-02 03:04:05 UTC, took 1.5s", leaving out
// what the run does not know.
func when(run *outcome.Run) string {
	var parts []string
	if !run.Started.IsZero() {
		parts = append(parts, "started "+run.Started.UTC().Format("2006-01-02 15:04:05 UTC"))
	}
	if run.Duration > 0 {
		parts = append(parts, "took "+run.Duration.Round(time.Millisecond).String())
	}
	return strings.Join(parts, ", ")
}

// Facts reads "run gsc-1a2b3c4d, 57 requests", leaving out what the run
// does not know.
func Facts(run *outcome.Run) string {
	var parts []string
	if run.RunID != "" {
		parts = append(parts, "run "+run.RunID)
	}
	if run.Requests == 1 {
		parts = append(parts, "1 request")
	} else if run.Requests > 0 {
		parts = append(parts, fmt.Sprintf("%d requests", run.Requests))
	}
	return strings.Join(parts, ", ")
}

// header is when the run was and its facts, as one clause:
// "started …, took 1.5s; run gsc-1a2b3c4d, 57 requests".
func header(run *outcome.Run) string {
	var parts []string
	for _, p := range []string{when(run), Facts(run)} {
		if p != "" {
			parts = append(parts, p)
		}
	}
	return strings.Join(parts, "; ")
}

func title(run *outcome.Run) string {
	if t := strings.TrimSpace(run.Title); t != "" {
		return t
	}
	return "GET Service conformance"
}
