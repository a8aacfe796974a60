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

// A run that could not run a spec keeps the spec's error and the run's
// facts through results.json; the facts are left out when unknown.
func TestWriteReadError(t *testing.T) {
	run := &Run{Title: "t", RunID: "gsc-1a2b3c4d", Requests: 57, Error: "set-up: creating bucket gsc-1a2b3c4d-00 was refused: 403 AccessDenied",
		Results: []Result{
			{Target: "minio", Spec: "walks", ID: "walks", Status: Error, Summary: "set-up failed"},
			{Target: "minio", Spec: "lists", ID: "lists", Status: Pass},
		}}
	var buf bytes.Buffer
	if err := Write(&buf, run); err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{`"run_id": "gsc-1a2b3c4d"`, `"requests": 57`, `"error": "set-up: creating bucket`, `"status": "error"`} {
		if !strings.Contains(buf.String(), want) {
			t.Errorf("results.json lacks %s:\n%s", want, buf.String())
		}
	}
	got, err := Read(&buf)
	if err != nil {
		t.Fatal(err)
	}
	if got.RunID != run.RunID || got.Requests != run.Requests || got.Error != run.Error || got.Results[0].Status != Error || got.Results[0].Summary != "set-up failed" {
		t.Errorf("read back %+v", got)
	}
	if n := got.Counts(); n[Error] != 1 || n[Pass] != 1 || n[Fail] != 0 {
		t.Errorf("counts %v", n)
	}

	buf.Reset()
	if err := Write(&buf, &Run{Title: "t"}); err != nil {
		t.Fatal(err)
	}
	for _, absent := range []string{"run_id", "requests", `"error"`} {
		if strings.Contains(buf.String(), absent) {
			t.Errorf("an empty run writes %s:\n%s", absent, buf.String())
		}
	}
}

func TestMergeFacts(t *testing.T) {
	a := &Run{RunID: "gsc-aaaaaaaa", Requests: 10, Error: "the endpoint stalled"}
	b := &Run{RunID: "gsc-bbbbbbbb", Requests: 5}
	if m := Merge("both", a, b); m.RunID != "gsc-aaaaaaaa, gsc-bbbbbbbb" || m.Requests != 15 || m.Error != "gsc-aaaaaaaa: the endpoint stalled" {
		t.Errorf("merged %+v", m)
	}
	if m := Merge("one", a); m.RunID != "gsc-aaaaaaaa" || m.Error != "the endpoint stalled" {
		t.Errorf("merged one run %+v", m)
	}
}
