package check

// walk follows the pages of one listing across exchanges. Its memory is
// the set of names seen (uniqueness needs it) plus the last name and the
// last next marker: order across pages only needs the previous name.
type walk struct {
	seen     map[string]bool
	last     string
	started  bool
	next     string // the previous page's next marker or token
	hasNext  bool
	complete bool // the previous page said it was the last
}

func newWalk() *walk { return &walk{seen: map[string]bool{}} }

// page checks one success page against the walk so far and adds it. A
// request that sends no marker, token or offset starts a new walk.
func (w *walk) page(e *exchangeRun, pg page) {
	cont, sent := e.continuation()
	if !cont {
		*w = *newWalk()
	} else if w.started && w.hasNext && sent != w.next {
		e.add("page.walk", e.ex.Request.Offset, "the request sends %q; the previous page's next marker was %q", sent, w.next)
	}
	ordered := e.c.Profile.Ordered
	for i, b := range pg.buckets {
		if w.seen[b.name] {
			e.at("page.unique", b.pointer, "bucket %q is listed twice", b.name)
			continue
		}
		if ordered && (i > 0 || w.started) && b.name < w.last {
			e.at("page.order", b.pointer, "bucket %q comes after %q: names are not in byte order", b.name, w.last)
		}
		w.seen[b.name] = true
		w.last = b.name
	}
	w.started = true
	w.next, w.hasNext = pg.next, pg.hasNext && pg.next != "" && pg.truncated != "false"
}

// continuation reports whether the exchange's request continues a walk,
// and the marker or token it sends.
func (e *exchangeRun) continuation() (bool, string) {
	req := e.ex.Request
	if req == nil {
		return false, ""
	}
	p := e.c.Profile.Params
	for _, name := range []string{p.Token, p.Marker, p.Offset} {
		if name == "" {
			continue
		}
		if vs, ok := req.Query[name]; ok && len(vs) > 0 {
			return true, vs[0]
		}
	}
	return false, ""
}
