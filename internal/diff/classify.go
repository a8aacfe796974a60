package diff

import (
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/outcome"
)

// Kind is what a difference between two endpoints amounts to.
type Kind string

const (
	// Same: nothing differs once normalised.
	Same Kind = "same"
	// Variance: what differs is within what the contract allows both.
	Variance Kind = "variance"
	// Violation: a check fires, or a spec fails, on one side only (or on
	// both, within a spec where the sides differ).
	Violation Kind = "contract violation"
	// Capability: one side lacks an optional capability the other has
	// (its spec is unsupported there).
	Capability Kind = "capability gap"
	// Unjudged: a spec could not run on one side.
	Unjudged Kind = "could not judge"
)

// Row is one request of one spec on both sides, or, with Exchange 0, a
// spec whose verdicts differ.
type Row struct {
	Spec      string `json:"spec"`
	Recording string `json:"recording,omitempty"`
	Exchange  int    `json:"exchange"`
	Request   string `json:"request,omitempty"`
	Kind      Kind   `json:"kind"`
	// Side is whose violation, gap or failure to judge it is: A, B or
	// both; "" for the same and for variances.
	Side        string       `json:"side,omitempty"`
	Reason      string       `json:"reason,omitempty"`
	Differences []Difference `json:"differences,omitempty"`
}

// Compare pairs two runs' recordings by spec and exchange, compares each
// pair once normalised, and classifies what differs.
func Compare(a, b *Side, c *contract.Contract) []Row {
	fa, fb := errorChecks(a, c), errorChecks(b, c)
	files := slices.Sorted(maps.Keys(a.Recordings))
	for f := range b.Recordings {
		if _, ok := a.Recordings[f]; !ok {
			files = append(files, f)
		}
	}
	slices.Sort(files)
	var rows []Row
	differs := map[string]bool{} // specs with a row that is not the same
	for _, f := range files {
		spec := a.Specs[f]
		if spec == "" {
			spec = b.Specs[f]
		}
		ra, rb := a.Results[spec], b.Results[spec]
		var exA, exB int
		if r := a.Recordings[f]; r != nil {
			exA = len(r.Exchanges)
		}
		if r := b.Recordings[f]; r != nil {
			exB = len(r.Exchanges)
		}
		for i := 1; i <= max(exA, exB); i++ {
			na, nb := nthExchange(a, f, i), nthExchange(b, f, i)
			row := Row{Spec: spec, Recording: f, Exchange: i, Differences: compare(na, nb)}
			if na != nil {
				row.Request = na.request
			} else {
				row.Request = nb.request
			}
			onlyA := minus(fa[f][i], fb[f][i])
			onlyB := minus(fb[f][i], fa[f][i])
			switch {
			case len(onlyA)+len(onlyB) > 0:
				row.Kind, row.Side = Violation, sideOf(len(onlyA) > 0, len(onlyB) > 0)
				row.Reason = checksReason(onlyA, onlyB)
				// A spec that finds the capability absent where the
				// checks fire has judged what they found: a gap.
				if kind, side, reason := byVerdict(ra, rb, a.RunID, b.RunID); kind == Capability && side == row.Side {
					row.Kind, row.Reason = kind, reason
				}
			case len(row.Differences) == 0:
				row.Kind = Same
			default:
				row.Kind, row.Side, row.Reason = byVerdict(ra, rb, a.RunID, b.RunID)
				if row.Kind == Same {
					row.Kind, row.Side, row.Reason = Variance, "", varianceReason(row.Differences)
				}
			}
			if row.Kind != Same {
				differs[spec] = true
			}
			rows = append(rows, row)
		}
	}
	// Specs whose verdicts differ without a differing exchange to show
	// it (a spec that recorded nothing, or whose verdict rests on what
	// the exchanges mean together) get a row of their own.
	for _, id := range specIDs(a, b) {
		ra, rb := a.Results[id], b.Results[id]
		if differs[id] || ra.Status == rb.Status {
			continue
		}
		kind, side, reason := byVerdict(ra, rb, a.RunID, b.RunID)
		rows = append(rows, Row{Spec: id, Kind: kind, Side: side, Reason: reason})
	}
	return rows
}

