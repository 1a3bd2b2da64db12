package dkim

import (
	"fmt"
	"strings"

	"github.com/sesraw/sesraw/sesrules"
)

// profileHeaders is the SES-safe header profile: the fields signed when present, in h= order.
// Oversigned (listed once more than present) are the first five, see oversigned.
var profileHeaders = []string{
	"From", "To", "Cc", "Reply-To", "Subject",
	"MIME-Version", "Content-Type", "Content-Transfer-Encoding",
	"In-Reply-To", "References",
	"List-Unsubscribe", "List-Unsubscribe-Post", "List-Id",
	"Sender",
}

// oversigned reports whether a profile header is oversigned when present.
func oversigned(canonical string) bool {
	switch canonical {
	case "From", "To", "Cc", "Reply-To", "Subject":
		return true
	}
	return false
}

// validFieldName reports whether name is a non-empty RFC 5322 field name (printable ASCII except
// colon) of at most 200 bytes.
func validFieldName(name string) bool {
	if name == "" || len(name) > 200 {
		return false
	}
	for i := 0; i < len(name); i++ {
		if c := name[i]; c <= ' ' || c >= 0x7f || c == ':' {
			return false
		}
	}
	return true
}

// maxExtraHeaders bounds Options.Headers.
const maxExtraHeaders = 100

// signedHeader is one entry of a Signer's header list.
type signedHeader struct {
	name      string // as written in h=
	oversign  bool
	listUnsub bool // List-Unsubscribe or List-Unsubscribe-Post
}

// buildHeaderList validates extra names and returns the profile followed by the extra names,
// deduplicated case-insensitively.
func buildHeaderList(extra []string) ([]signedHeader, error) {
	if len(extra) > maxExtraHeaders {
		return nil, fmt.Errorf("%w: Headers names %d fields, at most %d", ErrInvalidOptions, len(extra), maxExtraHeaders)
	}
	list := make([]signedHeader, 0, len(profileHeaders)+len(extra))
	for _, n := range profileHeaders {
		list = append(list, signedHeader{
			name:      n,
			oversign:  oversigned(n),
			listUnsub: n == "List-Unsubscribe" || n == "List-Unsubscribe-Post",
		})
	}
outer:
	for _, n := range extra {
		if !validFieldName(n) {
			return nil, fmt.Errorf("%w: Headers: %q is not a header field name", ErrInvalidOptions, n)
		}
		if r := sesrules.NeverSign(n); r != "" {
			return nil, fmt.Errorf("%w: %s: %s", ErrForbiddenHeader, n, r)
		}
		for _, h := range list {
			if strings.EqualFold(h.name, n) {
				continue outer
			}
		}
		list = append(list, signedHeader{name: n})
	}
	return list, nil
}
