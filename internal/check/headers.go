package check

import (
	"mime"
	"net"
	"net/http"
	"regexp"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/signature"
)

// placeholder matches the stand-ins documentation puts where a value
// belongs: <date>, <Region>, {{date}}.
var placeholder = regexp.MustCompile(`<[A-Za-z][A-Za-z0-9 _-]*>|\{\{[^}]*\}\}`)

// commonHeaders checks what requests and responses share; it returns the
// headers whose values are placeholders, so no other check reads them.
func (e *exchangeRun) commonHeaders(m *exchange.Message) map[string]bool {
	skip := map[string]bool{}
	for _, h := range m.Headers {
		switch {
		case placeholder.MatchString(h.Value):
			e.add("http.placeholder", h.ValueOffset, "%s is a documentation placeholder: %q", h.Name, h.Value)
		case strings.EqualFold(h.Name, "Host") && reservedHost(h.Value):
			e.add("http.placeholder", h.ValueOffset, "Host %q is in a domain reserved for documentation (RFC 2606), not an endpoint", h.Value)
		default:
			continue
		}
		skip[strings.ToLower(h.Name)] = true
	}
	if h, ok := m.Header("Date"); ok && !skip["date"] {
		if _, err := http.ParseTime(h.Value); err != nil {
			e.add("http.date", h.ValueOffset, "Date %q is not an HTTP-date; want the form Tue, 02 Jan 2024 03:04:06 GMT (RFC 9110 5.6.7)", h.Value)
			skip["date"] = true
		}
	}
	if h, ok := m.Header("Content-Length"); ok {
		// Content-Length counts the body as sent: coded, not decoded.
		n, err := strconv.Atoi(h.Value)
		switch {
		case m.Chunked:
			e.add("http.content-length", h.ValueOffset, "Content-Length %q alongside Transfer-Encoding: chunked; a sender must not send both (RFC 9112 6.2)", h.Value)
		case err != nil || n < 0:
			e.add("http.content-length", h.ValueOffset, "Content-Length %q is not a number", h.Value)
		case n > len(m.Framed):
			e.add("http.content-length", h.ValueOffset, "Content-Length is %d but the body has %d bytes: it is cut short", n, len(m.Framed))
		case n < len(m.Framed):
			e.add("http.content-length", h.ValueOffset, "Content-Length is %d but the body has %d bytes: %d bytes more than declared", n, len(m.Framed), len(m.Framed)-n)
		}
	}
	return skip
}

// requestLint checks the request as the exchange shows it.
func (e *exchangeRun) requestLint(req *exchange.Message) {
	skip := e.commonHeaders(req)
	// HTTP/2 and 3 carry the host as :authority; curl shows it as Host
	// but need not.
	if req.Proto != "HTTP/1.0" && req.Proto != "HTTP/2" && req.Proto != "HTTP/3" && req.Method != "" {
		if _, ok := req.Header("Host"); !ok {
			e.add("http.host", req.Offset, "the request has no Host header (required in HTTP/1.1)")
		}
	}
	if len(req.Framed) > 0 && req.Get("Content-Length") == "" && req.Get("Transfer-Encoding") == "" {
		e.add("http.request-body", req.BodyOffset, "the request has a %d-byte body but neither Content-Length nor Transfer-Encoding", len(req.Framed))
	}
	auth, signed := req.Header("Authorization")
	if signed && !skip["authorization"] && !e.c.Scheme.MatchString(auth.Value) {
		e.add("request.auth-scheme", auth.ValueOffset, "Authorization %q does not have the %s signature form; the contract accepts %s", clip(auth.Value), e.c.Profile.Name, authForms(e.c.Profile.Auth.Signatures))
		skip["authorization"] = true
	}
	if signed && !skip["authorization"] && e.c.Profile.Auth.SignTime == signature.FromCOSWindow {
		e.cosParamList(req, auth)
	}
}

// cosParamList checks that a COS signature names every query parameter
// sent: COS signs them all, lower-cased.
func (e *exchangeRun) cosParamList(req *exchange.Message, auth exchange.Header) {
	listed, ok := signature.COSParamList(auth.Value)
	if !ok {
		return
	}
	var sent []string
	for name := range req.Query {
		sent = append(sent, strings.ToLower(name))
	}
	sort.Strings(sent)
	want := slices.Clone(listed)
	sort.Strings(want)
	if !slices.Equal(sent, want) {
		e.add("request.cos-param-list", auth.ValueOffset, "q-url-param-list names [%s] but the request sends [%s]", strings.Join(listed, ";"), strings.Join(sent, ";"))
	}
}

// responseHeaders checks a response's head.
func (e *exchangeRun) responseHeaders(resp *exchange.Message) {
	e.commonHeaders(resp)
	p := e.c.Profile
	if h, ok := resp.Header("Content-Type"); !ok {
		if len(resp.Body) > 0 {
			e.add("header.content-type", resp.Offset, "no Content-Type; want %s", strings.Join(p.ContentTypes, " or "))
		}
	} else if mt, _, err := mime.ParseMediaType(h.Value); err != nil || !slices.Contains(p.ContentTypes, mt) {
		e.add("header.content-type", h.ValueOffset, "Content-Type %q; want %s", h.Value, strings.Join(p.ContentTypes, " or "))
	}
	if p.RequestIDHeader != "" {
		if _, ok := resp.Header(p.RequestIDHeader); !ok {
			e.add("header.request-id", resp.Offset, "no %s header on the response; the contract wants one on every response", p.RequestIDHeader)
		}
	}
}

// reservedHost reports whether a host is in a domain RFC 2606 reserves
// for examples, which no endpoint can have.
func reservedHost(hostport string) bool {
	host := strings.ToLower(hostport)
	if h, _, err := net.SplitHostPort(host); err == nil {
		host = h
	}
	for _, d := range []string{"example.com", "example.net", "example.org", "example", "invalid", "test"} {
		if host == d || strings.HasSuffix(host, "."+d) {
			return true
		}
	}
	return false
}

func clip(s string) string {
	if len(s) > 48 {
		return s[:48] + "..."
	}
	return s
}

// authForms names the signature dialects a contract accepts, for people.
func authForms(dialects []string) string {
	if len(dialects) == 0 {
		return "the form of its auth.scheme"
	}
	return strings.Join(dialects, " or ") + " signatures"
}
