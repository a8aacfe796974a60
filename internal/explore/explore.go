// Package explore is a stateful property-based run against a live
// endpoint: it generates sequences of actions on the run's own buckets
// (create and delete buckets of every legal name shape, list with random
// page sizes, prefixes, regions and markers, create or delete between the
// pages of a walk), keeps a model of what the listing must be, and after
// every step checks the properties the contract promises. A failing
// sequence is shrunk (pgregory.net/rapid) to the shortest one that still
// fails, and kept with the seed that reruns it.
package explore

import (
	"context"
	"errors"
	"fmt"
	"io"
	"runtime"
	"slices"
	"time"

	"pgregory.net/rapid"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/live"
	"github.com/getservice-conformance/gsc/internal/outcome"
)

// Config is one explore run.
type Config struct {
	Target *live.Target
	// Ledger records every bucket before its create is sent; the caller
	// cleans up with it on every exit path.
	Ledger *live.Ledger
	RunID  string // gsc-xxxxxxxx: every bucket name starts with it
	Seed   uint64 // the first case's; case i uses Seed+i
	// Requests bounds the requests sent, searching and shrinking (retries
	// count; the caller's final cleanup does not).
	Requests int
	// Until, when set, is when the search and shrinking stop.
	Until   time.Time
	Context context.Context
	// Steps is the average number of actions of a case (default 20).
	Steps int
	// Log, when set, gets a line per case.
	Log io.Writer
	// Select, when set, says which properties to judge (--focus,
	// --rerun-failed); the others are skipped, not selected.
	Select func(Property) bool
	// FailFast ends the search once a property has failed and been
	// shrunk.
	FailFast bool
}

// Report is what a run found.
type Report struct {
	Seed     uint64
	Cases    int // sequences tried, shrinking included
	Actions  int // actions taken (creates, deletes, walks), shrinking included
	Requests int
	Duration time.Duration
	// Stopped says why the search ended: the request budget, the
	// duration, the context, an endpoint that could not be judged.
	Stopped string
	// Unjudged, when set, says why the run could not judge at all (the
	// endpoint unreachable, set-up refused).
	Unjudged string
	Results  []Result
	Notes    []string
}

// Result is one property's outcome.
type Result struct {
	Property  Property
	Status    outcome.Status
	Reason    string // why skipped, or the unsupported evidence
	Exercised int    // steps that checked it
	Failure   *Failure
}

// Failure is a shrunk failing sequence.
type Failure struct {
	// Seed reruns the failing sequence as the first case of a run.
	Seed uint64
	// Found is how many requests the run had sent when the search first
	// failed; Shrunk is the actions of the shrunk sequence.
	Found   int
	Message string
	Steps   []Step
}

// Shrunk is the number of actions of the shrunk sequence, its own
// cleanup left out.
func (f *Failure) Shrunk() int {
	n := 0
	for _, s := range f.Steps {
		if !s.Cleanup && !s.Between {
			n++
		}
	}
	return n
}

// Step is one action of a sequence and the exchanges it made.
type Step struct {
	Action    string
	Exchanges []*live.Exchange
	Listing   bool // its exchanges are GET Service pages of one walk
	// Between marks a create or delete made between two pages of a walk.
	Between bool
	// Cleanup marks the sequence's own deletes at its end.
	Cleanup bool
	// Failed marks the step where the property failed.
	Failed bool
}

