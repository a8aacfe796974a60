package contract

import "slices"

// Profile is a vendor's contract in the terms the generic checks need. It is
// read from schemas/<vendor>/profile.json; nothing in it is vendor logic.
type Profile struct {
	Vendor string `json:"vendor"` // directory name under schemas/
	Name   string `json:"name"`   // for people
	Body   string `json:"body"`   // "xml" or "json"

	// ContentTypes lists the accepted media types of a response body, without
	// parameters (a charset is always allowed).
	ContentTypes []string `json:"contentTypes"`
	// RequestIDHeader must be present on every response.
	RequestIDHeader string `json:"requestIdHeader"`
	// Paths are the request paths GET Service is served on.
	Paths []string `json:"paths"`

	Mapping Mapping `json:"mapping"` // XML bodies only
	Listing Listing `json:"listing"`
	Params  Params  `json:"params"`
	Auth    Auth    `json:"auth"`

	// Ordered says names come in UTF-8 byte order within and across pages.
	Ordered bool `json:"ordered"`
	// CountMeans says what a count field holds on a page: "page" (the page
	// length), "total" (all buckets, at least the page length), or "either"
	// where the documents leave it unsettled.
	CountMeans string `json:"countMeans,omitempty"`
	// RegionFromHost is a regular expression whose first group names the
	// region a regional host filters by (COS: cos.<region>.myqcloud.com).
	RegionFromHost string `json:"regionFromHost,omitempty"`

	// Capabilities the contract has; a missing one turns the specs that need
	// it into skipped ones. Known: "pagination", "prefix", "region",
	// "location", "create-time", "tags".
	Capabilities []string `json:"capabilities"`
	// Optional capabilities are ones a conforming endpoint may lack (S3's
	// 2024 max-buckets, prefix and bucket-region). A spec that sees one
	// ignored reports it unsupported, with the evidence, instead of
	// failing; ignoring a capability that is not optional is a violation.
	Optional []string `json:"optional,omitempty"`
	// Refusals are invalid requests the contract says are refused, each
	// judged by its own spec.
	Refusals []Refusal `json:"refusals,omitempty"`
	// Limits bound what a body may be beyond its schema.
	Limits Limits `json:"limits,omitempty"`

	// Names are naming rules beside the schema's (a legacy rule).
	Names Names `json:"names,omitempty"`
	// XMLEncodings lists the encodings an XML body may declare; empty:
	// any that can be decoded.
	XMLEncodings []string `json:"xmlEncodings,omitempty"`

	// Reference is what the suite's own in-memory endpoint of this vendor
	// (internal/refserver) needs beyond the checked contract. The checks
	// never read it.
	Reference *Reference `json:"reference,omitempty"`
}

// Reference describes the reference endpoint of a vendor: its defaults, the
// answers to calls the checks never see (set-up calls, bad parameters) and
// its choices where vendors.md leaves a fact unsettled. Body shapes are not
// here but in schemas/<vendor>/listing.tmpl and error.tmpl.
type Reference struct {
	// Region is the endpoint's own region or zone: the default of a new
	// bucket and the region of signatures that name one.
	Region string `json:"region,omitempty"`
	// Owner is listed as the owner of every bucket unless the endpoint is
	// given another.
	Owner Owner `json:"owner,omitempty"`
	// DateLayout is the Go time layout of dates in bodies; bucket creation
	// times are kept at its precision so that a listing filtered by time
	// agrees with the dates it shows.
	DateLayout string `json:"dateLayout,omitempty"`
	// ExtraIDHeaders are response headers sent beside RequestIDHeader on
	// every response (x-amz-id-2, x-cos-trace-id, x-bce-debug-id).
	ExtraIDHeaders []string `json:"extraIdHeaders,omitempty"`
	// BucketPaths are the path prefixes of bucket calls: "/" serves
	// /<bucket>, "/v1/" serves /v1/<bucket>.
	BucketPaths []string `json:"bucketPaths,omitempty"`
	// BucketName is a regular expression a new bucket's name must match.
	BucketName string `json:"bucketName,omitempty"`
	// MaxBuckets caps the buckets the endpoint holds (the vendor's quota
	// where a listing cannot page past it); 0 means the endpoint's own cap.
	MaxBuckets int `json:"maxBuckets,omitempty"`
	// CreatedStatus is the status of a successful create bucket call; 0
	// means 200 (QingStor answers 201).
	CreatedStatus int `json:"createdStatus,omitempty"`
	// Tagging is the query parameter of the call that sets a bucket's tags
	// (PUT /<bucket>?tagging with a Tagging XML body); empty where no
	// filter needs tags.
	Tagging string `json:"tagging,omitempty"`
	// DefaultGroup is the resource group a bucket created without one
	// belongs to (OSS), where the profile has resource groups.
	DefaultGroup string `json:"defaultGroup,omitempty"`
	// Errors are the answers the endpoint gives, by kind: "invalidArgument"
	// (a bad page size, offset, marker, token or filter), "bucketExists",
	// "noSuchBucket", "malformedBody", "invalidBucketName",
	// "tooManyBuckets", "methodNotAllowed", and an auth failure's kind
	// ("anonymous", "badSignature", ...) where auth.rejections leaves its
	// status or code unsettled.
	Errors map[string]Answer `json:"errors,omitempty"`
	// Notes say, for people, which unsettled facts the endpoint decides
	// and how.
	Notes []string `json:"notes,omitempty"`
}

