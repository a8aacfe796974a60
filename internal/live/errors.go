package live

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"syscall"
)

// Kind says what kind of transport failure ended an exchange.
type Kind int

const (
	Unreachable Kind = iota + 1 // nothing listens, DNS failure, invalid port, no route
	TLS                         // certificate not trusted, not TLS on the port, handshake failure
	Timeout                     // connect, response head or whole exchange took too long
	Stalled                     // the body stopped arriving
	Reset                       // the connection was reset or closed before the response ended
	Protocol                    // bytes that are not HTTP, a response head over the cap
	Cancelled                   // the run was interrupted or its deadline passed
	Unusable                    // the endpoint timed out or stalled earlier: nothing more is sent
	Unrecorded                  // a playback holds no answer to the request
)

func (k Kind) String() string {
	switch k {
	case Unreachable:
		return "unreachable"
	case TLS:
		return "TLS"
	case Timeout:
		return "timeout"
	case Stalled:
		return "stalled"
	case Reset:
		return "reset"
	case Protocol:
		return "protocol"
	case Cancelled:
		return "cancelled"
	case Unusable:
		return "unusable"
	case Unrecorded:
		return "unrecorded"
	}
	return fmt.Sprintf("Kind(%d)", int(k))
}

// TransportError is an exchange that ended without a whole response. Its
// message is one line a storage engineer acts on; Err is the cause, for
// errors.Is and errors.As.
type TransportError struct {
	Kind Kind
	Msg  string
	Err  error
}

func (e *TransportError) Error() string { return e.Msg }
func (e *TransportError) Unwrap() error { return e.Err }

// CannotJudge says err is a transport failure: no response came that could
// be judged, so a run ends with "could not judge" (exit 2) rather than a
// verdict on the target.
func CannotJudge(err error) bool {
	var te *TransportError
	return errors.As(err, &te)
}

// KindOf returns the kind of a transport failure, 0 for any other error.
func KindOf(err error) Kind {
	var te *TransportError
	if errors.As(err, &te) {
		return te.Kind
	}
	return 0
}

// Causes of an attempt's own context being cancelled by the client.
var (
	errHeadTimeout     = errors.New("no response head in time")
	errExchangeTimeout = errors.New("exchange timed out")
	errStalled         = errors.New("body stalled")
)

// failure is what classify knows of a failed attempt.
type failure struct {
	err       error
	host      string          // host:port dialled
	parent    context.Context // the caller's context
	attempt   context.Context // the attempt's own, with the client's causes
	phase     phase
	received  int64  // bytes read from the connection by this attempt
	first     []byte // its first bytes, on a plain-HTTP connection
	plain     bool   // http, not https
	bodyBytes int64  // body bytes read, in phaseBody
	bodyLen   int64  // Content-Length, or -1
	limits    Limits
}

