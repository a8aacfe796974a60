package check

import (
	"strconv"
	"strings"
)

// legacyName reports whether a schema finding at pointer is about a
// bucket name the contract's legacy rule allowed when the bucket was
// created; it then reports name.legacy, a warning, once per name (done
// holds the names reported), in place of the schema's error.
func (e *exchangeRun) legacyName(pointer string, done map[string]bool) bool {
	l, lst := e.c.Profile.Names.Legacy, e.c.Profile.Listing
	if l == nil || lst.Name == "" || !strings.HasSuffix(pointer, lst.Name) || !strings.HasPrefix(pointer, lst.Buckets+"/") {
		return false
	}
	bucketPtr := strings.TrimSuffix(pointer, lst.Name)
	index := strings.TrimPrefix(bucketPtr, lst.Buckets+"/")
	if _, err := strconv.Atoi(index); err != nil {
		return false
	}
	found := collect(e.body.value, bucketPtr)
	if len(found) != 1 {
		return false
	}
	b := found[0].value
	name, _ := lookup(b, tokens(lst.Name))
	created, _ := lookup(b, tokens(lst.Created))
	n, ok1 := name.(string)
	c, ok2 := created.(string)
	if !ok1 || !ok2 || !l.Allows(n, c) {
		return false
	}
	if !done[pointer] {
		done[pointer] = true
		e.at("name.legacy", pointer, "bucket name %q breaks today's naming rules but follows the legacy rule %s that held for buckets created before %s (this one: %s); AWS still lists such names", clip(n), l.Pattern, l.Before().Format("2006-01-02"), c)
	}
	return true
}
