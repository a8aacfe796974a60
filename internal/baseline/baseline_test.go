package baseline_test

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"reflect"
	"strconv"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/finding"
)

// find makes a finding from its key, "FILE CHECK-ID EXCHANGE WHERE", where
// WHERE is LINE:COL, a JSON pointer or "-".
func find(t *testing.T, key string) finding.Finding {
	t.Helper()
	f := strings.Fields(key)
	ex, err := strconv.Atoi(f[2])
	if len(f) != 4 || err != nil {
		t.Fatalf("bad test key %q", key)
	}
	fd := finding.New(f[1], "message of "+key)
	fd.File, fd.Exchange = f[0], ex
	if line, col, ok := strings.Cut(f[3], ":"); ok {
		fd.Line, _ = strconv.Atoi(line)
		fd.Col, _ = strconv.Atoi(col)
	} else if f[3] != "-" {
		fd.Pointer = f[3]
	}
	if got := fd.Key().String(); got != key {
		t.Fatalf("bad test key %q: finding has %q", key, got)
	}
	return fd
}

func entries(b *baseline.Baseline) []string {
	var s []string
	for _, e := range b.Entries {
		s = append(s, fmt.Sprintf("%d %s | %s", e.Line, e.Key, e.Reason))
	}
	return s
}

func TestParse(t *testing.T) {
	tests := []struct {
		name, data string
		want       []string // "LINE KEY | REASON"
	}{
		{"empty", ``, nil},
		{"comments and blank lines", "# accepted\n\n   \n  # indented\nf.txtar xml.syntax 1 3:4 why not\n\n",
			[]string{"5 f.txtar xml.syntax 1 3:4 | why not"}},
		{"no reason", `f.txtar http.host 2 -`, []string{"1 f.txtar http.host 2 - | "}},
		{"several", "a.txtar xml.unmatched-end 1 29:1 bare </Marker>\n# c\nb.txtar page.unique 3 /ListAllMyBucketsResult/Buckets/Bucket[2]/Name twice\n",
			[]string{"1 a.txtar xml.unmatched-end 1 29:1 | bare </Marker>", "3 b.txtar page.unique 3 /ListAllMyBucketsResult/Buckets/Bucket[2]/Name | twice"}},
		{"tabs and CRLF", "a.txtar\txml.syntax\t1\t2:3\tr s\r\n\r\nb.txtar xml.syntax 1 2:3 t\r\n",
			[]string{"1 a.txtar xml.syntax 1 2:3 | r s", "3 b.txtar xml.syntax 1 2:3 | t"}},
		{"leading white space, exchange 0", "   a.txtar http.date 0 - r", []string{"1 a.txtar http.date 0 - | r"}},
		{"xpath assertion id", `a.txtar xpath.name-has-appid 1 11:7 no -APPID`, []string{"1 a.txtar xpath.name-has-appid 1 11:7 | no -APPID"}},
		{"reason with # and quotes", `a.txtar xml.syntax 1 1:1 see #12: 'x' "y"`, []string{`1 a.txtar xml.syntax 1 1:1 | see #12: 'x' "y"`}},
		{"no final newline", "# c\na.txtar xml.syntax 1 1:1 r", []string{"2 a.txtar xml.syntax 1 1:1 | r"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			b, err := baseline.Parse("base.txt", []byte(tt.data))
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if b.File != "base.txt" {
				t.Errorf("File = %q", b.File)
			}
			if got := entries(b); !reflect.DeepEqual(got, tt.want) {
				t.Errorf("Parse(%q) =\n%q, want\n%q", tt.data, got, tt.want)
			}
		})
	}
}

func TestParseErrors(t *testing.T) {
	tests := []struct{ data, want string }{
		{`f.txtar xml.syntax 1`, `base.txt:1: want FILE CHECK-ID EXCHANGE WHERE [reason]`},
		{`f.txtar`, `base.txt:1: want FILE CHECK-ID EXCHANGE WHERE [reason]`},
		{"# c\n\nf.txtar xml.syntax one 1:1 r", `base.txt:3: exchange "one" is not a number`},
		{`f.txtar 1 xml.syntax 1:1 r`, `base.txt:1: exchange "xml.syntax" is not a number`},
		{`f.txtar xml.syntax 1.5 1:1 r`, `base.txt:1: exchange "1.5" is not a number`},
		{`f.txtar xml.nope 1 1:1 r`, `base.txt:1: unknown check id "xml.nope"`},
		{`f.txtar xpath. 1 1:1 r`, `base.txt:1: unknown check id "xpath."`},
		{`f.txtar XML.SYNTAX 1 1:1 r`, `base.txt:1: unknown check id "XML.SYNTAX"`},
		{"f.txtar xml.syntax 1 1:1 r\nf.txtar xml.syntax 1\nf.txtar nope 1 1:1", `base.txt:2: want FILE CHECK-ID EXCHANGE WHERE [reason]`},
	}
	for _, tt := range tests {
		b, err := baseline.Parse("base.txt", []byte(tt.data))
		if err == nil || err.Error() != tt.want {
			t.Errorf("Parse(%q) error = %v, want %q", tt.data, err, tt.want)
		}
		if b != nil {
			t.Errorf("Parse(%q) = %+v with an error, want nil", tt.data, b)
		}
	}
}

