package preflight_test

import (
	"testing"

	"github.com/sesraw/sesraw/preflight"
)

// One-click unsubscribe in a raw message: each form of the rules, with the finding's severity and
// line, and the messages the builder writes (one-click alone, list management alone) found clean.
func TestUnsubscribeRules(t *testing.T) {
	const (
		list    = "List-Unsubscribe: <https://example.com/u?id=1>,\r\n <mailto:u@example.com>"
		post    = "List-Unsubscribe-Post: List-Unsubscribe=One-Click"
		listMgt = "X-SES-LIST-MANAGEMENT-OPTIONS: list; topic=news"
	)
	type want struct {
		rule string
		sev  preflight.Severity
		line int // line in the header block: with() puts the headers first
	}
	for _, tc := range []struct {
		name    string
		headers []string
		want    []want
	}{
		{"one-click", []string{list, post}, nil},
		{"list management", []string{listMgt}, nil},
		{"list management with a plain List-Unsubscribe", []string{"List-Unsubscribe: <mailto:u@example.com>", listMgt}, nil},
		{"both", []string{list, post, listMgt}, []want{{preflight.RuleUnsubscribeConflict, preflight.Error, 3}}},
		{"both, X-SES first, other case", []string{listMgt, "list-unsubscribe-post:  list-unsubscribe=one-click ", list},
			[]want{{preflight.RuleUnsubscribeConflict, preflight.Error, 2}}},
		{"no List-Unsubscribe", []string{post}, []want{{preflight.RuleUnsubscribeOneClick, preflight.Warning, 1}}},
		{"no https URI", []string{"List-Unsubscribe: <http://example.com/u>, <mailto:u@example.com>", post},
			[]want{{preflight.RuleUnsubscribeOneClick, preflight.Warning, 1}}},
		{"not one-click", []string{list, "List-Unsubscribe-Post: List-Unsubscribe=Yes"},
			[]want{{preflight.RuleUnsubscribeOneClick, preflight.Warning, 3}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []want
			for _, f := range check(t, msg("x\r\n", with(tc.headers...)...), nil) {
				if f.Rule == preflight.RuleUnsubscribeConflict || f.Rule == preflight.RuleUnsubscribeOneClick {
					got = append(got, want{f.Rule, f.Severity, f.Line})
				}
			}
			if len(got) != len(tc.want) {
				t.Fatalf("findings %v, want %v", got, tc.want)
			}
			for i := range got {
				if got[i] != tc.want[i] {
					t.Errorf("finding %v, want %v", got[i], tc.want[i])
				}
			}
		})
	}
}
