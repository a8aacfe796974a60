package jsonlenient_test

import (
	"bytes"
	"encoding/json"
	"fmt"
	"testing"

	"github.com/getservice-conformance/gsc/internal/jsonlenient"
)

// buckets is a ListBuckets body with 2,000 buckets.
var buckets = func() []byte {
	var b bytes.Buffer
	b.WriteString(`{"owner": {"displayName": "BosUser", "id": "10eb6f5ff6ff4605bf044313e8f3ffa5"},` + "\n" + `"buckets": [`)
	for i := range 2000 {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "\n  {\"name\": \"bucket-%04d\", \"location\": \"bj\", \"creationDate\": \"2016-04-05T16:41:58Z\", \"enableMultiAz\": %t, \"size\": %d}", i, i%2 == 0, i*1024)
	}
	b.WriteString("\n]}\n")
	return b.Bytes()
}()

func BenchmarkParse(b *testing.B) {
	b.Run("jsonlenient", func(b *testing.B) {
		b.SetBytes(int64(len(buckets)))
		b.ReportAllocs()
		for b.Loop() {
			if _, probs := jsonlenient.Parse(buckets); len(probs) != 0 {
				b.Fatal(probs)
			}
		}
	})
	b.Run("encoding-json", func(b *testing.B) {
		b.SetBytes(int64(len(buckets)))
		b.ReportAllocs()
		for b.Loop() {
			d := json.NewDecoder(bytes.NewReader(buckets))
			d.UseNumber()
			var v any
			if err := d.Decode(&v); err != nil {
				b.Fatal(err)
			}
		}
	})
}
