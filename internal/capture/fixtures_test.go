package capture_test

import (
	"bufio"
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/getservice-conformance/gsc/internal/capture"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/finding"
	"github.com/getservice-conformance/gsc/internal/replay"
	"github.com/getservice-conformance/gsc/schemas"
)

const capturesDir = "../../fixtures/captures"

// expectation is one line of a capture's .expect file:
//
//	expect: CHECK EXCHANGE LINE:COL [TEXT]  a finding, TEXT the bytes at LINE:COL
//	unplaced: LABEL: TEXT                   an entry not judged, TEXT in its reason
type expectation struct {
	kind, check, label, where, text string
	exchange                        int
}

func readExpect(t *testing.T, name string) []expectation {
	t.Helper()
	f, err := os.Open(name)
	if err != nil {
		t.Fatalf("every capture fixture needs its .expect file: %v", err)
	}
	defer f.Close()
	var es []expectation
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		kind, rest, _ := strings.Cut(line, ":")
		fields := strings.Fields(rest)
		switch {
		case kind == "expect" && len(fields) >= 3:
			n, err := strconv.Atoi(fields[1])
			if err != nil {
				t.Fatalf("%s: %q: bad exchange", name, line)
			}
			es = append(es, expectation{kind: kind, check: fields[0], exchange: n, where: fields[2], text: strings.Join(fields[3:], " ")})
		case kind == "unplaced" && strings.Contains(rest, ": "):
			label, why, _ := strings.Cut(strings.TrimSpace(rest), ": ")
			es = append(es, expectation{kind: kind, label: label, text: why})
		default:
			t.Fatalf("%s: %q is not an expect: or unplaced: line", name, line)
		}
	}
	return es
}

// Every capture fixture gives exactly the findings and unplaced entries
// its .expect file names, each finding at the line and column where the
// named bytes are in the capture file.
func TestCaptureFixtures(t *testing.T) {
	var files []string
	err := filepath.WalkDir(capturesDir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() && filepath.Ext(p) != ".expect" {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	formats := map[capture.Format]int{}
	set := &contract.Set{FS: schemas.FS}
	checker := &replay.Checker{Contracts: set}
	for _, name := range files {
		t.Run(filepath.ToSlash(strings.TrimPrefix(name, capturesDir+"/")), func(t *testing.T) {
			src, err := os.ReadFile(name)
			if err != nil {
				t.Fatal(err)
			}
			f := capture.Detect(name, src)
			formats[f]++
			imp, err := capture.Read(name, src, f, capture.Options{Contracts: set})
			if err != nil {
				t.Fatal(err)
			}
			got := imp.Check(checker.Check)
			want := readExpect(t, strings.TrimSuffix(name, filepath.Ext(name))+".expect")
			var matched []bool = make([]bool, len(got))
			for _, e := range want {
				switch e.kind {
				case "expect":
					i := slices.IndexFunc(got, func(f finding.Finding) bool {
						return f.Check == e.check && f.Exchange == e.exchange && f.Where() == e.where
					})
					if i < 0 {
						t.Errorf("missing: %s %d %s", e.check, e.exchange, e.where)
						continue
					}
					matched[i] = true
					if e.text != "" && !bytes.HasPrefix(at(src, got[i].Line, got[i].Col), []byte(e.text)) {
						t.Errorf("%s at %s points at %q, want %q", e.check, e.where, clip(at(src, got[i].Line, got[i].Col)), e.text)
					}
				case "unplaced":
					if !slices.ContainsFunc(imp.Unplaced, func(u capture.Unplaced) bool {
						return u.Entry == e.label && strings.Contains(u.Why, e.text)
					}) {
						t.Errorf("want %s not judged because %q; unplaced: %v", e.label, e.text, imp.Unplaced)
					}
				}
			}
			for i, f := range got {
				if !matched[i] {
					t.Errorf("unexpected: expect: %s %d %s %s", f.Check, f.Exchange, f.Where(), f.Message)
				}
			}
			wantUnplaced := 0
			for _, e := range want {
				if e.kind == "unplaced" {
					wantUnplaced++
				}
			}
			if len(imp.Unplaced) != wantUnplaced {
				t.Errorf("%d entries not judged, want %d: %v", len(imp.Unplaced), wantUnplaced, imp.Unplaced)
			}
			if imp.Placed() == 0 {
				t.Errorf("no exchange placed")
			}
		})
	}
	for _, f := range []capture.Format{capture.HAR, capture.VCR, capture.Curl} {
		if formats[f] == 0 {
			t.Errorf("no %s fixture in %s", f, capturesDir)
		}
	}
}

// at returns src from 1-based line and column on.
func at(src []byte, line, col int) []byte {
	off := 0
	for l := 1; l < line; l++ {
		i := bytes.IndexByte(src[off:], '\n')
		if i < 0 {
			return nil
		}
		off += i + 1
	}
	if off+col-1 > len(src) {
		return nil
	}
	return src[off+col-1:]
}

func clip(b []byte) string {
	return fmt.Sprintf("%.40s", b)
}
