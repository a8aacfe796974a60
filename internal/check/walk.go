package check

import (
	"strconv"
	"strings"
)

// walk follows the pages of one listing across exchanges. Its memory is
// the set of names seen (uniqueness needs it) plus the last name and what
// the next request must send: order across pages only needs the previous
// name.
type walk struct {
	seen    map[string]bool
	last    string
	started bool
	// want is the marker, token or offset the next page's request must
	// send; wantSet is false after the last page.
	want    string
	wantSet bool
	latest  page // the latest page, for Walker.Page
	// scope, when set, limits uniqueness and order to the names that
	// start with it: a live run judges its own buckets, as a listing
	// that others change under it may repeat or reorder theirs.
	scope string
}

func newWalk() *walk { return &walk{seen: map[string]bool{}} }

// page checks one success page against the walk so far and adds it. A
// request that sends no marker, token or offset starts a new walk.
func (w *walk) page(e *exchangeRun, pg page) {
	param, sent := e.continuation()
	switch {
	case param == "":
		*w = walk{seen: map[string]bool{}, scope: w.scope}
	case w.started && w.wantSet && sent != w.want:
		e.add("page.walk", e.ex.Request.Offset, "the request sends %s=%q; the previous page calls for %q", param, sent, w.want)
	}
	if len(w.seen) == 0 && len(pg.buckets) > 0 {
		w.seen = make(map[string]bool, len(pg.buckets)) // grown once, not by doubling
	}
	ordered := e.c.Profile.Ordered
	for i, b := range pg.buckets {
		if w.scope != "" && !strings.HasPrefix(b.name, w.scope) {
			continue
		}
		if w.seen[b.name] {
			e.at("page.unique", b.pointer(), "bucket %q is listed twice", b.name)
			continue
		}
		if ordered && (i > 0 || w.started) && b.name < w.last {
			e.at("page.order", b.pointer(), "bucket %q comes after %q: names are not in byte order", b.name, w.last)
		}
		// A copy: the name may share the memory of the whole body.
		name := strings.Clone(b.name)
		w.seen[name] = true
		w.last = name
	}
	w.started, w.latest = true, pg
	p := e.c.Profile.Params
	if param != "" && param == p.Offset || param == "" && p.Offset != "" {
		start, _ := strconv.Atoi(sent)
		w.want, w.wantSet = strconv.Itoa(start+len(pg.buckets)), len(pg.buckets) > 0
		return
	}
	w.want, w.wantSet = pg.next, pg.hasNext && pg.next != "" && pg.truncated != "false"
}

// continuation returns the marker, token or offset parameter the
// exchange's request sends, and its value; "" when it sends none.
func (e *exchangeRun) continuation() (param, value string) {
	req := e.ex.Request
	if req == nil {
		return "", ""
	}
	p := e.c.Profile.Params
	for _, name := range []string{p.Token, p.Marker, p.Offset} {
		if name == "" {
			continue
		}
		if vs, ok := req.Query[name]; ok && len(vs) > 0 {
			return name, vs[0]
		}
	}
	return "", ""
}
