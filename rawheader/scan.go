package rawheader

import "bytes"

// Flags records what a Scanner saw that is not an error but that a tool may have to report or
// refuse: see the package documentation for what each tool does with each.
type Flags uint8

// Flags.
const (
	FlagMboxFrom    Flags = 1 << iota // the input starts with an mbox "From " line, which was skipped
	FlagBareLF                        // a line of the header block (or the separator) ends in a bare LF
	FlagObsColon                      // a field has blanks between its name and the colon (obsolete syntax)
	FlagNoSeparator                   // no empty line: the header block runs to the end of the input
)

// Field is one header field. Byte slices alias the input and are valid only as long as it is.
type Field struct {
	Name  []byte // the name as written; blanks between it and the colon (obsolete syntax) excluded
	Value []byte // everything after the colon up to the final line break (excluded), folding included
	Start int    // offset of the field's first byte
	Colon int    // offset of the colon
	End   int    // offset just past the field's final line break (or the end of the input)
	Line  int    // 1-based line number of the field's first line
	Lines int    // number of lines: 1 plus the continuation lines
}

// ObsColon reports whether blanks stand between the name and the colon ("Subject : x").
func (f *Field) ObsColon() bool { return f.Start+len(f.Name) != f.Colon }

// Raw returns the whole field as it is in src (the slice the Scanner was given): name, colon,
// value, continuation lines and the final line break.
func (f *Field) Raw(src []byte) []byte { return src[f.Start:f.End:f.End] }

// AppendUnfolded appends the value with every line break before a continuation line deleted
// (RFC 5322 section 2.2.3) and leading and trailing blanks trimmed. It allocates only if dst must
// grow.
func (f *Field) AppendUnfolded(dst []byte) []byte { return AppendUnfolded(dst, f.Value) }

// AppendUnfolded appends a field value v (as Field.Value holds it) unfolded and trimmed; see
// Field.AppendUnfolded.
func AppendUnfolded(dst, v []byte) []byte {
	start := len(dst)
	for {
		i := bytes.IndexByte(v, '\n')
		if i < 0 {
			dst = append(dst, v...)
			break
		}
		j := i
		if j > 0 && v[j-1] == '\r' {
			j--
		}
		dst = append(dst, v[:j]...)
		v = v[i+1:]
	}
	out := dst[start:]
	k, e := 0, len(out)
	for k < e && isWSP(out[k]) {
		k++
	}
	for e > k && isWSP(out[e-1]) {
		e--
	}
	n := copy(out, out[k:e])
	return dst[:start+n]
}

// Unfolded returns the value unfolded and trimmed as a string.
func (f *Field) Unfolded() string {
	v := f.Value
	if bytes.IndexByte(v, '\n') < 0 {
		return string(TrimBlanks(v))
	}
	return string(AppendUnfolded(make([]byte, 0, len(v)), v))
}

