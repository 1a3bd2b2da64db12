package builder

import (
	"strings"

	"github.com/sesraw/sesraw/internal/cidref"
)

// Rules of the findings Builder.Findings reports.
const (
	// RuleCIDMissing: the HTML references cid:ID and no attachment has that ContentID; the
	// client shows a broken image.
	RuleCIDMissing = cidref.RuleMissing
	// RuleCIDUnreferenced: an inline attachment whose ContentID the HTML never references;
	// most clients show it as an attachment after the body, or not at all.
	RuleCIDUnreferenced = cidref.RuleUnreferenced
)

// Finding is something about a message that builds but probably does not do what its author
// meant. It is a warning: the message is valid and Validate accepts it.
type Finding struct {
	Rule    string // a Rule* constant
	Field   string // the field it is about, as in FieldError: "HTML", "Attachments[1].ContentID"
	Message string
}

// String returns "FIELD: MESSAGE [RULE]".
func (f Finding) String() string { return f.Field + ": " + f.Message + " [" + f.Rule + "]" }

// Findings returns the warnings about m, in the order of the fields they are about: a cid:
// reference in the HTML with no attachment of that ContentID (RuleCIDMissing), and an inline
// attachment the HTML never references (RuleCIDUnreferenced). Content-IDs are compared
// ASCII-case-insensitively, as the builder's duplicate check does. Findings does not validate m
// (Validate does) and reads no attachment; it is linear in the size of the HTML.
func (b *Builder) Findings(m *Message) []Finding {
	if m == nil {
		return nil
	}
	var out []Finding
	refs := cidref.References(m.HTML)
	for _, ref := range refs {
		found := false
		for i := range m.Attachments {
			if strings.EqualFold(m.Attachments[i].ContentID, ref) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, Finding{Rule: RuleCIDMissing, Field: "HTML",
				Message: "references cid:" + ref + ", but no attachment has ContentID " + quote(ref)})
		}
	}
	for i := range m.Attachments {
		at := &m.Attachments[i]
		if !at.Inline || at.ContentID == "" {
			continue
		}
		found := false
		for _, ref := range refs {
			if strings.EqualFold(at.ContentID, ref) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, Finding{Rule: RuleCIDUnreferenced, Field: indexed("Attachments", i) + ".ContentID",
				Message: "inline part " + quote(at.ContentID) + " is not referenced by the HTML (no cid:" + at.ContentID + ")"})
		}
	}
	return out
}
