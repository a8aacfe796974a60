package live

import (
	"bufio"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"

	"github.com/getservice-conformance/gsc/internal/exchange"
)

// A tape file holds every tape.N line before the first part, and its
// header before both; the lines are known only as the attempts are made,
// the header (written by Commit) only once the run is over. So a spooled
// tape writes its lines and its parts to two spool files next to the
// tape's, and Commit streams header, lines and parts into the tape file.

// spool is where a spooled tape writes its attempts.
type spool struct {
	path         string // the tape file Commit writes
	lines, parts *os.File
	lw, pw       *bufio.Writer
	n            int   // attempts written
	err          error // the first failure: Commit reports it
}

// SpoolTape returns a tape that writes each attempt, as it is made, to
// spool files beside path; Commit writes the tape file at path and
// removes them, and so does Discard, without writing it. The caller must
// call one of them on every path out of the run.
func SpoolTape(path string) (*Tape, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	lines, err := os.CreateTemp(dir, base+".lines-*.spool")
	if err != nil {
		return nil, fmt.Errorf("spooling the tape: %w", err)
	}
	parts, err := os.CreateTemp(dir, base+".parts-*.spool")
	if err != nil {
		lines.Close()
		os.Remove(lines.Name())
		return nil, fmt.Errorf("spooling the tape: %w", err)
	}
	s := &spool{path: path, lines: lines, parts: parts, lw: bufio.NewWriter(lines), pw: bufio.NewWriter(parts)}
	return &Tape{spool: s}, nil
}

// add writes one attempt; the tape's lock is held.
func (s *spool) add(e TapeEntry) {
	if s.err != nil || s.lines == nil {
		return
	}
	s.n++
	if err := writeEntry(s.lw, s.pw, s.n, e); err != nil {
		s.err = err
	}
}

// Commit writes the tape file: the metadata lines, then every attempt
// spooled, in the format Format writes, and removes the spool. It writes
// nothing if an attempt could not be spooled, and then says why.
func (tp *Tape) Commit(meta [][2]string) error {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	s := tp.spool
	if s == nil {
		return errors.New("only a spooled tape is committed")
	}
	if s.lines == nil {
		return errors.New("the tape was already committed or discarded")
	}
	defer s.remove()
	if s.err != nil {
		return fmt.Errorf("spooling attempt %d: %w", s.n, s.err)
	}
	head, err := exchange.FormatHeader(meta)
	if err != nil {
		return err
	}
	if err := s.lw.Flush(); err != nil {
		return fmt.Errorf("spooling the tape: %w", err)
	}
	if err := s.pw.Flush(); err != nil {
		return fmt.Errorf("spooling the tape: %w", err)
	}
	f, err := os.Create(s.path)
	if err != nil {
		return err
	}
	err = assemble(f, head, s.lines, s.parts)
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(s.path) // half a tape would be read as a whole one
		return err
	}
	return nil
}

// assemble streams the header, then the lines, then the parts into w.
func assemble(w io.Writer, head []byte, lines, parts *os.File) error {
	if _, err := w.Write(head); err != nil {
		return err
	}
	for _, f := range []*os.File{lines, parts} {
		if _, err := f.Seek(0, io.SeekStart); err != nil {
			return err
		}
		if _, err := io.Copy(w, f); err != nil {
			return err
		}
	}
	return nil
}

// Discard removes a spooled tape's spool files without writing the tape
// file; after Commit, or called again, it does nothing.
func (tp *Tape) Discard() {
	tp.mu.Lock()
	defer tp.mu.Unlock()
	if tp.spool != nil {
		tp.spool.remove()
	}
}

// remove closes and removes the spool files; later attempts are dropped.
func (s *spool) remove() {
	for _, f := range []*os.File{s.lines, s.parts} {
		if f != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}
	s.lines, s.parts = nil, nil
}
