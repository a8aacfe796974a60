// Package baseline reads the list of accepted findings and spec outcomes,
// splits a run into what is new (which fails it) and what is accepted, and
// names the entries that no longer occur or have expired.
//
// A baseline file has one entry per line, of two kinds. A finding entry:
//
//	FILE CHECK-ID EXCHANGE WHERE [expires=YYYY-MM-DD] REASON...
//
// has the four fields of a finding's key (finding.Key); WHERE is LINE:COL,
// a JSON pointer, an XPath or "-". A spec entry, for live runs and
// per-server interop baselines:
//
//	spec TARGET SPEC-ID STATUS [expires=YYYY-MM-DD] REASON...
//
// names an outcome.Result by its Target and ID, and the status accepted for
// it: fail, unsupported or skipped. Never error: a spec that could not run
// judged nothing, and a gate that accepted that would pass unjudged. A FILE or TARGET containing white space
// (or a FILE named spec) is written as a Go string literal: "s3 recordings".
//
// The reason is required: whoever accepts a deviation says why. The expiry
// is optional. An entry whose date has passed is expired: it still accepts
// what it names, and the run reports it, so that an acceptance meant to be
// temporary cannot quietly become permanent.
//
// Blank lines and lines starting with # are ignored.
package baseline

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/outcome"
)

// dateLayout is how expiry dates are written.
const dateLayout = "2006-01-02"

// Entry is one accepted finding or spec outcome.
type Entry struct {
	Key  finding.Key // a finding entry's identity
	Spec SpecKey     // a spec entry's identity; zero for a finding entry
	// Expires is the last day the entry holds (a date, at UTC midnight);
	// zero for an entry without expiry.
	Expires time.Time
	Reason  string
	Line    int // in the baseline file
}

// SpecKey names a spec's outcome against one target.
type SpecKey struct {
	Target string
	ID     string
	Status outcome.Status
}

// Acceptance is e's word on what it accepts, as reports show it: what,
// the reason, the expiry and where the entry is (file is the baseline's
// name as the run was given it).
func (e Entry) Acceptance(what, file string) outcome.Acceptance {
	a := outcome.Acceptance{What: what, Reason: e.Reason, Status: e.Spec.Status}
	if !e.Expires.IsZero() {
		a.Expires = e.Expires.Format(dateLayout)
	}
	if file != "" && e.Line > 0 {
		a.Entry = fmt.Sprintf("%s:%d", file, e.Line)
	}
	return a
}

// IsSpec reports whether e accepts a spec outcome rather than a finding.
func (e Entry) IsSpec() bool { return e.Spec.ID != "" }

// Expired reports whether e's last day lies before now's date (in now's
// location: the day the person running the tool is living in).
func (e Entry) Expired(now time.Time) bool {
	return !e.Expires.IsZero() && now.Format(dateLayout) > e.Expires.Format(dateLayout)
}

// String is the entry's identity as the baseline file writes it, without
// expiry and reason.
func (e Entry) String() string {
	if e.IsSpec() {
		return fmt.Sprintf("spec %s %s %s", quoteField(e.Spec.Target), e.Spec.ID, e.Spec.Status)
	}
	k := e.Key
	return fmt.Sprintf("%s %s %d %s", quoteField(k.File), k.Check, k.Exchange, k.Where)
}

// Baseline is a set of accepted findings and spec outcomes.
type Baseline struct {
	File    string
	Entries []Entry
}

// Load reads a baseline file.
func Load(file string) (*Baseline, error) {
	data, err := os.ReadFile(file)
	if err != nil {
		return nil, err
	}
	return Parse(file, data)
}

// Parse reads baseline entries from data. An error names file:line.
func Parse(file string, data []byte) (*Baseline, error) {
	b := &Baseline{File: file}
	first := map[string]int{} // entry identity -> line
	sc := bufio.NewScanner(bytes.NewReader(data))
	for n := 1; sc.Scan(); n++ {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		e, err := parseEntry(line)
		if err != nil {
			return nil, fmt.Errorf("%s:%d: %w", file, n, err)
		}
		e.Line = n
		if prev, ok := first[e.String()]; ok {
			return nil, fmt.Errorf("%s:%d: repeats the entry of line %d", file, n, prev)
		}
		first[e.String()] = n
		b.Entries = append(b.Entries, e)
	}
	if err := sc.Err(); err != nil {
		return nil, fmt.Errorf("%s: %w", file, err)
	}
	return b, nil
}

const (
	findingSyntax = "want FILE CHECK-ID EXCHANGE WHERE [expires=YYYY-MM-DD] REASON"
	specSyntax    = "want spec TARGET SPEC-ID STATUS [expires=YYYY-MM-DD] REASON"
)

