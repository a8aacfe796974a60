package live

import (
	"context"
	"fmt"
	"sort"
	"sync"
)

// Ledger remembers exactly the buckets a run created, so that cleanup
// deletes those and nothing else, whatever happened in between.
type Ledger struct {
	mu      sync.Mutex
	created map[*Target]map[string]bool
}

// Create creates a bucket and records it once the endpoint says it exists.
func (l *Ledger) Create(ctx context.Context, t *Target, name string) *Exchange {
	ex := t.CreateBucket(ctx, name)
	if ex.Err == nil && ex.Status/100 == 2 {
		l.mu.Lock()
		if l.created == nil {
			l.created = map[*Target]map[string]bool{}
		}
		if l.created[t] == nil {
			l.created[t] = map[string]bool{}
		}
		l.created[t][name] = true
		l.mu.Unlock()
	}
	return ex
}

// Created lists the buckets recorded for t, sorted.
func (l *Ledger) Created(t *Target) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var names []string
	for n := range l.created[t] {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Cleanup deletes every recorded bucket and forgets those that are gone.
// It uses its own context: it must run after the run's is cancelled.
func (l *Ledger) Cleanup(ctx context.Context) error {
	l.mu.Lock()
	targets := make([]*Target, 0, len(l.created))
	for t := range l.created {
		targets = append(targets, t)
	}
	l.mu.Unlock()
	var failed []string
	for _, t := range targets {
		for _, name := range l.Created(t) {
			ex := t.DeleteBucket(ctx, name)
			if ex.Err == nil && (ex.Status/100 == 2 || ex.Status == 404) {
				l.mu.Lock()
				delete(l.created[t], name)
				l.mu.Unlock()
				continue
			}
			failed = append(failed, fmt.Sprintf("%s (status %d, %v)", name, ex.Status, ex.Err))
		}
	}
	if len(failed) > 0 {
		return fmt.Errorf("could not delete %d bucket(s) this run created: %v", len(failed), failed)
	}
	return nil
}
