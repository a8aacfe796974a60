// Package outcome is what a run of the specs comes to, in the terms the
// reports use: one Result per spec and target, with a status of pass,
// fail, error, unsupported or skipped, and for a failure the deviations
// that make it one. Every report (JUnit, Markdown, HTML, the compatibility
// matrix) and the spec baselines read this, never Ginkgo's report.
package outcome

import (
	"cmp"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"slices"
	"strings"
	"time"
)

// Status is how a spec ended against a target.
type Status string

const (
	Pass Status = "pass"
	Fail Status = "fail"
	// Error: the spec could not run, so it judged nothing: set-up failed,
	// the endpoint was unreachable or stalled, the run's deadline passed,
	// or the run was interrupted. Not the target's deviation, and no
	// baseline accepts it.
	Error Status = "error"
	// Unsupported: the target does not implement an optional capability
	// the spec exercises, and the spec saw evidence of that (for
	// instance a page size ignored: everything back, no token). It does
	// not fail a run.
	Unsupported Status = "unsupported"
	// Skipped: the spec does not apply (the contract documents no such
	// feature, --read-only, a label filter).
	Skipped Status = "skipped"
	// Accepted: the spec would fail (or end unsupported), and the
	// baseline accepts that: its findings or its outcome. The result's
	// Accepted says what, why and until when. It does not fail a run.
	Accepted Status = "accepted"
)

// Statuses lists the statuses in report order.
var Statuses = []Status{Pass, Fail, Error, Accepted, Unsupported, Skipped}

// Result is one spec against one target.
type Result struct {
	// Target is what the spec ran against: a server ("versitygw"), a
	// vendor's reference endpoint ("s3"), or a vendor's recordings
	// ("s3 recordings").
	Target string `json:"target"`
	Vendor string `json:"vendor"`
	// Spec is the spec's text without the target, its containers joined
	// by " / ": "pagination / walks every bucket once / page size 1".
	Spec string `json:"spec"`
	// ID names the spec in baselines: Spec as a lower-case slug.
	ID     string   `json:"id"`
	Labels []string `json:"labels,omitempty"`
	Status Status   `json:"status"`
	// Summary is one line for a matrix cell: the first deviation, the
	// reason it could not run, the skip reason or the unsupported
	// evidence.
	Summary string `json:"summary,omitempty"`
	// Message is the whole failure message or skip reason.
	Message    string        `json:"message,omitempty"`
	Deviations []Deviation   `json:"deviations,omitempty"`
	Location   string        `json:"location,omitempty"` // the spec's source, file:line
	Duration   time.Duration `json:"duration"`
	// Output is what the spec wrote to GinkgoWriter: its exchanges'
	// findings, accepted findings, retries.
	Output string `json:"output,omitempty"`
	// Accepted is what the baseline accepts of this spec: each finding,
	// or the outcome itself. The status is Accepted when, without them,
	// the spec would have failed.
	Accepted []Acceptance `json:"accepted,omitempty"`
}

// Own is the status the spec came to before any baseline: an accepted
// outcome's own (fail or unsupported); else Status.
func (r *Result) Own() Status {
	if r.Status == Accepted {
		for _, a := range r.Accepted {
			if a.Status != "" {
				return a.Status
			}
		}
	}
	return r.Status
}

// Accept marks the result as accepted by a baseline entry: its status
// becomes Accepted, its own kept in the acceptance.
func (r *Result) Accept(a Acceptance) {
	a.Status = r.Own()
	if a.What == "" {
		a.What = string(a.Status) + ": " + cmp.Or(r.Summary, FirstLine(r.Message))
	}
	r.Accepted = append(r.Accepted, a)
	r.Status = Accepted
}

// Acceptance is one thing a baseline accepts, and the entry's word on it.
type Acceptance struct {
	// What is accepted: a finding ("fixtures/docs/cos/x.txtar:12:3:
	// error schema.type ...") or an outcome ("fail: expected ...").
	What string `json:"what"`
	// Status is the spec's own status, for an accepted outcome.
	Status  Status `json:"status,omitempty"`
	Reason  string `json:"reason"`
	Expires string `json:"expires,omitempty"` // YYYY-MM-DD, when the entry has one
	Entry   string `json:"entry,omitempty"`   // the baseline's file:line
}

// Deviation is one thing a target did that its contract does not allow.
type Deviation struct {
	Expected string `json:"expected"`
	Seen     string `json:"seen"`
	Where    string `json:"where,omitempty"` // file:line:col, a pointer or an XPath, or the request
	// Exchange is the request and response, redacted, when the spec has
	// one to show.
	Exchange string `json:"exchange,omitempty"`
	// Curl reproduces the request with secrets left as shell variables.
	Curl string `json:"curl,omitempty"`
}