func parseEntry(line string) (Entry, error) {
	if rest, ok := strings.CutPrefix(line, "spec"); ok && (rest == "" || startsWithSpace(rest)) {
		return parseSpec(rest)
	}
	file, rest, err := cutField(line)
	if err != nil {
		return Entry{}, err
	}
	f := strings.Fields(rest)
	if len(f) < 3 {
		return Entry{}, errors.New(findingSyntax)
	}
	ex, err := strconv.Atoi(f[1])
	if err != nil {
		return Entry{}, fmt.Errorf("exchange %q is not a number", f[1])
	}
	if !finding.Known(f[0]) {
		return Entry{}, fmt.Errorf("unknown check id %q", f[0])
	}
	e := Entry{Key: finding.Key{File: file, Check: f[0], Exchange: ex, Where: f[2]}}
	if e.Expires, e.Reason, err = parseTail(f[3:]); err != nil {
		return Entry{}, err
	}
	if e.Reason == "" {
		return Entry{}, errors.New("no reason: say why this finding is accepted")
	}
	return e, nil
}

func parseSpec(rest string) (Entry, error) {
	target, rest, err := cutField(rest)
	if err != nil {
		return Entry{}, err
	}
	f := strings.Fields(rest)
	if target == "" || len(f) < 2 {
		return Entry{}, errors.New(specSyntax)
	}
	status := outcome.Status(f[1])
	if status == outcome.Error {
		return Entry{}, errors.New(`status "error" cannot be accepted: the spec could not run, so there is nothing to accept; fix what stopped it`)
	}
	if status != outcome.Fail && status != outcome.Unsupported && status != outcome.Skipped {
		return Entry{}, fmt.Errorf("status %q is not fail, unsupported or skipped", f[1])
	}
	e := Entry{Spec: SpecKey{Target: target, ID: f[0], Status: status}}
	if e.Expires, e.Reason, err = parseTail(f[2:]); err != nil {
		return Entry{}, err
	}
	if e.Reason == "" {
		return Entry{}, errors.New("no reason: say why this outcome is accepted")
	}
	return e, nil
}

// parseTail reads what follows an entry's identity: an optional
// expires=YYYY-MM-DD, then the reason.
func parseTail(f []string) (expires time.Time, reason string, err error) {
	if len(f) > 0 {
		if date, ok := strings.CutPrefix(f[0], "expires="); ok {
			if expires, err = time.Parse(dateLayout, date); err != nil {
				return time.Time{}, "", fmt.Errorf("expiry %q is not a date YYYY-MM-DD", date)
			}
			f = f[1:]
		}
	}
	return expires, strings.Join(f, " "), nil
}

// cutField splits the first white-space separated field off s; a field
// starting with a double quote is a Go string literal.
func cutField(s string) (field, rest string, err error) {
	s = strings.TrimLeftFunc(s, unicode.IsSpace)
	if strings.HasPrefix(s, `"`) {
		q, err := strconv.QuotedPrefix(s)
		if err != nil {
			return "", "", fmt.Errorf("unterminated or malformed quoted field %s", s)
		}
		field, _ = strconv.Unquote(q) // QuotedPrefix checked it
		rest = s[len(q):]
		if rest != "" && !startsWithSpace(rest) {
			return "", "", fmt.Errorf("no space after quoted field %s", q)
		}
		return field, rest, nil
	}
	if i := strings.IndexFunc(s, unicode.IsSpace); i >= 0 {
		return s[:i], s[i:], nil
	}
	return s, "", nil
}

func startsWithSpace(s string) bool {
	r, _ := utf8.DecodeRuneInString(s)
	return unicode.IsSpace(r)
}

// quoteField writes a FILE or TARGET so that cutField reads it back whole.
func quoteField(s string) string {
	odd := func(r rune) bool { return unicode.IsSpace(r) || r == '"' || !unicode.IsPrint(r) }
	if s == "" || s == "spec" || strings.HasPrefix(s, "#") || strings.IndexFunc(s, odd) >= 0 {
		return strconv.Quote(s)
	}
	return s
}

// Result is a run's findings judged against a baseline.
type Result struct {
	New      []finding.Finding // not in the baseline: they fail the run
	Accepted []finding.Finding // in the baseline: shown, not failing
	// AcceptedBy[i] is the entry that accepts Accepted[i], for its reason.
	AcceptedBy []Entry
	Stale      []Entry // in the baseline but no longer found
	Expired    []Entry // past their expiry; they still accept their findings
}

// Compare judges findings against b as of today. A nil baseline accepts
// nothing. Only entries whose file was checked (all, for a nil checked)
// can be stale or expired: a run speaks only of what it looked at.
func (b *Baseline) Compare(findings []finding.Finding, checked map[string]bool) Result {
	return b.CompareAt(findings, checked, time.Now())
}

