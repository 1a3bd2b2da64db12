package rawheader

import (
	"bytes"
	"encoding/binary"
	"math/bits"
)

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
	// Trim first: leading and trailing blanks, and the line breaks among them, which unfolding
	// would delete (an LF, and a CR right before it). A CR not before an LF stays, and stops the
	// trimming as any other byte does.
	for len(v) > 0 {
		if c := v[0]; isWSP(c) || c == '\n' {
			v = v[1:]
		} else if c == '\r' && len(v) > 1 && v[1] == '\n' {
			v = v[2:]
		} else {
			break
		}
	}
	for n := len(v); n > 0; n = len(v) {
		if c := v[n-1]; isWSP(c) {
			v = v[:n-1]
		} else if c == '\n' {
			if n > 1 && v[n-2] == '\r' {
				n--
			}
			v = v[:n-1]
		} else {
			break
		}
	}
	for {
		i := bytes.IndexByte(v, '\n')
		if i < 0 {
			return append(dst, v...)
		}
		j := i
		if j > 0 && v[j-1] == '\r' {
			j--
		}
		dst = append(dst, v[:j]...)
		v = v[i+1:]
	}
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
	src     []byte
	lim     Limits
	pos     int
	line    int
	nf      int
	start   int
	end     int
	body    int
	flags   Flags
	done    bool
	begun   bool
	fast    bool // begun, not done, and read by nextFast
	slow    bool // nextFast gave up on this input: nextExact reads the rest
	rewound bool // NextPrefixBatch gave up and started over
	vfrom   int  // nextFast: offset from which bytes are not yet checked for a bare CR
	vcrlf   int  // nextFast: lines ending in CRLF from vfrom on
	cur     span // the current field, as offsets (no pointers to write on the hot path)
	err     error
}

// span is a field as offsets into src.
type span struct{ start, nameEnd, colon, ve, end, line, lines int }

// Reset makes s read src from its beginning with the default Limits.
func (s *Scanner) Reset(src []byte) { s.ResetLimits(src, Limits{}) }

// ResetLimits makes s read src from its beginning with the given limits.
func (s *Scanner) ResetLimits(src []byte, lim Limits) {
	if lim == (Limits{}) {
		lim = defaultLimits
	} else {
		lim = lim.norm()
	}
	// Cleared, then set field by field: a composite literal is built on the stack and copied in
	// 16-byte moves, whose loads wait for the 8-byte stores they straddle.
	*s = Scanner{}
	s.src, s.lim, s.line = src, lim, 1
}

// Next advances to the next field; it returns false at the end of the header block or on error.
func (s *Scanner) Next() bool { return s.next("", false) }

// NextPrefix advances to the next field whose name starts with prefix (ASCII case-insensitive;
// prefix must be ASCII), reading the fields in between as Next does. It is Next for a caller that
// wants only some fields (xheaders wants "X-SES-"), without the cost of returning every field.
func (s *Scanner) NextPrefix(prefix string) bool { return s.next(prefix, false) }

// NextPrefixBatch is NextPrefix for a caller that reads the whole header block and can start over:
// it checks the fields it returns for a bare CR all at once when the block ends, not one by one,
// which saves work on every field it returns. When the block turns out to need the exact,
// line-by-line reading (a bare CR, a line that is not a field, a limit: anything Err would report),
// NextPrefixBatch returns false with Rewound reporting true and s reset to the start of the input:
// the caller must then forget every field NextPrefixBatch returned and read the block again with
// NextPrefix, which gives the fields before the offending line and the error. Otherwise it returns
// exactly what NextPrefix would.
func (s *Scanner) NextPrefixBatch(prefix string) bool { return s.next(prefix, true) }

// Rewound reports whether NextPrefixBatch gave up and reset s to the start of the input.
func (s *Scanner) Rewound() bool { return s.rewound }

// Span is where a field is: the offsets of its first byte and just past its final line break, and
// of the end of its name (blanks before the colon excluded) and of its colon. The name is
// src[Start:NameEnd], the value src[Colon+1:End] without the final line break (Value).
type Span struct{ Start, NameEnd, Colon, End int }

// Value returns the field's value in src (the input the Span is about), as Field.Value holds it.
func (sp Span) Value(src []byte) []byte {
	ve := sp.End
	if ve > sp.Colon+1 && src[ve-1] == '\n' {
		ve--
		if ve > sp.Colon+1 && src[ve-1] == '\r' {
			ve--
		}
	}
	return src[sp.Colon+1 : ve : ve]
}

