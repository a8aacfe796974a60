package check

import (
	"bytes"
	"fmt"
	"strings"

	"github.com/getservice-conformance/gsc/internal/exchange"
)

// judgeable reports whether the response body can be read as the
// contract's XML or JSON. A body still coded (the reading already said
// why), gzip data no Content-Encoding declares, or an HTML page is named
// as what it is, once, rather than as a cascade of syntax errors.
func (e *exchangeRun) judgeable(m *exchange.Message) bool {
	if m.Undecoded != "" {
		return false
	}
	start, _ := m.Pos(0)
	if m.Coding == "" && bytes.HasPrefix(m.Body, []byte{0x1f, 0x8b}) {
		says := "no Content-Encoding says so"
		if ce := m.Get("Content-Encoding"); ce != "" {
			says = fmt.Sprintf("Content-Encoding %q does not say so", ce)
		}
		e.add("http.content-encoding", start, "the body is gzip data (it starts 1F 8B) but %s; it is not checked", says)
		return false
	}
	if isHTML(m) {
		ct := m.Get("Content-Type")
		if ct == "" {
			ct = "none"
		}
		check := "schema.success"
		if m.Status >= 300 || m.Status < 200 {
			check = "schema.error"
		}
		e.add(check, start, "the body is an HTML page (Content-Type: %s), not the %s body the contract describes; a proxy or load balancer may have answered", ct, strings.ToUpper(e.c.Profile.Body))
		return false
	}
	return true
}

// isHTML reports whether a body is an HTML page: it opens with a
// doctype or <html>. (A Content-Type of text/html on an XML body is
// header.content-type's finding; the body is still judged.)
func isHTML(m *exchange.Message) bool {
	head := bytes.TrimLeft(m.Body[:min(len(m.Body), 512)], " \t\r\n\ufeff")
	for _, p := range []string{"<!doctype html", "<html"} {
		if len(head) >= len(p) && bytes.EqualFold(head[:len(p)], []byte(p)) {
			return true
		}
	}
	return false
}
