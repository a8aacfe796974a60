package check

import (
	"fmt"
	"reflect"
	"testing"

	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/schemas"
)

// TestSchemaWindowsDifferential checks every fixture, and the generated
// corpus, with the full validator seeing the whole bucket array and one
// bucket at a time: the findings, positions and order included, are the
// same.
func TestSchemaWindowsDifferential(t *testing.T) {
	set := &contract.Set{FS: schemas.FS}
	recs := append(fixtureRecordings(t), generatedCorpus()...)
	saved := schemaWindow
	defer func() { schemaWindow = saved }()
	windowed := 0
	for _, rec := range recs {
		c, err := set.Get(rec.Vendor())
		if err != nil {
			continue
		}
		schemaWindow = 1 << 30
		whole := Recording(rec, c)
		schemaWindow = 1
		cut := Recording(rec, c)
		if !reflect.DeepEqual(whole, cut) {
			t.Errorf("%s: whole:\n%v\none bucket at a time:\n%v", rec.File, whole, cut)
		}
		for _, ex := range rec.Exchanges {
			if ex.Response == nil || ex.Response.Status == 0 {
				continue
			}
			e := &exchangeRun{run: &run{rec: rec, c: c}, ex: ex, body: decode(c, ex.Response)}
			if len(e.schemaWindows()) > 1 && !(e.c.SuccessValid != nil && e.c.SuccessValid.Valid(e.body.value)) {
				windowed++
			}
		}
	}
	if windowed < 10 {
		t.Fatalf("only %d exchanges cut into windows with schema findings: the test compares too little", windowed)
	}
	t.Logf("%d recordings, %d exchanges cut into windows the full validator reads", len(recs), windowed)
}

// TestSchemaWindowsCut: a long bucket array is cut into windows that
// cover it once, in order.
func TestSchemaWindowsCut(t *testing.T) {
	c, err := contract.Load(schemas.FS, "qingstor")
	if err != nil {
		t.Fatal(err)
	}
	saved := schemaWindow
	defer func() { schemaWindow = saved }()
	schemaWindow = 3
	var arr []any
	for i := range 7 {
		arr = append(arr, map[string]any{"name": fmt.Sprint(i)})
	}
	ex := &exchange.Exchange{Response: &exchange.Message{Kind: exchange.Response, Status: 200}}
	e := &exchangeRun{run: &run{c: c}, ex: ex, body: &body{value: map[string]any{"buckets": arr, "count": 7}}}
	var got []string
	for _, w := range e.schemaWindows() {
		part := w.value.(map[string]any)["buckets"].([]any)
		got = append(got, fmt.Sprint(w.start, len(part), w.value.(map[string]any)["count"]))
	}
	if want := []string{"0 3 7", "3 3 7", "6 1 7"}; !reflect.DeepEqual(got, want) {
		t.Errorf("windows %v, want %v", got, want)
	}
}
