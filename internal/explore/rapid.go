package explore

import (
	"flag"
	"strconv"
	"sync"
	"testing"
	"time"

	"pgregory.net/rapid"
)

// rapid reads its settings from the standard flag set (its -rapid.*
// flags) and asks testing whether -short is on; a run outside a test
// binary sets both up once. Runs do not overlap: a process explores once
// at a time (mu).
var (
	setUp sync.Once
	mu    sync.Mutex
)

// runRapid runs one rapid check of prop from seed: one case and, when it
// fails, its shrinking, within shrink time.
func runRapid(tb *checkTB, seed uint64, steps int, shrink time.Duration, prop func(*rapid.T)) {
	mu.Lock()
	defer mu.Unlock()
	setUp.Do(func() {
		if flag.Lookup("test.short") == nil {
			testing.Init()
		}
		if !flag.Parsed() {
			flag.CommandLine.Parse(nil)
		}
	})
	checks := 1
	if testing.Short() { // rapid divides checks by 5 and steps by 2 then
		checks, steps = 5, steps*2
	}
	for name, value := range map[string]string{
		"rapid.checks":     strconv.Itoa(checks),
		"rapid.steps":      strconv.Itoa(steps),
		"rapid.seed":       strconv.FormatUint(seed, 10),
		"rapid.nofailfile": "true",
		"rapid.shrinktime": shrink.String(),
		"rapid.v":          "false",
		"rapid.log":        "false",
	} {
		f := flag.Lookup(name)
		if f == nil {
			panic("explore: rapid has no flag " + name)
		}
		old := f.Value.String()
		if err := flag.Set(name, value); err != nil {
			panic("explore: rapid's flag " + name + ": " + err.Error())
		}
		defer flag.Set(name, old) // a test's own rapid checks keep theirs
	}
	// rapid runs on a goroutine of its own, which prop may end
	// (runtime.Goexit) once shrinking has nothing left to spend.
	done := make(chan any)
	go func() {
		defer func() {
			if r := recover(); r != nil && r != (stopNow{}) {
				done <- r
			}
			close(done)
		}()
		rapid.Check(tb, prop)
	}()
	if r, ok := <-done; ok {
		panic(r)
	}
}

// checkTB is the rapid.TB a run gives rapid: it notes failure and stops
// the check when rapid asks (FailNow), by a panic runRapid recovers.
type checkTB struct {
	failed bool
	msgs   []string
}

type stopNow struct{}

func (b *checkTB) Helper()                          {}
func (b *checkTB) Name() string                     { return "explore" }
func (b *checkTB) Logf(format string, args ...any)  {}
func (b *checkTB) Log(args ...any)                  {}
func (b *checkTB) Skipf(format string, args ...any) { panic(stopNow{}) }
func (b *checkTB) Skip(args ...any)                 { panic(stopNow{}) }
func (b *checkTB) SkipNow()                         { panic(stopNow{}) }
func (b *checkTB) Errorf(format string, args ...any) {
	b.failed = true
}
func (b *checkTB) Error(args ...any)                 { b.failed = true }
func (b *checkTB) Fatalf(format string, args ...any) { b.failed = true; panic(stopNow{}) }
func (b *checkTB) Fatal(args ...any)                 { b.failed = true; panic(stopNow{}) }
func (b *checkTB) FailNow()                          { b.failed = true; panic(stopNow{}) }
func (b *checkTB) Fail()                             { b.failed = true }
func (b *checkTB) Failed() bool                      { return b.failed }
