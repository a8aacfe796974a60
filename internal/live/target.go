package live

import (
	"bytes"
	"context"
	"crypto/md5"
	"crypto/tls"
	"encoding/base64"
	"encoding/xml"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"time"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/signer"
)

// Target is an endpoint of one vendor and how to reach it.
type Target struct {
	// Name is what reports call the target ("versitygw"); by default its
	// vendor.
	Name      string
	Contract  *contract.Contract
	Endpoint  *url.URL
	Creds     signer.Credentials
	Signature string // signer dialect, e.g. signer.S3V4
	Region    string
	// Addressing is "path" (/<bucket>) or "virtual" (<bucket>.<host>).
	Addressing string
	// BucketSuffix ends every bucket name the run creates (COS: -APPID).
	BucketSuffix string
	// ResourceGroup is a resource group the user names (OSS): the run
	// creates one of its buckets in it to judge the group filter by.
	ResourceGroup string
	Client        *Client
	// TLS is the configuration Client was built with (nil: the system's);
	// cleanup builds a client of its own with it.
	TLS *tls.Config
	Now func() time.Time
}

// Intent is what a GET Service request asks for, in the contract's terms;
// the profile names the parameters. Empty fields are not sent.
type Intent struct {
	PageSize                   string
	Marker, Token, Offset      string
	Prefix, Region             string
	CreateTime, Range          string
	TagKey, TagValue, Location string
	Tagging                    string // a tag set ("k":"v" pairs)
	// Group, when set, is sent as the resource-group header, also empty.
	Group *string
	// Raw are query parameters sent as they are, empty values included:
	// the invalid requests of a contract's refusals.
	Raw    url.Values
	Tamper Tamper
}

// Query returns the query parameters an intent sends.
func (t *Target) Query(in Intent) url.Values {
	p := t.Contract.Profile.Params
	q := url.Values{}
	for _, kv := range [][2]string{
		{p.PageSize.Name, in.PageSize}, {p.Marker, in.Marker}, {p.Token, in.Token}, {p.Offset, in.Offset},
		{p.Prefix, in.Prefix}, {p.Region, in.Region}, {p.CreateTime, in.CreateTime}, {p.Range, in.Range},
		{p.TagKey, in.TagKey}, {p.TagValue, in.TagValue}, {p.Tagging, in.Tagging},
	} {
		if kv[0] != "" && kv[1] != "" {
			q.Set(kv[0], kv[1])
		}
	}
	for name, values := range in.Raw {
		q[name] = values
	}
	return q
}

// List sends one GET Service request.
func (t *Target) List(ctx context.Context, in Intent) *Exchange {
	ex := t.Client.Do(withTamper(ctx, in.Tamper), func() (*http.Request, error) {
		u := *t.Endpoint
		u.Path = t.Contract.Profile.Paths[0]
		u.RawQuery = encodeQuery(t.Query(in))
		req, err := http.NewRequest(http.MethodGet, u.String(), nil)
		if err != nil {
			return nil, err
		}
		if in.Location != "" && t.Contract.Profile.Params.LocationHeader != "" {
			req.Header.Set(t.Contract.Profile.Params.LocationHeader, in.Location)
		}
		if h := t.Contract.Profile.Params.ResourceGroupHeader; in.Group != nil && h != "" {
			req.Header.Set(h, *in.Group)
		}
		return req, t.sign(req, in.Tamper)
	})
	ex.Tamper = in.Tamper
	return ex
}

// encodeQuery sorts by name and escapes as signers expect (%20, not +).
func encodeQuery(q url.Values) string {
	keys := make([]string, 0, len(q))
	for k := range q {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, v := range q[k] {
			parts = append(parts, url.QueryEscape(k)+"="+strings.ReplaceAll(url.QueryEscape(v), "+", "%20"))
		}
	}
	return strings.Join(parts, "&")
}

// CreateBucket creates a bucket; DeleteBucket deletes one.
func (t *Target) CreateBucket(ctx context.Context, name string) *Exchange {
	return t.CreateBucketIn(ctx, name, "")
}

