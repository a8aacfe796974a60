package finding

import "strings"

// Spec is what every finding of one check shares.
type Spec struct {
	Area     string
	Severity Severity
}

// Areas group checks into the specs a suite runs; they are the Ginkgo labels.
const (
	AreaRecording  = "recording"
	AreaHeaders    = "headers"
	AreaSchema     = "schema"
	AreaPagination = "pagination"
	AreaFilters    = "filters"
	AreaAuth       = "auth"
)

// Catalogue lists every check id (docs/checks.md explains each). XPath
// assertions add ids "xpath.<id>" from the contracts, in area schema.
var Catalogue = map[string]Spec{
	"exchange.format":        {AreaRecording, Error},
	"http.request-line":      {AreaHeaders, Error},
	"http.status-line":       {AreaHeaders, Error},
	"http.header-line":       {AreaHeaders, Error},
	"http.header-end":        {AreaHeaders, Error},
	"http.placeholder":       {AreaHeaders, Error},
	"http.date":              {AreaHeaders, Error},
	"http.content-length":    {AreaHeaders, Error},
	"http.request-body":      {AreaHeaders, Error},
	"http.host":              {AreaHeaders, Error},
	"http.chunked":           {AreaHeaders, Error},
	"http.content-encoding":  {AreaHeaders, Error},
	"http.header-value":      {AreaHeaders, Error},
	"header.content-type":    {AreaHeaders, Error},
	"header.request-id":      {AreaHeaders, Error},
	"request.auth-scheme":    {AreaAuth, Warning},
	"request.cos-param-list": {AreaAuth, Error},
	"xml.syntax":             {AreaSchema, Error},
	"xml.unmatched-end":      {AreaSchema, Error},
	"xml.mismatched-end":     {AreaSchema, Error},
	"xml.unclosed":           {AreaSchema, Error},
	"xml.outside-root":       {AreaSchema, Error},
	"xml.encoding":           {AreaSchema, Error},
	"json.syntax":            {AreaSchema, Error},
	"json.duplicate-key":     {AreaSchema, Error},
	"schema.success":         {AreaSchema, Error},
	"schema.error":           {AreaSchema, Error},
	"name.legacy":            {AreaSchema, Warning},
	"page.size":              {AreaPagination, Error},
	"page.count":             {AreaPagination, Error},
	"page.truncation":        {AreaPagination, Error},
	"page.marker-exclusive":  {AreaPagination, Error},
	"page.order":             {AreaPagination, Error},
	"page.unique":            {AreaPagination, Error},
	"page.walk":              {AreaPagination, Error},
	"page.next-marker":       {AreaPagination, Error},
	"page.marker-echo":       {AreaPagination, Error},
	"page.max-keys-echo":     {AreaPagination, Error},
	"page.bucket-region":     {AreaPagination, Error},
	"filter.prefix":          {AreaFilters, Error},
	"filter.prefix-echo":     {AreaFilters, Error},
	"filter.region":          {AreaFilters, Error},
	"filter.location":        {AreaFilters, Error},
	"filter.create-time":     {AreaFilters, Error},
	"auth.anonymous":         {AreaAuth, Error},
	"auth.rejection":         {AreaAuth, Error},
	"auth.clock-skew":        {AreaAuth, Error},
}

// Known reports whether id is a check this tool can report.
func Known(id string) bool {
	_, ok := Catalogue[id]
	return ok || strings.HasPrefix(id, "xpath.") && len(id) > len("xpath.")
}

// AreaOf returns the area of a check id.
func AreaOf(id string) string {
	if s, ok := Catalogue[id]; ok {
		return s.Area
	}
	return AreaSchema // xpath.*
}

// Areas lists the areas in report order.
var Areas = []string{AreaHeaders, AreaSchema, AreaPagination, AreaFilters, AreaAuth, AreaRecording}

// New returns a finding of check with its area and severity filled in.
// Place and file are the caller's to set.
func New(check, message string) Finding {
	spec, ok := Catalogue[check]
	if !ok {
		spec = Spec{Area: AreaOf(check), Severity: Error}
	}
	return Finding{Check: check, Severity: spec.Severity, Area: spec.Area, Message: message}
}
