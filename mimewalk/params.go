package mimewalk

// ParamScanner reads a Content-Type or Content-Disposition value leniently, without allocating:
// the leading media type (or disposition type) as written, then each attribute=value parameter
// (RFC 2045 section 5.1). White space, line breaks and comments are skipped between tokens; a
// value is a token (up to ';' or white space) or a quoted string. Syntax problems do not stop it:
// the first one is kept (Bad) and reading resumes at the next ';'. Work is linear in the value.
// The walker finds the boundary parameter with it; preflight reads file names with it.
type ParamScanner struct {
	v      []byte
	i      int
	typ    []byte
	attr   []byte
	val    []byte
	quoted bool
	closed bool
	bad    BadParam
}

// BadParam describes the first syntax problem of a value: Kind is BadNone, BadSeparator (Text is
// the byte found where ';' was expected), BadNoValue (Text is the attribute without a value) or
// BadUnterminated (a quoted string without its closing quote).
type BadParam struct {
	Kind int
	Text []byte
}

// Kinds of BadParam.
const (
	BadNone = iota
	BadSeparator
	BadNoValue
	BadUnterminated
)

// Reset makes s read v and reads its type.
func (s *ParamScanner) Reset(v []byte) {
	*s = ParamScanner{v: v}
	i := skipCFWS(v, 0)
	st := i
	for i < len(v) && v[i] != ';' && !isFWS(v[i]) && v[i] != '(' {
		i++
	}
	s.typ, s.i = v[st:i], i
}

// Type returns the media type or disposition type as written (aliasing the value).
func (s *ParamScanner) Type() []byte { return s.typ }

// Bad returns the first syntax problem found so far.
func (s *ParamScanner) Bad() BadParam { return s.bad }

// Attr returns the current parameter's attribute as written.
func (s *ParamScanner) Attr() []byte { return s.attr }

// Value returns the current parameter's value as written: for a quoted string, the bytes between
// the quotes, escapes kept (see AppendUnquoted); Quoted reports which.
func (s *ParamScanner) Value() []byte { return s.val }

// Quoted reports whether the current value is a quoted string.
func (s *ParamScanner) Quoted() bool { return s.quoted }

// Closed reports whether the current quoted string has its closing quote.
func (s *ParamScanner) Closed() bool { return s.closed }

// Next advances to the next parameter; false at the end of the value.
func (s *ParamScanner) Next() bool {
	v := s.v
	i := s.i
	for {
		i = skipCFWS(v, i)
		if i >= len(v) {
			s.i = i
			return false
		}
		if v[i] != ';' {
			s.setBad(BadSeparator, v[i:i+1])
			for i < len(v) && v[i] != ';' {
				i++
			}
			continue
		}
		i = skipCFWS(v, i+1)
		if i >= len(v) {
			s.i = i
			return false // a trailing ';' is common and harmless
		}
		st := i
		for i < len(v) && !isTokenEnd(v[i]) {
			i++
		}
		attr := v[st:i]
		i = skipCFWS(v, i)
		if i >= len(v) || v[i] != '=' || len(attr) == 0 {
			s.setBad(BadNoValue, attr)
			continue
		}
		i = skipCFWS(v, i+1)
		s.attr, s.quoted, s.closed = attr, false, false
		if i < len(v) && v[i] == '"' {
			j := i + 1
			for j < len(v) && v[j] != '"' {
				if v[j] == '\\' {
					j++
				}
				j++
			}
			end := min(j, len(v))
			s.val, s.quoted, s.closed = v[i+1:end], true, j < len(v)
			if !s.closed {
				s.setBad(BadUnterminated, nil)
			}
			i = min(j+1, len(v))
		} else {
			st = i
			for i < len(v) && v[i] != ';' && !isFWS(v[i]) {
				i++
			}
			s.val = v[st:i]
		}
		s.i = i
		return true
	}
}

func (s *ParamScanner) setBad(kind int, text []byte) {
	if s.bad.Kind == BadNone {
		s.bad = BadParam{Kind: kind, Text: text}
	}
}

// AppendUnquoted appends the content of a quoted string as Value returns it: backslash escapes
// resolved, CR and LF (folding) removed.
func AppendUnquoted(dst, q []byte) []byte {
	for k := 0; k < len(q); k++ {
		switch q[k] {
		case '\\':
			if k+1 < len(q) {
				k++
				dst = append(dst, q[k])
			}
		case '\r', '\n':
		default:
			dst = append(dst, q[k])
		}
	}
	return dst
}

// skipCFWS skips white space, line breaks and comments from v[i:].
func skipCFWS(v []byte, i int) int {
	for i < len(v) {
		switch v[i] {
		case ' ', '\t', '\r', '\n':
			i++
		case '(':
			depth := 0
			for ; i < len(v); i++ {
				if v[i] == '\\' {
					i++
					continue
				}
				if v[i] == '(' {
					depth++
				} else if v[i] == ')' {
					depth--
					if depth == 0 {
						i++
						break
					}
				}
			}
		default:
			return i
		}
	}
	return i
}

func isFWS(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func isTokenEnd(b byte) bool {
	return b == ';' || b == '=' || b == '(' || b == '"' || isFWS(b)
}

// ValidBoundary reports whether b has RFC 2046's boundary syntax: 1 to 70 bchars, not ending in a
// space.
func ValidBoundary(b []byte) bool {
	if len(b) == 0 || len(b) > 70 || b[len(b)-1] == ' ' {
		return false
	}
	for _, x := range b {
		if 'a' <= x|0x20 && x|0x20 <= 'z' || '0' <= x && x <= '9' {
			continue
		}
		switch x {
		case '\'', '(', ')', '+', '_', ',', '-', '.', '/', ':', '=', '?', ' ':
			continue
		}
		return false
	}
	return true
}

// equalFold reports whether b equals the lower-case ASCII string s, ignoring ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != s[i] {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether b starts with the lower-case ASCII string s, ignoring ASCII case.
func hasPrefixFold(b []byte, s string) bool {
	return len(b) >= len(s) && equalFold(b[:len(s)], s)
}
