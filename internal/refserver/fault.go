package refserver

import (
	"bytes"
	"fmt"
	"slices"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/signature"
	"github.com/getservice-conformance/gsc/internal/signer"
)

// Fault is one named way the endpoint deviates from its contract. Faults
// exist to test the suite: with a fault in force, the specs meant to catch
// it must fail, and only those. Each fault deviates in one way only, and
// a fault applies to a contract only where the contract has the feature it
// breaks (Faults).
type Fault string

// The faults, in documentation order.
const (
	AnonymousAccepted  Fault = "anonymous-accepted"
	SignatureUnchecked Fault = "signature-unchecked"
	ClockSkewUnchecked Fault = "clock-skew-unchecked"

	AnonymousWrongStatus    Fault = "anonymous-wrong-status"
	AnonymousWrongCode      Fault = "anonymous-wrong-code"
	BadSignatureWrongStatus Fault = "bad-signature-wrong-status"
	BadSignatureWrongCode   Fault = "bad-signature-wrong-code"
	UnknownKeyWrongStatus   Fault = "unknown-key-wrong-status"
	UnknownKeyWrongCode     Fault = "unknown-key-wrong-code"
	ClockSkewWrongStatus    Fault = "clock-skew-wrong-status"
	ClockSkewWrongCode      Fault = "clock-skew-wrong-code"

	MissingRequestID Fault = "missing-request-id"
	WrongContentType Fault = "wrong-content-type"
	ErrorBodyHTML    Fault = "error-body-html"
	ErrorBodyEmpty   Fault = "error-body-empty"
	ErrorBodyNoID    Fault = "error-body-without-request-id"

	BareEndTag       Fault = "bare-end-tag"
	MismatchedTags   Fault = "mismatched-tags"
	InvalidJSON      Fault = "invalid-json"
	TextAfterRoot    Fault = "text-after-root"
	WrongNamespace   Fault = "wrong-namespace"
	MissingNamespace Fault = "missing-namespace"
	DateNotISO8601   Fault = "date-not-iso8601"
	CountDisagrees   Fault = "count-disagrees"
	CountBeyondTotal Fault = "count-beyond-total"

	PageSizeIgnored         Fault = "page-size-ignored"
	PageSizeUnvalidated     Fault = "page-size-unvalidated"
	ZeroPageSizeServed      Fault = "zero-page-size-served"
	TruncatedWithoutNext    Fault = "truncated-without-next"
	PartialPageSaysComplete Fault = "partial-page-says-complete"
	NextPageRepeats         Fault = "next-page-repeats"
	NextPageSkips           Fault = "next-page-skips"
	Unsorted                Fault = "unsorted"
	CreationOrder           Fault = "creation-order"
	BucketRegionMissing     Fault = "bucket-region-missing"
	UnknownMarkerRestarts   Fault = "unknown-marker-restarts"
	ForgedTokenAccepted     Fault = "forged-token-accepted"
	EmptyTokenServed        Fault = "empty-token-served"
	RegionUnvalidated       Fault = "region-unvalidated"
	NextMarkerBehind        Fault = "next-marker-behind"
	MarkerEchoWrong         Fault = "marker-echo-wrong"
	MaxKeysEchoWrong        Fault = "max-keys-echo-wrong"
	PrefixEchoWrong         Fault = "prefix-echo-wrong"

	PrefixIgnored     Fault = "prefix-ignored"
	RegionIgnored     Fault = "region-ignored"
	LocationIgnored   Fault = "location-ignored"
	CreateTimeIgnored Fault = "create-time-ignored"
	TagsIgnored       Fault = "tags-ignored"

	TaggingIgnored        Fault = "tagging-ignored"
	TaggingAnyTag         Fault = "tagging-any-tag"
	TaggingCombinedServed Fault = "tagging-combined-served"
	ResourceGroupIgnored  Fault = "resource-group-ignored"
	EmptyGroupListsAll    Fault = "empty-group-lists-all"
	NoGroupListsDefault   Fault = "no-group-lists-default"
)

// answerFaults are each auth failure's wrong-status and wrong-code faults.
var answerFaults = map[signer.Failure][2]Fault{
	signer.Anonymous:    {AnonymousWrongStatus, AnonymousWrongCode},
	signer.BadSignature: {BadSignatureWrongStatus, BadSignatureWrongCode},
	signer.UnknownKey:   {UnknownKeyWrongStatus, UnknownKeyWrongCode},
	signer.ClockSkew:    {ClockSkewWrongStatus, ClockSkewWrongCode},
}

