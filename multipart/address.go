package multipart

// Address is a mailbox for header formatting: Name is a display name (Unicode allowed), Addr an ASCII
// addr-spec (local@domain; IDN domains must already be punycode).
type Address struct{ Name, Addr string }

// AppendAddressField appends "Name: addr, addr\r\n" (e.g. name "To") with display names as atoms,
// quoted-strings or RFC 2047 encoded words, folded between addresses (and inside long encoded names)
// so lines stay at most 78 octets where possible and never exceed 998.
func AppendAddressField(dst []byte, name string, addrs []Address) ([]byte, error) {
	if err := checkFieldName(name); err != nil {
		return dst, err
	}
	if len(addrs) == 0 {
		return dst, newErr(ErrInvalidAddress, "empty address list for "+quote(name))
	}
	for i := range addrs {
		if err := checkAddrSpec(addrs[i].Addr); err != nil {
			return dst, err
		}
		if err := checkText(addrs[i].Name, ErrInvalidAddress); err != nil {
			return dst, err
		}
	}
	var e emitter
	e.start(dst, name)
	for i := range addrs {
		a := &addrs[i]
		comma, closeAngle := ",", ">,"
		if i == len(addrs)-1 {
			comma, closeAngle = "", ">"
		}
		if a.Name == "" {
			e.raw(0, a.Addr, comma)
			continue
		}
		switch displayNameForm(a.Name) {
		case formAtoms:
			for s := 0; s < len(a.Name); {
				end := s
				for end < len(a.Name) && a.Name[end] != ' ' {
					end++
				}
				e.raw(0, a.Name[s:end], "")
				s = end + 1
			}
		case formQuoted:
			e.quoted(a.Name, "")
		default:
			e.encoded(a.Name)
		}
		e.raw('<', a.Addr, closeAngle)
	}
	return e.end(), nil
}

const (
	formAtoms = iota
	formQuoted
	formEncoded
)

// displayNameForm picks how a display name is written: as atoms when it is words of atext
// separated by single spaces, as a quoted-string when it is other printable ASCII that fits on a
// line, else as encoded words. Anything holding "=?" is encoded, since a decoder may take it for an
// encoded word (net/mail decodes atoms; some clients decode inside quoted-strings too).
func displayNameForm(s string) int {
	if hasEncodedWordStart(s) {
		return formEncoded
	}
	atoms := s[0] != ' ' && s[len(s)-1] != ' '
	word := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 0x20 || c > 0x7e {
			return formEncoded
		}
		if c == ' ' {
			if word == 0 {
				atoms = false
			}
			word = 0
			continue
		}
		word++
		if class[c]&cAtext == 0 || word > softLimit-2 {
			atoms = false
		}
	}
	if atoms {
		return formAtoms
	}
	if quotedLen(s) <= softLimit-2 {
		return formQuoted
	}
	return formEncoded
}

// checkAddrSpec accepts an RFC 5322 addr-spec whose local part and domain are both dot-atoms of
// ASCII atext (no quoted local parts, no domain literals, no comments), with RFC 5321 lengths:
// local part at most 64 octets, whole address at most 254.
func checkAddrSpec(a string) error {
	at := -1
	for i := 0; i < len(a); i++ {
		if a[i] == '@' {
			if at >= 0 {
				return newErr(ErrInvalidAddress, "more than one @ in "+quote(a))
			}
			at = i
		}
	}
	switch {
	case a == "":
		return newErr(ErrInvalidAddress, "empty address")
	case at < 0:
		return newErr(ErrInvalidAddress, "no @ in "+quote(a))
	case len(a) > 254:
		return newErr(ErrInvalidAddress, "longer than 254 octets: "+quote(a))
	case at > 64:
		return newErr(ErrInvalidAddress, "local part longer than 64 octets: "+quote(a))
	case !dotAtom(a[:at]):
		return newErr(ErrInvalidAddress, "local part is not a dot-atom of ASCII atext: "+quote(a))
	case !dotAtom(a[at+1:]):
		return newErr(ErrInvalidAddress, "domain is not a dot-atom of ASCII atext (IDNs must be punycode): "+quote(a))
	}
	return nil
}

func dotAtom(s string) bool {
	if s == "" || s[0] == '.' || s[len(s)-1] == '.' {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '.' {
			if s[i-1] == '.' {
				return false
			}
			continue
		}
		if class[c]&cAtext == 0 {
			return false
		}
	}
	return true
}
