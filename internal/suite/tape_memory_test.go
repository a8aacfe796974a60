package suite

import (
	"fmt"
	"os"
	"path/filepath"
	"testing"

	"github.com/getservice-conformance/gsc/internal/live"
)

// tapeMode is how measureWalk tapes its client's attempts.
type tapeMode int

const (
	noTape      tapeMode = iota
	keptTape             // in memory, as a tape read back for playback is
	spooledTape          // to disk as each attempt is made, as runner run --record does
)

func (m tapeMode) String() string {
	return [...]string{"no tape", "kept tape", "spooled tape"}[m]
}

// attach gives the client a tape of the mode, spooled into dir.
func (m tapeMode) attach(tb testing.TB, c *live.Client, dir string) *live.Tape {
	tb.Helper()
	switch m {
	case keptTape:
		c.Tape = &live.Tape{}
	case spooledTape:
		tp, err := live.SpoolTape(filepath.Join(dir, "s3.tape"))
		if err != nil {
			tb.Fatal(err)
		}
		tb.Cleanup(tp.Discard)
		c.Tape = tp
	}
	return c.Tape
}

// check fails unless the tape holds the walk's pages attempts, and
// commits a spooled one.
func (m tapeMode) check(tb testing.TB, tp *live.Tape, dir string, pages int) {
	tb.Helper()
	var got int
	switch m {
	case noTape:
		return
	case keptTape:
		got = len(tp.Entries())
	case spooledTape:
		if err := tp.Commit([][2]string{{"vendor", "s3"}}); err != nil {
			tb.Fatal(err)
		}
		src, err := os.ReadFile(filepath.Join(dir, "s3.tape"))
		if err != nil {
			tb.Fatal(err)
		}
		_, read, err := live.ReadTape(src)
		if err != nil {
			tb.Fatal(err)
		}
		got = len(read.Entries())
	}
	if got != pages {
		tb.Fatalf("the %s holds %d attempts; want the walk's %d pages", m, got, pages)
	}
}

// A recorded walk spools its tape: from n to 4n buckets its heap grows by
// what an unrecorded walk's does (the names it needs), not by the pages
// the tape holds, at its largest and once walked. A tape kept in memory
// grows with them, and the same measure sees it.
func TestRecordedWalkHeapDoesNotGrowWithTheTape(t *testing.T) {
	if testing.Short() {
		t.Skip("walks 75,000 buckets")
	}
	const n = 5000
	perBucket := map[tapeMode]float64{}
	peakGrowth := map[tapeMode]int64{}
	for _, m := range []tapeMode{noTape, spooledTape, keptTape} {
		small, large := measureWalk(t, n, m), measureWalk(t, 4*n, m)
		if small.names != n || large.names != 4*n {
			t.Fatalf("%s: the walks listed %d and %d buckets; want %d and %d", m, small.names, large.names, n, 4*n)
		}
		perBucket[m] = float64(int64(large.retained)-int64(small.retained)) / float64(3*n)
		peakGrowth[m] = int64(large.peak) - int64(small.peak)
		t.Logf("%s: %d buckets: peak %d B, retained %d B; %d buckets: peak %d B, retained %d B; %.0f B retained per bucket",
			m, n, small.peak, small.retained, 4*n, large.peak, large.retained, perBucket[m])
	}
	// The pages' bodies are about 130 bytes of XML per bucket: a tape that
	// holds them keeps at least that much more per bucket than no tape.
	// The spool's buffers are of fixed size, and 40 bytes per bucket
	// allows for the noise of the maps' growth steps.
	const body, noise = 100, 40
	if d := perBucket[keptTape] - perBucket[noTape]; d < body {
		t.Errorf("a kept tape adds %.0f B per bucket; want at least %d: the measure does not see a tape's pages", d, body)
	}
	if d := perBucket[spooledTape] - perBucket[noTape]; d > noise {
		t.Errorf("a spooled tape adds %.0f B per bucket; want at most %d: the recorded walk holds its pages", d, noise)
	}
	if d := peakGrowth[spooledTape] - peakGrowth[noTape]; d > 1<<20 {
		t.Errorf("at its largest the recorded walk of %d pages grows %d B more than the unrecorded one: it holds its pages", 4*n/1000, d)
	}
}

// BenchmarkRecordedAccountWalk walks an account of 100,000 buckets at
// pages of 1,000 with every attempt taped, kept in memory or spooled, and
// reports the live heap at its largest and what the walk keeps per bucket.
func BenchmarkRecordedAccountWalk(b *testing.B) {
	const n = 100000
	for _, m := range []tapeMode{keptTape, spooledTape} {
		b.Run(fmt.Sprint(m), func(b *testing.B) {
			var h walkHeap
			for b.Loop() {
				h = measureWalk(b, n, m)
			}
			b.ReportMetric(float64(h.peak)/(1<<20), "peak-heap-MB")
			b.ReportMetric(float64(h.retained)/n, "retained-B/bucket")
		})
	}
}
