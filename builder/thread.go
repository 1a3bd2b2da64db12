package builder

import (
	"errors"
	"net/url"
	"strings"

	"github.com/sesraw/sesraw/sesrules"
)

// Errors of the threading and one-click unsubscribe fields.
var (
	// ErrInvalidUnsubscribe: Unsubscribe.URL is not an https URI, or Mailto is not an address.
	ErrInvalidUnsubscribe = errors.New("builder: invalid one-click unsubscribe")
	// ErrUnsubscribeConflict: Unsubscribe, or a custom List-Unsubscribe-Post header with the
	// one-click value, together with SES subscription management (Message.SES.ListManagement),
	// which writes the same headers itself (sesrules.UnsubscribeConflict; preflight reports the
	// same combination in a raw message).
	ErrUnsubscribeConflict = errors.New("builder: one-click unsubscribe conflicts with SES list management")
)

// Unsubscribe is a one-click unsubscribe (RFC 8058): the builder writes
//
//	List-Unsubscribe: <https://...>, <mailto:...>
//	List-Unsubscribe-Post: List-Unsubscribe=One-Click
//
// and the SES-safe DKIM profile (package dkim) signs both whenever they are present, as RFC 8058
// section 4 requires of a one-click message. Mail providers ask bulk senders for it.
//
// It cannot be combined with SES's own subscription management (Message.SES.ListManagement,
// X-SES-LIST-MANAGEMENT-OPTIONS): SES then writes these headers itself, only on mail it signs with
// Easy DKIM, and a message carrying both would hold two List-Unsubscribe fields (SES accepts one).
// That combination is a *FieldError wrapping ErrUnsubscribeConflict.
type Unsubscribe struct {
	// URL is the https URI the mail client POSTs "List-Unsubscribe=One-Click" to; required.
	// At most 900 octets of printable ASCII without blanks, angle brackets, commas or quotes
	// (percent-encode them).
	URL string
	// Mailto is an optional bare address (local@domain) for clients that unsubscribe by mail.
	Mailto string
}

// maxThreadIDs bounds InReplyTo and References.
const maxThreadIDs = 100

// checkThreading validates InReplyTo, References and Unsubscribe, and the custom headers that
// would repeat them.
func (a *assembly) checkThreading() error {
	m := a.m
	for _, f := range []struct {
		name string
		ids  []string
	}{{"InReplyTo", m.InReplyTo}, {"References", m.References}} {
		if len(f.ids) > maxThreadIDs {
			return fieldErr(fld(f.name), "more than 100 msg-ids", ErrInvalidMessageID)
		}
		for i, id := range f.ids {
			if err := checkMessageID(id); err != nil {
				var fe *FieldError
				if errors.As(err, &fe) {
					return &FieldError{Field: indexed(f.name, i), Reason: fe.Reason, Err: fe.Err}
				}
				return err
			}
		}
	}
	for i := range m.Headers {
		name := m.Headers[i].Name
		if len(m.InReplyTo) > 0 && strings.EqualFold(name, "In-Reply-To") ||
			len(m.References) > 0 && strings.EqualFold(name, "References") ||
			m.Unsubscribe != nil && (strings.EqualFold(name, "List-Unsubscribe") || strings.EqualFold(name, "List-Unsubscribe-Post")) {
			return fieldErr(fldAt("Headers", i, ".Name"), name+" is written from the typed field; do not repeat it as a custom header", ErrReservedHeader)
		}
		// A hand-written one-click header meets the rule the typed field does (preflight's
		// unsubscribe-list-management).
		if strings.EqualFold(name, "List-Unsubscribe-Post") {
			if r := sesrules.UnsubscribeConflict(sesrules.IsOneClickPost(m.Headers[i].Value), m.SES.ListManagement != nil); r != "" {
				return fieldErr(fldAt("Headers", i, ".Value"), r, ErrUnsubscribeConflict)
			}
		}
	}
	if err := a.checkParts(); err != nil {
		return err
	}
	u := m.Unsubscribe
	if u == nil {
		return nil
	}
	if r := sesrules.UnsubscribeConflict(true, m.SES.ListManagement != nil); r != "" {
		return fieldErr(fld("Unsubscribe"), r, ErrUnsubscribeConflict)
	}
	if err := checkUnsubscribeURL(u.URL); err != "" {
		return fieldErr(fld("Unsubscribe.URL"), err, ErrInvalidUnsubscribe)
	}
	if u.Mailto != "" {
		if _, err := normalizeAddr(fld("Unsubscribe.Mailto"), u.Mailto); err != nil {
			var fe *FieldError
			if errors.As(err, &fe) {
				return &FieldError{Field: fe.Field, Reason: fe.Reason, Err: errors.Join(ErrInvalidUnsubscribe, fe.Err)}
			}
			return err
		}
	}
	return nil
}

// checkUnsubscribeURL returns why u is not an https URI that can stand in List-Unsubscribe, or "".
func checkUnsubscribeURL(u string) string {
	if u == "" {
		return "the https URI is required (RFC 8058 one-click needs it)"
	}
	if len(u) > 900 {
		return "longer than 900 octets"
	}
	for i := 0; i < len(u); i++ {
		if c := u[i]; c <= ' ' || c >= 0x7f || c == '<' || c == '>' || c == ',' || c == '"' {
			return quote(u) + " has a blank, control, non-ASCII, '<', '>', ',' or '\"' character (percent-encode it)"
		}
	}
	p, err := url.Parse(u)
	if err != nil {
		return quote(u) + " is not a URI"
	}
	if !strings.EqualFold(p.Scheme, "https") || p.Host == "" {
		return quote(u) + " is not an https URI (RFC 8058 requires one for one-click)"
	}
	return ""
}

// appendThreading appends In-Reply-To, References, List-Unsubscribe and List-Unsubscribe-Post
// (whichever are set), folded so no line passes 78 octets unless one msg-id is longer.
func (a *assembly) appendThreading(dst []byte) []byte {
	m := a.m
	dst = appendIDs(dst, "In-Reply-To", m.InReplyTo)
	dst = appendIDs(dst, "References", m.References)
	if u := m.Unsubscribe; u != nil {
		dst = append(dst, "List-Unsubscribe: <"...)
		dst = append(dst, u.URL...)
		dst = append(dst, '>')
		if u.Mailto != "" {
			addr, _ := normalizeAddr(fld("Unsubscribe.Mailto"), u.Mailto) // validated
			dst = append(dst, ",\r\n <mailto:"...)
			dst = append(dst, addr...)
			dst = append(dst, '>')
		}
		dst = append(dst, "\r\nList-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n"...)
	}
	return dst
}

// appendIDs appends "Name: <id1> <id2> ...", folding before an id that would pass 78 octets.
func appendIDs(dst []byte, name string, ids []string) []byte {
	if len(ids) == 0 {
		return dst
	}
	dst = append(dst, name...)
	dst = append(dst, ':')
	lineLen := len(name) + 1
	for _, id := range ids {
		if lineLen > len(name)+1 && lineLen+len(id)+3 > 78 {
			dst = append(dst, "\r\n"...)
			lineLen = 0
		}
		dst = append(dst, " <"...)
		dst = append(dst, id...)
		dst = append(dst, '>')
		lineLen += len(id) + 3
	}
	return append(dst, "\r\n"...)
}
