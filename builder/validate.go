package builder

import (
	"errors"
	"strings"
	"unicode/utf8"

	"github.com/sesraw/sesraw/internal/punycode"
	"github.com/sesraw/sesraw/multipart"
	"github.com/sesraw/sesraw/sesrules"
)

// checkValue rejects CR, LF and NUL (header injection) and invalid UTF-8 in a value that ends up in
// the header block (encoded by the multipart package where it is not plain ASCII).
func checkValue(field fieldName, s string) error {
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '\r':
			return fieldErr(field, "contains a carriage return (CR)", ErrHeaderInjection)
		case '\n':
			return fieldErr(field, "contains a line feed (LF)", ErrHeaderInjection)
		case 0:
			return fieldErr(field, "contains a NUL byte", ErrHeaderInjection)
		}
	}
	if !utf8.ValidString(s) {
		return fieldErr(field, "is not valid UTF-8", ErrInvalidUTF8)
	}
	return nil
}

// atext of RFC 5322 3.2.3, as a 128-bit set.
var atext = func() (t [256]bool) {
	for c := 'a'; c <= 'z'; c++ {
		t[c] = true
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = true
	}
	for c := '0'; c <= '9'; c++ {
		t[c] = true
	}
	for _, c := range "!#$%&'*+-/=?^_`{|}~" {
		t[c] = true
	}
	return t
}()

// addrError is an invalid-address FieldError; CR, LF and NUL also match ErrHeaderInjection.
func addrError(field fieldName, reason string, injection bool) error {
	if injection {
		return &FieldError{Field: field.String(), Reason: reason, Err: errAddrInjection}
	}
	return fieldErr(field, reason, ErrInvalidAddress)
}

// errAddrInjection matches both ErrInvalidAddress and ErrHeaderInjection; errNonASCII both
// ErrInvalidAddress and ErrNonASCIIAddress.
var (
	errAddrInjection = errors.Join(ErrInvalidAddress, ErrHeaderInjection)
	errNonASCII      = errors.Join(ErrInvalidAddress, ErrNonASCIIAddress)
)

const (
	maxLocal = 64  // RFC 5321 4.5.3.1.1
	maxPath  = 254 // RFC 5321 4.5.3.1.3 (256 octets with the angle brackets)
)

// NormalizeAddress returns a bare address (local@domain) in the ASCII form the builder writes it:
// the local part as given, an internationalized domain in punycode. An address the builder would
// refuse is the same *FieldError (Field "address") with the same sentinel.
func NormalizeAddress(addr string) (string, error) {
	return normalizeAddr(fld("address"), addr)
}

// normalizeAddr validates a bare addr-spec (local@domain) and returns its ASCII form: the local part
// as written (it must be ASCII: SES does not support SMTPUTF8), the domain converted
// to punycode when it is internationalized. Nothing else is changed: no trimming, no angle brackets.
func normalizeAddr(field fieldName, addr string) (string, error) {
	if addr == "" {
		return "", addrError(field, "empty address", false)
	}
	for i := 0; i < len(addr); i++ {
		switch addr[i] {
		case '\r', '\n', 0:
			return "", addrError(field, "address contains CR, LF or NUL", true)
		}
	}
	if hint := addrShapeHint(addr); hint != "" {
		return "", addrError(field, hint, false)
	}
	at := strings.LastIndexByte(addr, '@')
	if at < 0 {
		return "", addrError(field, "address "+quote(addr)+" has no '@'", false)
	}
	local, domain := addr[:at], addr[at+1:]
	if local == "" {
		return "", addrError(field, "address "+quote(addr)+" has an empty local part", false)
	}
	if len(local) > maxLocal {
		return "", addrError(field, "local part of "+quote(addr)+" is longer than 64 octets", false)
	}
	for i := 0; i < len(local); i++ {
		if local[i] >= utf8.RuneSelf {
			return "", &FieldError{Field: field.String(), Reason: "address " + quote(addr) + " has a non-ASCII local part; SES does not support SMTPUTF8", Err: errNonASCII}
		}
	}
	if r := localReason(local); r != "" {
		return "", addrError(field, "address "+quote(addr)+": "+r, false)
	}
	ascii, err := punycode.ToASCII(domain)
	if err != nil {
		var pe *punycode.Error
		reason := "invalid domain"
		if errors.As(err, &pe) {
			reason = pe.Reason
		}
		return "", addrError(field, "address "+quote(addr)+": domain: "+reason, false)
	}
	if ascii == domain {
		if len(addr) > maxPath {
			return "", addrError(field, "address "+quote(addr)+" is longer than 254 octets", false)
		}
		return addr, nil
	}
	out := local + "@" + ascii
	if len(out) > maxPath {
		return "", addrError(field, "address "+quote(addr)+" is longer than 254 octets after punycode", false)
	}
	return out, nil
}

// localReason checks an ASCII local part: a dot-atom (RFC 5322 3.4.1). Quoted-string local parts
// ("a b"@example.com) are refused: they are valid RFC 5322 but rare, many receivers and ESPs mishandle
// them, and multipart.AppendAddressField writes dot-atoms only, so refusing them here keeps every
// address error a builder error.
func localReason(l string) string {
	if l[0] == '"' {
		return "quoted local parts are not supported"
	}
	if l[0] == '.' || l[len(l)-1] == '.' || strings.Contains(l, "..") {
		return "local part begins or ends with '.', or has '..'"
	}
	for i := 0; i < len(l); i++ {
		if c := l[i]; c != '.' && !atext[c] {
			return "character " + quote(string(rune(c))) + " in local part (quote the local part)"
		}
	}
	return ""
}

func quote(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return "\"" + s + "\""
}