// Limits are bounds a body must keep whatever its content.
type Limits struct {
	// Depth is the deepest nesting a body may have: elements for XML,
	// open objects and arrays for JSON. The element or container that
	// goes one level deeper has one finding (xml.syntax or json.syntax)
	// and the body is read no further. 0, or past the readers' own bound
	// of 1000, is that bound, which stops reading all the same.
	Depth int `json:"depth,omitempty"`
}

// Owner is a bucket owner as listed.
type Owner struct {
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// Answer is an error answer: a status and an error code.
type Answer struct {
	Status int    `json:"status,omitempty"`
	Code   string `json:"code,omitempty"`
}

// Mapping tunes the one XML-to-JSON mapping (see schemas/README.md).
type Mapping struct {
	Arrays  []string `json:"arrays"`  // element names that always map to arrays
	Objects []string `json:"objects"` // element names that always map to objects
}

// Listing says where the canonical listing lives in a success body, as JSON
// pointers into the JSON body or into the mapped XML. Empty means absent
// from this contract.
type Listing struct {
	Buckets string `json:"buckets"` // the array of buckets
	// Per bucket, relative to one bucket object:
	Name    string `json:"name"`
	Region  string `json:"region"`
	Created string `json:"created"`
	// Per page:
	Truncated  string `json:"truncated,omitempty"`  // "true"/"false" or a JSON boolean
	NextMarker string `json:"nextMarker,omitempty"` // marker or continuation token for the next page
	Marker     string `json:"marker,omitempty"`     // the marker echoed back
	Prefix     string `json:"prefix,omitempty"`     // the prefix echoed back
	MaxKeys    string `json:"maxKeys,omitempty"`    // the page size echoed back
	Count      string `json:"count,omitempty"`
	// Echoed names the echoes ("prefix", "marker", "maxKeys") a page
	// must carry whenever the request sends their parameter; the others
	// are judged only where a page has them.
	Echoed []string `json:"echoed,omitempty"`
	// RegionWhenPaged says every bucket shows its region (Region) on a
	// page the request asked for with a page size, a filter or a token
	// (S3 since 2024-10: BucketRegion), though not on a plain listing.
	RegionWhenPaged bool `json:"regionWhenPaged,omitempty"`
	// ResourceGroup is a bucket's resource group, relative to one bucket
	// object (OSS ResourceGroupId).
	ResourceGroup string `json:"resourceGroup,omitempty"`
	// CreatedMayLag, when set, is where the vendor documents that a
	// listing may not yet show a bucket created just before it (eventual
	// consistency); runner explore then notes such a bucket missing
	// instead of failing, until a listing has shown it.
	CreatedMayLag string `json:"createdMayLag,omitempty"`
}

// Refusal is an invalid request and the answer the contract gives it: a
// query parameter sent with a value it does not allow.
type Refusal struct {
	// What names the request in a spec's title: "an empty continuation
	// token".
	What  string `json:"what"`
	Param string `json:"param"` // the query parameter
	Value string `json:"value"` // its invalid value ("" is sent as name=)
	// With are query parameters sent beside Param: a combination the
	// contract refuses (OSS: tagging with tag-key).
	With map[string]string `json:"with,omitempty"`
	// Capability is what an endpoint that serves the request instead may
	// simply lack ("pagination", "region"): the spec then looks for the
	// evidence before it calls the answer a deviation.
	Capability string `json:"capability"`
	Rejection
	// Source says where the answer is documented or reported.
	Source string `json:"source"`
}

// Refuses says whether the contract refuses param sent with an invalid
// value.
func (p *Profile) Refuses(param string) bool {
	for _, r := range p.Refusals {
		if r.Param == param {
			return true
		}
	}
	return false
}

// Params names the request's query parameters and their limits. An empty
// name means the vendor has no such parameter.
type Params struct {
	PageSize   PageSize `json:"pageSize"`
	Marker     string   `json:"marker,omitempty"` // exclusive start after a bucket name
	Token      string   `json:"token,omitempty"`  // opaque continuation token
	Offset     string   `json:"offset,omitempty"`
	Prefix     string   `json:"prefix,omitempty"`
	Region     string   `json:"region,omitempty"`
	CreateTime string   `json:"createTime,omitempty"` // unix seconds
	Range      string   `json:"range,omitempty"`      // lt, gt, lte, gte
	TagKey     string   `json:"tagKey,omitempty"`
	TagValue   string   `json:"tagValue,omitempty"`
	// Tagging filters by a list of tags, comma-separated "key":"value"
	// pairs a bucket must all carry (OSS).
	Tagging string `json:"tagging,omitempty"`
	// ResourceGroupHeader is a request header that selects a resource
	// group (OSS x-oss-resource-group-id): absent, every bucket; empty,
	// the default group's; a group id, that group's.
	ResourceGroupHeader string `json:"resourceGroupHeader,omitempty"`
	// LocationHeader is a request header that filters by zone (QingStor).
	LocationHeader string `json:"locationHeader,omitempty"`
}

// PageSize is the page-size parameter. Default applies when the parameter is
// absent; DefaultWithFilter, when set, applies instead when a filter or token
// is sent without the parameter (S3: 10,000).
type PageSize struct {
	Name              string `json:"name,omitempty"`
	Min               int    `json:"min,omitempty"`
	Max               int    `json:"max,omitempty"`
	Default           int    `json:"default,omitempty"`
	DefaultWithFilter int    `json:"defaultWithFilter,omitempty"`
}

// Auth is how requests are signed and rejected.
type Auth struct {
	// Scheme is a regular expression an Authorization value must match.
	Scheme string `json:"scheme"`
	// SignTime says where a request's signing time is: "date" (Date or the
	// vendor's date header below), "cos-window" (q-sign-time in the
	// Authorization value) or "bce" (the timestamp in the Authorization).
	SignTime   string `json:"signTime"`
	DateHeader string `json:"dateHeader,omitempty"` // e.g. x-amz-date, preferred over Date
	// MaxSkewSeconds is the allowed distance between signing time and the
	// server's clock; 0 disables the check.
	MaxSkewSeconds int `json:"maxSkewSeconds"`
	// Signatures are the signer dialects the vendor accepts
	// (internal/signer: "s3-v4", "s3-v2", "cos", "oss-v1", "oss-v4", "bce",
	// "qingstor"); a request is verified by the one its Authorization names.
	Signatures []string `json:"signatures,omitempty"`
	// ErrorCode is the JSON pointer of the error code in an error body.
	ErrorCode string `json:"errorCode"`
	// Rejections lists, per auth failure, the statuses and codes allowed.
	// Keys: "anonymous", "badSignature", "unknownKey", "clockSkew". More
	// than one status or code is listed where vendors.md marks it unsettled.
	Rejections map[string]Rejection `json:"rejections"`
}

// Rejection is one auth failure's expected answer. An empty Status means
// unsettled: any 4xx.
type Rejection struct {
	Status []int    `json:"status"`
	Codes  []string `json:"codes"`
	// Source says where the answer is documented.
	Source string `json:"source,omitempty"`
}

// Allows reports whether a response with this status and error code is
// the rejection r describes.
func (r Rejection) Allows(status int, code string) bool {
	statusOK := slices.Contains(r.Status, status) || len(r.Status) == 0 && status >= 400 && status < 500
	return statusOK && (len(r.Codes) == 0 || slices.Contains(r.Codes, code))
}
