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
	"time"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/outcome"
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

// entries shows each entry as "LINE IDENTITY | REASON", with
// " | expires DATE" after the identity when it has one.
func entries(b *baseline.Baseline) []string {
	var s []string
	for _, e := range b.Entries {
		id := e.String()
		if !e.Expires.IsZero() {
			id += " | expires " + e.Expires.Format("2006-01-02")
		}
		s = append(s, fmt.Sprintf("%d %s | %s", e.Line, id, e.Reason))
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
		{"expiry", `f.txtar http.host 2 - expires=2026-03-31 fixed in the next docs release`,
			[]string{"1 f.txtar http.host 2 - | expires 2026-03-31 | fixed in the next docs release"}},
		{"expires= later in the reason is text", `f.txtar http.host 2 - see expires=2026-03-31`,
			[]string{"1 f.txtar http.host 2 - | see expires=2026-03-31"}},
		{"spec entries", "spec versitygw pagination/walks-every-bucket-once/page-size-1 fail sorts by creation time\n" +
			"spec s3 filters/prefix unsupported expires=2027-01-01 no prefix filter yet\n" +
			"spec minio auth/clock-skew skipped needs a clock we do not control",
			[]string{"1 spec versitygw pagination/walks-every-bucket-once/page-size-1 fail | sorts by creation time",
				"2 spec s3 filters/prefix unsupported | expires 2027-01-01 | no prefix filter yet",
				"3 spec minio auth/clock-skew skipped | needs a clock we do not control"}},
		{"quoted target and file", "spec \"s3 recordings\" schema/success fail two roots\n\"my dir/a.txtar\" xml.syntax 1 1:1 r\n\"spec\" xml.syntax 1 1:1 a file named spec",
			[]string{`1 spec "s3 recordings" schema/success fail | two roots`, `2 "my dir/a.txtar" xml.syntax 1 1:1 | r`, `3 "spec" xml.syntax 1 1:1 | a file named spec`}},
		{"a file whose name starts with spec", `specs/a.txtar xml.syntax 1 1:1 r`, []string{"1 specs/a.txtar xml.syntax 1 1:1 | r"}},
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
		{`f.txtar xml.syntax 1`, `base.txt:1: want FILE CHECK-ID EXCHANGE WHERE [expires=YYYY-MM-DD] REASON`},
		{`f.txtar`, `base.txt:1: want FILE CHECK-ID EXCHANGE WHERE [expires=YYYY-MM-DD] REASON`},
		{"# c\nf.txtar http.host 2 -", `base.txt:2: no reason: say why this finding is accepted`},
		{`f.txtar http.host 2 - expires=2026-03-31`, `base.txt:1: no reason: say why this finding is accepted`},
		{`f.txtar http.host 2 - expires=31.03.2026 r`, `base.txt:1: expiry "31.03.2026" is not a date YYYY-MM-DD`},
		{`f.txtar http.host 2 - expires=2026-02-30 r`, `base.txt:1: expiry "2026-02-30" is not a date YYYY-MM-DD`},
		{`f.txtar http.host 2 - expires= r`, `base.txt:1: expiry "" is not a date YYYY-MM-DD`},
		{"a.txtar xml.syntax 1 1:1 r\n\na.txtar xml.syntax 1 1:1 other words", `base.txt:3: repeats the entry of line 1`},
		{`spec s3 filters/prefix fail`, `base.txt:1: no reason: say why this outcome is accepted`},
		{`spec s3 filters/prefix`, `base.txt:1: want spec TARGET SPEC-ID STATUS [expires=YYYY-MM-DD] REASON`},
		{`spec`, `base.txt:1: want spec TARGET SPEC-ID STATUS [expires=YYYY-MM-DD] REASON`},
		{`spec "" filters/prefix fail r`, `base.txt:1: want spec TARGET SPEC-ID STATUS [expires=YYYY-MM-DD] REASON`},
		{`spec s3 filters/prefix pass it passes`, `base.txt:1: status "pass" is not fail, unsupported or skipped`},
		{`spec s3 filters/prefix the filter is ignored`, `base.txt:1: status "the" is not fail, unsupported or skipped`},
		{"spec s3 a fail r\nspec s3 filters/prefix error set-up was refused", `base.txt:2: status "error" cannot be accepted: the spec could not run, so there is nothing to accept; fix what stopped it`},
		{`spec s3 filters/prefix ERROR r`, `base.txt:1: status "ERROR" is not fail, unsupported or skipped`},
		{`spec s3 filters/prefix fail expires=soon r`, `base.txt:1: expiry "soon" is not a date YYYY-MM-DD`},
		{"spec s3 a fail r\nspec s3 a fail r", `base.txt:2: repeats the entry of line 1`},
		{`spec "s3 recordings schema/success fail r`, `base.txt:1: unterminated or malformed quoted field "s3 recordings schema/success fail r`},
		{`spec "s3"x schema/success fail r`, `base.txt:1: no space after quoted field "s3"`},
		{"# c\n\nf.txtar xml.syntax one 1:1 r", `base.txt:3: exchange "one" is not a number`},
		{`f.txtar 1 xml.syntax 1:1 r`, `base.txt:1: exchange "xml.syntax" is not a number`},
		{`f.txtar xml.syntax 1.5 1:1 r`, `base.txt:1: exchange "1.5" is not a number`},
		{`f.txtar xml.nope 1 1:1 r`, `base.txt:1: unknown check id "xml.nope"`},
		{`f.txtar xpath. 1 1:1 r`, `base.txt:1: unknown check id "xpath."`},
		{`f.txtar XML.SYNTAX 1 1:1 r`, `base.txt:1: unknown check id "XML.SYNTAX"`},
		{"f.txtar xml.syntax 1 1:1 r\nf.txtar xml.syntax 1\nf.txtar nope 1 1:1", `base.txt:2: want FILE CHECK-ID EXCHANGE WHERE [expires=YYYY-MM-DD] REASON`},
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

func lines(es []baseline.Entry) []int {
	var n []int
	for _, e := range es {
		n = append(n, e.Line)
	}
	return n
}

// An entry holds through its expiry date and is expired the day after, in
// the caller's time zone; expired entries still accept their findings.
func TestCompareExpired(t *testing.T) {
	b, err := baseline.Parse("base.txt", []byte(`a.txtar xml.syntax 1 3:4 expires=2026-03-31 r1
a.txtar page.unique 1 10:2 expires=2026-04-01 r2
a.txtar http.host 1 - r3
b.txtar http.host 1 - expires=2020-01-01 r4
spec s3 filters/prefix fail expires=2020-01-01 a spec entry is not a finding entry
`))
	if err != nil {
		t.Fatal(err)
	}
	found := []finding.Finding{find(t, "a.txtar xml.syntax 1 3:4"), find(t, "a.txtar page.unique 1 10:2")}
	tokyo := time.FixedZone("UTC+9", 9*3600)
	tests := []struct {
		name    string
		now     time.Time
		checked []string
		expired []int
		stale   []int
	}{
		{"the last day", time.Date(2026, 3, 31, 23, 59, 0, 0, time.UTC), []string{"a.txtar"}, nil, []int{3}},
		{"the day after", time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC), []string{"a.txtar"}, []int{1}, []int{3}},
		{"already the day after in Tokyo", time.Date(2026, 3, 31, 20, 0, 0, 0, time.UTC).In(tokyo), []string{"a.txtar"}, []int{1}, []int{3}},
		{"both expired", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), []string{"a.txtar"}, []int{1, 2}, []int{3}},
		{"expired and stale", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), nil, []int{1, 2, 4}, []int{3, 4}},
		{"unchecked files say nothing", time.Date(2027, 1, 1, 0, 0, 0, 0, time.UTC), []string{"c.txtar"}, nil, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var checked map[string]bool
			if tt.checked != nil {
				checked = map[string]bool{}
				for _, f := range tt.checked {
					checked[f] = true
				}
			}
			r := b.CompareAt(found, checked, tt.now)
			if len(r.New) != 0 || len(r.Accepted) != 2 {
				t.Errorf("%d new, %d accepted; want 0 and 2: expired entries still accept", len(r.New), len(r.Accepted))
			}
			if got := lines(r.Expired); !reflect.DeepEqual(got, tt.expired) {
				t.Errorf("Expired lines = %v, want %v", got, tt.expired)
			}
			if got := lines(r.Stale); !reflect.DeepEqual(got, tt.stale) {
				t.Errorf("Stale lines = %v, want %v", got, tt.stale)
			}
		})
	}
}