// faultInfo documents a fault and says where it applies.
type faultInfo struct {
	doc string
	// notFor says why the fault cannot apply to a contract: the contract
	// lacks what the fault breaks. "" when it applies.
	notFor func(c *contract.Contract) string
}

// faultOrder lists every fault; faultInfos documents them.
var faultOrder = []Fault{
	AnonymousAccepted, SignatureUnchecked, ClockSkewUnchecked,
	AnonymousWrongStatus, AnonymousWrongCode, BadSignatureWrongStatus, BadSignatureWrongCode,
	UnknownKeyWrongStatus, UnknownKeyWrongCode, ClockSkewWrongStatus, ClockSkewWrongCode,
	MissingRequestID, WrongContentType, ErrorBodyHTML, ErrorBodyEmpty, ErrorBodyNoID,
	BareEndTag, MismatchedTags, InvalidJSON, TextAfterRoot, WrongNamespace, MissingNamespace,
	DateNotISO8601, CountDisagrees, CountBeyondTotal,
	PageSizeIgnored, PageSizeUnvalidated, ZeroPageSizeServed, TruncatedWithoutNext, PartialPageSaysComplete,
	NextPageRepeats, NextPageSkips, Unsorted, CreationOrder, BucketRegionMissing, UnknownMarkerRestarts, ForgedTokenAccepted, EmptyTokenServed, RegionUnvalidated,
	NextMarkerBehind, MarkerEchoWrong, MaxKeysEchoWrong,
	PrefixIgnored, RegionIgnored, LocationIgnored, CreateTimeIgnored, TagsIgnored, PrefixEchoWrong,
	TaggingIgnored, TaggingAnyTag, TaggingCombinedServed, ResourceGroupIgnored, EmptyGroupListsAll, NoGroupListsDefault,
}