// PrefixSpans reads the whole header block from where s is and reports where the fields whose name
// starts with prefix (ASCII case-insensitive; prefix must be ASCII) are: it stores the Span of the
// first len(spans) of them in spans and returns how many there are in all, which may be more than
// len(spans). The fields are those NextPrefix would return, in the same order; afterwards End,
// BodyOffset, Err and Flags are what they are once NextPrefix has returned false. It is a loop over
// NextPrefix for a caller that wants only where the fields are (xheaders' Read and Remove): called
// right after Reset or ResetLimits, it reads the block in one loop that keeps no line numbers,
// compares names with the prefix a word at a time, checks the block for bare CR once, at its end,
// and returns to the caller once; called later (after Next or NextPrefix) it reads on from the
// current field, line by line. It does not allocate except for the error it reports.
func (s *Scanner) PrefixSpans(prefix string, spans []Span) int {
	if s.done {
		return 0
	}
	fresh := !s.begun
	if fresh {
		s.begin()
		if s.done {
			return 0
		}
	}
	if fresh && s.fast {
		if n, ok := s.spansFast(prefix, spans); ok {
			return n
		}
		// The fast reading gave up without changing s: the exact reading decides, from the
		// same place.
	}
	s.fast, s.slow = false, true
	n := 0
	for s.nextExact(prefix) {
		if n < len(spans) {
			spans[n] = s.FieldSpan()
		}
		n++
	}
	return n
}

func (s *Scanner) next(prefix string, batch bool) bool {
	if s.fast {
		switch s.nextFast(prefix, batch) {
		case fastField:
			return true
		case fastEnd:
			return false
		}
		if s.vfrom < s.pos { // fields were returned unchecked (NextPrefixBatch): start over
			src, lim := s.src, s.lim
			*s = Scanner{src: src, lim: lim, line: 1, rewound: true, slow: true}
			return false
		}
		// The fast path saw something it does not decide (a bare CR, an error, a limit); it left
		// s as it was, and the exact reading below decides.
		s.fast, s.slow = false, true
	}
	if s.done {
		return false
	}
	if !s.begun {
		s.begin()
		if s.fast {
			return s.next(prefix, batch)
		}
		if s.done {
			return false
		}
	}
	return s.nextExact(prefix)
}

// Results of nextFast.
const (
	fastField = iota // a field was found and is current
	fastEnd          // the header block ended normally (empty line or end of input)
	fastRetry        // nothing changed: read again with nextExact
)

// nextFast is nextExact for the common case, with the same result whenever it does not return
// fastRetry. Instead of looking for a CR in every line, it counts the lines that end in CRLF and
// compares that with the number of CRs in the bytes it read (one bytes.Count, only before it
// reports something, or in batch mode only at the end of the block): a CR not followed by LF makes
// the two differ. On any difference, error or limit it leaves s as it was and returns fastRetry,
// so that nextExact reads the same bytes again and gives the exact verdict (which field, which
// line, which error comes first).
func (s *Scanner) nextFast(prefix string, batch bool) int {
	src := s.src
	p := s.pos
	line, nf, flags := s.line, s.nf, s.flags
	crlf := s.vcrlf // lines ending in CRLF from "from" on
	maxEnd := s.start + s.lim.MaxBytes
	if maxEnd < s.start { // overflow: no byte limit in practice
		maxEnd = int(^uint(0) >> 1)
	}
	for {
		if p >= len(src) {
			if nf > s.lim.MaxFields || bytes.Count(src[s.vfrom:p], crByte) != crlf {
				return fastRetry
			}
			s.line, s.nf, s.flags = line, nf, flags|FlagNoSeparator
			s.finish(len(src), len(src))
			return fastEnd
		}
		switch src[p] {
		case '\n':
			if nf > s.lim.MaxFields || bytes.Count(src[s.vfrom:p], crByte) != crlf {
				return fastRetry
			}
			s.line, s.nf, s.flags = line, nf, flags|FlagBareLF
			s.finish(p, p+1)
			return fastEnd
		case '\r':
			if p+1 >= len(src) || src[p+1] != '\n' || nf > s.lim.MaxFields || bytes.Count(src[s.vfrom:p], crByte) != crlf {
				return fastRetry
			}
			s.line, s.nf, s.flags = line, nf, flags
			s.finish(p, p+2)
			return fastEnd
		}
		// The field name: ftextEnd, by hand inlined (a call per field costs more than most names).
		q := p
		for q+8 <= len(src) {
			w := binary.LittleEndian.Uint64(src[q:])
			if m := notFtext(w); m != 0 {
				q += bits.TrailingZeros64(m) >> 3
				goto name
			}
			q += 8
		}
		for q < len(src) && ftext[src[q]] {
			q++
		}
	name:
		nameEnd := q
		if q == p {
			return fastRetry
		}
		if q == len(src) || src[q] != ':' { // the colon right after the name is the common case
			for q < len(src) && isWSP(src[q]) {
				q++
			}
			if q == len(src) || src[q] != ':' {
				return fastRetry
			}
			flags |= FlagObsColon
		}
		colon := q
		// The line's LF is looked for from the line's start, not from the colon: no name byte and
		// no colon is an LF, so it is the same LF, and the search need not wait for the name's
		// end, which the processor then works out beside it (it only decides branches).
		e := p
		lines := 1
		for {
			i := bytes.IndexByte(src[e:], '\n')
			if i < 0 {
				e = len(src)
				break
			}
			k := e + i
			if src[k-1] == '\r' { // k-1 >= colon: the byte before the LF is in this field
				crlf++
			} else {
				flags |= FlagBareLF
			}
			e = k + 1
			if e < len(src) && isWSP(src[e]) {
				if lines++; lines > s.lim.MaxFieldLines {
					return fastRetry
				}
				continue
			}
			break
		}
		if e > maxEnd {
			return fastRetry
		}
		nf++ // checked against the limit before nextFast reports anything (it only grows)
		if len(prefix) > 0 && (src[p]|0x20 != prefix[0]|0x20 || !hasPrefixFold(src[p:nameEnd], prefix)) {
			line += lines
			p = e
			continue
		}
		if nf > s.lim.MaxFields {
			return fastRetry
		}
		if batch {
			s.vcrlf = crlf
		} else {
			if bytes.Count(src[s.vfrom:e], crByte) != crlf {
				return fastRetry
			}
			s.vfrom, s.vcrlf = e, 0
		}
		ve := e
		if ve > colon+1 && src[ve-1] == '\n' {
			ve--
			if ve > colon+1 && src[ve-1] == '\r' {
				ve--
			}
		}
		c := &s.cur
		c.start, c.nameEnd, c.colon, c.ve, c.end, c.line, c.lines = p, nameEnd, colon, ve, e, line, lines
		s.line, s.nf, s.flags = line+lines, nf, flags
		s.pos = e
		return fastField
	}
}

