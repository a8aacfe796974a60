package suite

import (
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/live"
)

// A deviation shows a bounded part of its exchange, whatever the body's
// size, so that reports grow with deviations, not deviations x bodies.
func TestExcerptIsBounded(t *testing.T) {
	small := &live.Exchange{Request: []byte("GET / HTTP/1.1\r\n\r\n"), Response: []byte("HTTP/1.1 200 OK\r\n\r\n<x/>")}
	if got := excerpt(small); got != string(small.Request)+"\n"+string(small.Response) {
		t.Errorf("a small exchange is shown whole; got %q", got)
	}
	big := &live.Exchange{Request: small.Request, Response: append([]byte("HTTP/1.1 200 OK\r\n\r\n"), strings.Repeat("b", 10<<20)...)}
	got := excerpt(big)
	if len(got) > exchangeShown+200 || !strings.Contains(got, "more bytes: the whole exchange is in the spec's recording") {
		t.Errorf("a 10 MB exchange is shown as %d bytes: %.200q", len(got), got[len(got)-150:])
	}
}
