package report

import (
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/outcome"
)

// The JUnit elements the Jenkins xUnit schema (junit-10.xsd) allows, and
// only those: strict consumers reject Ginkgo's own report for its extra
// attributes (disabled, status).
type (
	junitSuites struct {
		XMLName  xml.Name     `xml:"testsuites"`
		Name     string       `xml:"name,attr"`
		Tests    int          `xml:"tests,attr"`
		Failures int          `xml:"failures,attr"`
		Errors   int          `xml:"errors,attr"`
		Time     string       `xml:"time,attr"`
		Suites   []junitSuite `xml:"testsuite"`
	}
	junitSuite struct {
		Name      string          `xml:"name,attr"`
		Tests     int             `xml:"tests,attr"`
		Failures  int             `xml:"failures,attr"`
		Errors    int             `xml:"errors,attr"`
		Skipped   int             `xml:"skipped,attr"`
		Time      string          `xml:"time,attr"`
		Timestamp string          `xml:"timestamp,attr,omitempty"`
		Props     *junitPropsList `xml:"properties,omitempty"`
		Cases     []junitCase     `xml:"testcase"`
	}
	junitPropsList struct {
		Props []junitProp `xml:"property"`
	}
	junitProp struct {
		Name  string `xml:"name,attr"`
		Value string `xml:"value,attr"`
	}
	junitCase struct {
		Name      string        `xml:"name,attr"`
		Classname string        `xml:"classname,attr"`
		Time      string        `xml:"time,attr"`
		Skipped   *junitMessage `xml:"skipped,omitempty"`
		Error     *junitMessage `xml:"error,omitempty"`
		Failure   *junitMessage `xml:"failure,omitempty"`
		SystemOut string        `xml:"system-out,omitempty"`
	}
	junitMessage struct {
		Type    string `xml:"type,attr,omitempty"`
		Message string `xml:"message,attr"`
		Text    string `xml:",chardata"`
	}
)

// JUnit writes a run as JUnit XML that validates against the Jenkins
// xUnit schema: one testsuite per target, one testcase per spec. A failure
// carries each deviation (expected, seen, where) and a curl line to
// reproduce it; a spec that could not run is an error (JUnit's word for
// a test that did not complete), with its reason; a skipped or
// unsupported spec carries its reason. The run's id, request count and
// error are properties of every testsuite.
func JUnit(w io.Writer, run *outcome.Run) error {
	doc := junitSuites{Name: run.Title, Time: seconds(run.Duration)}
	for _, target := range run.Targets() {
		s := junitSuite{Name: target, Timestamp: timestamp(run.Started)}
		var took time.Duration
		for _, r := range run.Results {
			if r.Target != target {
				continue
			}
			took += r.Duration
			c := junitCase{Name: r.Spec, Classname: target, Time: seconds(r.Duration), SystemOut: xmlSafe(r.Output)}
			switch r.Status {
			case outcome.Fail:
				s.Failures++
				c.Failure = &junitMessage{Type: "deviation", Message: xmlSafe(r.Summary), Text: xmlSafe(failureText(r))}
			case outcome.Error:
				s.Errors++
				c.Error = &junitMessage{Type: "could-not-run", Message: xmlSafe(r.Summary), Text: xmlSafe(failureText(r))}
			case outcome.Unsupported:
				s.Skipped++
				c.Skipped = &junitMessage{Type: "unsupported", Message: xmlSafe("unsupported: " + r.Summary)}
			case outcome.Skipped:
				s.Skipped++
				c.Skipped = &junitMessage{Type: "skipped", Message: xmlSafe(r.Summary)}
			case outcome.Accepted:
				// It passes the gate: a passed case that says what the
				// baseline accepts, first thing in its output.
				c.SystemOut = xmlSafe(acceptedText(r) + r.Output)
			}
			s.Cases = append(s.Cases, c)
		}
		if props := runProps(run, vendorOf(run, target)); len(props) > 0 {
			s.Props = &junitPropsList{Props: props}
		}
		s.Tests = len(s.Cases)
		s.Time = seconds(took)
		doc.Tests += s.Tests
		doc.Failures += s.Failures
		doc.Errors += s.Errors
		doc.Suites = append(doc.Suites, s)
	}
	if _, err := io.WriteString(w, xml.Header); err != nil {
		return err
	}
	enc := xml.NewEncoder(w)
	enc.Indent("", "  ")
	if err := enc.Encode(doc); err != nil {
		return fmt.Errorf("writing JUnit: %w", err)
	}
	_, err := io.WriteString(w, "\n")
	return err
}

// failureText is a failure's body: each deviation in the order found,
// then the spec's own message and where the spec is.
func failureText(r outcome.Result) string {
	var b strings.Builder
	for i, d := range r.Deviations {
		fmt.Fprintf(&b, "deviation %d\n  expected: %s\n  seen:     %s\n", i+1, d.Expected, d.Seen)
		if d.Where != "" {
			fmt.Fprintf(&b, "  where:    %s\n", d.Where)
		}
		if d.Curl != "" {
			fmt.Fprintf(&b, "  reproduce: %s\n", d.Curl)
		}
	}
	if len(r.Deviations) == 0 {
		b.WriteString(r.Message + "\n")
	}
	if r.Location != "" {
		fmt.Fprintf(&b, "spec: %s\n", r.Location)
	}
	return b.String()
}

// acceptedText lists what the baseline accepts of a spec, a line each.
func acceptedText(r outcome.Result) string {
	var b strings.Builder
	for _, a := range r.Accepted {
		fmt.Fprintf(&b, "accepted by baseline: %s: %s", a.What, a.Reason)
		if a.Expires != "" {
			fmt.Fprintf(&b, " (until %s)", a.Expires)
		}
		if a.Entry != "" {
			fmt.Fprintf(&b, " [%s]", a.Entry)
		}
		b.WriteString("\n")
	}
	return b.String()
}

// runProps are a testsuite's properties: its vendor and the run's facts
// that are known.
func runProps(run *outcome.Run, vendor string) []junitProp {
	var props []junitProp
	add := func(name, value string) {
		if value != "" {
			props = append(props, junitProp{Name: name, Value: xmlSafe(value)})
		}
	}
	add("vendor", vendor)
	add("tool", run.Tool)
	add("endpoint", run.Endpoint)
	add("region", run.Region)
	add("signature", run.Signature)
	add("run-id", run.RunID)
	if run.Requests > 0 {
		add("requests", fmt.Sprint(run.Requests))
	}
	add("run-error", run.Error)
	return props
}

func vendorOf(run *outcome.Run, target string) string {
	for _, r := range run.Results {
		if r.Target == target {
			return r.Vendor
		}
	}
	return ""
}

// seconds writes a duration as the schema's SUREFIRE_TIME: digits, a
// point, digits.
func seconds(d time.Duration) string { return fmt.Sprintf("%.3f", d.Seconds()) }

func timestamp(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.UTC().Format("2006-01-02T15:04:05")
}

// xmlSafe drops what XML 1.0 cannot carry at all (most control
// characters, invalid UTF-8): a server's garbage body must not make the
// report unreadable. encoding/xml escapes the rest.
func xmlSafe(s string) string {
	return strings.Map(func(r rune) rune {
		switch {
		case r == '\t' || r == '\n' || r == '\r':
			return r
		case r < 0x20 || r == 0xFFFD || r == 0xFFFE || r == 0xFFFF || r >= 0xD800 && r <= 0xDFFF:
			return '\uFFFD'
		}
		return r
	}, strings.ToValidUTF8(s, "\uFFFD"))
}
