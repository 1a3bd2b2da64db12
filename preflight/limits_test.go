package preflight_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/preflight"
	"github.com/sesraw/sesraw/rawheader"
)

// A header block over any of the grammar's limits is an error, not a warning: what lies past the
// limit (here an X-SES field) is checked by no sesraw reader, and all of them refuse the message.
func TestHeaderOverLimitsIsAnError(t *testing.T) {
	fields := slices.Clone(base)
	for i := range rawheader.DefaultMaxFields {
		fields = append(fields, "X-F"+strconv.Itoa(i)+": v")
	}
	lines := append(slices.Clone(base), "X-Lines: a"+strings.Repeat("\r\n a", rawheader.DefaultMaxFieldLines))
	for name, h := range map[string][]string{"fields": fields, "lines": lines, "bytes": bigHeader()} {
		h = append(h, "X-SES-CONFIGURATION-SET: bad name!")
		var got []preflight.Finding
		for _, f := range check(t, msg("x\r\n", h...), nil) {
			if f.Rule == preflight.RuleHeaderTooLarge {
				got = append(got, f)
			}
		}
		if len(got) != 1 || got[0].Severity != preflight.Error {
			t.Errorf("%s: header-too-large findings %v, want one error", name, got)
		}
	}
	// Just inside the limits: no finding.
	inside := append(slices.Clone(base), "X-Lines: a"+strings.Repeat("\r\n a", rawheader.DefaultMaxFieldLines-1))
	for _, f := range check(t, msg("x\r\n", inside...), nil) {
		if f.Rule == preflight.RuleHeaderTooLarge {
			t.Errorf("inside the limits: %v", f)
		}
	}
}
