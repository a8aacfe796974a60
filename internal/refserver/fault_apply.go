package refserver

import (
	"bytes"
	"cmp"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/signer"
)

// How the faults in force change the endpoint's answers: the auth
// answers, the Content-Type, the rendered bodies, the pages and where a
// continued page starts.

// faultSet is the faults in force on a server.
type faultSet map[Fault]bool

func newFaultSet(c *contract.Contract, faults []Fault) (faultSet, error) {
	set := faultSet{}
	for _, f := range faults {
		if _, err := ParseFault(c, string(f)); err != nil {
			return nil, err
		}
		set[f] = true
	}
	return set, nil
}

// accepts reports whether a fault lets a request through despite the auth
// failure that rejects it.
func (fs faultSet) accepts(f signer.Failure) bool {
	switch f {
	case signer.Anonymous:
		return fs[AnonymousAccepted]
	case signer.BadSignature:
		return fs[SignatureUnchecked]
	case signer.ClockSkew:
		return fs[ClockSkewUnchecked]
	}
	return fs[Unchecked(f)]
}

// answer turns an auth failure's status and code into the wrong ones its
// faults ask for.
func (fs faultSet) answer(p *contract.Profile, f signer.Failure, status int, code string) (int, string) {
	wrong := answerFaults[f]
	if fs[wrong[0]] {
		status = wrongStatus(p.Auth.Rejections[string(f)])
	}
	if fs[wrong[1]] {
		code = wrongCode(p, f)
	}
	return status, code
}

// wrongStatus is a status a rejection does not allow: another of the
// usual auth statuses, or 500 where any 4xx is allowed.
func wrongStatus(r contract.Rejection) int {
	if len(r.Status) == 0 {
		return http.StatusInternalServerError
	}
	for _, s := range []int{http.StatusForbidden, http.StatusUnauthorized, http.StatusBadRequest} {
		if !slices.Contains(r.Status, s) {
			return s
		}
	}
	return http.StatusInternalServerError
}

// wrongCode is the code of another auth failure that f's rejection does
// not allow: the mix-up a server makes. "" when there is none.
func wrongCode(p *contract.Profile, f signer.Failure) string {
	allowed := p.Auth.Rejections[string(f)].Codes
	for _, other := range authFailures {
		if other == f {
			continue
		}
		if _, code := rejection(p, other); code != "" && !slices.Contains(allowed, code) {
			return code
		}
	}
	return ""
}

// contentType is the Content-Type of a body.
func (s *Server) contentType() string {
	if s.faults[WrongContentType] {
		return wrongContentType
	}
	return s.prof.ContentTypes[0]
}

// corrupt returns a rendered body as the faults in force change it: a
// listing's syntax or namespace, an error body's content. It never
// changes buf in place (buf is pooled).
func (s *Server) corrupt(listing bool, status int, buf []byte) []byte {
	fs := s.faults
	if len(fs) == 0 {
		return buf
	}
	if !listing {
		switch {
		case fs[ErrorBodyEmpty]:
			return nil
		case fs[ErrorBodyHTML]:
			return fmt.Appendf(nil, htmlError, status, http.StatusText(status))
		}
		return buf
	}
	body := buf
	if fs[WrongNamespace] || fs[MissingNamespace] {
		if from, to, ok := rootNamespace(body); ok {
			repl := ""
			if fs[WrongNamespace] {
				repl = ` xmlns="` + otherNamespace + `"`
			}
			body = slices.Concat(body[:from], []byte(repl), body[to:])
		}
	}
	if fs[BareEndTag] {
		if from, to, ok := firstEndTag(body); ok {
			body = slices.Concat(body[:to], body[from:to], body[to:])
		}
	}
	if fs[MismatchedTags] {
		if from, to, ok := firstEndTag(body); ok {
			name := body[from+2 : to-1]
			misspelt := name[:len(name)-1] // a dropped letter: <NextMarker>...</NextMarke>
			if len(name) == 1 {
				misspelt = append(slices.Clone(name), 'x')
			}
			body = slices.Concat(body[:from+2], misspelt, body[to-1:])
		}
	}
	if fs[InvalidJSON] {
		if i := bytes.LastIndexByte(body, '}'); i >= 0 {
			body = slices.Concat(body[:i], []byte(","), body[i:])
		}
	}
	if fs[TextAfterRoot] {
		body = slices.Concat(body, []byte("\ntext after the root\n"))
	}
	return body
}

