package multipart

import "unicode/utf8"

const maxParamNameLen = 64 // leaves room for "name*NN*=" and a few octets of value on a 78-octet line

// Plain forms of a parameter value (RFC 2045 §5.1).
const (
	plainNone = iota
	plainToken
	plainQuoted
)

// plainForm reports whether value can be written as a token or a quoted-string that fits on one
// line with its name. Values holding '"' or '\\' are not quoted (RFC 2231 percent-encoding is
// unambiguous for every parser, backslash escapes are not), nor values holding "=?" (clients
// decode encoded words inside quoted parameters).
func plainForm(name, value string, quoteTokens bool) int {
	tok := value != "" && !quoteTokens
	for i := 0; i < len(value); i++ {
		c := value[i]
		if class[c]&cToken == 0 {
			tok = false
			if c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
				return plainNone
			}
		}
	}
	if tok {
		if 1+len(name)+1+len(value)+1 <= softLimit {
			return plainToken
		}
		return plainNone
	}
	if hasEncodedWordStart(value) || 1+len(name)+1+len(value)+2+1 > softLimit {
		return plainNone
	}
	return plainQuoted
}

// checkParamName accepts an RFC 2045 token without the RFC 2231 syntax characters * ' %.
func checkParamName(name string) error {
	if name == "" || len(name) > maxParamNameLen {
		return newErr(ErrInvalidPart, "parameter name empty or longer than 64 octets: "+quote(name))
	}
	for i := 0; i < len(name); i++ {
		if class[name[i]]&cAttr == 0 {
			return newErr(ErrInvalidPart, "parameter name is not a token: "+quote(name))
		}
	}
	return nil
}

// param emits "; name=value" in the first form that works: token, quoted-string, RFC 2231
// extended value (name*=utf-8 and two apostrophes, then percent-encoded octets), or RFC 2231
// continuations (name*0*=..., name*1*=...)
// when the extended value does not fit on one line. value must be valid UTF-8 without CR, LF, NUL.
func (e *emitter) param(name, value string) { e.paramQ(name, value, false) }

// paramQ is param, writing a token as a quoted-string when quoteTokens is set (filenames: many
// clients expect them quoted).
func (e *emitter) paramQ(name, value string, quoteTokens bool) {
	switch plainForm(name, value, quoteTokens) {
	case plainToken:
		e.semicolon()
		e.sep(len(name) + 1 + len(value) + 1)
		e.dst = append(e.dst, name...)
		e.dst = append(e.dst, '=')
		e.dst = append(e.dst, value...)
		e.col += len(name) + 1 + len(value)
		return
	case plainQuoted:
		e.semicolon()
		e.sep(len(name) + 1 + len(value) + 2 + 1)
		e.dst = append(e.dst, name...)
		e.dst = append(e.dst, '=', '"')
		e.dst = append(e.dst, value...)
		e.dst = append(e.dst, '"')
		e.col += len(name) + 1 + len(value) + 2
		return
	}
	const charsetPrefix = "utf-8''"
	n := len(charsetPrefix)
	for i := 0; i < len(value); i++ {
		n += pctWidth(value[i])
	}
	if 1+len(name)+2+n+1 <= softLimit {
		e.semicolon()
		e.sep(len(name) + 2 + n + 1)
		e.dst = append(e.dst, name...)
		e.dst = append(e.dst, '*', '=')
		e.dst = append(e.dst, charsetPrefix...)
		e.dst = appendPct(e.dst, value)
		e.col += len(name) + 2 + n
		return
	}
	for k := 0; k == 0 || value != ""; k++ {
		// "name*" + k + "*=" [+ "utf-8''"], then as many whole characters as fit the line.
		head := len(name) + 1 + decLen(k) + 2
		if k == 0 {
			head += len(charsetPrefix)
		}
		budget := softLimit - 1 - head - 1
		take, w := 0, 0
		for take < len(value) {
			size := 1
			if value[take] >= utf8.RuneSelf {
				_, size = utf8.DecodeRuneInString(value[take:])
			}
			cw := 0
			for j := take; j < take+size; j++ {
				cw += pctWidth(value[j])
			}
			if w+cw > budget && take > 0 {
				break
			}
			w += cw
			take += size
		}
		e.semicolon()
		e.sep(head + w + 1)
		e.dst = append(e.dst, name...)
		e.dst = append(e.dst, '*')
		e.dst = appendDec(e.dst, k)
		e.dst = append(e.dst, '*', '=')
		if k == 0 {
			e.dst = append(e.dst, charsetPrefix...)
		}
		e.dst = appendPct(e.dst, value[:take])
		e.col += head + w
		value = value[take:]
	}
}

// ewParam emits `; name="=?utf-8?b?...?= =?utf-8?b?...?="`: the value as RFC 2047 encoded words
// inside a quoted-string, which is not standard but is what clients that ignore RFC 2231 (and
// read only Content-Type name=) understand. Folds fall between encoded words, inside the quotes;
// a decoder drops the whitespace between encoded words.
func (e *emitter) ewParam(name, value string) {
	e.semicolon()
	useB := preferB(value)
	e.sepLimit(len(name)+2+ewOverhead+firstCharWidth(value, useB)+2, ewLimit)
	e.dst = append(e.dst, name...)
	e.dst = append(e.dst, '=', '"')
	e.col += len(name) + 2
	for {
		room := ewLimit - e.col - 2 // keep room for `";`
		if room > maxEWLen {
			room = maxEWLen
		}
		l := len(e.dst)
		var n int
		e.dst, n = appendEncodedWord(e.dst, value, useB, room)
		e.col += len(e.dst) - l
		e.ew = true
		value = value[n:]
		if value == "" {
			break
		}
		e.dst = append(e.dst, '\r', '\n', ' ')
		e.col = 1
	}
	e.dst = append(e.dst, '"')
	e.col++
}

func (e *emitter) semicolon() {
	e.dst = append(e.dst, ';')
	e.col++
}

func pctWidth(c byte) int {
	if class[c]&cAttr != 0 {
		return 1
	}
	return 3
}

func appendPct(dst []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		c := s[i]
		if class[c]&cAttr != 0 {
			dst = append(dst, c)
		} else {
			dst = append(dst, '%', upperHex[c>>4], upperHex[c&15])
		}
	}
	return dst
}

func decLen(k int) int {
	n := 1
	for k >= 10 {
		k /= 10
		n++
	}
	return n
}

func appendDec(dst []byte, k int) []byte {
	var b [20]byte
	i := len(b)
	for {
		i--
		b[i] = byte('0' + k%10)
		k /= 10
		if k == 0 {
			break
		}
	}
	return append(dst, b[i:]...)
}

// checkMediaType accepts type "/" subtype, both RFC 2045 tokens of at most 127 octets (RFC 6838).
func checkMediaType(mt string) error {
	slash := -1
	for i := 0; i < len(mt); i++ {
		c := mt[i]
		if c == '/' && slash < 0 {
			slash = i
			continue
		}
		if class[c]&cToken == 0 {
			return newErr(ErrInvalidPart, "invalid media type "+quote(mt))
		}
	}
	if slash <= 0 || slash == len(mt)-1 || slash > 127 || len(mt)-slash-1 > 127 {
		return newErr(ErrInvalidPart, "invalid media type "+quote(mt))
	}
	return nil
}