func specIDs(a, b *Side) []string {
	ids := slices.Sorted(maps.Keys(a.Results))
	for id := range b.Results {
		if _, ok := a.Results[id]; !ok {
			ids = append(ids, id)
		}
	}
	slices.Sort(ids)
	return ids
}

func nthExchange(s *Side, file string, i int) *normalised {
	r := s.Recordings[file]
	if r == nil || i > len(r.Exchanges) {
		return nil
	}
	return normalise(r.Exchanges[i-1], s.RunID)
}

// errorChecks is, per recording and exchange, the checks that find an
// error there (a finding of the recording as a whole counts as its
// first exchange's).
func errorChecks(s *Side, c *contract.Contract) map[string]map[int]map[string]bool {
	out := map[string]map[int]map[string]bool{}
	for f, rec := range s.Recordings {
		byEx := map[int]map[string]bool{}
		for _, fd := range check.Recording(rec, c) {
			if fd.Severity != finding.Error {
				continue
			}
			i := max(fd.Exchange, 1)
			if byEx[i] == nil {
				byEx[i] = map[string]bool{}
			}
			byEx[i][fd.Check] = true
		}
		out[f] = byEx
	}
	return out
}

func minus(a, b map[string]bool) []string {
	var out []string
	for k := range a {
		if !b[k] {
			out = append(out, k)
		}
	}
	slices.Sort(out)
	return out
}

func sideOf(a, b bool) string {
	switch {
	case a && b:
		return "both"
	case a:
		return "A"
	case b:
		return "B"
	}
	return ""
}

func checksReason(onlyA, onlyB []string) string {
	var parts []string
	if len(onlyA) > 0 {
		parts = append(parts, "on A only: "+strings.Join(onlyA, ", "))
	}
	if len(onlyB) > 0 {
		parts = append(parts, "on B only: "+strings.Join(onlyB, ", "))
	}
	return "checks fire " + strings.Join(parts, "; ")
}

// byVerdict classifies a difference within a spec by the spec's verdict
// on each side: Same when the verdicts do not tell the sides apart. The
// reason names the run's buckets as rows do, by the run token.
func byVerdict(a, b outcome.Result, runA, runB string) (Kind, string, string) {
	sa, sb := a.Status, b.Status
	verdicts := fmt.Sprintf("the spec is %s on A, %s on B", orNone(sa), orNone(sb))
	why := func(r outcome.Result) string {
		if r.Summary == "" {
			return verdicts
		}
		return verdicts + ": " + strings.NewReplacer(runA, runToken, runB, runToken).Replace(r.Summary)
	}
	failA, failB := sa == outcome.Fail, sb == outcome.Fail
	switch {
	case failA || failB:
		if failA && !failB {
			return Violation, "A", why(a)
		}
		if failB && !failA {
			return Violation, "B", why(b)
		}
		return Violation, "both", verdicts
	case sa == sb:
		return Same, "", ""
	case sa == outcome.Error || sb == outcome.Error || sa == "" || sb == "":
		return Unjudged, sideOf(sa != outcome.Pass, sb != outcome.Pass), verdicts
	case sa == outcome.Unsupported && sb == outcome.Pass:
		return Capability, "A", why(a)
	case sb == outcome.Unsupported && sa == outcome.Pass:
		return Capability, "B", why(b)
	}
	// Skipped on one side (a capability the profile declares absent),
	// unsupported on the other, and the like.
	return Capability, sideOf(sa != outcome.Pass, sb != outcome.Pass), verdicts
}

func orNone(s outcome.Status) string {
	if s == "" {
		return "absent"
	}
	return string(s)
}

// varianceReason names the latitudes a variance row rests on.
func varianceReason(ds []Difference) string {
	var kinds []string
	substance := false
	for _, d := range ds {
		if d.Variance == "" {
			substance = true
		} else if !slices.Contains(kinds, d.Variance) {
			kinds = append(kinds, d.Variance)
		}
	}
	if substance {
		kinds = append(kinds, "values no check or spec holds to one answer")
	}
	return "the contract allows both: " + strings.Join(kinds, ", ")
}
