package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"os/signal"
	"sync"
	"syscall"
	"time"
)

// interrupted ends a command stopped by a signal: it exits 128 plus the
// signal's number (130 for SIGINT, 143 for SIGTERM), after its cleanup.
type interrupted struct {
	sig    syscall.Signal
	reason string
}

func (e interrupted) Error() string { return e.reason }

// signalName is how people write a signal.
func signalName(s os.Signal) string {
	switch s {
	case os.Interrupt:
		return "SIGINT"
	case syscall.SIGTERM:
		return "SIGTERM"
	}
	return s.String()
}

// signals turns SIGINT and SIGTERM into cancellations, and remembers which
// arrived. The first cancels the run's context; cleanup then runs on a
// context of its own, which a signal arriving during the cleanup cancels:
// whoever insists wants out now, and is told what may be left.
type signals struct {
	ctx    context.Context // the run's
	cancel context.CancelFunc
	ch     chan os.Signal
	done   chan struct{}
	stderr io.Writer
	note   string // what the first signal does, said when it arrives

	mu            sync.Mutex
	first         os.Signal
	cleaning      context.CancelFunc // cancels the cleanup's context
	cleanupActive bool
	stoppedClean  os.Signal // the signal that stopped the cleanup
	stopOnce      sync.Once
}

// catchSignals starts listening; stop ends it and restores the default
// handling. note says what the first signal does, e.g. "stopping".
func catchSignals(stderr io.Writer, note string) *signals {
	ctx, cancel := context.WithCancel(context.Background())
	s := &signals{ctx: ctx, cancel: cancel, ch: make(chan os.Signal, 2), done: make(chan struct{}), stderr: stderr, note: note}
	signal.Notify(s.ch, os.Interrupt, syscall.SIGTERM)
	go s.listen()
	return s
}

func (s *signals) listen() {
	for {
		select {
		case sig := <-s.ch:
			s.receive(sig)
		case <-s.done:
			return
		}
	}
}

func (s *signals) receive(sig os.Signal) {
	s.mu.Lock()
	defer s.mu.Unlock()
	switch {
	case s.first == nil:
		s.first = sig
		s.cancel()
		if !s.cleanupActive && s.note != "" {
			fmt.Fprintf(s.stderr, "runner: %s: %s\n", signalName(sig), s.note)
		}
	case s.cleanupActive && s.stoppedClean == nil:
		s.stoppedClean = sig
		s.cleaning()
	}
}

func (s *signals) stop() {
	s.stopOnce.Do(func() {
		signal.Stop(s.ch)
		close(s.done)
		s.cancel()
	})
}

// received returns the first signal, or nil.
func (s *signals) received() os.Signal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.first
}

// abandoned returns the signal that stopped the cleanup, or nil.
func (s *signals) abandoned() os.Signal {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stoppedClean
}

// cleanupContext is the context cleanup runs on: bounded by timeout, not
// by the run's context, and cancelled by a signal that arrives while it
// runs and is not the one that interrupted the run.
func (s *signals) cleanupContext(timeout time.Duration) (context.Context, context.CancelFunc) {
	ctx, cancel := context.WithTimeout(context.Background(), timeout)
	s.mu.Lock()
	s.cleaning, s.cleanupActive = cancel, true
	s.mu.Unlock()
	return ctx, func() {
		s.mu.Lock()
		s.cleanupActive = false
		s.mu.Unlock()
		cancel()
	}
}
