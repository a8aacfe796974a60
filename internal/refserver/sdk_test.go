package refserver_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strconv"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscredentials "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/baidubce/bce-sdk-go/services/bos"
	"github.com/tencentyun/cos-go-sdk-v5"
	qsconfig "github.com/yunify/qingstor-sdk-go/v3/config"
	qsservice "github.com/yunify/qingstor-sdk-go/v3/service"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/refserver"
	"github.com/getservice-conformance/gsc/schemas"
)

// These tests point each vendor's official Go SDK client at the vendor's
// reference endpoint on 127.0.0.1 and require the client to list exactly
// what was seeded: the endpoint must answer what the SDKs really send, in
// a form they really parse. They complement internal/signer's SDK tests,
// which check the signatures alone against a canned body.

const (
	sdkKey    = "AKIDEXAMPLE"
	sdkSecret = "SECRETEXAMPLE"
	pageSize  = 2
)

// listed is one bucket as an SDK parsed it. Region is "" and Created zero
// when the SDK (or the vendor's listing) does not expose them.
type listed struct {
	Name    string
	Region  string
	Created time.Time
}

// sdkClient is one SDK client pointed at an endpoint. walk is nil when
// the SDK has no page controls for listing buckets.
type sdkClient struct {
	list   func(ctx context.Context) ([]listed, error)
	walk   func(ctx context.Context, size int) ([][]listed, error)
	create func(ctx context.Context, bucket string) error
	remove func(ctx context.Context, bucket string) error
}

// sdkCase is one vendor and the SDK client that speaks to it.
type sdkCase struct {
	name      string // subtest
	vendor    string // schemas/<vendor>
	bucket    func(stem string) string
	precision time.Duration // of the listed creation date
	regions   bool          // the SDK exposes each bucket's region from the listing
	pages     int           // pages a walk of the seeds takes at pageSize; 0 when walk is nil
	noCreate  string        // why create is not run, "" to run it
	noDelete  string        // why delete is not run, "" to run it
	client    func(t *testing.T, endpoint, region string) sdkClient
}

func plainName(stem string) string { return stem }

// cosName appends the APPID every COS bucket name ends in.
func cosName(stem string) string { return stem + "-1250000000" }

// sdkStems are seeded out of name order, valid for every vendor once
// named; five make three pages of two.
var sdkStems = []string{"zeta-2024", "app", "media", "app-logs", "backup"}

// Why some bucket calls are not made through the SDK.
const (
	cosVirtualHost = "cos-go-sdk-v5 addresses a bucket only by virtual host: bucket calls resolve the path \"/\" against " +
		"BaseURL.BucketURL (<bucket>-<appid>.cos.<region>.myqcloud.com) and the SDK has no path-style option, while the " +
		"reference endpoint names buckets path-style only (/<bucket>), so the SDK cannot name a bucket on 127.0.0.1"
)

var sdkCases = []sdkCase{
	{name: "s3", vendor: "s3", bucket: plainName, precision: time.Millisecond, regions: true, pages: 3, client: s3Client},
	// Scality documents no page controls: the endpoint ignores max-buckets
	// and sends no ContinuationToken, so the S3 paginator stops after one
	// complete page. Its listing has no BucketRegion.
	{name: "scality", vendor: "scality", bucket: plainName, precision: time.Millisecond, pages: 1, client: s3Client},
	{name: "cos", vendor: "cos", bucket: cosName, precision: time.Second, regions: true, pages: 3, client: cosClient,
		noCreate: cosVirtualHost, noDelete: cosVirtualHost},
	{name: "oss-v4", vendor: "oss", bucket: plainName, precision: time.Millisecond, regions: true, pages: 3, client: ossClient(oss.SignatureVersionV4)},
	{name: "oss-v1", vendor: "oss", bucket: plainName, precision: time.Millisecond, regions: true, pages: 3, client: ossClient(oss.SignatureVersionV1)},
	// BOS and QingStor list buckets without page controls in the SDK (and
	// BOS in the API).
	{name: "bos", vendor: "bos", bucket: plainName, precision: time.Second, regions: true, client: bosClient},
	{name: "qingstor", vendor: "qingstor", bucket: plainName, precision: time.Second, regions: true, client: qingstorClient},
}

