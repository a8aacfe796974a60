package capture

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/redact"
)

// Recordings writes each walk of the import as a txtar recording, with
// secrets masked (signatures, tokens, cookies). source names the capture
// in the metadata; give a base name, not a machine path. A response whose
// request the capture does not show (curl -i) has no recording form: it
// is left out, and said so in left.
func (imp *Import) Recordings(source string) (out [][]byte, left []string, err error) {
	for _, w := range imp.Walks {
		if w.Rec == nil {
			continue
		}
		var labels []string
		for _, e := range w.entries {
			if e.req == nil {
				left = append(left, e.label+": no request is shown, which a recording needs; check the capture itself")
				continue
			}
			labels = append(labels, e.label)
		}
		if len(labels) == 0 {
			continue
		}
		meta := [][2]string{
			{"vendor", w.Vendor},
			{"title", oneLine(fmt.Sprintf("imported from %s (%s), host %s", source, imp.Format, w.Host))},
			{"source", oneLine(fmt.Sprintf("%s: %s", source, strings.Join(labels, ", ")))},
		}
		if u, err := url.Parse(w.entries[0].req.url.String()); err == nil && u.Scheme != "" && u.Host != "" {
			meta = append(meta, [2]string{"endpoint", u.Scheme + "://" + u.Host}) // for runner replay
		}
		var parts []exchange.Part
		n := 0
		for _, ex := range w.Rec.Exchanges {
			if ex.Request == nil {
				continue
			}
			n++
			parts = append(parts, exchange.Part{Name: strconv.Itoa(n) + "/request", Data: Redact(ex.Request.Raw)})
			if ex.Response != nil {
				parts = append(parts, exchange.Part{Name: strconv.Itoa(n) + "/response", Data: Redact(ex.Response.Raw)})
			}
		}
		data, err := exchange.Format(meta, parts)
		if err != nil {
			return nil, nil, fmt.Errorf("%s: host %s: %w", imp.File, w.Host, err)
		}
		out = append(out, data)
	}
	return out, left, nil
}

// Redact masks the secrets of a raw message's head: what internal/redact
// masks (signatures, tokens), and cookies.
func Redact(raw []byte) []byte {
	raw = redact.Message(raw)
	head, body, sep := raw, []byte(nil), "\r\n"
	if i := bytes.Index(raw, []byte("\r\n\r\n")); i >= 0 {
		head, body = raw[:i], raw[i:]
	} else if i := bytes.Index(raw, []byte("\n\n")); i >= 0 {
		head, body, sep = raw[:i], raw[i:], "\n"
	}
	lines := strings.Split(string(head), sep)
	for i, l := range lines {
		if name, _, ok := strings.Cut(l, ":"); ok && isCookie(name) {
			lines[i] = name + ": " + redact.Mask
		}
	}
	return append([]byte(strings.Join(lines, sep)), body...)
}

func isCookie(name string) bool {
	n := strings.ToLower(strings.TrimSpace(name))
	return n == "cookie" || n == "set-cookie" || n == "set-cookie2"
}

// WriteHAR writes recordings as one HTTP Archive 1.2, one entry per exchange
// in order, secrets masked. Exchanges without both a request and a
// response have no HAR form and are left out.
func WriteHAR(recs []*exchange.Recording) ([]byte, error) {
	type nv struct {
		Name  string `json:"name"`
		Value string `json:"value"`
	}
	type content struct {
		Size     int    `json:"size"`
		MimeType string `json:"mimeType"`
		Text     string `json:"text"`
		Encoding string `json:"encoding,omitempty"`
	}
	type request struct {
		Method      string `json:"method"`
		URL         string `json:"url"`
		HTTPVersion string `json:"httpVersion"`
		Cookies     []nv   `json:"cookies"`
		Headers     []nv   `json:"headers"`
		QueryString []nv   `json:"queryString"`
		HeadersSize int    `json:"headersSize"`
		BodySize    int    `json:"bodySize"`
	}
	type response struct {
		Status      int     `json:"status"`
		StatusText  string  `json:"statusText"`
		HTTPVersion string  `json:"httpVersion"`
		Cookies     []nv    `json:"cookies"`
		Headers     []nv    `json:"headers"`
		Content     content `json:"content"`
		RedirectURL string  `json:"redirectURL"`
		HeadersSize int     `json:"headersSize"`
		BodySize    int     `json:"bodySize"`
	}
	type entry struct {
		StartedDateTime string         `json:"startedDateTime"`
		Time            float64        `json:"time"`
		Request         request        `json:"request"`
		Response        response       `json:"response"`
		Cache           struct{}       `json:"cache"`
		Timings         map[string]int `json:"timings"`
	}
	headers := func(m *exchange.Message, secret bool) []nv {
		hs := []nv{}
		for _, h := range m.Headers {
			v := h.Value
			if secret {
				v = redact.Header(h.Name, v)
				if isCookie(h.Name) {
					v = redact.Mask
				}
			}
			hs = append(hs, nv{h.Name, v})
		}
		return hs
	}
	var entries []entry
	for _, rec := range recs {
		for _, ex := range rec.Exchanges {
			rq, rs := ex.Request, ex.Response
			if rq == nil || rs == nil || rs.Kind != exchange.Response {
				continue
			}
			base := rec.Meta["endpoint"]
			if base == "" {
				base = "http://" + rq.Get("Host")
			}
			u := strings.TrimSuffix(base, "/") + redact.Target(rq.Target)
			qs := []nv{}
			if parsed, err := url.Parse(u); err == nil {
				for _, kv := range strings.Split(parsed.RawQuery, "&") {
					if kv == "" {
						continue
					}
					k, v, _ := strings.Cut(kv, "=")
					k, _ = url.QueryUnescape(k)
					v, _ = url.QueryUnescape(v)
					qs = append(qs, nv{k, v})
				}
			}
			c := content{Size: len(rs.Body), MimeType: rs.Get("Content-Type"), Text: string(rs.Body)}
			if !utf8.Valid(rs.Body) {
				c.Text, c.Encoding = base64.StdEncoding.EncodeToString(rs.Body), "base64"
			}
			started := time.Unix(0, 0).UTC()
			if t, err := time.Parse(time.RFC1123, rs.Get("Date")); err == nil {
				started = t
			}
			entries = append(entries, entry{
				StartedDateTime: started.Format(time.RFC3339Nano),
				Request: request{Method: rq.Method, URL: u, HTTPVersion: rq.Proto, Cookies: []nv{},
					Headers: headers(rq, true), QueryString: qs, HeadersSize: -1, BodySize: len(rq.Body)},
				Response: response{Status: rs.Status, StatusText: reasonOf(rs.Raw), HTTPVersion: rs.Proto, Cookies: []nv{},
					Headers: headers(rs, true), Content: c, HeadersSize: -1, BodySize: len(rs.Body)},
				Timings: map[string]int{"send": 0, "wait": 0, "receive": 0},
			})
		}
	}
	doc := map[string]any{"log": map[string]any{
		"version": "1.2",
		"creator": map[string]string{"name": "gsc runner convert", "version": "1"},
		"entries": entries,
	}}
	return json.MarshalIndent(doc, "", "  ")
}

// reasonOf is the reason phrase of a raw response's status line.
func reasonOf(raw []byte) string {
	first, _, _ := bytes.Cut(raw, []byte("\n"))
	f := strings.SplitN(strings.TrimSpace(string(first)), " ", 3)
	if len(f) == 3 {
		return f[2]
	}
	return ""
}
