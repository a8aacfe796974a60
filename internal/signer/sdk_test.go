package signer

import (
	"context"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscredentials "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	s3types "github.com/aws/aws-sdk-go-v2/service/s3/types"
	"github.com/baidubce/bce-sdk-go/services/bos"
	bosapi "github.com/baidubce/bce-sdk-go/services/bos/api"
	"github.com/tencentyun/cos-go-sdk-v5"
	qsconfig "github.com/yunify/qingstor-sdk-go/v3/config"
	qsservice "github.com/yunify/qingstor-sdk-go/v3/service"
)

// These tests point the official SDK clients at a server on 127.0.0.1
// that runs Verify on every request as received, and require every
// request to verify: the reference endpoint must accept what the SDKs
// really send, headers and all.

// sdkServer records, per request, the method, path and Verify's answer.
type sdkServer struct {
	*httptest.Server
	mu   sync.Mutex
	seen []string
	errs []error
}

// serveSDK starts a loopback server verifying dialect with opts; list is
// the GET Service body the SDK should be able to parse.
func serveSDK(t *testing.T, dialect string, opts Options, contentType, list string) *sdkServer {
	t.Helper()
	s := &sdkServer{}
	s.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		err := Verify(dialect, r, knownSecret, opts, maxSkew, time.Now())
		s.mu.Lock()
		s.seen = append(s.seen, r.Method+" "+r.URL.RequestURI())
		s.errs = append(s.errs, err)
		s.mu.Unlock()
		if err != nil {
			http.Error(w, err.Error(), http.StatusForbidden)
			return
		}
		if r.Method == http.MethodGet && (r.URL.Path == "/" || r.URL.Path == "") {
			w.Header().Set("Content-Type", contentType)
			w.Write([]byte(list))
			return
		}
		w.WriteHeader(http.StatusOK)
	}))
	t.Cleanup(s.Close)
	return s
}

// check requires n requests, every one verified.
func (s *sdkServer) check(t *testing.T, n int) {
	t.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.seen) != n {
		t.Errorf("server saw %d requests %q, want %d", len(s.seen), s.seen, n)
	}
	for i, err := range s.errs {
		if err != nil {
			t.Errorf("%s: Verify: %v", s.seen[i], err)
		}
	}
}

const s3List = `<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>o</ID></Owner><Buckets><Bucket><Name>b</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>`

func TestAWSSDKClient(t *testing.T) {
	srv := serveSDK(t, S3V4, Options{Region: "us-east-1"}, "application/xml", s3List)
	client := s3.New(s3.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(srv.URL),
		UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: creds.AccessKey, SecretAccessKey: creds.SecretKey}, nil
		}),
		RetryMaxAttempts: 1,
	})
	ctx := context.Background()
	out, err := client.ListBuckets(ctx, &s3.ListBucketsInput{MaxBuckets: aws.Int32(10), Prefix: aws.String("a b~*"), ContinuationToken: aws.String("t/=+")})
	if err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
	if len(out.Buckets) != 1 {
		t.Errorf("ListBuckets parsed %d buckets, want 1", len(out.Buckets))
	}
	if _, err := client.CreateBucket(ctx, &s3.CreateBucketInput{Bucket: aws.String("bucket-1")}); err != nil {
		t.Errorf("CreateBucket: %v", err)
	}
	_, err = client.PutBucketTagging(ctx, &s3.PutBucketTaggingInput{
		Bucket:  aws.String("bucket-1"),
		Tagging: &s3types.Tagging{TagSet: []s3types.Tag{{Key: aws.String("k"), Value: aws.String("v w")}}},
	})
	if err != nil {
		t.Errorf("PutBucketTagging: %v", err)
	}
	if _, err := client.DeleteBucket(ctx, &s3.DeleteBucketInput{Bucket: aws.String("bucket-1")}); err != nil {
		t.Errorf("DeleteBucket: %v", err)
	}

	// A presigned URL from the same client verifies as sent by plain GET.
	pre, err := s3.NewPresignClient(client).PresignGetObject(ctx, &s3.GetObjectInput{Bucket: aws.String("bucket-1"), Key: aws.String("a key")},
		s3.WithPresignExpires(5*time.Minute))
	if err != nil {
		t.Fatal(err)
	}
	req, _ := http.NewRequest(pre.Method, pre.URL, nil)
	for k, vs := range pre.SignedHeader {
		if k != "Host" {
			req.Header[k] = vs
		}
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	srv.check(t, 5)

	// And the same URL, a parameter changed, does not.
	u, _ := url.Parse(pre.URL)
	q := u.Query()
	q.Set("X-Amz-Expires", "600")
	u.RawQuery = q.Encode()
	req, _ = http.NewRequest(http.MethodGet, u.String(), nil)
	wantFailure(t, Verify(S3V4, req, knownSecret, Options{Region: "us-east-1"}, maxSkew, time.Now()), PresignedBadSignature)
	// Nor once it has expired.
	req, _ = http.NewRequest(http.MethodGet, pre.URL, nil)
	wantFailure(t, Verify(S3V4, req, knownSecret, Options{Region: "us-east-1"}, maxSkew, time.Now().Add(6*time.Minute)), PresignedExpired)
}