func TestLoad(t *testing.T) {
	dir := t.TempDir()
	good := filepath.Join(dir, "good.txt")
	bad := filepath.Join(dir, "bad.txt")
	if err := os.WriteFile(good, []byte("# c\na.txtar xml.syntax 1 1:2 because\n"), 0o666); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(bad, []byte("\n\na.txtar xml.syntax x 1:2\n"), 0o666); err != nil {
		t.Fatal(err)
	}

	b, err := baseline.Load(good)
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"2 a.txtar xml.syntax 1 1:2 | because"}; b.File != good || !reflect.DeepEqual(entries(b), want) {
		t.Errorf("Load = %s %q, want %s %q", b.File, entries(b), good, want)
	}
	if _, err := baseline.Load(bad); err == nil || err.Error() != bad+`:3: exchange "x" is not a number` {
		t.Errorf("Load(bad) error = %v", err)
	}
	if _, err := baseline.Load(filepath.Join(dir, "missing.txt")); !errors.Is(err, fs.ErrNotExist) {
		t.Errorf("Load(missing) error = %v, want not exist", err)
	}
}

const compareBase = `# the accepted findings
a.txtar xml.syntax 1 3:4 r1
a.txtar page.unique 1 10:2 r2
b.txtar http.host 1 - r3
b.txtar schema.success 2 /R/A r4
`

func TestCompare(t *testing.T) {
	tests := []struct {
		name     string
		base     string // "nil" for a nil *Baseline
		findings []string
		checked  []string // nil for a nil map
		new      []string
		accepted []string
		stale    []int // lines
	}{
		{"nil baseline accepts nothing", "nil",
			[]string{"a.txtar xml.syntax 1 3:4", "b.txtar http.host 1 -"}, nil,
			[]string{"a.txtar xml.syntax 1 3:4", "b.txtar http.host 1 -"}, nil, nil},
		{"nil baseline, checked files", "nil",
			[]string{"a.txtar xml.syntax 1 3:4"}, []string{"a.txtar"},
			[]string{"a.txtar xml.syntax 1 3:4"}, nil, nil},
		{"empty baseline", "",
			[]string{"a.txtar xml.syntax 1 3:4"}, nil,
			[]string{"a.txtar xml.syntax 1 3:4"}, nil, nil},
		{"no findings", compareBase, nil, nil, nil, nil, []int{2, 3, 4, 5}},
		{"all accepted", compareBase,
			[]string{"b.txtar schema.success 2 /R/A", "a.txtar xml.syntax 1 3:4", "a.txtar page.unique 1 10:2", "b.txtar http.host 1 -"}, nil,
			nil, []string{"b.txtar schema.success 2 /R/A", "a.txtar xml.syntax 1 3:4", "a.txtar page.unique 1 10:2", "b.txtar http.host 1 -"}, nil},
		{"new, accepted and stale", compareBase,
			[]string{"a.txtar xml.syntax 1 5:1", "a.txtar xml.syntax 1 3:4", "c.txtar xml.syntax 1 3:4"}, nil,
			[]string{"a.txtar xml.syntax 1 5:1", "c.txtar xml.syntax 1 3:4"}, []string{"a.txtar xml.syntax 1 3:4"}, []int{3, 4, 5}},
		{"stale only in checked files", compareBase,
			[]string{"a.txtar xml.syntax 1 3:4"}, []string{"a.txtar", "c.txtar"},
			nil, []string{"a.txtar xml.syntax 1 3:4"}, []int{3}},
		{"stale in the other file", compareBase,
			nil, []string{"b.txtar"},
			nil, nil, []int{4, 5}},
		{"no file checked", compareBase,
			nil, []string{},
			nil, nil, nil},
		{"every part of the key counts", compareBase,
			[]string{"a.txtar xml.syntax 1 3:5", "a.txtar xml.syntax 2 3:4", "a.txtar xml.unclosed 1 3:4", "c.txtar xml.syntax 1 3:4", "b.txtar schema.success 2 /R/B"}, nil,
			[]string{"a.txtar xml.syntax 1 3:5", "a.txtar xml.syntax 2 3:4", "a.txtar xml.unclosed 1 3:4", "c.txtar xml.syntax 1 3:4", "b.txtar schema.success 2 /R/B"}, nil, []int{2, 3, 4, 5}},
		{"the same finding twice", compareBase,
			[]string{"a.txtar xml.syntax 1 3:4", "a.txtar xml.syntax 1 3:4"}, []string{"a.txtar"},
			nil, []string{"a.txtar xml.syntax 1 3:4", "a.txtar xml.syntax 1 3:4"}, []int{3}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var b *baseline.Baseline
			if tt.base != "nil" {
				var err error
				if b, err = baseline.Parse("base.txt", []byte(tt.base)); err != nil {
					t.Fatal(err)
				}
			}
			var found []finding.Finding
			for _, k := range tt.findings {
				found = append(found, find(t, k))
			}
			var checked map[string]bool
			if tt.checked != nil {
				checked = map[string]bool{}
				for _, f := range tt.checked {
					checked[f] = true
				}
			}
			r := b.Compare(found, checked)
			if got := keys(r.New); !reflect.DeepEqual(got, tt.new) {
				t.Errorf("New = %q, want %q", got, tt.new)
			}
			if got := keys(r.Accepted); !reflect.DeepEqual(got, tt.accepted) {
				t.Errorf("Accepted = %q, want %q", got, tt.accepted)
			}
			var stale []int
			for _, e := range r.Stale {
				stale = append(stale, e.Line)
			}
			if !reflect.DeepEqual(stale, tt.stale) {
				t.Errorf("Stale lines = %v, want %v", stale, tt.stale)
			}
		})
	}
}