// AcceptedBy pairs every accepted finding with its entry, for the reason.
func TestCompareAcceptedBy(t *testing.T) {
	b, err := baseline.Parse("base.txt", []byte(compareBase))
	if err != nil {
		t.Fatal(err)
	}
	r := b.Compare([]finding.Finding{find(t, "b.txtar http.host 1 -"), find(t, "x.txtar http.host 1 -"), find(t, "a.txtar xml.syntax 1 3:4")}, nil)
	if len(r.AcceptedBy) != len(r.Accepted) {
		t.Fatalf("%d accepted, %d entries", len(r.Accepted), len(r.AcceptedBy))
	}
	for i, f := range r.Accepted {
		if e := r.AcceptedBy[i]; e.Key != f.Key() {
			t.Errorf("finding %s accepted by entry %s", f.Key(), e.Key)
		}
	}
	if got := r.AcceptedBy[0].Reason + " " + r.AcceptedBy[1].Reason; got != "r3 r1" {
		t.Errorf("reasons %q, want %q", got, "r3 r1")
	}
}

const specBase = `# spec outcomes
spec versitygw pagination/page-size-1 fail sorts by creation time
spec versitygw filters/prefix unsupported expires=2026-01-31 no prefix filter yet
spec versitygw auth/clock-skew skipped the clock cannot be moved
spec minio pagination/page-size-1 fail a target that did not run
spec "s3 recordings" schema/success fail two roots
a.txtar xml.syntax 1 3:4 a finding entry is not a spec entry
`

