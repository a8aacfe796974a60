package jsonlenient

// Index is where every value of a document starts, read once, for
// placing many findings: Locate reads the whole document each time.
type Index struct {
	root *slot // nil when no value could be read
}

// slot is where one value starts and, for a container, its members'.
// A scalar is its offset alone: most values of a listing are scalars.
type slot struct {
	off int
	sub *valueAt
}

// valueAt is a container's members: an object's keys, in order, beside
// their values, or an array's elements.
type valueAt struct {
	object bool
	keys   []string
	kids   []slot
	byKey  map[string]int // the last member of each key, for large objects
}

// bigObject is the most members an object may have for a look-up to
// walk them rather than index them.
const bigObject = 16

func (v *valueAt) add(key string, s slot) {
	v.keys, v.kids = append(v.keys, key), append(v.kids, s)
	if len(v.keys) > bigObject {
		if v.byKey == nil {
			v.byKey = make(map[string]int, 2*bigObject)
			for i, k := range v.keys[:len(v.keys)-1] {
				v.byKey[k] = i
			}
		}
		v.byKey[key] = len(v.keys) - 1
	}
}

// member returns the last member named key, as a later duplicate
// replaces an earlier one in the parsed value.
func (v *valueAt) member(key string) (slot, bool) {
	if v.byKey != nil {
		i, ok := v.byKey[key]
		if !ok {
			return slot{}, false
		}
		return v.kids[i], true
	}
	for i := len(v.keys) - 1; i >= 0; i-- {
		if v.keys[i] == key {
			return v.kids[i], true
		}
	}
	return slot{}, false
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
	v := *x.root
	for _, tok := range want {
		if v.sub == nil {
			return -1 // a scalar has no members
		}
		if v.sub.object {
			if v, ok = v.sub.member(tok); !ok {
				return -1
			}
			continue
		}
		i := arrayIndex(tok)
		if i < 0 || i >= len(v.sub.kids) {
			return -1
		}
		v = v.sub.kids[i]
	}
	return v.off
}
