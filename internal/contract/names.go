package contract

import (
	"fmt"
	"regexp"
	"time"
)

// Names are bucket naming rules beside the schema's: the schema states
// today's rule, Legacy a rule that once held, whose names a listing may
// still show.
type Names struct {
	Legacy *LegacyNames `json:"legacy,omitempty"`
}

// LegacyNames is a naming rule that held for buckets created before a
// date (S3: us-east-1 names before 2018-03-01). A name that breaks the
// schema but follows this rule, on a bucket created before the date, is
// a warning (name.legacy), not a schema error.
type LegacyNames struct {
	Pattern       string `json:"pattern"`
	CreatedBefore string `json:"createdBefore"` // RFC 3339
	Source        string `json:"source"`

	re     *regexp.Regexp
	before time.Time
}

// compile readies the rule; an unusable one is the contract's error.
func (l *LegacyNames) compile() error {
	var err error
	if l.re, err = regexp.Compile(l.Pattern); err != nil {
		return fmt.Errorf("names.legacy.pattern: %w", err)
	}
	if l.before, err = time.Parse(time.RFC3339, l.CreatedBefore); err != nil {
		return fmt.Errorf("names.legacy.createdBefore: %w", err)
	}
	return nil
}

// Allows reports whether a bucket of this name, created at created (RFC
// 3339), is one the legacy rule allowed.
func (l *LegacyNames) Allows(name, created string) bool {
	t, err := time.Parse(time.RFC3339, created)
	return err == nil && t.Before(l.before) && l.re.MatchString(name)
}

// Before is the date the legacy rule ended.
func (l *LegacyNames) Before() time.Time { return l.before }
