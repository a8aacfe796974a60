// Package finding defines what a check reports: one deviation from a
// contract, with its check id, severity and exact place.
package finding

import (
	"fmt"
	"strings"
)

// Severity orders findings: only errors fail a run by default.
type Severity int

const (
	Info Severity = iota
	Warning
	Error
)

func (s Severity) String() string {
	switch s {
	case Error:
		return "error"
	case Warning:
		return "warning"
	default:
		return "info"
	}
}

// MarshalText writes the severity as its name.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// ParseSeverity reads a severity name.
func ParseSeverity(name string) (Severity, error) {
	switch name {
	case "error":
		return Error, nil
	case "warning":
		return Warning, nil
	case "info":
		return Info, nil
	}
	return 0, fmt.Errorf("unknown severity %q (want error, warning or info)", name)
}

// Finding is one deviation. Line and Col (1-based, byte columns) are in the
// recorded fixture file; Pointer and XPath locate it in the body.
type Finding struct {
	File      string   `json:"file"`
	Exchange  int      `json:"exchange"` // 1-based; 0 for the recording as a whole
	Check     string   `json:"check"`
	Severity  Severity `json:"severity"`
	Area      string   `json:"area"`
	Message   string   `json:"message"`
	Line      int      `json:"line,omitempty"`
	Col       int      `json:"column,omitempty"`
	Pointer   string   `json:"pointer,omitempty"`
	XPath     string   `json:"xpath,omitempty"`
	Recovered bool     `json:"recovered,omitempty"` // found by the lenient pass after a syntax error
}

// Where is the finding's place within its exchange: "LINE:COL" when it has
// a position, else its JSON pointer or XPath, else "-".
func (f Finding) Where() string {
	switch {
	case f.Line > 0:
		return fmt.Sprintf("%d:%d", f.Line, f.Col)
	case f.Pointer != "":
		return f.Pointer
	case f.XPath != "":
		return f.XPath
	}
	return "-"
}

// Key identifies a finding for baselines and expectations: what fired and
// where, without the message, which may be reworded.
func (f Finding) Key() Key {
	return Key{File: f.File, Check: f.Check, Exchange: f.Exchange, Where: f.Where()}
}

// String is the one-line form people read.
func (f Finding) String() string {
	var b strings.Builder
	fmt.Fprintf(&b, "%s:%s: %s [%s] %s", f.File, f.Where(), f.Severity, f.Check, f.Message)
	if f.Recovered {
		b.WriteString(" (recovered)")
	}
	if f.Line > 0 && f.Pointer != "" {
		fmt.Fprintf(&b, " at %s", f.Pointer)
	} else if f.Line > 0 && f.XPath != "" {
		fmt.Fprintf(&b, " at %s", f.XPath)
	}
	return b.String()
}

// Key is a finding's identity.
type Key struct {
	File     string
	Check    string
	Exchange int
	Where    string
}

func (k Key) String() string {
	return fmt.Sprintf("%s %s %d %s", k.File, k.Check, k.Exchange, k.Where)
}
