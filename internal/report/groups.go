package report

import (
	"slices"
	"strings"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// A run's results are shown as groups, one table each, so that nothing is
// a column of dashes: results go by vendor, and within a vendor the
// targets that ran the same specs share a table (the live specs of three
// servers), while a target whose specs share none with the others has
// its own (a vendor's recordings). A table whose specs all read
// "AREA / SUBJECT", each subject judged in several areas, is turned
// round: a row per subject (a recording), a column per area.
type group struct {
	Vendor string
	// Title names what the columns are of: the targets, or for a turned
	// table its one target.
	Title   string
	Columns []string
	// ByArea says the columns are areas of one target, not targets.
	ByArea bool
	Rows   []groupRow
	Tally  []int // by outcome.Statuses
}

// groupRow is a row of a group: its label (the spec, or the subject of a
// turned table), the area it belongs to for a heading, and a cell per
// column.
type groupRow struct {
	Area, Label string
	Cells       []cell
}

// groups lays a run out as groups, vendors and targets in the order they
// first appear.
func groups(run *outcome.Run) []group {
	var vendors []string
	byVendor := map[string][]*outcome.Result{}
	for i := range run.Results {
		r := &run.Results[i]
		v := r.Vendor
		if v == "" {
			v = r.Target
		}
		if _, ok := byVendor[v]; !ok {
			vendors = append(vendors, v)
		}
		byVendor[v] = append(byVendor[v], r)
	}
	var gs []group
	for _, v := range vendors {
		for _, targets := range clusters(byVendor[v]) {
			gs = append(gs, newGroup(v, targets, byVendor[v]))
		}
	}
	return gs
}

// clusters partitions a vendor's targets into those that share a spec.
func clusters(results []*outcome.Result) [][]string {
	var targets []string
	specs := map[string][]string{} // target → its specs
	for _, r := range results {
		if !slices.Contains(targets, r.Target) {
			targets = append(targets, r.Target)
		}
		specs[r.Target] = append(specs[r.Target], r.Spec)
	}
	parent := map[string]string{}
	var find func(string) string
	find = func(t string) string {
		if p, ok := parent[t]; ok && p != t {
			parent[t] = find(p)
			return parent[t]
		}
		return t
	}
	owner := map[string]string{} // spec → the first target that ran it
	for _, t := range targets {
		for _, s := range specs[t] {
			if o, ok := owner[s]; ok {
				if a, b := find(o), find(t); a != b {
					parent[b] = a
				}
			} else {
				owner[s] = t
			}
		}
	}
	var out [][]string
	index := map[string]int{}
	for _, t := range targets {
		root := find(t)
		i, ok := index[root]
		if !ok {
			i = len(out)
			index[root] = i
			out = append(out, nil)
		}
		out[i] = append(out[i], t)
	}
	return out
}

func newGroup(vendor string, targets []string, results []*outcome.Result) group {
	g := group{Vendor: vendor, Title: strings.Join(targets, ", "), Tally: make([]int, len(outcome.Statuses))}
	var mine []*outcome.Result
	for _, r := range results {
		if slices.Contains(targets, r.Target) {
			mine = append(mine, r)
			if i := slices.Index(outcome.Statuses, r.Status); i >= 0 {
				g.Tally[i]++
			}
		}
	}
	if len(targets) == 1 && turnable(mine) {
		g.ByArea = true
		rows := map[string]int{}
		for _, r := range mine {
			area, subject, _ := strings.Cut(r.Spec, " / ")
			col := slices.Index(g.Columns, area)
			if col < 0 {
				g.Columns = append(g.Columns, area)
				col = len(g.Columns) - 1
				for i := range g.Rows {
					g.Rows[i].Cells = append(g.Rows[i].Cells, cell{})
				}
			}
			row, ok := rows[subject]
			if !ok {
				row = len(g.Rows)
				rows[subject] = row
				g.Rows = append(g.Rows, groupRow{Label: subject, Cells: make([]cell, len(g.Columns))})
			}
			g.Rows[row].Cells[col].add(r)
		}
		return g
	}
	g.Columns = targets
	rows := map[string]int{}
	for _, r := range mine {
		row, ok := rows[r.Spec]
		if !ok {
			row = len(g.Rows)
			rows[r.Spec] = row
			area, rest, found := strings.Cut(r.Spec, " / ")
			if !found {
				area, rest = "", r.Spec
			}
			g.Rows = append(g.Rows, groupRow{Area: area, Label: rest, Cells: make([]cell, len(targets))})
		}
		g.Rows[row].Cells[slices.Index(targets, r.Target)].add(r)
	}
	// Rows of an area together, areas in the order they first appear,
	// specs of an area as declared.
	var areas []string
	for _, row := range g.Rows {
		if !slices.Contains(areas, row.Area) {
			areas = append(areas, row.Area)
		}
	}
	slices.SortStableFunc(g.Rows, func(a, b groupRow) int {
		return slices.Index(areas, a.Area) - slices.Index(areas, b.Area)
	})
	return g
}

// turnable says whether one target's specs all read "AREA / SUBJECT" with
// every subject judged in more than one area: recordings, each judged
// area by area.
func turnable(results []*outcome.Result) bool {
	areas := map[string]map[string]bool{} // subject → its areas
	for _, r := range results {
		area, subject, ok := strings.Cut(r.Spec, " / ")
		if !ok {
			return false
		}
		if areas[subject] == nil {
			areas[subject] = map[string]bool{}
		}
		areas[subject][area] = true
	}
	for _, a := range areas {
		if len(a) < 2 {
			return false
		}
	}
	return len(areas) > 0
}

// add puts a result in the cell, which shows the worst status of its
// results.
func (c *cell) add(r *outcome.Result) {
	if c.results == nil || rank(r.Status) > rank(c.status) {
		c.status = r.Status
	}
	c.results = append(c.results, r)
}

// name is the row's full name: area and label, as the spec reads.
func (r groupRow) name(g group) string {
	if g.ByArea || r.Area == "" {
		return r.Label
	}
	return r.Area + " / " + r.Label
}