const cosListBody = `<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult><Owner><ID>qcs::cam::uin/1:uin/1</ID><DisplayName>1</DisplayName></Owner><Buckets><Bucket><Name>b-1250000000</Name><Location>ap-beijing</Location><CreationDate>2024-01-02T03:04:05Z</CreationDate></Bucket></Buckets></ListAllMyBucketsResult>`

func TestCOSSDKClient(t *testing.T) {
	srv := serveSDK(t, COS, Options{}, "application/xml", cosListBody)
	u, _ := url.Parse(srv.URL)
	client := cos.NewClient(&cos.BaseURL{ServiceURL: u, BucketURL: u}, &http.Client{
		Transport: &cos.AuthorizationTransport{SecretID: creds.AccessKey, SecretKey: creds.SecretKey},
	})
	ctx := context.Background()
	out, _, err := client.Service.Get(ctx, &cos.ServiceGetOptions{MaxKeys: 10, Marker: "a b~*", Region: "ap-beijing"})
	if err != nil {
		t.Fatalf("Service.Get: %v", err)
	}
	if len(out.Buckets) != 1 {
		t.Errorf("Service.Get parsed %d buckets, want 1", len(out.Buckets))
	}
	if _, err := client.Bucket.Put(ctx, nil); err != nil {
		t.Errorf("Bucket.Put: %v", err)
	}
	if _, err := client.Bucket.PutTagging(ctx, &cos.BucketPutTaggingOptions{TagSet: []cos.BucketTaggingTag{{Key: "k", Value: "v w"}}}); err != nil {
		t.Errorf("Bucket.PutTagging: %v", err)
	}
	if _, err := client.Bucket.Delete(ctx); err != nil {
		t.Errorf("Bucket.Delete: %v", err)
	}
	srv.check(t, 4)
}

const ossList = `<?xml version="1.0" encoding="UTF-8"?>
<ListAllMyBucketsResult><Owner><ID>1</ID><DisplayName>1</DisplayName></Owner><Buckets><Bucket><Name>b</Name><Location>oss-cn-hangzhou</Location><CreationDate>2024-01-02T03:04:05.000Z</CreationDate><Region>cn-hangzhou</Region></Bucket></Buckets></ListAllMyBucketsResult>`