func TestSDKClients(t *testing.T) {
	covered := map[string]bool{}
	for _, tc := range sdkCases {
		covered[tc.vendor] = true
		t.Run(tc.name, func(t *testing.T) { runSDKCase(t, tc) })
	}
	for _, vendor := range contract.Vendors(schemas.FS) {
		if !covered[vendor] {
			t.Errorf("vendor %s has no SDK case", vendor)
		}
	}
}

func runSDKCase(t *testing.T, tc sdkCase) {
	c, err := contract.Load(schemas.FS, tc.vendor)
	if err != nil {
		t.Fatalf("loading %s: %v", tc.vendor, err)
	}
	region := c.Profile.Reference.Region
	srv := refserver.New(c, refserver.Options{Keys: map[string]string{sdkKey: sdkSecret}})
	ts := httptest.NewServer(srv) // 127.0.0.1
	t.Cleanup(ts.Close)

	base := time.Date(2021, 6, 7, 8, 9, 10, 123456789, time.UTC)
	var seeded []refserver.Bucket
	for i, stem := range sdkStems {
		b := refserver.Bucket{
			Name:    tc.bucket(stem),
			Region:  region,
			Created: base.Add(time.Duration(i) * (26*time.Hour + 789*time.Millisecond)),
		}
		srv.Seed(b)
		seeded = append(seeded, b)
	}
	client := tc.client(t, ts.URL, region)
	ctx := context.Background()

	t.Run("list", func(t *testing.T) {
		got, err := client.list(ctx)
		if err != nil {
			t.Fatalf("listing buckets: %v", err)
		}
		checkListed(t, tc, got, seeded)
	})

	t.Run("walk", func(t *testing.T) {
		if client.walk == nil {
			t.Skipf("the %s SDK has no page controls for listing buckets", tc.name)
		}
		pages, err := client.walk(ctx, pageSize)
		if err != nil {
			t.Fatalf("walking pages of %d: %v", pageSize, err)
		}
		var all []listed
		for i, p := range pages {
			if tc.pages > 1 && len(p) > pageSize {
				t.Errorf("page %d has %d buckets, want at most %d", i+1, len(p), pageSize)
			}
			all = append(all, p...)
		}
		if len(pages) != tc.pages {
			t.Errorf("the walk took %d pages, want %d", len(pages), tc.pages)
		}
		checkListed(t, tc, all, seeded)
	})

	// The bucket create makes, or delete seeds when create cannot run.
	name := tc.bucket("sdk-created")
	before := bucketNames(srv.Buckets())
	t.Run("create", func(t *testing.T) {
		if tc.noCreate != "" {
			t.Skip(tc.noCreate)
		}
		if err := client.create(ctx, name); err != nil {
			t.Fatalf("creating %s: %v", name, err)
		}
		after := srv.Buckets()
		i := slices.IndexFunc(after, func(b refserver.Bucket) bool { return b.Name == name })
		switch {
		case i < 0 || len(after) != len(before)+1:
			t.Errorf("after create, Buckets() = %q, want %q and %s", bucketNames(after), before, name)
		case after[i].Region != region:
			t.Errorf("created %s in region %q, want %q", name, after[i].Region, region)
		}
	})

	t.Run("delete", func(t *testing.T) {
		if tc.noDelete != "" {
			t.Skip(tc.noDelete)
		}
		if !slices.Contains(bucketNames(srv.Buckets()), name) {
			srv.Seed(refserver.Bucket{Name: name, Region: region})
		}
		if err := client.remove(ctx, name); err != nil {
			t.Fatalf("deleting %s: %v", name, err)
		}
		if got := bucketNames(srv.Buckets()); !slices.Equal(got, before) {
			t.Errorf("after delete, Buckets() = %q, want %q", got, before)
		}
	})
}

// checkListed requires got to hold every seeded bucket once and nothing
// else, with the seeded region and creation date where the SDK shows them.
func checkListed(t *testing.T, tc sdkCase, got []listed, seeded []refserver.Bucket) {
	t.Helper()
	byName := map[string]listed{}
	for _, b := range got {
		if _, dup := byName[b.Name]; dup {
			t.Errorf("bucket %q listed more than once", b.Name)
		}
		byName[b.Name] = b
	}
	var gotNames, wantNames []string
	for _, b := range got {
		gotNames = append(gotNames, b.Name)
	}
	wantNames = bucketNames(seeded)
	slices.Sort(gotNames)
	slices.Sort(wantNames)
	if !slices.Equal(gotNames, wantNames) {
		t.Errorf("listed %q, want %q", gotNames, wantNames)
	}
	for _, want := range seeded {
		b, ok := byName[want.Name]
		if !ok {
			continue
		}
		if tc.regions && b.Region != want.Region {
			t.Errorf("%s: region %q, want %q", want.Name, b.Region, want.Region)
		}
		if wantDate := want.Created.Truncate(tc.precision); !b.Created.Equal(wantDate) {
			t.Errorf("%s: created %s, want %s", want.Name, b.Created.Format(time.RFC3339Nano), wantDate.Format(time.RFC3339Nano))
		}
	}
}