var faultInfos = map[Fault]faultInfo{
	AnonymousAccepted:  {"a request without credentials is served as a signed one", always},
	SignatureUnchecked: {"a request whose signature does not match is served (the key and the clock are still checked)", always},
	ClockSkewUnchecked: {"a request signed outside the allowed clock skew or signature window is served", func(c *contract.Contract) string {
		if a := c.Profile.Auth; a.MaxSkewSeconds == 0 && a.SignTime == signature.FromDate {
			return "the contract allows any clock skew"
		}
		return ""
	}},

	AnonymousWrongStatus:    wrongStatusInfo(signer.Anonymous),
	AnonymousWrongCode:      wrongCodeInfo(signer.Anonymous),
	BadSignatureWrongStatus: wrongStatusInfo(signer.BadSignature),
	BadSignatureWrongCode:   wrongCodeInfo(signer.BadSignature),
	UnknownKeyWrongStatus:   wrongStatusInfo(signer.UnknownKey),
	UnknownKeyWrongCode:     wrongCodeInfo(signer.UnknownKey),
	ClockSkewWrongStatus:    wrongStatusInfo(signer.ClockSkew),
	ClockSkewWrongCode:      wrongCodeInfo(signer.ClockSkew),

	MissingRequestID: {"no response carries the request-id header", func(c *contract.Contract) string {
		return unless(c.Profile.RequestIDHeader != "", "the contract names no request-id header")
	}},
	WrongContentType: {"every body is sent as " + wrongContentType, always},
	ErrorBodyHTML:    {"error bodies are an HTML page, without the error code (the status and Content-Type stay as the contract says)", always},
	ErrorBodyEmpty:   {"error bodies are empty (the status and headers stay as the contract says)", always},
	ErrorBodyNoID:    {"error bodies lack the request id (the status, the code and the request-id header stay as the contract says)", always},

	BareEndTag:     {"a listing repeats its first end tag, leaving a bare end tag", xmlOnly},
	MismatchedTags: {"a listing closes its first leaf element with a misspelt end tag", xmlOnly},
	InvalidJSON: {"a listing has a trailing comma before its last '}'", func(c *contract.Contract) string {
		return unless(c.Profile.Body == "json", "the contract's bodies are XML")
	}},
	TextAfterRoot:    {"a listing has text after its root element or value", always},
	WrongNamespace:   {"a listing's root element declares another default namespace", namespaced},
	MissingNamespace: {"a listing's root element declares no namespace", namespaced},
	DateNotISO8601: {"listed creation dates are HTTP-dates (Mon, 02 Jan 2006 15:04:05 GMT), not ISO 8601", func(c *contract.Contract) string {
		return unless(c.Profile.Listing.Created != "", "the contract lists no creation date")
	}},
	CountDisagrees: {"the count field is one less than the buckets the page lists", func(c *contract.Contract) string {
		return unless(c.Profile.Listing.Count != "", "the contract's listing has no count field")
	}},

	PageSizeIgnored:     {"a valid page size is not applied: pages have the default size", paged},
	PageSizeUnvalidated: {"an invalid page size (0, not a number, above the maximum) is served with the default size instead of refused", paged},
	ZeroPageSizeServed:  {"a page size of 0, and only that invalid one, is served with the default size instead of refused", paged},
	TruncatedWithoutNext: {"a truncated page names no next marker or continuation token", func(c *contract.Contract) string {
		return orElse(paged(c), unless(c.Profile.Params.Marker != "" || c.Profile.Params.Token != "", "the contract's pages lead on by offset, with no next marker or token"))
	}},
	PartialPageSaysComplete: {"a truncated page says it is complete (truncation flag false)", func(c *contract.Contract) string {
		return orElse(paged(c), unless(c.Profile.Listing.Truncated != "", "the contract's listing has no truncation flag"))
	}},
	NextPageRepeats: {"a page asked for with a marker, token or offset starts with the previous page's last bucket", continued},
	NextPageSkips:   {"a page asked for with a marker, token or offset leaves out its first bucket", continued},
	Unsorted: {"every page lists its buckets in reverse byte order", func(c *contract.Contract) string {
		return unless(c.Profile.Ordered, "the contract does not promise an order")
	}},
	CreationOrder: {"every page lists its buckets in the order they were created, not in byte order", func(c *contract.Contract) string {
		return unless(c.Profile.Ordered, "the contract does not promise an order")
	}},
	BucketRegionMissing: {"listed buckets show no region, also on pages asked for with a page size, a filter or a token", func(c *contract.Contract) string {
		return unless(c.Profile.Listing.RegionWhenPaged, "the contract does not list a region on every bucket of such pages")
	}},
	UnknownMarkerRestarts: {"a marker that names no bucket starts the listing from the beginning", func(c *contract.Contract) string {
		return unless(c.Profile.Params.Marker != "", "the contract has no marker")
	}},
	ForgedTokenAccepted: {"a continuation token the endpoint did not issue is ignored instead of refused", func(c *contract.Contract) string {
		return unless(c.Profile.Params.Token != "", "the contract has no continuation token")
	}},

	EmptyTokenServed: {"an empty continuation token is served as no token instead of refused", func(c *contract.Contract) string {
		return unless(c.Profile.Params.Token != "" && c.Profile.Refuses(c.Profile.Params.Token), "the contract does not refuse an empty token")
	}},
	RegionUnvalidated: {"a region filter that names no region is served (listing nothing) instead of refused", func(c *contract.Contract) string {
		return unless(c.Profile.Params.Region != "" && c.Profile.Refuses(c.Profile.Params.Region), "the contract does not refuse a region filter that names no region")
	}},

	PrefixIgnored:     filterInfo("prefix", "the prefix parameter is ignored: the listing is not filtered by it"),
	RegionIgnored:     filterInfo("region", "the region parameter and a regional host are ignored: the listing is not filtered by region"),
	LocationIgnored:   filterInfo("location", "the Location header is ignored: the listing is not filtered by zone"),
	CreateTimeIgnored: filterInfo("create-time", "the creation-time filter is ignored: the listing is not filtered by it"),
	TagsIgnored:       filterInfo("tags", "the tag filter is ignored: the listing is not filtered by tag"),

	TaggingIgnored:        filterInfo("tagging", "the tagging parameter is ignored: the listing is not filtered by the tag set"),
	TaggingAnyTag:         filterInfo("tagging", "the tagging parameter selects a bucket that carries any one of its tags, not all of them"),
	TaggingCombinedServed: filterInfo("tagging", "tagging sent with tag-key is served, not refused"),
	ResourceGroupIgnored:  filterInfo("resource-group", "the resource-group header is ignored: every bucket is listed whatever group it names"),
	EmptyGroupListsAll:    filterInfo("resource-group", "an empty resource-group header lists every bucket, as if absent, not the default group's"),
	NoGroupListsDefault:   filterInfo("resource-group", "a request without the resource-group header lists the default group's buckets only, not every bucket"),
}

