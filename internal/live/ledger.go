package live

import (
	"context"
	"fmt"
	"net/http"
	"slices"
	"sort"
	"strings"
	"sync"
	"time"

	"github.com/getservice-conformance/gsc/internal/check"
)

// Ledger remembers exactly the buckets a run asked for, so that cleanup
// deletes those and nothing else, whatever happened in between. A bucket
// is recorded before its create request is sent: a create that was
// interrupted, timed out or lost in transport may still have made the
// bucket, and cleanup must find out.
type Ledger struct {
	mu      sync.Mutex
	buckets map[*Target]map[string]bucketState
}

type bucketState int

const (
	// pending: the create was sent (or is about to be) and no answer
	// settled it; the bucket may or may not exist.
	pending bucketState = iota
	// created: the endpoint said the bucket exists.
	created
)

// Create records name as pending, sends the create request and settles the
// record by the answer: a 2xx (or an answer saying the bucket is already
// ours, after a retried create) makes it created; a refusal (3xx, 4xx)
// means no bucket was made, so it is forgotten; anything else (no answer,
// a timeout, a cancelled context, a 5xx) leaves it pending, for cleanup to
// delete if it exists.
func (l *Ledger) Create(ctx context.Context, t *Target, name string) *Exchange {
	return l.CreateIn(ctx, t, name, "")
}

// CreateIn is Create in a resource group ("": the default).
func (l *Ledger) CreateIn(ctx context.Context, t *Target, name, group string) *Exchange {
	l.set(t, name, pending)
	ex := t.CreateBucketIn(ctx, name, group)
	switch {
	case neverSent(ex):
		l.forget(t, name)
	case ex.Err != nil || ex.Status >= 500:
		// Unsettled: stays pending.
	case ex.Status/100 == 2 || ownedAlready(t, ex):
		l.set(t, name, created)
	default:
		l.forget(t, name)
	}
	return ex
}

// Delete deletes a bucket the run created and forgets it once it is gone
// (a 2xx, or 404: no such bucket); any other answer leaves it recorded,
// for cleanup to try again.
func (l *Ledger) Delete(ctx context.Context, t *Target, name string) *Exchange {
	ex := t.DeleteBucket(ctx, name)
	if ex.Err == nil && (ex.Status/100 == 2 || ex.Status == http.StatusNotFound) {
		l.forget(t, name)
	}
	return ex
}

// neverSent says the create never reached the endpoint: no connection
// (nothing listens, no such host) or no TLS session, on the only attempt.
func neverSent(ex *Exchange) bool {
	k := KindOf(ex.Err)
	return (k == Unreachable || k == TLS) && len(ex.Retries) == 0
}

// ownedAlready says a retried create was refused because the caller owns
// the bucket already: the first attempt made it, and its answer was lost.
// Without a retry, the bucket was there before the run: not the run's.
func ownedAlready(t *Target, ex *Exchange) bool {
	return ex.Status == http.StatusConflict && len(ex.Retries) > 0 &&
		check.ErrorCode(t.Contract, ex.Body) == "BucketAlreadyOwnedByYou"
}

func (l *Ledger) set(t *Target, name string, s bucketState) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.buckets == nil {
		l.buckets = map[*Target]map[string]bucketState{}
	}
	if l.buckets[t] == nil {
		l.buckets[t] = map[string]bucketState{}
	}
	l.buckets[t][name] = s
}

func (l *Ledger) forget(t *Target, name string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	delete(l.buckets[t], name)
}

// Created lists the buckets the endpoint said it created for t, sorted.
func (l *Ledger) Created(t *Target) []string {
	return l.names(t, func(s bucketState) bool { return s == created })
}

// Pending lists the buckets whose create was never settled, sorted.
func (l *Ledger) Pending(t *Target) []string {
	return l.names(t, func(s bucketState) bool { return s == pending })
}

func (l *Ledger) names(t *Target, keep func(bucketState) bool) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var names []string
	for n, s := range l.buckets[t] {
		if keep(s) {
			names = append(names, n)
		}
	}
	sort.Strings(names)
	return names
}