// CompareAt is Compare with entries judged expired as of now.
func (b *Baseline) CompareAt(findings []finding.Finding, checked map[string]bool, now time.Time) Result {
	var r Result
	accepted := map[finding.Key]Entry{}
	if b != nil {
		for _, e := range b.Entries {
			if !e.IsSpec() {
				accepted[e.Key] = e
			}
		}
	}
	found := map[finding.Key]bool{}
	for _, f := range findings {
		k := f.Key()
		found[k] = true
		if e, ok := accepted[k]; ok {
			r.Accepted = append(r.Accepted, f)
			r.AcceptedBy = append(r.AcceptedBy, e)
		} else {
			r.New = append(r.New, f)
		}
	}
	r.Stale, r.Expired = b.problems(now,
		func(e Entry) bool { return !e.IsSpec() && (checked == nil || checked[e.Key.File]) },
		func(e Entry) bool { return found[e.Key] })
	return r
}

// SpecResult is a run's spec outcomes judged against a baseline.
type SpecResult struct {
	New []outcome.Result // a fail or unsupported outcome no entry accepts
	// Accepted are the outcomes an entry names with their very status;
	// AcceptedBy[i] is the entry that accepts Accepted[i].
	Accepted   []outcome.Result
	AcceptedBy []Entry
	// Stale are entries whose spec now has another status, or did not run
	// in a target that did run.
	Stale   []Entry
	Expired []Entry // past their expiry; they still accept their outcomes
}

// CompareSpecs judges spec outcomes against b, with entries expired as of
// now. A nil baseline accepts nothing. Only entries of a target that ran
// can be stale or expired.
func (b *Baseline) CompareSpecs(results []outcome.Result, now time.Time) SpecResult {
	var r SpecResult
	accepted := map[SpecKey]Entry{}
	if b != nil {
		for _, e := range b.Entries {
			if e.IsSpec() {
				accepted[e.Spec] = e
			}
		}
	}
	ran := map[string]bool{}
	seen := map[SpecKey]bool{}
	unjudged := map[[2]string]bool{} // target, spec id: the spec could not run
	for _, res := range results {
		k := SpecKey{Target: res.Target, ID: res.ID, Status: res.Own()}
		ran[res.Target] = true
		seen[k] = true
		if res.Status == outcome.Error {
			unjudged[[2]string{res.Target, res.ID}] = true
		}
		if e, ok := accepted[k]; ok {
			r.Accepted = append(r.Accepted, res)
			r.AcceptedBy = append(r.AcceptedBy, e)
		} else if k.Status == outcome.Fail || k.Status == outcome.Unsupported {
			r.New = append(r.New, res)
		}
	}
	r.Stale, r.Expired = b.problems(now,
		// A spec that could not run says nothing of its entry.
		func(e Entry) bool {
			return e.IsSpec() && ran[e.Spec.Target] && !unjudged[[2]string{e.Spec.Target, e.Spec.ID}]
		},
		func(e Entry) bool { return seen[e.Spec] })
	return r
}

// problems returns the entries the run looked at (inScope) that matched
// nothing (stale) or are past their expiry, each in file order. A nil
// baseline has none.
func (b *Baseline) problems(now time.Time, inScope, matched func(Entry) bool) (stale, expired []Entry) {
	if b == nil {
		return nil, nil
	}
	for _, e := range b.Entries {
		if !inScope(e) {
			continue
		}
		if !matched(e) {
			stale = append(stale, e)
		}
		if e.Expired(now) {
			expired = append(expired, e)
		}
	}
	byLine(stale)
	byLine(expired)
	return stale, expired
}

func byLine(es []Entry) {
	sort.SliceStable(es, func(i, j int) bool { return es[i].Line < es[j].Line })
}

// Format writes findings as baseline entries, their messages standing in
// for the reasons someone should then write.
func Format(findings []finding.Finding) []byte {
	var buf bytes.Buffer
	for _, f := range findings {
		reason := f.Message
		if strings.TrimSpace(reason) == "" {
			reason = finding.Describe(f.Check)
		}
		writeEntry(&buf, Entry{Key: f.Key(), Reason: reason})
	}
	return buf.Bytes()
}

// FormatSpecs writes the failed and unsupported outcomes of results as
// baseline entries, their summaries standing in for reasons; never what
// could not run, which no baseline may accept.
func FormatSpecs(results []outcome.Result) []byte {
	var buf bytes.Buffer
	for _, res := range results {
		status := res.Own()
		if status != outcome.Fail && status != outcome.Unsupported {
			continue
		}
		reason := outcome.FirstLine(res.Summary)
		if reason == "" {
			reason = outcome.FirstLine(res.Message)
		}
		if reason == "" {
			reason = string(status) + ", without a summary"
		}
		writeEntry(&buf, Entry{Spec: SpecKey{Target: res.Target, ID: res.ID, Status: status}, Reason: reason})
	}
	return buf.Bytes()
}

func writeEntry(buf *bytes.Buffer, e Entry) {
	buf.WriteString(e.String())
	if !e.Expires.IsZero() {
		buf.WriteString(" expires=" + e.Expires.Format(dateLayout))
	}
	// One line, words as Parse will read them back.
	buf.WriteString(" " + strings.Join(strings.Fields(e.Reason), " ") + "\n")
}
