package multipart

// Byte classes, one bit each, looked up in a 256-entry table (no branches per class on hot paths).
const (
	cToken = 1 << iota // RFC 2045 token: CHAR except SPACE, CTLs and tspecials
	cAtext             // RFC 5322 atext
	cQSafe             // RFC 2047 §5(3) Q-encoding characters allowed raw in a phrase: ALPHA DIGIT ! * + - /
	cAttr              // RFC 2231 attribute-char: token except * ' %
	cVchar             // 0x21..0x7E
	cCIDOK             // allowed in a Content-ID: atext plus . @ [ ]
	cQPLit             // quoted-printable literal: 0x21..0x7E except '=', plus SP and TAB (not before a line break)
)

var class = func() (t [256]uint8) {
	for c := 0x21; c <= 0x7e; c++ {
		t[c] |= cVchar
		if c != '=' {
			t[c] |= cQPLit
		}
		if !isTSpecial(byte(c)) {
			t[c] |= cToken
			if c != '*' && c != '\'' && c != '%' {
				t[c] |= cAttr
			}
		}
		if isAlnum(byte(c)) || indexByte("!#$%&'*+-/=?^_`{|}~", byte(c)) >= 0 {
			t[c] |= cAtext | cCIDOK
		}
		if isAlnum(byte(c)) || indexByte("!*+-/", byte(c)) >= 0 {
			t[c] |= cQSafe
		}
		if indexByte(".@[]", byte(c)) >= 0 {
			t[c] |= cCIDOK
		}
	}
	t[' '] |= cQPLit
	t['\t'] |= cQPLit
	return t
}()

func isAlnum(c byte) bool {
	return 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9'
}

func isTSpecial(c byte) bool { return indexByte(`()<>@,;:\"/[]?=`, c) >= 0 }

func indexByte(s string, c byte) int {
	for i := 0; i < len(s); i++ {
		if s[i] == c {
			return i
		}
	}
	return -1
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' }

const upperHex = "0123456789ABCDEF"

// hasEncodedWordStart reports whether s contains "=?", the start of something a decoder may take for an
// RFC 2047 encoded word.
func hasEncodedWordStart(s string) bool {
	for i := 1; i < len(s); i++ {
		if s[i] == '?' && s[i-1] == '=' {
			return true
		}
	}
	return false
}

// equalFold reports whether s equals lower (an ASCII lower-case string) ignoring ASCII case.
func equalFold(s, lower string) bool {
	if len(s) != len(lower) {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// equalFoldASCII reports whether a and b are equal ignoring ASCII case.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

func hasPrefixFold(s, lower string) bool {
	return len(s) >= len(lower) && equalFold(s[:len(lower)], lower)
}
