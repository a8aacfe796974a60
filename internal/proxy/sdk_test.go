package proxy_test

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"testing"

	"github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss"
	osscredentials "github.com/aliyun/alibabacloud-oss-go-sdk-v2/oss/credentials"
	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/s3"
	"github.com/baidubce/bce-sdk-go/bce"
	"github.com/baidubce/bce-sdk-go/services/bos"
	"github.com/tencentyun/cos-go-sdk-v5"
	qsconfig "github.com/yunify/qingstor-sdk-go/v3/config"
	qsservice "github.com/yunify/qingstor-sdk-go/v3/service"
)

// The official SDK clients, each pointed at an endpoint (here: the proxy)
// as a user would point it: the endpoint URL, path-style addressing. Each
// lists buckets and returns how many it parsed; an SDK's error (a body it
// cannot parse) is returned as it is.

const (
	sdkKey    = "AKIDEXAMPLE"
	sdkSecret = "SECRETEXAMPLE"
)

// lister lists through an SDK; size > 0 walks pages of that size where
// the SDK has page controls.
type lister func(ctx context.Context, t *testing.T, endpoint, region string, size int) (int, error)

func s3List(ctx context.Context, t *testing.T, endpoint, region string, size int) (int, error) {
	client := s3.New(s3.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		UsePathStyle: true,
		Credentials: aws.CredentialsProviderFunc(func(context.Context) (aws.Credentials, error) {
			return aws.Credentials{AccessKeyID: sdkKey, SecretAccessKey: sdkSecret}, nil
		}),
		RetryMaxAttempts: 1,
	})
	if size == 0 {
		out, err := client.ListBuckets(ctx, &s3.ListBucketsInput{})
		if err != nil {
			return 0, err
		}
		return len(out.Buckets), nil
	}
	n, pages := 0, 0
	p := s3.NewListBucketsPaginator(client, &s3.ListBucketsInput{MaxBuckets: aws.Int32(int32(size))})
	for p.HasMorePages() {
		if pages++; pages > 100 {
			return n, fmt.Errorf("more than 100 pages")
		}
		out, err := p.NextPage(ctx)
		if err != nil {
			return n, err
		}
		n += len(out.Buckets)
	}
	return n, nil
}

func cosList(ctx context.Context, t *testing.T, endpoint, region string, size int) (int, error) {
	u, err := url.Parse(endpoint)
	if err != nil {
		t.Fatal(err)
	}
	client := cos.NewClient(&cos.BaseURL{ServiceURL: u}, &http.Client{
		Transport: &cos.AuthorizationTransport{SecretID: sdkKey, SecretKey: sdkSecret},
	})
	opt := &cos.ServiceGetOptions{MaxKeys: int64(size)}
	n := 0
	for pages := 1; ; pages++ {
		out, _, err := client.Service.Get(ctx, opt)
		if err != nil {
			return n, err
		}
		n += len(out.Buckets)
		if size == 0 || !out.IsTruncated || out.NextMarker == "" || pages > 100 {
			return n, nil
		}
		opt.Marker = out.NextMarker
	}
}

func ossList(ctx context.Context, t *testing.T, endpoint, region string, size int) (int, error) {
	client := oss.NewClient(oss.LoadDefaultConfig().
		WithCredentialsProvider(osscredentials.NewStaticCredentialsProvider(sdkKey, sdkSecret)).
		WithRegion(region).
		WithEndpoint(endpoint).
		WithSignatureVersion(oss.SignatureVersionV4).
		WithRetryMaxAttempts(1))
	if size == 0 {
		out, err := client.ListBuckets(ctx, &oss.ListBucketsRequest{})
		if err != nil {
			return 0, err
		}
		return len(out.Buckets), nil
	}
	n := 0
	p := client.NewListBucketsPaginator(&oss.ListBucketsRequest{}, func(o *oss.PaginatorOptions) { o.Limit = int32(size) })
	for pages := 1; p.HasNext() && pages <= 100; pages++ {
		out, err := p.NextPage(ctx)
		if err != nil {
			return n, err
		}
		n += len(out.Buckets)
	}
	return n, nil
}

func bosList(ctx context.Context, t *testing.T, endpoint, region string, size int) (int, error) {
	client, err := bos.NewClientWithConfig(bos.NewBosClientConfig(sdkKey, sdkSecret, endpoint).WithPathStyleEnable(true))
	if err != nil {
		t.Fatal(err)
	}
	client.Config.Retry = bce.NewNoRetryPolicy()
	out, err := client.ListBucketsWithContext(ctx)
	if err != nil {
		return 0, err
	}
	return len(out.Buckets), nil
}

func qingstorList(ctx context.Context, t *testing.T, endpoint, region string, size int) (int, error) {
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
	out, err := svc.ListBuckets(&qsservice.ListBucketsInput{})
	if err != nil {
		return 0, err
	}
	return len(out.Buckets), nil
}
