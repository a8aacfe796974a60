package jsonlenient

// Index is where every value of a document starts, read once, for
// placing many findings: Locate reads the whole document each time.
type Index struct {
	root *valueAt // nil when no value could be read
}

// valueAt is one value's offset and, for a container, its members'.
type valueAt struct {
	off      int
	members  map[string]*valueAt
	elements []*valueAt
}

// NewIndex reads data as Parse does and records where each value starts.
func NewIndex(data []byte) *Index {
	p := newParser(data)
	p.offsets = true
	p.parse()
	return &Index{root: p.rootAt}
}

// Locate is the package's Locate, answered from the index.
func (x *Index) Locate(ptr string) int {
	want, ok := splitPointer(ptr)
	if !ok || x.root == nil {
		return -1
	}
	v := x.root
	for _, tok := range want {
		if v.members != nil {
			v = v.members[tok]
		} else {
			i := arrayIndex(tok) // a scalar has no elements either
			if i < 0 || i >= len(v.elements) {
				return -1
			}
			v = v.elements[i]
		}
		if v == nil {
			return -1
		}
	}
	return v.off
}