// Run explores until the budget, the time or the context ends, and
// reports each property's outcome.
func Run(cfg Config) (*Report, error) {
	e, err := newExplorer(cfg)
	if err != nil {
		return nil, err
	}
	start := time.Now()
	rep := &Report{Seed: cfg.Seed}
	failures := map[Property]*Failure{}
	unsupported := map[Property]bool{}
	for round := 0; e.stopReason() == ""; round++ {
		seed := cfg.Seed + uint64(round)
		p, f, unsup := e.round(seed)
		if p == "" {
			continue
		}
		failures[p], unsupported[p] = f, unsup
		e.enabled[p] = false
		if cfg.Log != nil {
			fmt.Fprintf(cfg.Log, "explore: %s fails (seed %d, after %d requests), shrunk to %d step(s)\n", p, seed, f.Found, f.Shrunk())
		}
		if cfg.FailFast && !unsup {
			e.stop = "--fail-fast: " + string(p) + " failed"
		}
		if p == Listing {
			// Every other property lists: nothing more to judge. (After
			// bucket names fail, a refused create simply adds nothing.)
			e.stop = "the listing property failed: the others cannot be judged on it"
		}
	}
	rep.Stopped = e.stopReason()
	rep.Unjudged = e.unjudged
	rep.Cases = e.cases
	rep.Actions = e.actions
	rep.Requests = e.requests()
	rep.Duration = time.Since(start)
	for _, p := range Properties {
		r := Result{Property: p, Exercised: e.exercised[p]}
		switch {
		case p.applies(e.c) != "":
			r.Status, r.Reason = outcome.Skipped, p.applies(e.c)
		case !cfg.selected(p):
			r.Status, r.Reason = outcome.Skipped, "not selected (--focus, --rerun-failed)"
		case failures[p] != nil && unsupported[p]:
			r.Status, r.Failure = outcome.Unsupported, failures[p]
			r.Reason = "the endpoint ignores the " + p.capability() + " parameter, which the contract marks optional: " + failures[p].Message
		case failures[p] != nil:
			r.Status, r.Failure = outcome.Fail, failures[p]
		case e.unjudged != "":
			r.Status, r.Reason = outcome.Error, e.unjudged
		case r.Exercised == 0:
			r.Status, r.Reason = outcome.Skipped, "not exercised within the budget"
		default:
			r.Status = outcome.Pass
		}
		rep.Results = append(rep.Results, r)
	}
	rep.Notes = e.noteList()
	return rep, nil
}

// explorer is the state of a run: what holds across cases (the budget,
// what is enabled) and the current case's model and steps.
type explorer struct {
	cfg       Config
	ctx       context.Context
	t         *live.Target
	c         *contract.Contract
	names     *namer
	startReqs int
	enabled   map[Property]bool
	exercised map[Property]int
	notes     map[string]bool
	noteOrder []string
	cases     int
	actions   int
	stop      string // set: the search is over
	unjudged  string

	// The current case.
	m model
	// fresh are the buckets created and not yet listed since, where the
	// contract says a listing may lag behind a create.
	fresh map[string]bool
	steps []Step
	v     *violation
	// The round's failure, as found and as shrunk.
	target *violation // the first violation of the round
	found  int
	best   *snapshot
}

// violation is a property that failed in the current case.
type violation struct {
	kind    string // the constant rapid compares: one per kind of failure
	p       Property
	msg     string
	ignored bool // the endpoint ignored the property's parameter
}

type snapshot struct {
	v        violation
	steps    []Step
	failedAt int // the step the violation showed in
	inCase   int // the case it was taken in
}

func newExplorer(cfg Config) (*explorer, error) {
	t := cfg.Target
	rule := ""
	if r := t.Contract.Profile.Reference; r != nil {
		rule = r.BucketName
	}
	n, err := newNamer(cfg.RunID, t.BucketSuffix, rule)
	if err != nil {
		return nil, err
	}
	if cfg.Context == nil {
		cfg.Context = context.Background()
	}
	if cfg.Steps == 0 {
		cfg.Steps = 20
	}
	e := &explorer{
		cfg: cfg, ctx: cfg.Context, t: t, c: t.Contract, names: n, startReqs: t.Client.Requests(),
		enabled: map[Property]bool{}, exercised: map[Property]int{}, notes: map[string]bool{},
		m: model{region: t.Region},
	}
	for _, p := range Properties {
		e.enabled[p] = p.applies(e.c) == "" && cfg.selected(p)
	}
	return e, nil
}

// selected says whether the run judges p.
func (cfg Config) selected(p Property) bool { return cfg.Select == nil || cfg.Select(p) }

func (e *explorer) requests() int { return e.t.Client.Requests() - e.startReqs }

// stopReason says why the search is over, or "".
func (e *explorer) stopReason() string {
	switch {
	case e.stop != "":
		return e.stop
	case e.ctx.Err() != nil:
		if errors.Is(e.ctx.Err(), context.DeadlineExceeded) {
			return "the run's deadline passed"
		}
		return "interrupted"
	case e.requests() >= e.cfg.Requests:
		return fmt.Sprintf("the request budget (%d) is spent", e.cfg.Requests)
	case !e.cfg.Until.IsZero() && time.Now().After(e.cfg.Until):
		return "the duration is over"
	}
	return ""
}

func (e *explorer) note(s string) {
	if !e.notes[s] {
		e.notes[s] = true
		e.noteOrder = append(e.noteOrder, s)
	}
}

func (e *explorer) noteList() []string { return e.noteOrder }

