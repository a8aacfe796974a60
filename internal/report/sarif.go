package report

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/url"
	"path/filepath"
	"runtime/debug"
	"slices"
	"strings"
	"unicode/utf8"

	"github.com/getservice-conformance/gsc/internal/baseline"
	"github.com/getservice-conformance/gsc/internal/finding"
)

// SARIF 2.1.0 names.
const (
	sarifSchema  = "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json"
	sarifVersion = "2.1.0"
	// srcRoot is the base of every relative artifact URI: the directory
	// the tool ran in, which in CI is the checkout's root. Its absolute
	// path is left out, so the log is the same on every machine.
	srcRoot = "SRCROOT"
	// ToolURI is where people learn about the tool.
	ToolURI = "https://github.com/getservice-conformance/gsc"
)

// SARIFOptions is what a SARIF log needs beyond the judged findings.
type SARIFOptions struct {
	// Source returns a recording's bytes, to turn a finding's byte column
	// into the column SARIF counts in. Without it, or when it returns nil
	// for a file, that file's results give the line only.
	Source func(file string) []byte
	// Baseline is the file the findings were judged against, "" for
	// none: accepted results' suppressions and the notifications about
	// its stale or expired entries point into it.
	Baseline string
	// StrictBaseline makes stale and expired entries errors, as they are
	// for a run with --strict-baseline, rather than warnings.
	StrictBaseline bool
}

// SARIF writes a check run as a SARIF 2.1.0 log: one run whose rules are
// the check catalogue and whose results are the findings, placed in the
// recorded files so code-scanning views can annotate them. Accepted
// findings keep their place and say so twice: baselineState "unchanged",
// and an external suppression carrying the baseline's reason.
func SARIF(w io.Writer, res baseline.Result, opts SARIFOptions) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(buildSARIF(res, opts))
}

func buildSARIF(res baseline.Result, opts SARIFOptions) sarifLog {
	rules, index := sarifRules(append(slices.Clone(res.New), res.Accepted...))
	cols := columns{source: opts.Source}
	run := sarifRun{
		Tool: sarifTool{Driver: sarifDriver{
			Name:           "gsc",
			Version:        toolVersion(),
			InformationURI: ToolURI,
			Rules:          rules,
		}},
		Invocations: []sarifInvocation{{ExecutionSuccessful: true}},
		OriginalURIBaseIDs: map[string]sarifArtifactLocation{
			srcRoot: {Description: &sarifMessage{Text: "The directory the checker ran in; recording and baseline paths are relative to it."}},
		},
		ColumnKind: "utf16CodeUnits",
		Results:    []sarifResult{},
	}
	for _, f := range res.New {
		r := sarifResultOf(f, index[f.Check], &cols)
		r.BaselineState = "new"
		run.Results = append(run.Results, r)
	}
	for i, f := range res.Accepted {
		r := sarifResultOf(f, index[f.Check], &cols)
		r.BaselineState = "unchanged"
		s := sarifSuppression{Kind: "external", Status: "accepted"}
		if i < len(res.AcceptedBy) {
			e := res.AcceptedBy[i]
			s.Justification = e.Reason
			if opts.Baseline != "" {
				s.Location = &sarifLocation{PhysicalLocation: &sarifPhysicalLocation{
					ArtifactLocation: artifact(opts.Baseline),
					Region:           &sarifRegion{StartLine: e.Line},
				}}
			}
		}
		r.Suppressions = []sarifSuppression{s}
		run.Results = append(run.Results, r)
	}
	level := "warning"
	if opts.StrictBaseline {
		level = "error"
	}
	note := func(id string, e baseline.Entry, text string) sarifNotification {
		n := sarifNotification{Descriptor: &sarifDescriptorRef{ID: id}, Level: level, Message: sarifMessage{Text: text}}
		if opts.Baseline != "" {
			n.Locations = []sarifLocation{{PhysicalLocation: &sarifPhysicalLocation{
				ArtifactLocation: artifact(opts.Baseline),
				Region:           &sarifRegion{StartLine: e.Line},
			}}}
		}
		return n
	}
	inv := &run.Invocations[0]
	for _, e := range res.Stale {
		inv.ToolConfigurationNotifications = append(inv.ToolConfigurationNotifications,
			note("baseline.stale", e, "baseline entry no longer found: "+e.String()))
	}
	for _, e := range res.Expired {
		inv.ToolConfigurationNotifications = append(inv.ToolConfigurationNotifications,
			note("baseline.expired", e, fmt.Sprintf("baseline entry expired on %s: %s", e.Expires.Format("2006-01-02"), e)))
	}
	return sarifLog{Schema: sarifSchema, Version: sarifVersion, Runs: []sarifRun{run}}
}

