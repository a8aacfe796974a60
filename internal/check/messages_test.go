package check_test

import (
	"strings"
	"testing"
)

// Messages a person acts on: each says what was expected, what was seen,
// and (by its place) where.
func TestMessages(t *testing.T) {
	owner := `<Owner><ID>abc</ID><DisplayName>me</DisplayName></Owner>`
	bucket := `<Buckets><Bucket><Name>bucket-1</Name><CreationDate>2024-01-02T03:04:05.000Z</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket></Buckets><Prefix>bucket-</Prefix>`
	for _, tt := range []struct {
		name, vendor, body string
		check              string
		want               []string // in the message
		place              string   // the text the finding points at
	}{
		{"a second Owner", "s3", `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + owner + bucket + `<Owner><ID>x</ID></Owner></ListAllMyBucketsResult>`,
			"schema.success", []string{"two <Owner> elements in <ListAllMyBucketsResult>", "allows one"}, "<Owner><ID>x"},
		{"a wrong namespace", "s3", `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01">` + owner + bucket + `</ListAllMyBucketsResult>`,
			"xpath.s3-namespace", []string{`in the namespace "http://s3.amazonaws.com/doc/2006-03-01"`, "http://s3.amazonaws.com/doc/2006-03-01/"}, "<ListAllMyBucketsResult"},
		{"a wrong namespace, full tree", "s3", `<ListAllMyBucketsResult xmlns="urn:other"><!-- c -->` + owner + bucket + `</ListAllMyBucketsResult>`,
			"xpath.s3-namespace", []string{`in the namespace "urn:other"`}, "<ListAllMyBucketsResult"},
		{"a missing member", "s3", `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + bucket + `</ListAllMyBucketsResult>`,
			"schema.success", []string{"<ListAllMyBucketsResult> has no <Owner>; the contract requires it"}, "<ListAllMyBucketsResult"},
		{"an element where text belongs", "s3", `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">` + owner + strings.Replace(bucket, "<Name>bucket-1</Name>", "<Name><b>bucket-1</b></Name>", 1) + `</ListAllMyBucketsResult>`,
			"schema.success", []string{"<Name> has child elements; the contract wants text"}, "<Name><b>"},
		{"gzip without Content-Encoding", "s3", "\x1f\x8b\x08\x00rest",
			"http.content-encoding", []string{"gzip data", "no Content-Encoding"}, "\x1f\x8b"},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := recordingOf(tt.vendor, []byte(tt.body))
			rec, fs := checkBytes(t, tt.vendor, src)
			for _, f := range fs {
				if f.Check != tt.check {
					continue
				}
				for _, w := range tt.want {
					if !strings.Contains(f.Message, w) {
						t.Errorf("message %q lacks %q", f.Message, w)
					}
				}
				line, col := rec.Position(strings.LastIndex(string(src), tt.place))
				if f.Line != line || f.Col != col {
					t.Errorf("placed at %d:%d, want %d:%d (%q)", f.Line, f.Col, line, col, tt.place)
				}
				return
			}
			t.Fatalf("no %s finding among %v", tt.check, fs)
		})
	}
}