func bucketNames(bs []refserver.Bucket) []string {
	out := []string{}
	for _, b := range bs {
		out = append(out, b.Name)
	}
	return out
}

// parseDate parses a date an SDK leaves as text; a bad one fails the test
// through the zero time.
func parseDate(t *testing.T, s string) time.Time {
	t.Helper()
	d, err := time.Parse(time.RFC3339Nano, s)
	if err != nil {
		t.Errorf("creation date %q: %v", s, err)
	}
	return d
}

// s3Client is the AWS SDK for Go v2 S3 client, path-style on the endpoint.
func s3Client(t *testing.T, endpoint, region string) sdkClient {
	client := s3.New(s3.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: sdkKey, SecretAccessKey: sdkSecret}, nil
		}),
		RetryMaxAttempts: 1,
	})
	parse := func(out *s3.ListBucketsOutput) []listed {
		var bs []listed
		for _, b := range out.Buckets {
			bs = append(bs, listed{Name: aws.ToString(b.Name), Region: aws.ToString(b.BucketRegion), Created: aws.ToTime(b.CreationDate)})
		}
		return bs
	}
	return sdkClient{
		list: func(ctx context.Context) ([]listed, error) {
			out, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
			if err != nil {
				return nil, err
			}
			return parse(out), nil
		},
		walk: func(ctx context.Context, size int) ([][]listed, error) {
			var pages [][]listed
			p := s3.NewListBucketsPaginator(client, &s3.ListBucketsInput{MaxBuckets: aws.Int32(int32(size))})
			for p.HasMorePages() {
				out, err := p.NextPage(ctx)
				if err != nil {
					return nil, err
				}
				pages = append(pages, parse(out))
			}
			return pages, nil
		},
		create: func(ctx context.Context, bucket string) error {
			_, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String(bucket)})
			return err
		},
		remove: func(ctx context.Context, bucket string) error {
			_, err := client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String(bucket)})
			return err
		},
	}
}

// cosClient is the COS SDK client with the endpoint as its service URL.
func cosClient(t *testing.T, endpoint, region string) sdkClient {
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	client := cos.NewClient(&cos.BaseURL{ServiceURL: u}, &http.Client{
		Transport: &cos.AuthorizationTransport{SecretID: sdkKey, SecretKey: sdkSecret},
	})
	get := func(ctx context.Context, opt *cos.ServiceGetOptions) (*cos.ServiceGetResult, []listed, error) {
		out, _, err := client.Service.Get(ctx, opt)
		if err != nil {
			return nil, nil, err
		}
		var bs []listed
		for _, b := range out.Buckets {
			bs = append(bs, listed{Name: b.Name, Region: b.Region, Created: parseDate(t, b.CreationDate)})
		}
		return out, bs, nil
	}
	return sdkClient{
		list: func(ctx context.Context) ([]listed, error) {
			_, bs, err := get(ctx, nil)
			return bs, err
		},
		walk: func(ctx context.Context, size int) ([][]listed, error) {
			var pages [][]listed
			opt := &cos.ServiceGetOptions{MaxKeys: int64(size)}
			for {
				out, bs, err := get(ctx, opt)
				if err != nil {
					return nil, err
				}
				pages = append(pages, bs)
				if !out.IsTruncated {
					return pages, nil
				}
				if out.NextMarker == "" || len(pages) > len(sdkStems) {
					return nil, fmt.Errorf("page %d: IsTruncated with NextMarker %q", len(pages), out.NextMarker)
				}
				opt.Marker = out.NextMarker
			}
		},
	}
}