// round runs one rapid check from seed: a case, and when it fails, the
// shrinking. It returns the property that failed, with its shrunk case.
func (e *explorer) round(seed uint64) (Property, *Failure, bool) {
	e.target, e.best, e.found = nil, nil, 0
	tb := &checkTB{}
	runRapid(tb, seed, e.cfg.Steps, e.shrinkTime(), e.prop)
	if e.best == nil {
		return "", nil, false
	}
	v := e.best.v
	if v.p == "" {
		v.p = attribute(e.best.steps)
	}
	f := &Failure{Seed: seed, Found: e.found, Message: v.msg, Steps: e.best.steps}
	unsup := v.ignored && v.p.capability() != "" && e.optional(v.p.capability())
	return v.p, f, unsup
}

func (e *explorer) optional(capability string) bool {
	return slices.Contains(e.c.Profile.Optional, capability)
}

// shrinkTime is how long rapid may shrink: what is left of the duration,
// at most a minute.
func (e *explorer) shrinkTime() time.Duration {
	d := time.Minute
	if !e.cfg.Until.IsZero() {
		d = min(d, time.Until(e.cfg.Until))
	}
	return max(d, time.Second)
}

// prop is one case: a fresh model, a sequence of actions checked after
// each, and the case's buckets deleted however it ends.
func (e *explorer) prop(t *rapid.T) {
	if e.target != nil && (e.stopReason() != "" || e.requests()-e.found > e.cfg.Requests/3) {
		// Shrinking, with the budget spent (every further candidate would
		// pass untried), or with a third of it spent on this failure (the
		// search must go on): end the check; the best failure so far
		// stands.
		runtime.Goexit()
	}
	e.cases++
	e.m.names, e.steps, e.v, e.fresh = nil, nil, nil, map[string]bool{}
	defer e.endCase()
	// rapid draws the actions in key order with a bias toward the first:
	// creates first, then walks; deletes last, so that a case grows
	// buckets to walk (up to maxBuckets) rather than empties itself.
	t.Repeat(map[string]func(*rapid.T){
		"create": e.create,
		"list":   e.list,
		"remove": e.delete,
		"":       e.check,
	})
}

// check fails the case on a violation, with a message that is the same
// for every violation of its kind, so that rapid's shrinking keeps a
// smaller sequence that fails the same way.
func (e *explorer) check(t *rapid.T) {
	v := e.v
	if v == nil {
		return
	}
	if e.target == nil {
		e.target, e.found = v, e.requests()
	}
	if v.kind == e.target.kind && (e.best == nil || len(e.steps) <= len(e.best.steps)) {
		e.best = &snapshot{v: *v, steps: append([]Step(nil), e.steps...), failedAt: len(e.steps) - 1, inCase: e.cases}
	}
	t.Fatalf("explore: %s", v.kind)
}

// endCase deletes the case's buckets, so that the next starts from the
// same account.
func (e *explorer) endCase() {
	for _, name := range append([]string(nil), e.m.names...) {
		ex := e.cfg.Ledger.Delete(e.ctx, e.t, name)
		e.steps = append(e.steps, Step{Action: "delete " + name, Exchanges: []*live.Exchange{ex}, Cleanup: true})
		if ex.Err == nil && (ex.Status/100 == 2 || ex.Status == 404) {
			e.m.remove(name)
		}
	}
	if b := e.best; b != nil && b.inCase == e.cases {
		// The failing case's own cleanup belongs to its reproduction:
		// replayed, it leaves nothing behind.
		b.steps = append([]Step(nil), e.steps...)
		if b.failedAt >= 0 {
			b.steps[b.failedAt].Failed = true
		}
	}
}

// busy says whether actions still run: not once the search is over.
func (e *explorer) busy() bool {
	if e.v != nil {
		return false
	}
	return e.stopReason() == ""
}

// violate records that p failed; only the first violation of a case
// counts, and only for properties still enabled.
func (e *explorer) violate(kind string, p Property, ignored bool, format string, args ...any) {
	if e.v != nil || p != "" && !e.enabled[p] {
		return
	}
	e.v = &violation{kind: kind, p: p, msg: fmt.Sprintf(format, args...), ignored: ignored}
}

// usable says whether an exchange can be judged; a transport failure or
// a 5xx after the client's retries ends the search as could not judge.
func (e *explorer) usable(ex *live.Exchange) bool {
	switch {
	case ex.Err != nil:
		if e.ctx.Err() == nil {
			e.stop = "the endpoint could not be judged: " + ex.Err.Error()
			e.unjudged = e.stop
		}
		return false
	case ex.Status >= 500 || ex.Status == 429:
		e.stop = fmt.Sprintf("the endpoint could not be judged: it answered %d, %d time(s)", ex.Status, len(ex.Retries)+1)
		e.unjudged = e.stop
		return false
	}
	return true
}