// wrongContentType is the media type WrongContentType sends: no
// contract's.
const wrongContentType = "text/plain; charset=utf-8"

// htmlError is the page ErrorBodyHTML sends, as a gateway in front of a
// store might: HTML, not well-formed XML (<hr> is never closed).
const htmlError = "<html>\r\n<head><title>%[1]d %[2]s</title></head>\r\n<body>\r\n<center><h1>%[1]d %[2]s</h1></center>\r\n<hr><center>gateway</center>\r\n</body>\r\n</html>\r\n"

func always(*contract.Contract) string { return "" }

func unless(ok bool, why string) string {
	if ok {
		return ""
	}
	return why
}

// orElse returns the first reason that is not "".
func orElse(why ...string) string {
	for _, w := range why {
		if w != "" {
			return w
		}
	}
	return ""
}

func xmlOnly(c *contract.Contract) string {
	return unless(c.Profile.Body == "xml", "the contract's bodies are JSON")
}

// paged: the contract documents pagination with a page-size parameter.
func paged(c *contract.Contract) string {
	p := c.Profile
	return unless(p.Params.PageSize.Name != "" && slices.Contains(p.Capabilities, "pagination"), "the contract documents no page size")
}

// continued: pages lead on by a marker, token or offset.
func continued(c *contract.Contract) string {
	p := c.Profile.Params
	return orElse(paged(c), unless(p.Marker != "" || p.Token != "" || p.Offset != "", "the contract has no marker, token or offset"))
}

// namespaced: the listing's root element declares a default namespace.
func namespaced(c *contract.Contract) string {
	why := "the contract's listing has no namespace"
	if c.Profile.Body != "xml" {
		return why
	}
	t := c.Templates.Lookup("listing.tmpl")
	if t == nil {
		return why
	}
	var b bytes.Buffer
	if err := t.Execute(&b, &listingBody{}); err != nil {
		return why
	}
	_, _, ok := rootNamespace(b.Bytes())
	return unless(ok, why)
}

func wrongStatusInfo(f signer.Failure) faultInfo {
	return faultInfo{
		doc: fmt.Sprintf("a rejection for %s has a status the contract does not allow (another 4xx, or 500 where any 4xx is allowed)", failureText[f]),
		notFor: func(c *contract.Contract) string {
			return unless(c.Profile.Auth.Rejections != nil, "the contract lists no rejections")
		},
	}
}

func wrongCodeInfo(f signer.Failure) faultInfo {
	return faultInfo{
		doc: fmt.Sprintf("a rejection for %s has the error code of another auth failure", failureText[f]),
		notFor: func(c *contract.Contract) string {
			if len(c.Profile.Auth.Rejections[string(f)].Codes) == 0 {
				return fmt.Sprintf("the contract allows any error code for %s", failureText[f])
			}
			return unless(wrongCode(&c.Profile, f) != "", "no other auth failure has a code to confuse it with")
		},
	}
}

var failureText = map[signer.Failure]string{
	signer.Anonymous:    "an anonymous request",
	signer.BadSignature: "a bad signature",
	signer.UnknownKey:   "an unknown access key",
	signer.ClockSkew:    "a skewed clock",
}

func filterInfo(capability, doc string) faultInfo {
	return faultInfo{
		doc: doc,
		notFor: func(c *contract.Contract) string {
			return unless(slices.Contains(c.Profile.Capabilities, capability), "the contract documents no "+capability+" filter")
		},
	}
}

// AllFaults returns every fault in documentation order.
func AllFaults() []Fault { return slices.Clone(faultOrder) }

// Doc says in one line how the endpoint deviates with f in force.
func (f Fault) Doc() string { return faultInfos[f].doc }

// Faults returns the faults that apply to a contract, in documentation
// order.
func Faults(c *contract.Contract) []Fault {
	var out []Fault
	for _, f := range faultOrder {
		if faultInfos[f].notFor(c) == "" {
			out = append(out, f)
		}
	}
	return out
}

// ParseFault returns the fault named name if it applies to c, and else an
// error saying why not.
func ParseFault(c *contract.Contract, name string) (Fault, error) {
	f := Fault(name)
	info, ok := faultInfos[f]
	if !ok {
		return "", fmt.Errorf("unknown fault %q", name)
	}
	if why := info.notFor(c); why != "" {
		return "", fmt.Errorf("fault %s does not apply to %s: %s", name, c.Profile.Vendor, why)
	}
	return f, nil
}
