package preflight

import "bytes"

// addrScan is the scratch state of one address-list scan.
type addrScan struct {
	plain    []byte // mailbox bytes outside angle brackets, comments and white space
	ang      []byte // bytes inside angle brackets
	hadAngle bool

	plainArr, angArr [128]byte // first backing arrays
}

// checkAddresses checks the addresses of an address field (From, To, ...).
func (c *checker) checkAddresses(top *topState, f *field, kind int) {
	collect := kind == aFrom && !top.fromSeen
	if kind == aFrom {
		top.fromSeen = true
	}
	if (kind == aTo || kind == aCc || kind == aBcc) && top.recipLine == 0 {
		top.recipLine = f.line
	}
	if !c.walkAddrs(top, f, kind, collect) {
		if c.want(rAddressSyntax, Warning, f.line) {
			c.say(addrHeaderNames[kind] + " has unbalanced quotes, comments, " +
				"angle brackets or domain literals")
		}
	}
}

// walkAddrs scans an RFC 5322 address list (obsolete forms tolerated: routes, white space inside
// addresses) and passes each addr-spec, without comments and white space, to onAddr. It reports
// false if quotes, comments, angle brackets or domain literals are unbalanced.
func (c *checker) walkAddrs(top *topState, f *field, kind int, collect bool) bool {
	v := f.value
	s := &top.scan
	if s.plain == nil {
		s.plain, s.ang = s.plainArr[:0], s.angArr[:0]
	}
	s.plain, s.ang, s.hadAngle = s.plain[:0], s.ang[:0], false
	inAngle, ok := false, true
	for i := 0; i < len(v); i++ {
		b := v[i]
		switch b {
		case '"', '[':
			closer := byte('"')
			if b == '[' {
				closer = ']'
			}
			j := i + 1
			for j < len(v) && v[j] != closer {
				if v[j] == '\\' {
					j++
				}
				j++
			}
			if j >= len(v) {
				ok = false
				j = len(v) - 1
			}
			if inAngle {
				s.ang = append(s.ang, v[i:j+1]...)
			} else {
				s.plain = append(s.plain, v[i:j+1]...)
			}
			i = j
		case '(':
			depth, j := 1, i+1
			for ; j < len(v) && depth > 0; j++ {
				switch v[j] {
				case '\\':
					j++
				case '(':
					depth++
				case ')':
					depth--
				}
			}
			if depth > 0 {
				ok = false
			}
			i = j - 1
		case '<':
			if inAngle {
				ok = false
			}
			inAngle, s.hadAngle = true, true
			s.ang = s.ang[:0]
		case '>':
			if !inAngle {
				ok = false
			}
			inAngle = false
		case ':':
			if inAngle {
				s.ang = s.ang[:0] // end of an obsolete route: <@a,@b:user@example.com>
			} else {
				s.plain = s.plain[:0] // a group's display name
			}
		case ',':
			if !inAngle {
				c.flushAddr(top, f, kind, collect)
			}
		case ';':
			if !inAngle {
				c.flushAddr(top, f, kind, collect)
			}
		case ' ', '\t', '\r', '\n':
		default:
			if inAngle {
				s.ang = append(s.ang, b)
			} else {
				s.plain = append(s.plain, b)
			}
		}
	}
	if inAngle {
		ok = false
	}
	c.flushAddr(top, f, kind, collect)
	return ok
}

func (c *checker) flushAddr(top *topState, f *field, kind int, collect bool) {
	s := &top.scan
	addr := s.plain
	if s.hadAngle {
		addr = s.ang
	}
	s.plain, s.ang, s.hadAngle = s.plain[:0], s.ang[:0], false
	if len(addr) == 0 {
		return
	}
	if kind == aTo || kind == aCc || kind == aBcc {
		top.recipients++
	}
	switch {
	case hasHigh(addr):
		if c.want(rAddressNonASCII, Error, f.line) {
			c.say("address " + quote(addr) + " in " + addrHeaderNames[kind] +
				" has non-ASCII characters; SES does not support SMTPUTF8: the domain must be Punycode and " +
				"the local part ASCII")
		}
	case bytes.IndexByte(addr, '@') < 0:
		if c.want(rAddressSyntax, Warning, f.line) {
			c.say("address " + quote(addr) + " in " + addrHeaderNames[kind] +
				" has no @domain")
		}
	}
	if collect {
		top.addFrom(addr)
	}
}

// Address header kinds.
const (
	aNone = iota
	aFrom
	aSender
	aReplyTo
	aReturnPath
	aTo
	aCc
	aBcc
)

var addrHeaderNames = [...]string{aFrom: "From", aSender: "Sender", aReplyTo: "Reply-To",
	aReturnPath: "Return-Path", aTo: "To", aCc: "Cc", aBcc: "Bcc"}

func addrKind(name []byte) int {
	switch len(name) {
	case 2:
		switch {
		case equalFold(name, "to"):
			return aTo
		case equalFold(name, "cc"):
			return aCc
		}
	case 3:
		if equalFold(name, "bcc") {
			return aBcc
		}
	case 4:
		if equalFold(name, "from") {
			return aFrom
		}
	case 6:
		if equalFold(name, "sender") {
			return aSender
		}
	case 8:
		if equalFold(name, "reply-to") {
			return aReplyTo
		}
	case 11:
		if equalFold(name, "return-path") {
			return aReturnPath
		}
	}
	return aNone
}
