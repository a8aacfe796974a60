package refserver

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"
)

func TestStoreOrderAndMarker(t *testing.T) {
	st := newStore(0)
	var want []string
	for _, i := range rand.New(rand.NewPCG(1, 2)).Perm(500) {
		name := fmt.Sprintf("b%04d", i)
		if err := st.create(Bucket{Name: name, Region: []string{"r1", "r2"}[i%2]}); err != nil {
			t.Fatal(err)
		}
		want = append(want, name)
	}
	// Names in byte order, whatever order they came in, including
	// multi-byte UTF-8 and the characters around '-' and '.'.
	for _, name := range []string{"a.b", "a-b", "a0", "é", "z"} {
		st.put(Bucket{Name: name, Region: "r1"})
		want = append(want, name)
	}
	slices.Sort(want)
	if got := names(st.snapshot()); !slices.Equal(got, want) {
		t.Fatalf("snapshot is not in byte order:\n%v", got)
	}
	// Walk by marker with every page size from 1 to 7.
	for size := 1; size <= 7; size++ {
		var got []string
		after := ""
		for {
			pg := st.list(selection{limit: size, after: after})
			got = append(got, names(pg.buckets)...)
			if !pg.truncated {
				break
			}
			after = pg.buckets[len(pg.buckets)-1].Name
		}
		if !slices.Equal(got, want) {
			t.Fatalf("walk by %d: %d names, want %d", size, len(got), len(want))
		}
	}
	// A marker between names, and one past the end.
	if pg := st.list(selection{limit: 2, after: "b0100x"}); !slices.Equal(names(pg.buckets), []string{"b0101", "b0102"}) {
		t.Errorf("after b0100x: %v", names(pg.buckets))
	}
	if pg := st.list(selection{after: "é"}); len(pg.buckets) != 0 || pg.truncated { // é (0xC3 0xA9) sorts after z
		t.Errorf("after the last name: %v", names(pg.buckets))
	}
}

func TestStoreFilters(t *testing.T) {
	st := newStore(0)
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	for i := range 20 {
		st.create(Bucket{Name: fmt.Sprintf("p%d-%02d", i%2, i), Region: []string{"r1", "r2", "r3"}[i%3],
			Created: base.Add(time.Duration(i) * time.Hour), Tags: map[string]string{"i": fmt.Sprint(i % 4)}})
	}
	v := "1"
	for _, c := range []struct {
		name string
		sel  selection
		keep func(i int) bool
	}{
		{"prefix", selection{prefix: "p1-"}, func(i int) bool { return i%2 == 1 }},
		{"region", selection{regions: []string{"r2"}}, func(i int) bool { return i%3 == 1 }},
		{"regions that differ", selection{regions: []string{"r2", "r1"}}, func(int) bool { return false }},
		{"unknown region", selection{regions: []string{"r9"}}, func(int) bool { return false }},
		{"prefix and region", selection{prefix: "p0", regions: []string{"r1"}}, func(i int) bool { return i%2 == 0 && i%3 == 0 }},
		{"tag key", selection{tagKey: "i"}, func(int) bool { return true }},
		{"tag value", selection{tagKey: "i", tagValue: &v}, func(i int) bool { return i%4 == 1 }},
		{"created lt", selection{created: &timeBound{"lt", base.Add(5 * time.Hour)}}, func(i int) bool { return i < 5 }},
		{"created gte", selection{created: &timeBound{"gte", base.Add(5 * time.Hour)}}, func(i int) bool { return i >= 5 }},
		{"offset", selection{offset: 15}, nil},
		{"offset with a tag", selection{offset: 2, tagKey: "i", tagValue: &v}, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			var want []string
			for _, b := range st.snapshot() {
				var i int
				fmt.Sscanf(b.Name[3:], "%d", &i)
				if c.keep == nil || c.keep(i) {
					want = append(want, b.Name)
				}
			}
			if c.name == "offset" {
				want = want[15:]
			}
			if c.name == "offset with a tag" {
				want = []string{"p1-09", "p1-13", "p1-17"}
			}
			sel := c.sel
			sel.count = true
			var got []string
			offset := sel.offset
			for pages := 0; pages < 50; pages++ {
				sel.limit, sel.offset = 2, offset
				pg := st.list(sel)
				got = append(got, names(pg.buckets)...)
				if pg.count < len(pg.buckets) {
					t.Errorf("count %d under a page of %d", pg.count, len(pg.buckets))
				}
				if !pg.truncated {
					break
				}
				offset += len(pg.buckets)
			}
			if !slices.Equal(got, want) {
				t.Errorf("got %v, want %v", got, want)
			}
		})
	}
}

func TestStoreDeleteAndReplace(t *testing.T) {
	st := newStore(3)
	for _, n := range []string{"c", "a", "b"} {
		st.create(Bucket{Name: n, Region: "r"})
	}
	if err := st.create(Bucket{Name: "d"}); err != errTooMany {
		t.Errorf("past the limit: %v", err)
	}
	if err := st.create(Bucket{Name: "a"}); err != errExists {
		t.Errorf("again: %v", err)
	}
	if err := st.delete("b"); err != nil {
		t.Fatal(err)
	}
	if err := st.delete("b"); err != errNoSuch {
		t.Errorf("deleted twice: %v", err)
	}
	st.put(Bucket{Name: "a", Region: "elsewhere"})
	if pg := st.list(selection{regions: []string{"r"}}); !slices.Equal(names(pg.buckets), []string{"c"}) {
		t.Errorf("region r after replacing a: %v", names(pg.buckets))
	}
	if pg := st.list(selection{regions: []string{"elsewhere"}}); !slices.Equal(names(pg.buckets), []string{"a"}) {
		t.Errorf("region elsewhere: %v", names(pg.buckets))
	}
	if _, ok := st.regions["r"]; !ok {
		t.Error("region r vanished while it still has c")
	}
	st.delete("c")
	if _, ok := st.regions["r"]; ok {
		t.Error("an empty region index is kept")
	}
}

// TestPageCostIndependentOfSize guards O(page) listing: a page deep into
// a large store must not cost more than one near its start.
func TestPageCostIndependentOfSize(t *testing.T) {
	st := newStore(0)
	for i := range 200_000 {
		st.create(Bucket{Name: fmt.Sprintf("bucket-%07d", i), Region: "r"})
	}
	st.list(selection{limit: 1}) // merge the pending names once
	// The best of five runs, so that a busy machine does not decide.
	cost := func(after string) time.Duration {
		best := time.Hour
		for range 5 {
			start := time.Now()
			for range 200 {
				st.list(selection{limit: 100, after: after, prefix: "bucket-", regions: []string{"r"}, count: true})
			}
			best = min(best, time.Since(start))
		}
		return best
	}
	early, late := cost("bucket-0000010"), cost("bucket-0199000")
	if late > 5*early+10*time.Millisecond {
		t.Errorf("a late page costs %s, an early one %s", late, early)
	}
}