// sarifRules lists every check of the catalogue, then the XPath
// assertions among found (their ids come from the contracts), each with
// its index in the list.
func sarifRules(found []finding.Finding) ([]sarifRule, map[string]int) {
	ids := make([]string, 0, len(finding.Catalogue))
	level := map[string]finding.Severity{}
	for id, spec := range finding.Catalogue {
		ids = append(ids, id)
		level[id] = spec.Severity
	}
	slices.Sort(ids)
	var xpaths []string
	for _, f := range found {
		if _, ok := level[f.Check]; !ok {
			xpaths = append(xpaths, f.Check)
			level[f.Check] = f.Severity
		}
	}
	slices.Sort(xpaths)
	ids = append(ids, xpaths...)

	rules := make([]sarifRule, len(ids))
	index := make(map[string]int, len(ids))
	for i, id := range ids {
		index[id] = i
		rules[i] = sarifRule{
			ID:                   id,
			ShortDescription:     sarifMessage{Text: finding.Describe(id)},
			DefaultConfiguration: sarifConfiguration{Level: sarifLevel(level[id])},
			Properties:           sarifRuleProperties{Tags: []string{finding.AreaOf(id)}},
		}
	}
	return rules, index
}

func sarifResultOf(f finding.Finding, ruleIndex int, cols *columns) sarifResult {
	text := f.Message
	if f.Recovered {
		text += " (recovered)"
	}
	loc := sarifLocation{PhysicalLocation: &sarifPhysicalLocation{ArtifactLocation: artifact(f.File)}}
	if f.Line > 0 {
		loc.PhysicalLocation.Region = &sarifRegion{StartLine: f.Line}
		if c, ok := cols.utf16(f.File, f.Line, f.Col); ok {
			loc.PhysicalLocation.Region.StartColumn = c
		}
	}
	// The place in the body is shown in the message too: code-scanning
	// views show messages but not logical locations.
	if f.Pointer != "" {
		loc.LogicalLocations = append(loc.LogicalLocations, sarifLogicalLocation{FullyQualifiedName: f.Pointer, Kind: "value"})
		text += " at " + f.Pointer
	}
	if f.XPath != "" {
		loc.LogicalLocations = append(loc.LogicalLocations, sarifLogicalLocation{FullyQualifiedName: f.XPath, Kind: "element"})
		if f.Pointer == "" {
			text += " at " + f.XPath
		}
	}
	return sarifResult{
		RuleID:     f.Check,
		RuleIndex:  ruleIndex,
		Level:      sarifLevel(f.Severity),
		Message:    sarifMessage{Text: text},
		Locations:  []sarifLocation{loc},
		Properties: sarifResultProperties{Exchange: f.Exchange, Area: f.Area, Recovered: f.Recovered},
	}
}

func sarifLevel(s finding.Severity) string {
	switch s {
	case finding.Error:
		return "error"
	case finding.Warning:
		return "warning"
	}
	return "note"
}

// artifact locates a file: a relative path as a relative URI reference
// under SRCROOT, an absolute one as a file URI.
func artifact(file string) sarifArtifactLocation {
	p := filepath.ToSlash(file)
	if filepath.IsAbs(file) {
		if !strings.HasPrefix(p, "/") {
			p = "/" + p // C:/x is file:///C:/x
		}
		return sarifArtifactLocation{URI: (&url.URL{Scheme: "file", Path: p}).String()}
	}
	return sarifArtifactLocation{URI: (&url.URL{Path: p}).String(), URIBaseID: srcRoot}
}

// columns turns byte columns into UTF-16 ones.
//
// A finding's column counts bytes; SARIF counts either UTF-16 code units
// or Unicode code points, so a column after a non-ASCII character must be
// converted either way. UTF-16 is the unit of the viewers that annotate
// files (GitHub code scanning, the VS Code SARIF viewer: JavaScript
// strings index in UTF-16), so with it a viewer that ignores columnKind
// still marks the right character. A bad UTF-8 byte counts as one unit:
// the U+FFFD a viewer shows in its place.
type columns struct {
	source func(file string) []byte
	// The source of one file at a time is kept: results come grouped by
	// file, and a run over many large recordings holds one of them.
	file  string
	lines *sourceLines // nil: no source for file
	read  bool
}

type sourceLines struct {
	src    []byte
	starts []int // the offset of each line
}

func (c *columns) utf16(file string, line, col int) (int, bool) {
	if c.source == nil || col < 1 {
		return 0, false
	}
	if !c.read || c.file != file {
		c.file, c.lines, c.read = file, nil, true
		if src := c.source(file); src != nil {
			c.lines = &sourceLines{src: src, starts: lineStarts(src)}
		}
	}
	sl := c.lines
	if sl == nil || line > len(sl.starts) {
		return 0, false
	}
	text := sl.src[sl.starts[line-1]:]
	if i := bytes.IndexByte(text, '\n'); i >= 0 {
		text = text[:i]
	}
	n := col - 1 // bytes before the column
	units := 0
	for n > 0 && len(text) > 0 {
		r, size := utf8.DecodeRune(text)
		if size > n {
			return 1 + units, true // inside a character: its first unit
		}
		units += utf16Len(r)
		text, n = text[size:], n-size
	}
	return 1 + units + n, true // bytes beyond the line's end count one each
}

