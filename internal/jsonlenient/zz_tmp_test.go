package jsonlenient_test

import (
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/getservice-conformance/gsc/internal/jsonlenient"
)

func TestTmpCorpusTiming(t *testing.T) {
	files, _ := filepath.Glob("/root/.cache/go-build/fuzz/github.com/getservice-conformance/gsc/internal/jsonlenient/FuzzParse/*")
	var worst time.Duration
	var wf string
	for _, f := range files {
		b, _ := os.ReadFile(f)
		s := strings.TrimPrefix(string(b), "go test fuzz v1\n")
		s = strings.TrimSpace(s)
		s = strings.TrimSuffix(strings.TrimPrefix(s, "[]byte("), ")")
		q, err := strconv.Unquote(s)
		if err != nil { t.Log(err); continue }
		start := time.Now()
		for range 100 { jsonlenient.Parse([]byte(q)) }
		if d := time.Since(start); d > worst { worst, wf = d, f }
	}
	t.Log(len(files), worst/100, wf)
}