// spansFast is PrefixSpans' fast reading of a whole header block, from its start: nextFast in a
// loop of its own, which keeps only what PrefixSpans needs (no line numbers, no current field) and
// compares names with the prefix a word at a time. It returns the number of fields whose name
// starts with prefix, their spans stored in spans, and true, with s finished as nextFast leaves it;
// or false with s unchanged, when the exact reading must decide (a bare CR, a line that is not a
// field, obsolete syntax, a limit).
func (s *Scanner) spansFast(prefix string, spans []Span) (int, bool) {
	src := s.src
	p := s.pos
	maxEnd := s.start + s.lim.MaxBytes
	if maxEnd < s.start { // overflow: no byte limit in practice
		maxEnd = int(^uint(0) >> 1)
	}
	pw := prefixWordOf(prefix)
	n, nf, crlf, bareLF := 0, 0, 0, false
	for {
		q := p
		var w0 uint64 // the name's first word, for the comparison with the prefix
		if q+8 <= len(src) {
			w := binary.LittleEndian.Uint64(src[q:])
			w0 = w
			for {
				if m := notFtext(w); m != 0 {
					q += bits.TrailingZeros64(m) >> 3
					goto name
				}
				if q += 8; q+8 > len(src) {
					break
				}
				w = binary.LittleEndian.Uint64(src[q:])
			}
		}
		for q < len(src) && ftext[src[q]] {
			q++
		}
	name:
		if q == p {
			break
		}
		nameEnd := q
		if q == len(src) || src[q] != ':' {
			return 0, false // obsolete syntax, or not a field: the exact reading decides
		}
		e := p // the LF is looked for from the line's start: see nextFast
		for lines := 1; ; {
			i := bytes.IndexByte(src[e:], '\n')
			if i < 0 {
				e = len(src)
				break
			}
			e += i
			if src[e-1] == '\r' { // e-1 >= the colon: the byte before the LF is in this field
				crlf++
			} else {
				bareLF = true
			}
			if e++; e < len(src) && isWSP(src[e]) {
				if lines++; lines > s.lim.MaxFieldLines {
					return 0, false
				}
				continue
			}
			break
		}
		if e > maxEnd {
			return 0, false
		}
		nf++
		if nameEnd-p >= len(prefix) && (p+8 <= len(src) && (w0|pw.fold)&pw.mask == pw.word && !pw.long ||
			(p+8 > len(src) || pw.long) && hasPrefixFold(src[p:nameEnd], prefix)) {
			if n < len(spans) {
				spans[n] = Span{Start: p, NameEnd: nameEnd, Colon: q, End: e}
			}
			n++
		}
		p = e
	}
	// No field name at p: the empty line ending the block, the end of the input, or a line the
	// exact reading decides.
	flags := s.flags
	end, body := p, p
	switch {
	case p >= len(src):
		end, body = len(src), len(src)
		flags |= FlagNoSeparator
	case src[p] == '\n':
		body = p + 1
		bareLF = true
	case src[p] == '\r' && p+1 < len(src) && src[p+1] == '\n':
		body = p + 2
	default:
		return 0, false
	}
	if nf > s.lim.MaxFields || bytes.Count(src[s.vfrom:end], crByte) != crlf {
		return 0, false
	}
	if bareLF {
		flags |= FlagBareLF
	}
	s.nf, s.flags = nf, flags
	s.finish(end, body)
	return n, true
}