// CreateBucketIn creates a bucket in a resource group ("": the default).
func (t *Target) CreateBucketIn(ctx context.Context, name, group string) *Exchange {
	var h http.Header
	if rg := t.Contract.Profile.Params.ResourceGroupHeader; group != "" && rg != "" {
		h = http.Header{http.CanonicalHeaderKey(rg): {group}}
	}
	return t.bucketRequest(ctx, http.MethodPut, name, "", nil, h)
}

// DeleteBucket is tried even on an endpoint the client gave up on (see
// EvenIfUnusable): a bucket left on the account costs more than a timeout.
func (t *Target) DeleteBucket(ctx context.Context, name string) *Exchange {
	return t.bucketCall(EvenIfUnusable(ctx), http.MethodDelete, name)
}

// TagBucket sets one tag on a bucket, with the Tagging document S3, COS
// and OSS share, through the contract's tagging sub-resource.
func (t *Target) TagBucket(ctx context.Context, name, key, value string) *Exchange {
	return t.TagBucketWith(ctx, name, [2]string{key, value})
}

// TagBucketWith sets a bucket's tags (key, value pairs), replacing any.
func (t *Target) TagBucketWith(ctx context.Context, name string, tags ...[2]string) *Exchange {
	var body bytes.Buffer
	body.WriteString("<Tagging><TagSet>")
	for _, kv := range tags {
		body.WriteString("<Tag><Key>")
		xml.EscapeText(&body, []byte(kv[0]))
		body.WriteString("</Key><Value>")
		xml.EscapeText(&body, []byte(kv[1]))
		body.WriteString("</Value></Tag>")
	}
	body.WriteString("</TagSet></Tagging>")
	sub := ""
	if r := t.Contract.Profile.Reference; r != nil {
		sub = r.Tagging
	}
	return t.bucketRequest(ctx, http.MethodPut, name, sub, body.Bytes(), nil)
}

func (t *Target) bucketCall(ctx context.Context, method, name string) *Exchange {
	return t.bucketRequest(ctx, method, name, "", nil, nil)
}

// bucketRequest sends a signed call on one bucket; sub is a sub-resource
// query parameter such as "tagging".
func (t *Target) bucketRequest(ctx context.Context, method, name, sub string, body []byte, header http.Header) *Exchange {
	return t.Client.Do(ctx, func() (*http.Request, error) {
		u := *t.Endpoint
		if t.Addressing == "virtual" {
			u.Host = name + "." + u.Host
			u.Path = "/"
		} else {
			u.Path = strings.TrimSuffix(t.Contract.Profile.Paths[0], "/") + "/" + name
		}
		u.RawQuery = sub
		req, err := http.NewRequest(method, u.String(), bytes.NewReader(body))
		if err != nil {
			return nil, err
		}
		for k, vs := range header {
			req.Header[k] = vs
		}
		if body != nil {
			sum := md5.Sum(body)
			req.Header.Set("Content-MD5", base64.StdEncoding.EncodeToString(sum[:]))
			req.Header.Set("Content-Type", "application/xml")
		}
		return req, t.sign(req, Signed)
	})
}

func (t *Target) sign(req *http.Request, tamper Tamper) error {
	// Whatever the endpoint echoes, these never reach a record or report,
	// from the first request on, anonymous or not.
	t.Client.Secrets().Add(t.Creds.SecretKey, t.Creds.SessionToken)
	if tamper == Anonymous {
		return nil
	}
	dialect := tamper.Dialect(t.Signature)
	if err := tamper.info().spoil(dialect, req, t.Creds, signer.Options{Region: t.Region}, t.now()); err != nil {
		return fmt.Errorf("signing with %s (%s): %w", dialect, tamper.Name(), err)
	}
	return nil
}

func (t *Target) now() time.Time {
	if t.Now != nil {
		return t.Now()
	}
	return time.Now()
}