// classify turns a failed attempt into a TransportError.
func classify(f failure) *TransportError {
	err := f.err
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err // its message repeats the method and URL
	}
	te := func(k Kind, format string, args ...any) *TransportError {
		return &TransportError{Kind: k, Msg: fmt.Sprintf(format, args...), Err: err}
	}
	var played *TransportError
	if errors.As(err, &played) { // a playback's, as recorded
		return played
	}
	if cerr := f.parent.Err(); cerr != nil {
		if errors.Is(cerr, context.DeadlineExceeded) {
			return te(Cancelled, "the run's deadline passed during the exchange")
		}
		return te(Cancelled, "the run was interrupted during the exchange")
	}
	switch context.Cause(f.attempt) {
	case errHeadTimeout:
		return te(Timeout, "no response head within %s of sending the request (%d bytes of it arrived)", f.limits.HeaderTimeout, f.received)
	case errExchangeTimeout:
		if f.phase == phaseBody {
			return te(Timeout, "the exchange took longer than %s: the body was still arriving (%s)", f.limits.Timeout, f.bodyProgress())
		}
		return te(Timeout, "the exchange took longer than %s", f.limits.Timeout)
	case errStalled:
		return te(Stalled, "the body stopped arriving: nothing for %s (%s)", f.limits.Stall, f.bodyProgress())
	}

	var dnsErr *net.DNSError
	var addrErr *net.AddrError
	var unknownCA x509.UnknownAuthorityError
	var hostErr x509.HostnameError
	var invalidCert x509.CertificateInvalidError
	var certErr *tls.CertificateVerificationError
	var recordErr tls.RecordHeaderError
	var alert tls.AlertError
	var netErr net.Error
	if _, port, _ := net.SplitHostPort(f.host); port == "0" && f.phase == phaseConnect {
		return te(Unreachable, "cannot connect to %s: invalid port", f.host)
	}
	switch {
	case errors.As(err, &dnsErr):
		if dnsErr.IsNotFound {
			return te(Unreachable, "cannot resolve %s: no such host", dnsErr.Name)
		}
		return te(Unreachable, "cannot resolve %s: %s", dnsErr.Name, dnsErr.Err)
	case errors.As(err, &addrErr):
		return te(Unreachable, "cannot connect to %s: %s", f.host, addrErr.Err)
	case errors.Is(err, syscall.ECONNREFUSED):
		return te(Unreachable, "nothing listens at %s (connection refused)", f.host)
	case errors.Is(err, syscall.EHOSTUNREACH), errors.Is(err, syscall.ENETUNREACH):
		return te(Unreachable, "no route to %s", f.host)
	case errors.As(err, &unknownCA):
		return te(TLS, "TLS: the endpoint's certificate is not trusted (signed by an unknown authority): pass --ca-file with its CA, or --insecure-skip-verify")
	case errors.As(err, &hostErr):
		return te(TLS, "TLS: the endpoint's certificate is not valid for %s: %s", hostErr.Host, hostErr.Error())
	case errors.As(err, &invalidCert):
		return te(TLS, "TLS: the endpoint's certificate is not valid: %s", invalidCert.Error())
	case errors.As(err, &certErr):
		return te(TLS, "TLS: the endpoint's certificate is not trusted: %s", certErr.Err)
	case errors.Is(err, http.ErrSchemeMismatch):
		return te(TLS, "TLS: the endpoint at %s answers plain HTTP, not TLS: use http://", f.host)
	case errors.As(err, &recordErr):
		return te(TLS, "TLS: the endpoint at %s does not speak TLS: is it a plain http:// port?", f.host)
	case errors.As(err, &alert):
		return te(TLS, "TLS: the endpoint refused the handshake: %s", alert.Error())
	case errors.As(err, &netErr) && netErr.Timeout():
		switch f.phase {
		case phaseConnect:
			return te(Timeout, "could not connect to %s within %s", f.host, f.limits.ConnectTimeout)
		case phaseHandshake:
			return te(Timeout, "the TLS handshake with %s did not finish within %s", f.host, f.limits.ConnectTimeout)
		}
		return te(Timeout, "timed out %s", f.phase)
	case f.phase == phaseHandshake:
		return te(TLS, "TLS: the handshake with %s failed: %s", f.host, err.Error())
	case f.phase == phaseHead && f.received >= f.limits.MaxHead:
		return te(Protocol, "the response head is larger than the %d bytes a run reads", f.limits.MaxHead)
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, syscall.EPIPE):
		if f.phase == phaseBody {
			return te(Reset, "the endpoint reset the connection mid-body (%s)", f.bodyProgress())
		}
		return te(Reset, "the endpoint reset the connection before the response head ended (%d bytes arrived)", f.received)
	case f.phase == phaseBody && (errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF)):
		return te(Reset, "the endpoint closed the connection mid-body (%s)", f.bodyProgress())
	case f.received == 0 && (errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF)):
		return te(Reset, "the endpoint closed the connection without answering")
	case f.phase == phaseHead && f.received > 0:
		if f.plain {
			return te(Protocol, "the endpoint answered with bytes that are not an HTTP response: %q", f.first)
		}
		return te(Protocol, "the endpoint answered with bytes that are not an HTTP response")
	case f.phase == phaseConnect:
		return te(Unreachable, "cannot connect to %s: %s", f.host, err.Error())
	}
	return te(Protocol, "the exchange failed %s: %s", f.phase, err.Error())
}

func (f failure) bodyProgress() string {
	if f.bodyLen >= 0 {
		return fmt.Sprintf("%d of %d body bytes arrived", f.bodyBytes, f.bodyLen)
	}
	return fmt.Sprintf("%d body bytes arrived", f.bodyBytes)
}

// phase is how far an attempt got.
type phase int

const (
	phaseConnect phase = iota
	phaseHandshake
	phaseWrite
	phaseHead
	phaseBody
)

func (p phase) String() string {
	return [...]string{"while connecting", "during the TLS handshake", "while sending the request", "awaiting the response head", "reading the body"}[p]
}

// unusable is the error every request gets once the endpoint timed out or
// stalled.
func unusable(earlier *TransportError) *TransportError {
	verb := "timed out"
	if earlier.Kind == Stalled {
		verb = "stalled"
	}
	return &TransportError{Kind: Unusable, Err: earlier,
		Msg: fmt.Sprintf("the endpoint %s earlier (%s): not sending more requests", verb, earlier.Msg)}
}