func result(target, id string, status outcome.Status) outcome.Result {
	return outcome.Result{Target: target, ID: id, Status: status, Summary: "summary of " + id}
}

func TestCompareSpecs(t *testing.T) {
	const (
		walk   = "pagination/page-size-1"
		prefix = "filters/prefix"
		skew   = "auth/clock-skew"
		schema = "schema/success"
	)
	before := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	after := time.Date(2026, 2, 1, 0, 0, 0, 0, time.UTC)
	tests := []struct {
		name     string
		base     string // "nil" for a nil *Baseline
		results  []outcome.Result
		now      time.Time
		new      []string // TARGET ID
		accepted []string // TARGET ID, with the reason of its entry
		stale    []int
		expired  []int
	}{
		{"nil baseline: fail and unsupported are new", "nil",
			[]outcome.Result{result("versitygw", walk, outcome.Fail), result("versitygw", prefix, outcome.Unsupported), result("versitygw", skew, outcome.Skipped), result("versitygw", schema, outcome.Pass)}, before,
			[]string{"versitygw " + walk, "versitygw " + prefix}, nil, nil, nil},
		{"every outcome as accepted", specBase,
			[]outcome.Result{result("versitygw", walk, outcome.Fail), result("versitygw", prefix, outcome.Unsupported), result("versitygw", skew, outcome.Skipped), result("versitygw", schema, outcome.Pass)}, before,
			nil, []string{"versitygw " + walk + ": sorts by creation time", "versitygw " + prefix + ": no prefix filter yet", "versitygw " + skew + ": the clock cannot be moved"}, nil, nil},
		{"expired the day after", specBase,
			[]outcome.Result{result("versitygw", walk, outcome.Fail), result("versitygw", prefix, outcome.Unsupported), result("versitygw", skew, outcome.Skipped)}, after,
			nil, []string{"versitygw " + walk + ": sorts by creation time", "versitygw " + prefix + ": no prefix filter yet", "versitygw " + skew + ": the clock cannot be moved"}, nil, []int{3}},
		{"fixed: the spec passes now", specBase,
			[]outcome.Result{result("versitygw", walk, outcome.Pass), result("versitygw", prefix, outcome.Unsupported), result("versitygw", skew, outcome.Skipped)}, before,
			nil, []string{"versitygw " + prefix + ": no prefix filter yet", "versitygw " + skew + ": the clock cannot be moved"}, []int{2}, nil},
		{"another status: unsupported became a failure", specBase,
			[]outcome.Result{result("versitygw", walk, outcome.Fail), result("versitygw", prefix, outcome.Fail), result("versitygw", skew, outcome.Skipped)}, before,
			[]string{"versitygw " + prefix}, []string{"versitygw " + walk + ": sorts by creation time", "versitygw " + skew + ": the clock cannot be moved"}, []int{3}, nil},
		{"did not run in a target that ran", specBase,
			[]outcome.Result{result("versitygw", walk, outcome.Fail)}, after,
			nil, []string{"versitygw " + walk + ": sorts by creation time"}, []int{3, 4}, []int{3}},
		{"a spec that could not run leaves its entry unjudged, not stale", specBase,
			[]outcome.Result{result("versitygw", walk, outcome.Error), result("versitygw", prefix, outcome.Unsupported), result("versitygw", skew, outcome.Skipped)}, before,
			nil, []string{"versitygw " + prefix + ": no prefix filter yet", "versitygw " + skew + ": the clock cannot be moved"}, nil, nil},
		{"a skipped outcome is not new", specBase,
			[]outcome.Result{result("versitygw", walk, outcome.Skipped), result("versitygw", prefix, outcome.Unsupported), result("versitygw", skew, outcome.Skipped)}, before,
			nil, []string{"versitygw " + prefix + ": no prefix filter yet", "versitygw " + skew + ": the clock cannot be moved"}, []int{2}, nil},
		{"the same spec in another target is not accepted", specBase,
			[]outcome.Result{result("minio", walk, outcome.Fail), result("minio", prefix, outcome.Unsupported)}, after,
			[]string{"minio " + prefix}, []string{"minio " + walk + ": a target that did not run"}, nil, nil},
		{"a quoted target", specBase,
			[]outcome.Result{result("s3 recordings", schema, outcome.Fail)}, after,
			nil, []string{"s3 recordings " + schema + ": two roots"}, nil, nil},
		{"no results: nothing is stale", specBase, nil, after, nil, nil, nil, nil},
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
			r := b.CompareSpecs(tt.results, tt.now)
			var news, accepted []string
			for _, res := range r.New {
				news = append(news, res.Target+" "+res.ID)
			}
			if len(r.AcceptedBy) != len(r.Accepted) {
				t.Fatalf("%d accepted, %d entries", len(r.Accepted), len(r.AcceptedBy))
			}
			for i, res := range r.Accepted {
				e := r.AcceptedBy[i]
				if e.Spec.Target != res.Target || e.Spec.ID != res.ID || e.Spec.Status != res.Status {
					t.Errorf("%s %s %s accepted by %s", res.Target, res.ID, res.Status, e)
				}
				accepted = append(accepted, res.Target+" "+res.ID+": "+e.Reason)
			}
			if !reflect.DeepEqual(news, tt.new) {
				t.Errorf("New = %q, want %q", news, tt.new)
			}
			if !reflect.DeepEqual(accepted, tt.accepted) {
				t.Errorf("Accepted = %q, want %q", accepted, tt.accepted)
			}
			if got := lines(r.Stale); !reflect.DeepEqual(got, tt.stale) {
				t.Errorf("Stale lines = %v, want %v", got, tt.stale)
			}
			if got := lines(r.Expired); !reflect.DeepEqual(got, tt.expired) {
				t.Errorf("Expired lines = %v, want %v", got, tt.expired)
			}
		})
	}
}

