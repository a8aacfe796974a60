package diff

import (
	"fmt"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/outcome"
	"github.com/getservice-conformance/gsc/schemas"
)

// listing is an S3 GET Service exchange of run, shaped by the options.
type listing struct {
	run, host, requestID, owner, token, date, contentType string
	names                                                 []string
	ownerLast                                             bool
	dropToken                                             bool
	requestIDHeader                                       bool
}

func (l listing) recording() string {
	var b strings.Builder
	for _, n := range l.names {
		fmt.Fprintf(&b, "<Bucket><Name>%s</Name><CreationDate>%s</CreationDate></Bucket>", strings.ReplaceAll(n, "RUN", l.run), l.date)
	}
	owner := "<Owner><ID>" + l.owner + "</ID><DisplayName>" + l.owner + "</DisplayName></Owner>"
	body := `<?xml version="1.0" encoding="UTF-8"?>` + "\n" + `<ListAllMyBucketsResult xmlns="http://s3.amazonaws.com/doc/2006-03-01/">`
	if !l.ownerLast {
		body += owner
	}
	body += "<Buckets>" + b.String() + "</Buckets>"
	if l.ownerLast {
		body += owner
	}
	if !l.dropToken {
		body += "<ContinuationToken>" + l.token + "</ContinuationToken>"
	}
	body += "<Prefix>" + l.run + "-</Prefix></ListAllMyBucketsResult>"
	head := "HTTP/1.1 200 OK\nContent-Type: " + l.contentType + "\nDate: Mon, 30 Nov 2026 10:28:28 GMT\n"
	if l.requestIDHeader {
		head += "X-Amz-Request-Id: " + l.requestID + "\n"
	}
	return "vendor: s3\ntitle: t\n-- 1/request --\nGET /?max-buckets=2&prefix=" + l.run + "- HTTP/1.1\nHost: " + l.host + "\n\n-- 1/response --\n" + head + "\n" + body + "\n"
}

func baseListing(run string) listing {
	return listing{run: run, host: "127.0.0.1:1000", requestID: "REQ" + run, owner: "owner-" + run, token: "tok-" + run,
		date: "2026-11-30T10:28:28.000Z", contentType: "application/xml", names: []string{"RUN-00", "RUN-01"}, requestIDHeader: true}
}

func normalisedOf(t *testing.T, l listing) *normalised {
	t.Helper()
	rec := exchange.Parse("t.txtar", []byte(l.recording()))
	if len(rec.Exchanges) != 1 {
		t.Fatalf("parsed %d exchanges: %v", len(rec.Exchanges), rec.Problems)
	}
	return normalise(rec.Exchanges[0], l.run)
}

// What differs between any two runs is masked: two runs of the same
// endpoint compare equal however their ids, owners, tokens, hosts and
// times differ.
func TestNormaliseMasksWhatRunsDiffer(t *testing.T) {
	a := baseListing("gsc-aaaaaaaa")
	b := baseListing("gsc-bbbbbbbb")
	b.host, b.date = "127.0.0.1:2000", "2027-01-02T03:04:05.678Z"
	if ds := compare(normalisedOf(t, a), normalisedOf(t, b)); len(ds) > 0 {
		t.Errorf("two runs differ: %v", ds)
	}
}

// Each latitude of the contract shows as its variance; a difference in
// substance as none.
func TestCompareClassifiesDifferences(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*listing)
		where  string
		want   string
	}{
		{"date precision", func(l *listing) { l.date = "2026-11-30T10:28:28Z" }, "/ListAllMyBucketsResult/Buckets/Bucket[1]/CreationDate", DatePrecision},
		{"element order", func(l *listing) { l.ownerLast = true }, "/ListAllMyBucketsResult", ElementOrder},
		{"optional element", func(l *listing) { l.dropToken = true }, "/ListAllMyBucketsResult/ContinuationToken", OptionalElement},
		{"content-type parameters", func(l *listing) { l.contentType = "application/xml; charset=UTF-8" }, "content-type", TypeParameters},
		{"optional header", func(l *listing) { l.requestIDHeader = false; l.contentType = "application/xml" }, "", ""},
		{"another bucket", func(l *listing) { l.names = []string{"RUN-00", "RUN-02"} }, "/ListAllMyBucketsResult/Buckets/Bucket[2]/Name", ""},
		{"fewer buckets", func(l *listing) { l.names = []string{"RUN-00"} }, "/ListAllMyBucketsResult/Buckets/Bucket", ""},
	} {
		a, b := baseListing("gsc-aaaaaaaa"), baseListing("gsc-bbbbbbbb")
		tc.change(&b)
		ds := compare(normalisedOf(t, a), normalisedOf(t, b))
		if tc.where == "" { // the request id header is not compared
			if len(ds) > 0 {
				t.Errorf("%s: %v", tc.name, ds)
			}
			continue
		}
		found := false
		for _, d := range ds {
			if d.Where == tc.where && d.Variance == tc.want {
				found = true
			}
		}
		if !found {
			t.Errorf("%s: want %q at %s, got %v", tc.name, tc.want, tc.where, ds)
		}
	}
}