// prefixWord is a prefix as a word, for comparing it with the first eight bytes of a field name in
// one operation: (name|fold)&mask == word. Its letters are lower case, fold has 0x20 in their
// bytes and mask 0xFF in the prefix's bytes. A prefix longer than eight bytes (long) is compared
// byte by byte (hasPrefixFold).
type prefixWord struct {
	word, fold, mask uint64
	long             bool
}

// prefixWordOf returns prefix (ASCII) as a prefixWord.
func prefixWordOf(prefix string) prefixWord {
	var w uint64
	n := min(len(prefix), 8)
	for i := 0; i < n; i++ { // in registers: a word loaded from bytes just stored would wait for them
		w |= uint64(prefix[i]) << (8 * uint(i))
	}
	mask := ^uint64(0)
	if n < 8 {
		mask = uint64(1)<<(8*uint(n)) - 1
	}
	// A byte is a letter when, lower-cased (|0x20), it is at least 'a' and at most 'z': adding
	// 0x80-'a' or 0x80-('z'+1) to a byte under 0x80 sets its high bit exactly at or above the bound.
	l := w | 0x20*lo
	letter := (l + (0x80-'a')*lo) &^ (l + (0x80-'z'-1)*lo) & hi &^ w & mask
	fold := letter >> 2 // 0x80 -> 0x20 in each letter's byte
	return prefixWord{word: (w | fold) & mask, fold: fold, mask: mask, long: len(prefix) > 8}
}

var crByte = []byte{'\r'}

// nextExact reads the next field checking each line as it goes; see the package documentation.
func (s *Scanner) nextExact(prefix string) bool {
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
	c := &s.cur
	c.start, c.nameEnd, c.colon, c.ve, c.end, c.line, c.lines = p, nameEnd, colon, ve, e, s.line, lines
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
	if !s.slow {
		s.fast, s.vfrom = true, s.pos
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
	s.done, s.fast = true, false
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

// Value returns the current field's value (Field().Value, without building the Field).
func (s *Scanner) Value() []byte { return s.src[s.cur.colon+1 : s.cur.ve : s.cur.ve] }

// Span returns the offsets of the current field's first byte and just past its final line break
// (Field().Start and Field().End, without building the Field).
func (s *Scanner) Span() (start, end int) { return s.cur.start, s.cur.end }

// FieldSpan returns the current field as a Span (where PrefixSpans notes it).
func (s *Scanner) FieldSpan() Span {
	return Span{Start: s.cur.start, NameEnd: s.cur.nameEnd, Colon: s.cur.colon, End: s.cur.end}
}

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

// Bytes repeated in a word, for the eight-bytes-at-a-time tests.
const lo, hi = 0x0101010101010101, 0x8080808080808080

// notFtext returns the word w (eight bytes, the first in the lowest byte) with the high bit set in
// the lowest byte that is not ftext, if any; bits above it may be set too. In each term a byte's
// high bit is set where the byte is not ftext (below 0x21; 0x80 or above; 0x7F; ':'), and a
// borrow or carry, which only a byte that is not ftext starts, can set it wrongly only in a byte
// above, so the lowest set bit is exact.
func notFtext(w uint64) uint64 {
	return ((w - 0x21*lo) | w | (w + lo) | (w ^ (':' * lo) - lo)) & hi
}

// ftextEnd returns the offset of the first byte at or after p that is not ftext (or len(src)),
// eight bytes at a time.
func ftextEnd(src []byte, p int) int {
	for p+8 <= len(src) {
		if m := notFtext(binary.LittleEndian.Uint64(src[p:])); m != 0 {
			return p + bits.TrailingZeros64(m)>>3
		}
		p += 8
	}
	for p < len(src) && ftext[src[p]] {
		p++
	}
	return p
}
