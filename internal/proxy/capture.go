package proxy

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
)

// capture is one GET Service exchange as it passed: the request as the
// client sent it, the response head as received and its body as far as
// the cap, copied while it streamed to the client.
type capture struct {
	max int64

	request []byte // head, as received from the client
	dumpErr error
	header  http.Header // the request's, for the secrets to mask
	query   string

	head          []byte // nil: no response
	chunked       bool   // the response came chunked
	trailer       http.Header
	status        int
	contentLength int64
	body          bytes.Buffer
	eof           bool
	truncated     bool  // the body ran past max
	err           error // the upstream could not be reached, or failed
}

// whole says the exchange is complete: a response, its whole body.
func (c *capture) whole() bool {
	return c.err == nil && c.dumpErr == nil && c.head != nil && !c.truncated &&
		(c.eof || c.contentLength >= 0 && int64(c.body.Len()) == c.contentLength)
}

// why says why an exchange that is not whole could not be judged.
func (c *capture) why() string {
	switch {
	case c.dumpErr != nil:
		return fmt.Sprintf("the request could not be read: %v", c.dumpErr)
	case c.err != nil:
		return fmt.Sprintf("no response from the upstream: %v", c.err)
	case c.head == nil:
		return "no response from the upstream"
	case c.truncated:
		return fmt.Sprintf("the response body is larger than the %d bytes the proxy reads to judge: passed through unjudged", c.max)
	}
	return fmt.Sprintf("the response ended after %d bytes of its body, before its end (the client went away, or the upstream cut it)", c.body.Len())
}

// tee copies a response body into its capture as the proxy streams it
// to the client, up to the cap.
type tee struct {
	io.ReadCloser
	c *capture
}

func (t *tee) Read(b []byte) (int, error) {
	n, err := t.ReadCloser.Read(b)
	c := t.c
	if n > 0 && !c.truncated {
		if int64(c.body.Len()+n) > c.max {
			c.truncated = true
			c.body = bytes.Buffer{} // it will not be judged
		} else {
			c.body.Write(b[:n])
		}
	}
	if err == io.EOF {
		c.eof = true
	}
	return n, err
}
