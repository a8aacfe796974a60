// Package live sends GET Service requests (and the few set-up calls a run
// needs) to a real endpoint, carefully: bounded in time and size, retrying
// only what may be retried, never following redirects, and keeping every
// exchange, redacted, for the same checks recorded exchanges get.
package live

import (
	"context"
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/http/httputil"
	"strconv"
	"syscall"
	"time"

	"github.com/getservice-conformance/gsc/internal/redact"
)

// Limits bound every request.
type Limits struct {
	ConnectTimeout time.Duration // TCP and TLS handshake
	HeaderTimeout  time.Duration // from request sent to response head
	Timeout        time.Duration // whole exchange, body included
	MaxBody        int64         // response body bytes kept; more is a finding
	Retries        int           // for 5xx and throttling only
	Backoff        time.Duration // first retry delay, doubled each time
}

// DefaultLimits suit a storage endpoint on a sane network.
var DefaultLimits = Limits{
	ConnectTimeout: 5 * time.Second,
	HeaderTimeout:  15 * time.Second,
	Timeout:        30 * time.Second,
	MaxBody:        64 << 20,
	Retries:        2,
	Backoff:        200 * time.Millisecond,
}

// Exchange is one request and its response as sent and received, with
// secrets masked. Err says what went wrong in transport, if anything.
type Exchange struct {
	Request  []byte // raw request, redacted
	Response []byte // raw response head and body, as far as received
	Status   int
	Body     []byte
	Header   http.Header
	// Truncated says the body was longer than Limits.MaxBody.
	Truncated bool
	Err       error
	// Retries lists why each earlier attempt was retried.
	Retries []string
}

// Client sends requests within Limits.
type Client struct {
	limits Limits
	http   *http.Client
}

// NewClient returns a client; tlsConfig may be nil.
func NewClient(l Limits, tlsConfig *tls.Config) *Client {
	dialer := &net.Dialer{Timeout: l.ConnectTimeout}
	transport := &http.Transport{
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   l.ConnectTimeout,
		ResponseHeaderTimeout: l.HeaderTimeout,
		TLSClientConfig:       tlsConfig,
		MaxIdleConnsPerHost:   4,
		DisableCompression:    true, // bodies are checked as sent
	}
	return &Client{limits: l, http: &http.Client{
		Transport: transport,
		Timeout:   l.Timeout,
		// A redirect is a finding, not something to follow with credentials.
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Do sends the request built by build (called again for each retry, so
// that a fresh signature and date go out) and returns the exchange.
func (c *Client) Do(ctx context.Context, build func() (*http.Request, error)) *Exchange {
	var retries []string
	delay := c.limits.Backoff
	for attempt := 0; ; attempt++ {
		ex := c.once(ctx, build)
		ex.Retries = retries
		why := retryable(ex)
		if why == "" || attempt >= c.limits.Retries {
			return ex
		}
		retries = append(retries, fmt.Sprintf("attempt %d: %s; retried after %s", attempt+1, why, delay))
		select {
		case <-ctx.Done():
			ex.Err = ctx.Err()
			return ex
		case <-time.After(delay):
		}
		delay *= 2
	}
}

// retryable says why an exchange may be tried again: a 5xx or a throttling
// answer. Anything else, transport errors included, is reported as it is.
func retryable(ex *Exchange) string {
	switch {
	case ex.Err != nil:
		return ""
	case ex.Status == http.StatusTooManyRequests:
		return "429 Too Many Requests"
	case ex.Status >= 500:
		return strconv.Itoa(ex.Status) + " " + http.StatusText(ex.Status)
	}
	return ""
}

func (c *Client) once(ctx context.Context, build func() (*http.Request, error)) *Exchange {
	ex := &Exchange{}
	req, err := build()
	if err != nil {
		ex.Err = fmt.Errorf("building the request: %w", err)
		return ex
	}
	req = req.WithContext(ctx)
	if dump, err := httputil.DumpRequestOut(req, true); err == nil {
		ex.Request = redact.Message(dump)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		ex.Err = describe(err)
		return ex
	}
	defer resp.Body.Close()
	ex.Status, ex.Header = resp.StatusCode, resp.Header
	head, _ := httputil.DumpResponse(resp, false)
	body, err := io.ReadAll(io.LimitReader(resp.Body, c.limits.MaxBody+1))
	if int64(len(body)) > c.limits.MaxBody {
		body, ex.Truncated = body[:c.limits.MaxBody], true
	}
	if err != nil {
		ex.Err = fmt.Errorf("reading the body after %d bytes: %w", len(body), describe(err))
	}
	ex.Body = body
	ex.Response = append(redact.Message(head), body...)
	return ex
}

// describe turns transport errors into sentences a storage engineer acts on.
func describe(err error) error {
	var certErr *tls.CertificateVerificationError
	var netErr net.Error
	switch {
	case errors.As(err, &certErr):
		return fmt.Errorf("TLS: the endpoint's certificate is not trusted: %w", err)
	case errors.Is(err, syscall.ECONNRESET):
		return fmt.Errorf("the endpoint reset the connection: %w", err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return fmt.Errorf("nothing listens at the endpoint: %w", err)
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &netErr) && netErr.Timeout():
		return fmt.Errorf("timed out: %w", err)
	case errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return fmt.Errorf("the endpoint closed the connection mid-response: %w", err)
	}
	return err
}