// otherNamespace is the namespace WrongNamespace declares.
const otherNamespace = "http://doc.example.invalid/wrong-namespace/"

// rootNamespace finds the default namespace declaration ( xmlns="...",
// with its leading space) in the start tag of a body's root element.
func rootNamespace(body []byte) (from, to int, ok bool) {
	start, end, ok := rootStartTag(body)
	if !ok {
		return 0, 0, false
	}
	tag := string(body[start:end])
	for _, q := range []string{`"`, `'`} {
		if i := strings.Index(tag, " xmlns="+q); i >= 0 {
			valueAt := i + len(" xmlns=") + 1
			if j := strings.Index(tag[valueAt:], q); j >= 0 {
				return start + i, start + valueAt + j + 1, true
			}
		}
	}
	return 0, 0, false
}

// rootStartTag returns the byte range of the root element's start tag:
// the first tag that is not a declaration, comment or instruction.
func rootStartTag(body []byte) (from, to int, ok bool) {
	for i := 0; i < len(body); i++ {
		if body[i] != '<' || i+1 == len(body) || body[i+1] == '?' || body[i+1] == '!' {
			continue
		}
		j := bytes.IndexByte(body[i:], '>')
		if j < 0 {
			return 0, 0, false
		}
		return i, i + j + 1, true
	}
	return 0, 0, false
}

// firstEndTag returns the byte range of a body's first end tag, </name>.
func firstEndTag(body []byte) (from, to int, ok bool) {
	i := bytes.Index(body, []byte("</"))
	if i < 0 {
		return 0, 0, false
	}
	j := bytes.IndexByte(body[i:], '>')
	if j < 3 {
		return 0, 0, false
	}
	return i, i + j + 1, true
}

// pageFaults change a page after the store has chosen it.
func (s *Server) pageFaults(pg *page, body *listingBody) {
	fs := s.faults
	if fs[Unsorted] {
		slices.Reverse(body.Buckets)
	}
	if fs[CreationOrder] {
		byCreation := make([]int, len(pg.buckets))
		for i := range byCreation {
			byCreation[i] = i
		}
		slices.SortStableFunc(byCreation, func(a, b int) int { return cmp.Compare(pg.buckets[a].seq, pg.buckets[b].seq) })
		entries := slices.Clone(body.Buckets)
		for i, j := range byCreation {
			body.Buckets[i] = entries[j]
		}
	}
	if fs[CountDisagrees] {
		body.Count = len(body.Buckets) - 1
	}
	if pg.truncated {
		if fs[TruncatedWithoutNext] {
			body.NextMarker, body.ContinuationToken = "", ""
		}
		if fs[PartialPageSaysComplete] {
			body.IsTruncated = false
		}
	}
}

// dateLayout is the layout listed dates are written in.
func (s *Server) dateLayout() string {
	if s.faults[DateNotISO8601] {
		return http.TimeFormat
	}
	return s.ref.DateLayout
}

// continuationFaults move the start of a page asked for with a marker,
// token or offset: one bucket on (NextPageSkips), or one back with one
// more on the page, so the previous page's last bucket comes again
// (NextPageRepeats).
func (s *Server) continuationFaults(sel *selection) {
	if sel.after == "" && sel.offset == 0 {
		return
	}
	if s.faults[NextPageSkips] {
		sel.offset++
	}
	if s.faults[NextPageRepeats] {
		if sel.offset > 0 {
			sel.offset--
		} else {
			sel.inclusive = true
		}
		if sel.limit > 0 {
			sel.limit++
		}
	}
}