// checkMessageID checks "id-left@id-right" (RFC 5322 3.6.4) without angle brackets: both sides
// dot-atom-text, or a no-fold-literal on the right.
func checkMessageID(id string) error {
	if id == "" {
		return fieldErr(fld("MessageID"), "empty", ErrInvalidMessageID)
	}
	if err := checkValue(fld("MessageID"), id); err != nil {
		return err
	}
	if id[0] == '<' || id[len(id)-1] == '>' {
		return fieldErr(fld("MessageID"), "give the Message-ID without angle brackets", ErrInvalidMessageID)
	}
	at := strings.LastIndexByte(id, '@')
	if at <= 0 || at == len(id)-1 {
		return fieldErr(fld("MessageID"), quote(id)+" is not id-left@id-right", ErrInvalidMessageID)
	}
	if len(id) > 900 {
		return fieldErr(fld("MessageID"), "longer than 900 octets", ErrInvalidMessageID)
	}
	left, right := id[:at], id[at+1:]
	if !dotAtom(left) {
		return fieldErr(fld("MessageID"), "id-left of "+quote(id)+" is not a dot-atom", ErrInvalidMessageID)
	}
	if right[0] == '[' && right[len(right)-1] == ']' {
		for i := 1; i < len(right)-1; i++ {
			if c := right[i]; c <= ' ' || c >= 0x7f || c == '[' || c == ']' || c == '\\' {
				return fieldErr(fld("MessageID"), "bad character in literal id-right of "+quote(id), ErrInvalidMessageID)
			}
		}
		return nil
	}
	if !dotAtom(right) {
		return fieldErr(fld("MessageID"), "id-right of "+quote(id)+" is not a dot-atom", ErrInvalidMessageID)
	}
	return nil
}

func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' || strings.Contains(s, "..") {
		return false
	}
	for i := 0; i < len(s); i++ {
		if c := s[i]; c != '.' && !atext[c] {
			return false
		}
	}
	return true
}

// checkContentID checks a Content-ID without angle brackets: printable ASCII from atext, '.' and
// '@' (a msg-id in practice, though clients accept ids without '@').
func checkContentID(field fieldName, cid string) error {
	if err := checkValue(field, cid); err != nil {
		return err
	}
	if cid == "" {
		return fieldErr(field, "empty Content-ID", ErrInvalidAttachment)
	}
	if len(cid) > 250 {
		return fieldErr(field, "Content-ID longer than 250 octets", ErrInvalidAttachment)
	}
	if cid[0] == '<' || cid[len(cid)-1] == '>' {
		return fieldErr(field, "give the Content-ID without angle brackets", ErrInvalidAttachment)
	}
	for i := 0; i < len(cid); i++ {
		if c := cid[i]; c != '.' && c != '@' && !atext[c] {
			return fieldErr(field, "Content-ID "+quote(cid)+" has a character outside atext, '.' and '@'", ErrInvalidAttachment)
		}
	}
	return nil
}

// Header names the builder writes itself, or never writes (Bcc, Resent-Bcc); a custom header with
// one of these names is ErrReservedHeader. Content-* and X-SES-* are matched by prefix.
var reservedNames = map[string]bool{
	"from": true, "to": true, "cc": true, "bcc": true, "subject": true, "date": true,
	"message-id": true, "mime-version": true, "return-path": true, "reply-to": true,
	"dkim-signature": true,
	// Resent-Bcc is a Bcc too (RFC 5322 3.6.6): its addresses would be disclosed to every recipient.
	"resent-bcc": true,
}

// lowerName lower-cases an ASCII header name into buf (no allocation for names up to len(buf)).
func lowerName(buf []byte, name string) []byte {
	buf = buf[:0]
	for i := 0; i < len(name); i++ {
		c := name[i]
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		buf = append(buf, c)
	}
	return buf
}

// checkHeaders validates the custom header fields.
func checkHeaders(hs []Header) error {
	var buf [64]byte
	for i := range hs {
		h := &hs[i]
		if !multipart.ValidFieldName(h.Name) {
			return fieldErr(fldAt("Headers", i, ".Name"), quote(h.Name)+" is not a valid header field name (printable ASCII without ':' or space)", ErrInvalidHeaderName)
		}
		if len(h.Name) > 200 {
			return fieldErr(fldAt("Headers", i, ".Name"), "longer than 200 octets", ErrInvalidHeaderName)
		}
		if sesrules.IsSESName(h.Name) {
			return fieldErr(fldAt("Headers", i, ".Name"), h.Name+" is an SES control header: set it through Message.SES, which validates it and writes it once at the top", ErrReservedHeader)
		}
		if len(h.Name) <= len(buf) {
			ln := lowerName(buf[:], h.Name)
			if reservedNames[string(ln)] || len(ln) > 8 && string(ln[:8]) == "content-" {
				reason := " is written by the builder from the Message fields"
				if string(ln) == "bcc" || string(ln) == "resent-bcc" {
					reason = " would disclose blind copies to every recipient (put the addresses in Message.Bcc)"
				}
				return fieldErr(fldAt("Headers", i, ".Name"), h.Name+reason, ErrReservedHeader)
			}
			if sesrules.IsSingleton(ln) {
				for j := range i {
					if strings.EqualFold(hs[j].Name, h.Name) {
						return fieldErr(fldAt("Headers", i, ".Name"), h.Name+" may appear only once (SES rejects duplicates); first at "+indexed("Headers", j), ErrDuplicateHeader)
					}
				}
			}
		}
		if err := checkValue(fldAt("Headers", i, ".Value"), h.Value); err != nil {
			return err
		}
	}
	return nil
}
