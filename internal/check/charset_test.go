package check_test

import (
	"bytes"
	"strings"
	"testing"
	"unicode/utf16"

	"github.com/getservice-conformance/gsc/internal/check"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/schemas"
)

func checkBytes(t *testing.T, vendor string, src []byte) (*exchange.Recording, []finding.Finding) {
	t.Helper()
	c, err := contract.Load(schemas.FS, vendor)
	if err != nil {
		t.Fatal(err)
	}
	rec := exchange.Parse("f.txtar", src)
	return rec, check.Recording(rec, c)
}

// s3Body is an S3 listing with its declaration and owner name given, the
// name before a date the schema rejects.
func s3Body(decl, name string) string {
	return decl + `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/"><Owner><ID>abc</ID><DisplayName>` + name + `</DisplayName></Owner><Buckets>` +
		`<Bucket><Name>bucket-1</Name><CreationDate>yesterday</CreationDate><BucketRegion>us-east-1</BucketRegion></Bucket></Buckets><Prefix>bucket-</Prefix></ListAllMyBucketsResult>`
}

// A body in another encoding is decoded and judged: its findings are the
// contract's, placed at the original bytes, and the encoding is named
// where the contract wants UTF-8 (S3); never a Go internal.
func TestOtherEncodings(t *testing.T) {
	latin1 := s3Body(`<?xml version="1.0" encoding="ISO-8859-1"?>`, "Jos\xe9 \xe0 l'\xe9t\xe9")
	cp1252 := s3Body(`<?xml version='1.0' encoding='windows-1252'?>`, "\x93quoted\x94")
	for _, tt := range []struct {
		name, vendor string
		body         []byte
		want         []string // check ids in order
	}{
		{"ISO-8859-1, S3", "s3", []byte(latin1), []string{"xml.encoding", "schema.success"}},
		{"windows-1252, S3", "s3", []byte(cp1252), []string{"xml.encoding", "schema.success"}},
		{"UTF-16LE with a byte order mark, S3", "s3", utf16LE(s3Body(`<?xml version="1.0" encoding="UTF-16"?>`, "José")), []string{"xml.encoding", "schema.success"}},
		{"an unknown encoding, S3", "s3", []byte(s3Body(`<?xml version="1.0" encoding="x-no-such"?>`, "me")), []string{"xml.encoding", "schema.success"}},
		{"UTF-16 declared in one-byte characters, S3", "s3", []byte(s3Body(`<?xml version="1.0" encoding="UTF-16"?>`, "me")), []string{"xml.encoding", "schema.success"}},
		{"ISO-8859-1 after white space, S3", "s3", []byte("\n " + latin1), []string{"xml.encoding", "schema.success"}},
		{"UTF-8 declared, S3", "s3", []byte(s3Body(`<?xml version="1.0" encoding="utf-8"?>`, "José")), []string{"schema.success"}},
	} {
		t.Run(tt.name, func(t *testing.T) {
			src := recordingOf(tt.vendor, tt.body)
			rec, fs := checkBytes(t, tt.vendor, src)
			var got []string
			for _, f := range fs {
				got = append(got, f.Check)
				if strings.Contains(f.Message, "CharsetReader") {
					t.Errorf("a Go internal: %s", f)
				}
			}
			if strings.Join(got, " ") != strings.Join(tt.want, " ") {
				t.Fatalf("findings %v, want %v:\n%v", got, tt.want, fs)
			}
			// The schema finding is the bad date, placed at its element's
			// first byte in the recording, whatever the encoding.
			date := fs[len(fs)-1]
			needle := []byte("<CreationDate>")
			if bytes.HasPrefix(tt.body, []byte{0xFF, 0xFE}) {
				needle = utf16LE("<CreationDate>")[2:]
			}
			line, col := rec.Position(bytes.Index(src, needle))
			if date.Line != line || date.Col != col || date.Pointer != "/ListAllMyBucketsResult/Buckets/Bucket/0/CreationDate" {
				t.Errorf("date finding at %d:%d %s, want %d:%d", date.Line, date.Col, date.Pointer, line, col)
			}
		})
	}
}

// The COS contract names no encoding: an ISO-8859-1 body is decoded and
// judged without a finding of its own.
func TestOtherEncodingAllowed(t *testing.T) {
	body := "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><ListAllMyBucketsResult><Owner><ID>qcs::cam::uin/1:uin/1</ID><DisplayName>Jos\xe9</DisplayName></Owner><Buckets><Bucket><Name>bucket-1250000000</Name><Location>ap-beijing</Location><CreationDate>2019-05-24T11:49:50Z</CreationDate><BucketType>cos</BucketType></Bucket></Buckets></ListAllMyBucketsResult>"
	_, fs := checkBytes(t, "cos", recordingOf("cos", []byte(body)))
	if len(fs) > 0 {
		t.Errorf("findings on a clean ISO-8859-1 COS body: %v", fs)
	}
}

func utf16LE(s string) []byte {
	out := []byte{0xFF, 0xFE}
	for _, u := range utf16.Encode([]rune(s)) {
		out = append(out, byte(u), byte(u>>8))
	}
	return out
}