// targets lists the targets with recorded buckets, in a stable order.
func (l *Ledger) targets() []*Target {
	l.mu.Lock()
	defer l.mu.Unlock()
	ts := make([]*Target, 0, len(l.buckets))
	for t, names := range l.buckets {
		if len(names) > 0 {
			ts = append(ts, t)
		}
	}
	sort.Slice(ts, func(i, j int) bool { return ts[i].Endpoint.String() < ts[j].Endpoint.String() })
	return ts
}

// Leftover is a bucket cleanup could not delete.
type Leftover struct {
	Target *Target
	Bucket string
	Reason string
}

// Cleaned is what cleanup did.
type Cleaned struct {
	// Deleted are the buckets deleted: the created ones, and the pending
	// ones that turned out to exist.
	Deleted []string
	// Absent are pending buckets that did not exist (their create never
	// took effect) or recorded ones someone else deleted first.
	Absent []string
	// Left are the buckets that may still exist.
	Left []Leftover
}

// Err says which buckets may be left, or nil.
func (c Cleaned) Err() error {
	if len(c.Left) == 0 {
		return nil
	}
	var names []string
	for _, l := range c.Left {
		names = append(names, l.Bucket+" ("+l.Reason+")")
	}
	return fmt.Errorf("could not delete %d bucket(s) this run created: %s", len(c.Left), strings.Join(names, ", "))
}

// Cleanup deletes every recorded bucket, created or pending, and forgets
// those that are gone: a DELETE answered 2xx, or 404 (no such bucket).
// It sends through a client of its own, built with limits and the target's
// TLS configuration, so a run whose own limits are too tight to work (a
// --timeout of 1ms) still cleans up; ctx bounds the whole of it and must
// not be the run's, which may be cancelled by then.
func (l *Ledger) Cleanup(ctx context.Context, limits Limits) Cleaned {
	var c Cleaned
	for _, t := range l.targets() {
		tc := *t
		tc.Client = NewClient(limits, t.TLS)
		unsettled := l.Pending(t)
		names := append(l.Created(t), unsettled...)
		sort.Strings(names)
		var late []string // pending, and absent: their create may still be on its way
		for _, name := range names {
			if l.delete(ctx, t, &tc, name, &c) && slices.Contains(unsettled, name) {
				late = append(late, name)
			}
		}
		if len(late) == 0 {
			continue
		}
		// A create the run gave up on may still reach the endpoint after
		// the DELETE that found nothing: look once more, a moment later.
		select {
		case <-ctx.Done():
		case <-time.After(lateCreates):
		}
		c.Absent = slices.DeleteFunc(c.Absent, func(n string) bool { return slices.Contains(late, n) })
		for _, name := range late {
			l.set(t, name, pending)
			l.delete(ctx, t, &tc, name, &c)
		}
	}
	return c
}

// lateCreates is how long cleanup waits before it looks again for a
// bucket whose create got no answer and whose DELETE found nothing.
const lateCreates = time.Second

// delete deletes one bucket of t's in the ledger through via (t with the
// cleanup's client) and notes the outcome in c; it says whether the
// endpoint found no such bucket.
func (l *Ledger) delete(ctx context.Context, t, via *Target, name string, c *Cleaned) (absent bool) {
	if err := ctx.Err(); err != nil {
		c.Left = append(c.Left, Leftover{t, name, "cleanup stopped: " + err.Error()})
		return false
	}
	ex := via.DeleteBucket(ctx, name)
	switch {
	case ex.Err == nil && ex.Status/100 == 2:
		c.Deleted = append(c.Deleted, name)
	case ex.Err == nil && ex.Status == http.StatusNotFound:
		c.Absent = append(c.Absent, name)
		absent = true
	default:
		c.Left = append(c.Left, Leftover{t, name, deleteFailure(t, ex)})
		return false
	}
	l.forget(t, name)
	return absent
}

// deleteFailure says why a DELETE did not remove a bucket.
func deleteFailure(t *Target, ex *Exchange) string {
	if ex.Err != nil {
		return ex.Err.Error()
	}
	if code := check.ErrorCode(t.Contract, ex.Body); code != "" {
		return fmt.Sprintf("status %d %s", ex.Status, code)
	}
	return fmt.Sprintf("status %d", ex.Status)
}