func TestOSSSDKClient(t *testing.T) {
	for _, v := range []struct {
		dialect    string
		version    oss.SignatureVersionType
		additional []string
	}{
		{OSSV4, oss.SignatureVersionV4, nil},
		{OSSV4, oss.SignatureVersionV4, []string{"User-Agent"}},
		{OSSV1, oss.SignatureVersionV1, nil},
	} {
		t.Run(v.dialect+strings.Join(v.additional, ","), func(t *testing.T) {
			srv := serveSDK(t, v.dialect, Options{Region: "cn-hangzhou"}, "application/xml", ossList)
			cfg := oss.LoadDefaultConfig().
				WithCredentialsProvider(osscredentials.NewStaticCredentialsProvider(creds.AccessKey, creds.SecretKey)).
				WithRegion("cn-hangzhou").
				WithEndpoint(srv.URL).
				WithSignatureVersion(v.version).
				WithRetryMaxAttempts(1)
			if v.additional != nil {
				cfg = cfg.WithAdditionalHeaders(v.additional)
			}
			client := oss.NewClient(cfg)
			ctx := context.Background()
			out, err := client.ListBuckets(ctx, &oss.ListBucketsRequest{MaxKeys: 10, Prefix: oss.Ptr("a b~*"), Marker: oss.Ptr("m"), TagKey: oss.Ptr("k")})
			if err != nil {
				t.Fatalf("ListBuckets: %v", err)
			}
			if len(out.Buckets) != 1 {
				t.Errorf("ListBuckets parsed %d buckets, want 1", len(out.Buckets))
			}
			client.PutBucket(ctx, &oss.PutBucketRequest{Bucket: oss.Ptr("bucket-1")})
			client.PutBucketTags(ctx, &oss.PutBucketTagsRequest{Bucket: oss.Ptr("bucket-1"),
				Tagging: &oss.Tagging{TagSet: &oss.TagSet{Tags: []oss.Tag{{Key: oss.Ptr("k"), Value: oss.Ptr("v w")}}}}})
			client.DeleteBucket(ctx, &oss.DeleteBucketRequest{Bucket: oss.Ptr("bucket-1")})
			srv.check(t, 4)
		})
	}
}

const bosList = `{"owner":{"id":"o","displayName":"d"},"buckets":[{"name":"b","location":"bj","creationDate":"2024-01-02T03:04:05Z"}]}`

func TestBOSSDKClient(t *testing.T) {
	srv := serveSDK(t, BCE, Options{}, "application/json; charset=utf-8", bosList)
	cfg := bos.NewBosClientConfig(creds.AccessKey, creds.SecretKey, srv.URL).WithPathStyleEnable(true)
	client, err := bos.NewClientWithConfig(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out, err := client.ListBuckets()
	if err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
	if len(out.Buckets) != 1 {
		t.Errorf("ListBuckets parsed %d buckets, want 1", len(out.Buckets))
	}
	client.PutBucket("bucket-1")
	client.PutBucketTag("bucket-1", &bosapi.PutBucketTagArgs{Tags: []bosapi.Tag{{TagKey: "k", TagValue: "v w"}}})
	client.DeleteBucket("bucket-1")
	srv.check(t, 4)
}

const qsList = `{"count":1,"buckets":[{"name":"b","location":"pek3a","url":"https://b.pek3a.qingstor.com","created":"2024-01-02T03:04:05Z"}]}`

func TestQingStorSDKClient(t *testing.T) {
	srv := serveSDK(t, QingStor, Options{}, "application/json", qsList)
	u, _ := url.Parse(srv.URL)
	cfg, err := qsconfig.New(creds.AccessKey, creds.SecretKey)
	if err != nil {
		t.Fatal(err)
	}
	cfg.Protocol, cfg.Host = "http", u.Hostname()
	if cfg.Port, err = strconv.Atoi(u.Port()); err != nil {
		t.Fatal(err)
	}
	svc, err := qsservice.Init(cfg)
	if err != nil {
		t.Fatal(err)
	}
	out, err := svc.ListBuckets(&qsservice.ListBucketsInput{Location: qsservice.String("pek3a")})
	if err != nil {
		t.Fatalf("ListBuckets: %v", err)
	}
	if qsservice.IntValue(out.Count) != 1 {
		t.Errorf("ListBuckets count %d, want 1", qsservice.IntValue(out.Count))
	}
	bucket, err := svc.Bucket("bucket-1", "")
	if err != nil {
		t.Fatal(err)
	}
	bucket.Put()
	bucket.PutACL(&qsservice.PutBucketACLInput{ACL: []*qsservice.ACLType{{Grantee: &qsservice.GranteeType{Type: qsservice.String("group"), Name: qsservice.String("QS_ALL_USERS")}, Permission: qsservice.String("READ")}}})
	bucket.Delete()
	srv.check(t, 4)
}
