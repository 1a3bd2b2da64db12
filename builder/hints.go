package builder

import (
	"net/mail"
	"strings"
)

// addrShapeHint explains an Address that holds more than a bare local@domain: a display name in
// angle-bracket form, or blanks. The generic local-part reason ("character ' ' in local part")
// sent users looking for quoting, which the builder refuses; the fix is the Name field, or
// net/mail.ParseAddress, whose result has the two apart. "" when addr has neither.
func addrShapeHint(addr string) string {
	if !strings.ContainsAny(addr, "<> \t") {
		return ""
	}
	msg := "address " + quote(addr) + " is not a bare local@domain: "
	if a, err := mail.ParseAddress(addr); err == nil {
		if a.Name != "" {
			return msg + "put the display name in the Name field (mail.Address{Name: " + quote(a.Name) + ", Address: " + quote(a.Address) + "}), or parse the string with net/mail.ParseAddress"
		}
		return msg + "use " + quote(a.Address) + " (net/mail.ParseAddress reads the string into Name and Address)"
	}
	return msg + "a display name goes in the Name field, and net/mail.ParseAddress splits \"Name <local@domain>\" into the two"
}
