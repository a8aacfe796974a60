package main

import (
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/getservice-conformance/gsc/internal/capture"
	"github.com/getservice-conformance/gsc/internal/contract"
	"github.com/getservice-conformance/gsc/internal/exchange"
	"github.com/getservice-conformance/gsc/internal/replay"
	"github.com/getservice-conformance/gsc/schemas"
)

// runConvert is `runner convert`: it writes HAR files, go-vcr cassettes
// and curl output as the project's txtar recordings (one per host: one
// walk), or recordings and captures as a HAR file, secrets masked.
func runConvert(args []string, stdout, stderr io.Writer) error {
	fs := flag.NewFlagSet("convert", flag.ContinueOnError)
	fs.SetOutput(flagOutput)
	out := fs.String("out", "", "the directory to write into (created if missing)")
	to := fs.String("to", "txtar", "what to write: txtar (recordings) or har (one HTTP Archive per input)")
	vendor := fs.String("vendor", "", "the vendor of every exchange (default: told from the host, headers or body)")
	files, err := parseInterleaved(fs, args)
	if err != nil {
		return usagef("convert: %w", err)
	}
	if *out == "" || len(files) == 0 {
		return usagef("convert: name the files to convert and --out DIR")
	}
	if *to != "txtar" && *to != "har" {
		return usagef("convert: --to %q: want txtar or har", *to)
	}
	if *vendor != "" && !slices.Contains(contract.Vendors(schemas.FS), *vendor) {
		return usagef("convert: unknown vendor %q", *vendor)
	}
	if err := os.MkdirAll(*out, 0o755); err != nil {
		return fmt.Errorf("convert: %w", err)
	}
	opts := capture.Options{Contracts: &contract.Set{FS: schemas.FS}, Vendor: *vendor}
	taken := map[string]bool{}
	write := func(name string, data []byte) error {
		for k := 2; taken[name]; k++ {
			ext := filepath.Ext(name)
			name = fmt.Sprintf("%s-%d%s", strings.TrimSuffix(name, ext), k, ext)
		}
		taken[name] = true
		path := filepath.Join(*out, name)
		if err := os.WriteFile(path, data, 0o644); err != nil {
			return fmt.Errorf("convert: %w", err)
		}
		fmt.Fprintf(stdout, "wrote %s\n", path)
		return nil
	}
	for _, name := range files {
		data, err := readBounded(name)
		if err != nil {
			return fmt.Errorf("convert: %w", err)
		}
		base := strings.TrimSuffix(filepath.Base(name), filepath.Ext(name))
		var recs []*exchange.Recording
		if f := capture.Detect(name, data); f == capture.Txtar {
			if *to == "txtar" {
				return usagef("convert: %s is already a recording (--to har writes it as HAR)", name)
			}
			recs = append(recs, exchange.Parse(filepath.ToSlash(name), data))
		} else {
			imp, err := readImport(name, data, f, opts, stderr)
			if err != nil {
				return fmt.Errorf("convert: %w", err)
			}
			if *to == "txtar" {
				outs, left, err := imp.Recordings(filepath.Base(name))
				if err != nil {
					return fmt.Errorf("convert: %w", err)
				}
				for _, l := range left {
					fmt.Fprintf(stderr, "%s: not written: %s\n", imp.File, l)
				}
				if len(outs) == 0 {
					return fmt.Errorf("convert: %s: nothing a recording can hold", imp.File)
				}
				for i, o := range outs {
					n := base + ".txtar"
					if len(outs) > 1 {
						n = fmt.Sprintf("%s-%d.txtar", base, i+1)
					}
					if err := write(n, o); err != nil {
						return err
					}
				}
				continue
			}
			for _, w := range imp.Walks {
				recs = append(recs, w.Rec)
			}
		}
		har, err := capture.WriteHAR(recs)
		if err != nil {
			return fmt.Errorf("convert: %s: %w", name, err)
		}
		if err := write(base+".har", har); err != nil {
			return err
		}
	}
	return nil
}

// readBounded reads a file of at most replay.MaxFileSize bytes.
func readBounded(name string) ([]byte, error) {
	info, err := os.Stat(name)
	if err != nil {
		return nil, err
	}
	if info.Size() > replay.MaxFileSize {
		return nil, fmt.Errorf("%s: %d bytes is more than the %d a capture may have", name, info.Size(), replay.MaxFileSize)
	}
	return os.ReadFile(name)
}

// readImport reads a capture that is not a txtar recording, lists on w
// the entries it does not judge, and fails when it judges none: a run
// that judged nothing must not pass.
func readImport(name string, data []byte, f capture.Format, o capture.Options, w io.Writer) (*capture.Import, error) {
	imp, err := capture.Read(filepath.ToSlash(name), data, f, o)
	if err != nil {
		return nil, err
	}
	for _, u := range imp.Unplaced {
		fmt.Fprintf(w, "%s:%d:%d: not judged: %s\n", imp.File, u.Line, u.Col, u)
	}
	if imp.Placed() == 0 {
		return nil, fmt.Errorf("%s (%s): no GET Service exchange to judge among its %d entries", imp.File, f, len(imp.Unplaced))
	}
	return imp, nil
}

// checkFiles lists what runner check reads: the files named, and below a
// directory its recordings (*.txtar), HAR files (*.har), and the go-vcr
// cassettes (*.yaml, *.yml) and curl output (*.txt, *.log, *.curl) that
// their content shows to be such, in name order.
func checkFiles(paths []string) ([]string, error) {
	return replay.FilesBelow(paths, func(name string) bool {
		switch filepath.Ext(name) {
		case ".txtar", ".har":
			return true
		case ".yaml", ".yml", ".txt", ".log", ".curl":
			// Only those whose content is a cassette or curl output.
			data, err := readBounded(name)
			return err == nil && capture.Detect(name, data) != capture.Txtar
		}
		return false
	}, ".txtar recordings or captures (HAR, go-vcr, curl)")
}

// checkImport reads name as a capture when it is not a txtar recording;
// nil when it is one.
func checkImport(name string, o capture.Options, w io.Writer) (*capture.Import, error) {
	data, err := readBounded(name)
	if err != nil {
		return nil, err
	}
	f := capture.Detect(name, data)
	if f == capture.Txtar {
		return nil, nil
	}
	return readImport(name, data, f, o, w)
}