func keys(found []finding.Finding) []string {
	var s []string
	for _, f := range found {
		s = append(s, f.Key().String())
	}
	return s
}

// TestCompareKeepsFindings checks that Compare hands back the findings
// themselves and the entries with their reasons, stale ones by line.
func TestCompareKeepsFindings(t *testing.T) {
	b := &baseline.Baseline{File: "base.txt", Entries: []baseline.Entry{
		{Key: finding.Key{File: "a.txtar", Check: "xml.syntax", Exchange: 1, Where: "9:9"}, Reason: "nine", Line: 9},
		{Key: finding.Key{File: "a.txtar", Check: "xml.syntax", Exchange: 1, Where: "1:1"}, Reason: "seven", Line: 7},
		{Key: finding.Key{File: "a.txtar", Check: "xml.syntax", Exchange: 1, Where: "3:4"}, Reason: "eight", Line: 8},
	}}
	f := find(t, "a.txtar xml.syntax 1 3:4")
	f.Message, f.Recovered = "kept", true
	r := b.Compare([]finding.Finding{f}, nil)
	if len(r.Accepted) != 1 || !reflect.DeepEqual(r.Accepted[0], f) {
		t.Errorf("Accepted = %+v, want %+v", r.Accepted, f)
	}
	want := []baseline.Entry{b.Entries[1], b.Entries[0]}
	if !reflect.DeepEqual(r.Stale, want) {
		t.Errorf("Stale = %+v, want %+v (by line)", r.Stale, want)
	}
}

func TestFormat(t *testing.T) {
	fds := []finding.Finding{
		find(t, "a.txtar xml.unmatched-end 1 29:1"),
		find(t, "b.txtar schema.success 2 /ListAllMyBucketsResult/Buckets/Bucket/1/Name"),
		find(t, "c.txtar http.host 1 -"),
	}
	fds[0].Message = "end tag </Marker> has no start tag"
	fds[1].Message = `"x" is not valid`
	fds[2].Message = "no Host header"
	want := "a.txtar xml.unmatched-end 1 29:1 end tag </Marker> has no start tag\n" +
		"b.txtar schema.success 2 /ListAllMyBucketsResult/Buckets/Bucket/1/Name \"x\" is not valid\n" +
		"c.txtar http.host 1 - no Host header\n"
	out := baseline.Format(fds)
	if string(out) != want {
		t.Errorf("Format =\n%s\nwant\n%s", out, want)
	}
	if got := baseline.Format(nil); len(got) != 0 {
		t.Errorf("Format(nil) = %q", got)
	}

	// What Format writes, Parse reads back, and it accepts every finding.
	b, err := baseline.Parse("base.txt", out)
	if err != nil {
		t.Fatal(err)
	}
	for i, e := range b.Entries {
		if e.Key != fds[i].Key() || e.Reason != fds[i].Message || e.Line != i+1 {
			t.Errorf("entry %d = %+v, want key %v, reason %q", i, e, fds[i].Key(), fds[i].Message)
		}
	}
	r := b.Compare(fds, nil)
	if len(r.New) != 0 || len(r.Accepted) != len(fds) || len(r.Stale) != 0 {
		t.Errorf("Compare after Format: %d new, %d accepted, %d stale", len(r.New), len(r.Accepted), len(r.Stale))
	}
}
