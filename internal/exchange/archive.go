package exchange

import "bytes"

// part is one "-- name --" section of a txtar archive, with the offset of
// its first byte in the archive.
type part struct {
	name   string
	marker int // first byte of the "-- name --" line
	offset int // first byte of the data
	data   []byte
}

// splitArchive splits a txtar archive into its comment and parts. It follows
// golang.org/x/tools/txtar's marker rule but, unlike txtar.Parse, keeps each
// part's offset and never appends a newline: positions and bytes must stay
// those of the file.
func splitArchive(src []byte) (comment []byte, parts []part) {
	open := -1 // index of the part being read; -1 while in the comment
	begin := 0
	for i := 0; i < len(src); {
		if name, n, ok := marker(src[i:]); ok {
			if open < 0 {
				comment = src[:i]
			} else {
				parts[open].data = src[begin:i]
			}
			begin = i + n
			parts = append(parts, part{name: name, marker: i, offset: begin})
			open = len(parts) - 1
			i = begin
			continue
		}
		j := bytes.IndexByte(src[i:], '\n')
		if j < 0 {
			break
		}
		i += j + 1
	}
	if open < 0 {
		comment = src
	} else {
		parts[open].data = src[begin:]
	}
	return comment, parts
}

// marker reports whether line begins with a txtar file marker "-- name --"
// and returns the name and the length of the marker line with its newline.
func marker(b []byte) (name string, n int, ok bool) {
	if !bytes.HasPrefix(b, []byte("-- ")) {
		return "", 0, false
	}
	end := bytes.IndexByte(b, '\n')
	line := b
	n = len(b)
	if end >= 0 {
		line, n = b[:end], end+1
	}
	line = bytes.TrimSuffix(line, []byte("\r"))
	if len(line) < len("-- ")+len(" --") || !bytes.HasSuffix(line, []byte(" --")) {
		return "", 0, false
	}
	name = string(bytes.TrimSpace(line[3 : len(line)-3]))
	return name, n, name != ""
}
