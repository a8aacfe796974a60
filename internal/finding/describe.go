package finding

import "strings"

// Descriptions says in one line what each check in the Catalogue guards,
// for reports that list the rules (SARIF). docs/checks.md has the long form.
// They live apart from the Catalogue so that adding a check is two short
// lines rather than a rewrite of the Catalogue's literals.
var Descriptions = map[string]string{
	"exchange.format":        "The recording is a usable transcript of numbered exchanges.",
	"http.request-line":      "The request line is METHOD SP target SP HTTP/x.y.",
	"http.status-line":       "The status line is HTTP/x.y SP code SP [reason].",
	"http.header-line":       "Every line of a header block is Name: value.",
	"http.header-end":        "A blank line separates the header block from the body.",
	"http.placeholder":       "No header value is a documentation placeholder.",
	"http.date":              "A Date header is an HTTP-date.",
	"http.content-length":    "Content-Length is a number equal to the body's length.",
	"http.request-body":      "A GET with a body says how long it is.",
	"http.host":              "An HTTP/1.1 request has a Host header.",
	"http.chunked":           "A chunked body is well framed: true chunk sizes, a last chunk.",
	"http.content-encoding":  "A content-coded body is declared, decodes and stays under the size cap.",
	"http.header-value":      "No header value holds a NUL or other control byte.",
	"header.content-type":    "The response's Content-Type is one the contract allows.",
	"header.request-id":      "The response carries the vendor's request-id header.",
	"request.auth-scheme":    "Authorization has the vendor's form.",
	"request.cos-param-list": "A COS q-url-param-list names exactly the query parameters sent.",
	"xml.syntax":             "The XML body is well-formed.",
	"xml.unmatched-end":      "Every XML end tag closes an open element.",
	"xml.mismatched-end":     "Every XML end tag closes the innermost open element.",
	"xml.unclosed":           "Every XML element is closed before the body ends.",
	"xml.outside-root":       "Nothing but white space stands outside the XML root element.",
	"xml.encoding":           "The XML body's declared encoding is known and one the contract allows.",
	"json.syntax":            "The JSON body is valid JSON.",
	"json.duplicate-key":     "No JSON object names a member twice.",
	"schema.success":         "The success body matches the vendor's JSON Schema.",
	"schema.error":           "The error body matches the vendor's JSON Schema.",
	"name.legacy":            "A bucket name follows today's naming rules, or the legacy rules for a bucket created before they changed.",
	"page.size":              "A page holds no more buckets than requested or allowed.",
	"page.count":             "A count field agrees with the listing.",
	"page.truncation":        "The truncation flag and the next marker or token agree.",
	"page.marker-exclusive":  "A page starts after the requested marker.",
	"page.order":             "Bucket names come in UTF-8 byte order where the contract promises it.",
	"page.unique":            "A bucket appears once in a page and in a walk.",
	"page.walk":              "Each request of a walk continues from the previous page.",
	"page.next-marker":       "A next marker or token does not lead back into its own page.",
	"page.marker-echo":       "A page echoes the marker the request sent.",
	"page.max-keys-echo":     "A page echoes the page size the request sent.",
	"page.bucket-region":     "Every bucket of a page asked for with a page size, a filter or a token shows its region.",
	"filter.prefix":          "Every bucket has the requested prefix.",
	"filter.prefix-echo":     "A page echoes the prefix the request sent.",
	"filter.region":          "Every bucket is in the requested region.",
	"filter.location":        "Every QingStor bucket is in the zone the Location header names.",
	"filter.create-time":     "Every bucket's creation time satisfies create-time and range.",
	"auth.anonymous":         "A request without credentials is rejected as the contract says.",
	"auth.rejection":         "An auth failure has a status and code pair the contract lists.",
	"auth.clock-skew":        "A request signed outside the allowed skew is not answered 2xx.",
}

// Describe returns the one-line description of a check id, "" for an
// unknown one. XPath assertions are described by the contract that defines
// them, so they get a generic line naming the assertion.
func Describe(id string) string {
	if d, ok := Descriptions[id]; ok {
		return d
	}
	if name, ok := strings.CutPrefix(id, "xpath."); ok && name != "" {
		return "The contract's XPath assertion " + name + " holds."
	}
	return ""
}