// Buckets that are not the run's are set aside: another run's, the
// account's own.
func TestForeignBucketsSetAside(t *testing.T) {
	a, b := baseListing("gsc-aaaaaaaa"), baseListing("gsc-bbbbbbbb")
	b.names = []string{"gsc-cccccccc-00", "RUN-00", "photos", "RUN-01"}
	if ds := compare(normalisedOf(t, a), normalisedOf(t, b)); len(ds) > 0 {
		t.Errorf("others' buckets compared: %v", ds)
	}
}

func TestByVerdict(t *testing.T) {
	r := func(s outcome.Status) outcome.Result {
		return outcome.Result{Status: s, Summary: "saw gsc-bbbbbbbb-01"}
	}
	for _, tc := range []struct {
		a, b outcome.Status
		kind Kind
		side string
	}{
		{outcome.Pass, outcome.Pass, Same, ""},
		{outcome.Pass, outcome.Fail, Violation, "B"},
		{outcome.Fail, outcome.Pass, Violation, "A"},
		{outcome.Fail, outcome.Fail, Violation, "both"},
		{outcome.Pass, outcome.Unsupported, Capability, "B"},
		{outcome.Unsupported, outcome.Pass, Capability, "A"},
		{outcome.Pass, outcome.Error, Unjudged, "B"},
		{outcome.Pass, "", Unjudged, "B"},
	} {
		kind, side, reason := byVerdict(r(tc.a), r(tc.b), "gsc-aaaaaaaa", "gsc-bbbbbbbb")
		if kind != tc.kind || side != tc.side {
			t.Errorf("%s vs %s: %s on %q, want %s on %q", tc.a, tc.b, kind, side, tc.kind, tc.side)
		}
		if strings.Contains(reason, "gsc-bbbbbbbb") {
			t.Errorf("%s vs %s: the reason names the run: %s", tc.a, tc.b, reason)
		}
	}
}

// Compare pairs recordings by file and exchange: a check that fires on
// one side only is a violation there, whatever the spec's verdict; a
// difference no check or verdict explains is a variance; the same is
// the same.
func TestCompareRows(t *testing.T) {
	c, err := contract.Load(schemas.FS, "s3")
	if err != nil {
		t.Fatal(err)
	}
	side := func(l listing) *Side {
		return &Side{RunID: l.run,
			Recordings: map[string]*exchange.Recording{"s3-list.txtar": exchange.Parse("s3-list.txtar", []byte(l.recording()))},
			Specs:      map[string]string{"s3-list.txtar": "lists"},
			Results:    map[string]outcome.Result{"lists": {ID: "lists", Status: outcome.Pass}},
		}
	}
	a := baseListing("gsc-aaaaaaaa")
	for _, tc := range []struct {
		name   string
		change func(*listing)
		kind   Kind
		side   string
	}{
		{"the same", func(*listing) {}, Same, ""},
		{"no request id", func(l *listing) { l.requestIDHeader = false }, Violation, "B"},
		{"another order", func(l *listing) { l.ownerLast = true }, Variance, ""},
	} {
		b := baseListing("gsc-bbbbbbbb")
		tc.change(&b)
		rows := Compare(side(a), side(b), c)
		if len(rows) != 1 || rows[0].Kind != tc.kind || rows[0].Side != tc.side {
			t.Errorf("%s: %+v, want one row: %s on %q", tc.name, rows, tc.kind, tc.side)
		}
	}
}

func TestLayout(t *testing.T) {
	for _, tc := range []struct{ a, b string }{
		{`<a><b>1</b></a>`, "<a>\n<b>1</b>\n</a>"},
		{"<a>\n<b>1</b>\n</a>", "<a>\n  <b>1</b>\n</a>"},
		{`<?xml version="1.0"?><a><b>1</b></a>`, `<a><b>1</b></a>`},
		{`{"a":{"b":"1"}}`, "{\n  \"a\": {\"b\": \"1\"}\n}"},
	} {
		na := &normalised{body: parseBody([]byte(tc.a)), layout: layoutOf([]byte(tc.a))}
		nb := &normalised{body: parseBody([]byte(tc.b)), layout: layoutOf([]byte(tc.b))}
		ds := compare(na, nb)
		if len(ds) != 1 || ds[0].Variance != Formatting {
			t.Errorf("%q vs %q: %v, want one formatting variance", tc.a, tc.b, ds)
		}
		if ds := compare(na, na); len(ds) > 0 {
			t.Errorf("%q vs itself: %v", tc.a, ds)
		}
	}
}