func utf16Len(r rune) int {
	if r >= 0x10000 && r <= utf8.MaxRune {
		return 2
	}
	return 1
}

func lineStarts(src []byte) []int {
	starts := []int{0}
	for i, b := range src {
		if b == '\n' {
			starts = append(starts, i+1)
		}
	}
	return starts
}

// toolVersion is the module version the binary was built from, "devel"
// for a build from a work tree without one.
func toolVersion() string {
	if bi, ok := debug.ReadBuildInfo(); ok && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		return bi.Main.Version
	}
	return "devel"
}

// The part of the SARIF 2.1.0 object model this log uses.
type (
	sarifLog struct {
		Schema  string     `json:"$schema"`
		Version string     `json:"version"`
		Runs    []sarifRun `json:"runs"`
	}
	sarifRun struct {
		Tool               sarifTool                        `json:"tool"`
		Invocations        []sarifInvocation                `json:"invocations"`
		OriginalURIBaseIDs map[string]sarifArtifactLocation `json:"originalUriBaseIds"`
		ColumnKind         string                           `json:"columnKind"`
		Results            []sarifResult                    `json:"results"`
	}
	sarifTool struct {
		Driver sarifDriver `json:"driver"`
	}
	sarifDriver struct {
		Name           string      `json:"name"`
		Version        string      `json:"version"`
		InformationURI string      `json:"informationUri"`
		Rules          []sarifRule `json:"rules"`
	}
	sarifRule struct {
		ID                   string              `json:"id"`
		ShortDescription     sarifMessage        `json:"shortDescription"`
		DefaultConfiguration sarifConfiguration  `json:"defaultConfiguration"`
		Properties           sarifRuleProperties `json:"properties"`
	}
	sarifConfiguration struct {
		Level string `json:"level"`
	}
	sarifRuleProperties struct {
		Tags []string `json:"tags"` // the check's area
	}
	sarifInvocation struct {
		ExecutionSuccessful            bool                `json:"executionSuccessful"`
		ToolConfigurationNotifications []sarifNotification `json:"toolConfigurationNotifications,omitempty"`
	}
	sarifNotification struct {
		Descriptor *sarifDescriptorRef `json:"descriptor,omitempty"`
		Level      string              `json:"level"`
		Message    sarifMessage        `json:"message"`
		Locations  []sarifLocation     `json:"locations,omitempty"`
	}
	sarifDescriptorRef struct {
		ID string `json:"id"`
	}
	sarifResult struct {
		RuleID        string                `json:"ruleId"`
		RuleIndex     int                   `json:"ruleIndex"`
		Level         string                `json:"level"`
		Message       sarifMessage          `json:"message"`
		Locations     []sarifLocation       `json:"locations"`
		BaselineState string                `json:"baselineState"`
		Suppressions  []sarifSuppression    `json:"suppressions,omitempty"`
		Properties    sarifResultProperties `json:"properties"`
	}
	sarifResultProperties struct {
		Exchange  int    `json:"exchange"`
		Area      string `json:"area"`
		Recovered bool   `json:"recovered,omitempty"`
	}
	sarifMessage struct {
		Text string `json:"text"`
	}
	sarifLocation struct {
		PhysicalLocation *sarifPhysicalLocation `json:"physicalLocation,omitempty"`
		LogicalLocations []sarifLogicalLocation `json:"logicalLocations,omitempty"`
	}
	sarifPhysicalLocation struct {
		ArtifactLocation sarifArtifactLocation `json:"artifactLocation"`
		Region           *sarifRegion          `json:"region,omitempty"`
	}
	sarifArtifactLocation struct {
		URI         string        `json:"uri,omitempty"`
		URIBaseID   string        `json:"uriBaseId,omitempty"`
		Description *sarifMessage `json:"description,omitempty"`
	}
	sarifRegion struct {
		StartLine   int `json:"startLine"`
		StartColumn int `json:"startColumn,omitempty"`
	}
	sarifLogicalLocation struct {
		FullyQualifiedName string `json:"fullyQualifiedName"`
		Kind               string `json:"kind"`
	}
	sarifSuppression struct {
		Kind          string         `json:"kind"`
		Status        string         `json:"status"`
		Justification string         `json:"justification,omitempty"`
		Location      *sarifLocation `json:"location,omitempty"`
	}
)
