package xheaders

// Byte classes. The table is built once at package initialisation and never written afterwards.
const (
	cFtext = 1 << iota // RFC 5322 field-name character: printable US-ASCII 33..126 except ':'
	cWSP               // SP or HTAB
	cName              // [A-Za-z0-9_-]: configuration set, tag, list, topic and tenant names
	cLDH               // [A-Za-z0-9-]: domain label characters
	cAtext             // RFC 5322 atext (dot-atom local parts)
	cDigit             // [0-9]
	cLower             // [a-z]
)

var class = buildClass()

func buildClass() (t [256]uint8) {
	for c := 33; c <= 126; c++ {
		if c != ':' {
			t[c] |= cFtext
		}
	}
	t[' '] |= cWSP
	t['\t'] |= cWSP
	for c := '0'; c <= '9'; c++ {
		t[c] |= cName | cLDH | cAtext | cDigit
	}
	for c := 'a'; c <= 'z'; c++ {
		t[c] |= cName | cLDH | cAtext | cLower
		t[c-'a'+'A'] |= cName | cLDH | cAtext
	}
	t['-'] |= cName | cLDH | cAtext
	t['_'] |= cName | cAtext
	for _, c := range "!#$%&'*+/=?^`{|}~" {
		t[c] |= cAtext
	}
	return t
}

// lower folds an ASCII upper-case letter to lower case and leaves every other byte alone.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + ('a' - 'A')
	}
	return c
}

// equalFoldASCII reports whether a and b are equal under ASCII case folding.
func equalFoldASCII(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lower(a[i]) != lower(b[i]) {
			return false
		}
	}
	return true
}

// isWSP reports whether c is SP or HTAB.
func isWSP(c byte) bool { return class[c]&cWSP != 0 }