// Run is one invocation of the runner.
type Run struct {
	Title string `json:"title"`
	// RunID names the run's buckets (gsc-xxxxxxxx-NN) and what
	// `runner cleanup --run` finds.
	RunID    string        `json:"run_id,omitempty"`
	Started  time.Time     `json:"started"`
	Duration time.Duration `json:"duration"`
	// Requests counts the requests sent to live targets, retries
	// included.
	Requests int `json:"requests,omitempty"`
	// Tool is the runner's version; Vendor, Endpoint (never with
	// credentials), Region and Signature describe a live run's target.
	Tool      string `json:"tool,omitempty"`
	Vendor    string `json:"vendor,omitempty"`
	Endpoint  string `json:"endpoint,omitempty"`
	Region    string `json:"region,omitempty"`
	Signature string `json:"signature,omitempty"`
	// Error says why the run as a whole could not judge, when it could
	// not: "set-up: creating bucket gsc-…-00 was refused: 403
	// AccessDenied".
	Error   string   `json:"error,omitempty"`
	Results []Result `json:"results"`
	// Reports are the report files the run wrote, for the last line a
	// person reads; not part of what is written.
	Reports []string `json:"-"`
}

// Counts tallies results by status.
func (r *Run) Counts() map[Status]int {
	n := map[Status]int{}
	for _, res := range r.Results {
		n[res.Status]++
	}
	return n
}

// Targets lists the targets in the order they first appear.
func (r *Run) Targets() []string {
	var ts []string
	for _, res := range r.Results {
		if !slices.Contains(ts, res.Target) {
			ts = append(ts, res.Target)
		}
	}
	return ts
}

// Slug turns a spec's text into an ID: lower case letters and digits,
// words joined by "-", containers by "/".
func Slug(spec string) string {
	parts := strings.Split(spec, " / ")
	for i, p := range parts {
		parts[i] = strings.Join(strings.FieldsFunc(strings.ToLower(p), func(r rune) bool {
			return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '.')
		}), "-")
	}
	return strings.Join(parts, "/")
}

// FirstLine is s up to its first newline.
func FirstLine(s string) string {
	line, _, _ := strings.Cut(strings.TrimSpace(s), "\n")
	return line
}

// Write writes runs as indented JSON.
func Write(w io.Writer, run *Run) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(run)
}

// Read reads a run written by Write.
func Read(r io.Reader) (*Run, error) {
	var run Run
	dec := json.NewDecoder(r)
	dec.DisallowUnknownFields()
	if err := dec.Decode(&run); err != nil {
		return nil, err
	}
	for i, res := range run.Results {
		if !slices.Contains(Statuses, res.Status) {
			return nil, fmt.Errorf("result %d (%s): unknown status %q", i+1, res.Spec, res.Status)
		}
	}
	return &run, nil
}

// Load reads a run from a file.
func Load(file string) (*Run, error) {
	f, err := os.Open(file)
	if err != nil {
		return nil, err
	}
	defer f.Close()
	run, err := Read(f)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return run, nil
}

// Merge joins runs into one, for a matrix over several targets: their
// run ids and errors listed, their requests added up. An error of one of
// several runs is named by its run id or title, so a reader knows which.
func Merge(title string, runs ...*Run) *Run {
	m := &Run{Title: title}
	var ids, errs []string
	for _, r := range runs {
		if m.Started.IsZero() || r.Started.Before(m.Started) {
			m.Started = r.Started
		}
		m.Duration += r.Duration
		m.Requests += r.Requests
		if r.RunID != "" && !slices.Contains(ids, r.RunID) {
			ids = append(ids, r.RunID)
		}
		if r.Error != "" {
			name := cmp.Or(r.RunID, r.Title)
			if len(runs) > 1 && name != "" {
				errs = append(errs, name+": "+r.Error)
			} else {
				errs = append(errs, r.Error)
			}
		}
		m.Results = append(m.Results, r.Results...)
	}
	for _, field := range []struct {
		dst *string
		get func(*Run) string
	}{
		{&m.Tool, func(r *Run) string { return r.Tool }},
		{&m.Vendor, func(r *Run) string { return r.Vendor }},
		{&m.Endpoint, func(r *Run) string { return r.Endpoint }},
		{&m.Region, func(r *Run) string { return r.Region }},
		{&m.Signature, func(r *Run) string { return r.Signature }},
	} {
		var values []string
		for _, r := range runs {
			if v := field.get(r); v != "" && !slices.Contains(values, v) {
				values = append(values, v)
			}
		}
		*field.dst = strings.Join(values, ", ")
	}
	m.RunID = strings.Join(ids, ", ")
	m.Error = strings.Join(errs, "; ")
	return m
}
