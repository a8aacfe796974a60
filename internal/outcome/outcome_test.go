package outcome

import (
	"bytes"
	"strings"
	"testing"
	"time"
)

func TestSlug(t *testing.T) {
	for in, want := range map[string]string{
		"lists the buckets as the contract says":                             "lists-the-buckets-as-the-contract-says",
		"pagination / walks every bucket once, in order, with / page size 1": "pagination/walks-every-bucket-once-in-order-with/page-size-1",
		"answers with the contract's headers":                                "answers-with-the-contract-s-headers",
		"schema / fixtures/docs/s3/sample.txtar: Sample":                     "schema/fixtures-docs-s3-sample.txtar-sample",
	} {
		if got := Slug(in); got != want {
			t.Errorf("Slug(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestWriteRead(t *testing.T) {
	run := &Run{Title: "t", Started: time.Date(2026, 11, 21, 0, 0, 0, 0, time.UTC), Results: []Result{
		{Target: "minio", Spec: "walks", ID: "walks", Status: Unsupported, Deviations: []Deviation{{Expected: "a", Seen: "b"}}},
	}}
	var buf bytes.Buffer
	if err := Write(&buf, run); err != nil {
		t.Fatal(err)
	}
	got, err := Read(&buf)
	if err != nil || len(got.Results) != 1 || got.Results[0].Deviations[0].Seen != "b" || !got.Started.Equal(run.Started) {
		t.Fatalf("read back %+v, %v", got, err)
	}
	for _, bad := range []string{`{"results":[{"status":"flaky"}]}`, `{"resluts":[]}`, `not json`} {
		if _, err := Read(strings.NewReader(bad)); err == nil {
			t.Errorf("Read accepted %s", bad)
		}
	}
}

func TestMerge(t *testing.T) {
	a := &Run{Started: time.Unix(200, 0), Duration: time.Second, Results: []Result{{Target: "a"}}}
	b := &Run{Started: time.Unix(100, 0), Duration: time.Second, Results: []Result{{Target: "b"}, {Target: "a"}}}
	m := Merge("both", a, b)
	if !m.Started.Equal(time.Unix(100, 0)) || m.Duration != 2*time.Second || strings.Join(m.Targets(), ",") != "a,b" || len(m.Results) != 3 {
		t.Errorf("merged %+v", m)
	}
}