// What FormatSpecs writes, Parse reads back, and it accepts exactly the
// failed and unsupported outcomes.
func TestFormatSpecs(t *testing.T) {
	results := []outcome.Result{
		result("versitygw", "pagination/page-size-1", outcome.Fail),
		result("s3 recordings", "schema/success", outcome.Fail),
		{Target: "minio", ID: "filters/prefix", Status: outcome.Unsupported, Message: "everything back,\nno token"},
		{Target: "minio", ID: "auth/anonymous", Status: outcome.Fail},
		result("minio", "auth/clock-skew", outcome.Skipped),
		result("minio", "schema/success", outcome.Pass),
		result("minio", "headers/required", outcome.Error),
	}
	want := "spec versitygw pagination/page-size-1 fail summary of pagination/page-size-1\n" +
		"spec \"s3 recordings\" schema/success fail summary of schema/success\n" +
		"spec minio filters/prefix unsupported everything back,\n" +
		"spec minio auth/anonymous fail fail, without a summary\n"
	out := baseline.FormatSpecs(results)
	if string(out) != want {
		t.Errorf("FormatSpecs =\n%s\nwant\n%s", out, want)
	}
	b, err := baseline.Parse("base.txt", out)
	if err != nil {
		t.Fatal(err)
	}
	r := b.CompareSpecs(results, time.Now())
	if len(r.New) != 0 || len(r.Accepted) != 4 || len(r.Stale) != 0 {
		t.Errorf("CompareSpecs after FormatSpecs: %d new, %d accepted, %d stale", len(r.New), len(r.Accepted), len(r.Stale))
	}
}

// Odd file names and reasons survive a round trip through Format and Parse.
func TestFormatQuotes(t *testing.T) {
	fds := []finding.Finding{
		finding.New("xml.syntax", "two\nlines   and  spaces"),
		finding.New("http.host", ""),
		finding.New("http.host", "a file named spec"),
		finding.New("http.host", "a file named like a comment"),
	}
	fds[0].File, fds[0].Exchange, fds[0].Line, fds[0].Col = "my dir/a b.txtar", 1, 3, 4
	fds[1].File, fds[1].Exchange = `q"uote.txtar`, 1
	fds[2].File, fds[2].Exchange = "spec", 1
	fds[3].File, fds[3].Exchange = "#x.txtar", 1
	out := baseline.Format(fds)
	b, err := baseline.Parse("base.txt", out)
	if err != nil {
		t.Fatalf("Parse(Format): %v\n%s", err, out)
	}
	wantReasons := []string{"two lines and spaces", finding.Describe("http.host"), "a file named spec", "a file named like a comment"}
	for i, e := range b.Entries {
		if e.Key != fds[i].Key() || e.Reason != wantReasons[i] {
			t.Errorf("entry %d = %v %q, want %v %q", i, e.Key, e.Reason, fds[i].Key(), wantReasons[i])
		}
	}
	if len(b.Entries) != len(fds) {
		t.Errorf("%d entries from %d findings:\n%s", len(b.Entries), len(fds), out)
	}
}