// TrimBlanks returns b without leading and trailing SP and HTAB.
func TrimBlanks(b []byte) []byte {
	for len(b) > 0 && isWSP(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isWSP(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// Scanner reads the header block of a raw message held in memory, field by field, the one way
// every sesraw package and command reads it (see the package documentation). It does not allocate
// except for the error it reports. The zero Scanner is ready after Reset.
type Scanner struct {
	src   []byte
	lim   Limits
	pos   int
	line  int
	nf    int
	start int
	end   int
	body  int
	flags Flags
	done  bool
	begun bool
	cur   span // the current field, as offsets (no pointers to write on the hot path)
	err   error
}

// span is a field as offsets into src.
type span struct{ start, nameEnd, colon, ve, end, line, lines int }

// Reset makes s read src from its beginning with the default Limits.
func (s *Scanner) Reset(src []byte) { s.ResetLimits(src, Limits{}) }

// ResetLimits makes s read src from its beginning with the given limits.
func (s *Scanner) ResetLimits(src []byte, lim Limits) {
	*s = Scanner{src: src, lim: lim.norm(), line: 1}
}

// Next advances to the next field; it returns false at the end of the header block or on error.
func (s *Scanner) Next() bool { return s.next("") }

// NextPrefix advances to the next field whose name starts with prefix (ASCII case-insensitive;
// prefix must be ASCII), reading the fields in between as Next does. It is Next for a caller that
// wants only some fields (xheaders wants "X-SES-"), without the cost of returning every field.
func (s *Scanner) NextPrefix(prefix string) bool { return s.next(prefix) }

func (s *Scanner) next(prefix string) bool {
	if s.done {
		return false
	}
	if !s.begun {
		s.begin()
		if s.done {
			return false
		}
	}
	src := s.src
	p := s.pos
again:
	if p >= len(src) {
		s.flags |= FlagNoSeparator
		s.finish(len(src), len(src))
		return false
	}
	switch src[p] {
	case '\n':
		s.flags |= FlagBareLF
		s.finish(p, p+1)
		return false
	case '\r':
		if p+1 < len(src) && src[p+1] == '\n' {
			s.finish(p, p+2)
			return false
		}
		return s.fail(p, p, "bare CR (a CR not followed by LF)", ErrBareCR)
	}
	q := p
	for q < len(src) && ftext[src[q]] {
		q++
	}
	if q == p {
		if isWSP(src[p]) {
			return s.fail(p, p, "the header block starts with a continuation line", ErrNotAField)
		}
		return s.fail(p, p, "the line is not a header field (it does not start with a field name)", ErrNotAField)
	}
	nameEnd := q
	for q < len(src) && isWSP(src[q]) {
		q++
	}
	if q == len(src) || src[q] != ':' {
		return s.fail(p, q, "the line is not a header field (no colon after the field name)", ErrNotAField)
	}
	if q != nameEnd {
		s.flags |= FlagObsColon
	}
	colon := q
	e := colon + 1
	lines := 1
	for {
		i := bytes.IndexByte(src[e:], '\n')
		if i < 0 {
			if k := bytes.IndexByte(src[e:], '\r'); k >= 0 {
				return s.fail(p, e+k, "bare CR (a CR not followed by LF) in field "+quoteName(src[p:nameEnd]), ErrBareCR)
			}
			e = len(src)
			break
		}
		k := e + i
		// The only CR a line may hold is the one right before its LF.
		if c := bytes.IndexByte(src[e:k], '\r'); c >= 0 && e+c != k-1 {
			return s.fail(p, e+c, "bare CR (a CR not followed by LF) in field "+quoteName(src[p:nameEnd]), ErrBareCR)
		}
		if src[k-1] != '\r' {
			s.flags |= FlagBareLF
		}
		e = k + 1
		if e < len(src) && isWSP(src[e]) {
			if lines++; lines > s.lim.MaxFieldLines {
				return s.over(p, "lines per field", s.lim.MaxFieldLines, ErrTooManyLines)
			}
			continue
		}
		break
	}
	if e-s.start > s.lim.MaxBytes {
		return s.over(p, "header bytes", s.lim.MaxBytes, ErrTooManyBytes)
	}
	if s.nf++; s.nf > s.lim.MaxFields {
		return s.over(p, "header fields", s.lim.MaxFields, ErrTooManyFields)
	}
	if len(prefix) > 0 && !hasPrefixFold(src[p:nameEnd], prefix) {
		s.line += lines
		s.pos = e
		p = e
		goto again
	}
	ve := e
	if ve > colon+1 && src[ve-1] == '\n' {
		ve--
		if ve > colon+1 && src[ve-1] == '\r' {
			ve--
		}
	}
	s.cur = span{start: p, nameEnd: nameEnd, colon: colon, ve: ve, end: e, line: s.line, lines: lines}
	s.line += lines
	s.pos = e
	return true
}

// begin handles what can only stand at the start of the input: a byte-order mark (an error) and an
// mbox "From " line (skipped, FlagMboxFrom).
func (s *Scanner) begin() {
	s.begun = true
	src := s.src
	if len(src) >= 3 && src[0] == 0xEF && src[1] == 0xBB && src[2] == 0xBF {
		s.fail(0, 0, "the message starts with a byte-order mark (U+FEFF), which is not part of a field name", ErrNotAField)
		return
	}
	if isMboxFrom(src) {
		e := len(src)
		if i := bytes.IndexByte(src, '\n'); i >= 0 {
			e = i + 1
		}
		if e-1 > s.lim.MaxBytes {
			s.over(0, "header bytes", s.lim.MaxBytes, ErrTooManyBytes)
			return
		}
		s.flags |= FlagMboxFrom
		s.start, s.pos, s.line = e, e, 2
	}
}

// isMboxFrom reports whether src starts with an mbox From line: "From" and a space, not followed
// (after blanks) by a colon, which would make it a From field in obsolete syntax.
func isMboxFrom(src []byte) bool {
	if len(src) < 5 || string(src[:5]) != "From " {
		return false
	}
	q := 5
	for q < len(src) && isWSP(src[q]) {
		q++
	}
	return q == len(src) || src[q] != ':'
}

func (s *Scanner) finish(end, body int) {
	s.done = true
	s.end, s.body, s.pos = end, body, body
	s.cur = span{}
}

func (s *Scanner) fail(off, at int, reason string, kind error) bool {
	line := s.line
	if off < s.pos { // an error inside the current field: it started at s.pos
		off = s.pos
	}
	s.err = &SyntaxError{Offset: off, Line: line, At: at, Reason: reason, Err: kind}
	s.finish(off, off)
	return false
}

func (s *Scanner) over(off int, what string, max int, kind error) bool {
	s.err = &LimitError{Limit: what, Max: max, Offset: off, Line: s.line, Err: kind}
	s.finish(off, off)
	return false
}

// Field returns the current field.
func (s *Scanner) Field() Field {
	c := &s.cur
	return Field{Name: s.src[c.start:c.nameEnd:c.nameEnd], Value: s.src[c.colon+1 : c.ve : c.ve],
		Start: c.start, Colon: c.colon, End: c.end, Line: c.line, Lines: c.lines}
}

// Name returns the current field's name (Field().Name, without building the Field).
func (s *Scanner) Name() []byte { return s.src[s.cur.start:s.cur.nameEnd:s.cur.nameEnd] }

// Err returns the error that ended the header block: a *SyntaxError or a *LimitError, or nil.
func (s *Scanner) Err() error { return s.err }

// Flags returns what the Scanner has seen so far (complete once Next has returned false).
func (s *Scanner) Flags() Flags { return s.flags }

// Start returns the offset of the header block's first byte: 0, or the offset just past a leading
// mbox From line.
func (s *Scanner) Start() int {
	if !s.begun {
		s.begin()
	}
	return s.start
}

// End returns, once Next has returned false, the offset at which the header block ends: the offset
// of the empty line, of the line the error is about, or len(src) when there is no empty line.
func (s *Scanner) End() int { return s.end }

// BodyOffset returns, once Next has returned false, the offset of the first body byte: just past
// the empty line; End when there is none or on error.
func (s *Scanner) BodyOffset() int { return s.body }

// hasPrefixFold reports whether name starts with the ASCII string prefix, ignoring ASCII case.
func hasPrefixFold(name []byte, prefix string) bool {
	if len(name) < len(prefix) {
		return false
	}
	for i := 0; i < len(prefix); i++ {
		if a, b := name[i], prefix[i]; a != b && (a|0x20 != b|0x20 || a|0x20 < 'a' || a|0x20 > 'z') {
			return false
		}
	}
	return true
}

func quoteName(name []byte) string {
	if len(name) > 64 {
		name = name[:64]
	}
	return string(name)
}

func isWSP(c byte) bool { return c == ' ' || c == '\t' }

// ftext marks the bytes of a field name: printable US-ASCII except colon (RFC 5322 section 3.6.8).
var ftext = func() (t [256]bool) {
	for c := 33; c <= 126; c++ {
		t[c] = c != ':'
	}
	return t
}()