// ossClient is the OSS v2 SDK client on the endpoint's IP address, which
// makes it path-style, signing with version v.
func ossClient(v oss.SignatureVersionType) func(t *testing.T, endpoint, region string) sdkClient {
	return func(t *testing.T, endpoint, region string) sdkClient {
		client := oss.NewClient(oss.LoadDefaultConfig().
			WithCredentialsProvider(osscredentials.NewStaticCredentialsProvider(sdkKey, sdkSecret)).
			WithRegion(region).
			WithEndpoint(endpoint).
			WithSignatureVersion(v).
			WithRetryMaxAttempts(1))
		parse := func(out *oss.ListBucketsResult) []listed {
			var bs []listed
			for _, b := range out.Buckets {
				// Location is "oss-" and the region id; Region is the id.
				if loc, r := oss.ToString(b.Location), oss.ToString(b.Region); loc != "oss-"+r {
					t.Errorf("%s: Location %q beside Region %q", oss.ToString(b.Name), loc, r)
				}
				bs = append(bs, listed{Name: oss.ToString(b.Name), Region: oss.ToString(b.Region), Created: oss.ToTime(b.CreationDate)})
			}
			return bs
		}
		return sdkClient{
			list: func(ctx context.Context) ([]listed, error) {
				out, err := client.ListBuckets(ctx, &oss.ListBucketsRequest{})
				if err != nil {
					return nil, err
				}
				return parse(out), nil
			},
			walk: func(ctx context.Context, size int) ([][]listed, error) {
				var pages [][]listed
				p := client.NewListBucketsPaginator(&oss.ListBucketsRequest{}, func(o *oss.PaginatorOptions) { o.Limit = int32(size) })
				for p.HasNext() {
					out, err := p.NextPage(ctx)
					if err != nil {
						return nil, err
					}
					pages = append(pages, parse(out))
				}
				return pages, nil
			},
			create: func(ctx context.Context, bucket string) error {
				_, err := client.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr(bucket)})
				return err
			},
			remove: func(ctx context.Context, bucket string) error {
				_, err := client.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr(bucket)})
				return err
			},
		}
	}
}

// bosClient is the BOS SDK client, path-style on the endpoint.
func bosClient(t *testing.T, endpoint, region string) sdkClient {
	client, err := bos.NewClientWithConfig(bos.NewBosClientConfig(sdkKey, sdkSecret, endpoint).WithPathStyleEnable(true))
	if err != nil {
		t.Fatal(err)
	}
	return sdkClient{
		list: func(ctx context.Context) ([]listed, error) {
			out, err := client.ListBucketsWithContext(ctx)
			if err != nil {
				return nil, err
			}
			var bs []listed
			for _, b := range out.Buckets {
				bs = append(bs, listed{Name: b.Name, Region: b.Location, Created: parseDate(t, b.CreationDate)})
			}
			return bs, nil
		},
		create: func(_ context.Context, bucket string) error {
			_, err := client.PutBucket(bucket)
			return err
		},
		remove: func(_ context.Context, bucket string) error { return client.DeleteBucket(bucket) },
	}
}

// qingstorClient is the QingStor v3 SDK service on the endpoint's host and
// port; buckets are opened with an empty zone, which keeps the host as is.
func qingstorClient(t *testing.T, endpoint, region string) sdkClient {
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	cfg, err := qsconfig.New(sdkKey, sdkSecret)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Protocol, cfg.Host = u.Scheme, u.Hostname()
	if cfg.Port, err = strconv.Atoi(u.Port()); err != nil {
		t.Fatal(err)
	}
	svc, err := qsservice.Init(cfg)
	if err != nil {
		t.Fatal(err)
	}
	return sdkClient{
		list: func(context.Context) ([]listed, error) {
			out, err := svc.ListBuckets(&qsservice.ListBucketsInput{})
			if err != nil {
				return nil, err
			}
			if n := qsservice.IntValue(out.Count); n != len(out.Buckets) {
				t.Errorf("count %d beside %d buckets", n, len(out.Buckets))
			}
			var bs []listed
			for _, b := range out.Buckets {
				bs = append(bs, listed{Name: qsservice.StringValue(b.Name), Region: qsservice.StringValue(b.Location), Created: qsservice.TimeValue(b.Created)})
			}
			return bs, nil
		},
		create: func(_ context.Context, bucket string) error {
			b, err := svc.Bucket(bucket, "")
			if err != nil {
				return err
			}
			_, err = b.Put()
			return err
		},
		remove: func(_ context.Context, bucket string) error {
			b, err := svc.Bucket(bucket, "")
			if err != nil {
				return err
			}
			_, err = b.Delete()
			return err
		},
	}
}
