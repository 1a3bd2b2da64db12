package xheaders

import (
	"bytes"
	"errors"
	"github.com/sesraw/sesraw/sesrules"
)

// knownNames lists the seven headers in Append order; Effective indexes by position.
var knownNames = [numKnown]string{SourceARN, FromARN, ReturnPathARN, ConfigurationSet, MessageTags, ListManagement, Tenant}

// knownTail returns the index in knownNames of a name already known to start with "X-SES-" (any
// ASCII case), given the rest of the name after that prefix, or -1.
func knownTail(rest []byte) int {
	var i int
	switch len(rest) {
	case 10:
		i = 0 // SOURCE-ARN
	case 8:
		i = 1 // FROM-ARN
	case 15:
		i = 2 // RETURN-PATH-ARN
	case 17:
		i = 3 // CONFIGURATION-SET
	case 12:
		i = 4 // MESSAGE-TAGS
	case 23:
		i = 5 // LIST-MANAGEMENT-OPTIONS
	case 6:
		i = 6 // TENANT
	default:
		return -1
	}
	want := knownNames[i][6:]
	for j := 0; j < len(rest); j++ {
		// want is upper-case letters and '-'; name bytes are ftext, so folding bit 0x20 on letters
		// only is exact.
		c := rest[j]
		if 'a' <= c && c <= 'z' {
			c -= 'a' - 'A'
		}
		if c != want[j] {
			return -1
		}
	}
	return i
}

// knownIndexString is knownIndex for a string in any case. The seven names have seven different
// lengths, so the length picks the only candidate; the canonical spelling (the constants) is
// compared exactly before the case-folding compare.
func knownIndexString(name string) int {
	var i int
	switch len(name) {
	case len(SourceARN):
		i = 0
	case len(FromARN):
		i = 1
	case len(ReturnPathARN):
		i = 2
	case len(ConfigurationSet):
		i = 3
	case len(MessageTags):
		i = 4
	case len(ListManagement):
		i = 5
	case len(Tenant):
		i = 6
	default:
		return -1
	}
	if k := knownNames[i]; name == k || equalFoldASCII(name, k) {
		return i
	}
	return -1
}

// SyntaxError reports where and why a header block stops being a header block. It wraps
// ErrMalformedHeader. The offending line is treated as the first body line.
type SyntaxError struct {
	Offset int    // offset of the offending line in the input
	Reason string // what is wrong with it
}

func (e *SyntaxError) Error() string {
	return "xheaders: malformed header block at offset " + itoa(e.Offset) + ": " + e.Reason
}

// Unwrap returns ErrMalformedHeader.
func (e *SyntaxError) Unwrap() error { return ErrMalformedHeader }

func itoa(n int) string {
	var b [20]byte
	i := len(b)
	if n == 0 {
		return "0"
	}
	neg := n < 0
	if neg {
		n = -n
	}
	for n > 0 {
		i--
		b[i] = byte('0' + n%10)
		n /= 10
	}
	if neg {
		i--
		b[i] = '-'
	}
	return string(b[i:])
}

// lineEnd returns the offset just past the LF ending the line that contains p, or len(src).
func lineEnd(src []byte, p int) int {
	if i := bytes.IndexByte(src[p:], '\n'); i >= 0 {
		return p + i + 1
	}
	return len(src)
}

// Line kinds of the first line at a position in a header block.
const (
	lineField     = iota // a field: name, optional blanks, ':'
	lineBlank            // the empty line ending the header block
	lineMalformed        // neither; the header block ends before it
)

// classifyLine classifies the line starting at p (p < len(src)). For a field it returns the end of
// the field name (blanks before the colon excluded) and the offset just past the colon. A line
// starting with SP or HTAB is classified as malformed here: callers treat it as a continuation
// line when it follows a field.
func classifyLine(src []byte, p int) (kind, nameEnd, colon int, reason string) {
	c := src[p]
	if c == '\n' {
		return lineBlank, 0, 0, ""
	}
	if c == '\r' && p+1 < len(src) && src[p+1] == '\n' {
		return lineBlank, 0, 0, ""
	}
	q := p
	for q < len(src) && class[src[q]]&cFtext != 0 {
		q++
	}
	if q == p {
		if isWSP(c) {
			return lineMalformed, 0, 0, "header block starts with a continuation line"
		}
		return lineMalformed, 0, 0, "line is not a header field (empty field name)"
	}
	nameEnd = q
	for q < len(src) && isWSP(src[q]) {
		q++
	}
	if q == len(src) || src[q] != ':' {
		return lineMalformed, 0, 0, "line is not a header field (no ':' after the field name)"
	}
	return lineField, nameEnd, q + 1, ""
}

func (s *Scanner) finish(bodyAt int) {
	s.done = true
	s.bodyAt = bodyAt
	s.pos = bodyAt
	s.field = Field{}
}

// next advances to the next X-SES-* field. Every line is classified (a malformed line ends the
// header block whatever the names around it), but a Field is built only for X-SES-* names; other
// fields are skipped line end to line end with bytes.IndexByte.
func (s *Scanner) next() bool {
	if s.done {
		return false
	}
	src := s.src
	p := s.pos
	for {
		if p >= len(src) {
			s.finish(len(src))
			return false
		}
		kind, nameEnd, colon, reason := classifyLine(src, p)
		switch kind {
		case lineBlank:
			if src[p] == '\r' {
				s.finish(p + 2)
			} else {
				s.finish(p + 1)
			}
			return false
		case lineMalformed:
			s.err = &SyntaxError{Offset: p, Reason: reason}
			s.finish(p)
			return false
		}
		e := lineEnd(src, colon)
		for e < len(src) && isWSP(src[e]) {
			e = lineEnd(src, e)
		}
		// Fast reject: a name that does not start with x/X cannot be an X-SES name.
		if nameEnd-p < 6 || src[p]|0x20 != 'x' || !sesrules.IsSESName(src[p:nameEnd]) {
			p = e
			continue
		}
		ve := e
		if ve > colon && src[ve-1] == '\n' {
			ve--
			if ve > colon && src[ve-1] == '\r' {
				ve--
			}
		}
		s.field = Field{Name: src[p:nameEnd:nameEnd], Value: src[colon:ve:ve], Offset: p, End: e}
		s.pos = e
		return true
	}
}

// appendUnfolded appends v with every line break (CRLF or bare LF) deleted and then leading and
// trailing blanks trimmed. In a field value every line break precedes a continuation line, so this is
// RFC 5322 unfolding.
func appendUnfolded(dst, v []byte) []byte {
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

// AppendUnfolded appends Unfolded's result to dst; it allocates only if dst must grow.
func (f Field) AppendUnfolded(dst []byte) []byte { return appendUnfolded(dst, f.Value) }

func (f Field) unfolded() string {
	v := f.Value
	if bytes.IndexByte(v, '\n') < 0 {
		for len(v) > 0 && isWSP(v[0]) {
			v = v[1:]
		}
		for len(v) > 0 && isWSP(v[len(v)-1]) {
			v = v[:len(v)-1]
		}
		return string(v)
	}
	return string(appendUnfolded(make([]byte, 0, len(v)), v))
}

func read(raw []byte) (Effective, error) {
	var e Effective
	err := readInto(&e, raw)
	return e, err
}

// readInto fills *e. Only the counts are cleared up front (first[i] is meaningful only when
// count[i] > 0); the first fields of absent headers are cleared at the end so that e keeps no
// reference to an earlier input.
func readInto(e *Effective, raw []byte) error {
	e.count = [numKnown]int{}
	e.other = 0
	var s Scanner
	s.Reset(raw)
	for s.next() {
		i := knownTail(s.field.Name[6:]) // next yields X-SES-* names only
		if i < 0 {
			e.other++
			continue
		}
		if e.count[i] == 0 {
			e.first[i] = s.field
		}
		e.count[i]++
	}
	for i, c := range e.count {
		if c == 0 {
			e.first[i] = Field{}
		}
	}
	return s.err
}

// ReadInto is Read filling a caller-owned Effective, which saves copying the value out; e is
// overwritten completely. It does not allocate.
func ReadInto(e *Effective, raw []byte) error { return readInto(e, raw) }

// First returns the instance of the named header (any case) that SES uses, with its offsets, and
// whether the header was present.
func (e *Effective) First(name string) (Field, bool) {
	i := knownIndexString(name)
	if i < 0 || e.count[i] == 0 {
		return Field{}, false
	}
	return e.first[i], true
}

// Others returns how many X-SES-* fields with a name other than the seven known ones were present
// (SES removes them too, by this package's reading of its documentation).
func (e *Effective) Others() int { return e.other }

// Total returns the number of X-SES-* fields of any name in the header block.
func (e *Effective) Total() int {
	n := e.other
	for _, c := range e.count {
		n += c
	}
	return n
}

func (e *Effective) headers() (Headers, error) {
	var h Headers
	var errs [numKnown]error
	n := 0
	for i := range numKnown {
		if e.count[i] == 0 {
			continue
		}
		v := e.first[i].unfolded()
		var err error
		switch i {
		case 0, 1, 2:
			var a ARN
			a, err = parseARN(v)
			if err != nil {
				err.(*HeaderError).Header = knownNames[i]
			}
			switch i {
			case 0:
				h.SourceARN = a
			case 1:
				h.FromARN = a
			case 2:
				h.ReturnPathARN = a
			}
		case 3:
			if err = checkConfigSet(v); err == nil {
				h.ConfigurationSet = v
			}
		case 4:
			h.Tags, err = ParseTags(v)
		case 5:
			var l ListOptions
			if l, err = ParseListOptions(v); err == nil {
				h.ListManagement = &l
			}
		case 6:
			if err = checkTenant(v); err == nil {
				h.Tenant = v
			}
		}
		if err != nil {
			errs[n] = err
			n++
		}
	}
	switch n {
	case 0:
		return h, nil
	case 1:
		return h, errs[0]
	}
	return h, errors.Join(errs[:n]...)
}

func remove(dst, raw []byte) []byte {
	var s Scanner
	s.Reset(raw)
	last := 0
	for s.next() {
		dst = append(dst, raw[last:s.field.Offset]...)
		last = s.field.End
	}
	return append(dst, raw[last:]...)
}

// RemoveInPlace removes every X-SES-* field of raw's header block, as Remove does, without copying
// the message: it MODIFIES raw's header bytes and returns a subslice of raw, raw[k:], holding the
// same bytes as Remove(nil, raw). Only the header bytes that precede the last X-SES-* field and are
// kept are moved (none when the X-SES-* fields are at the top of the header, as Apply and the
// builder put them); the body is never moved or copied. raw[:k] is left with unspecified content.
// It does not allocate.
func RemoveInPlace(raw []byte) []byte {
	var s Scanner
	s.Reset(raw)
	w, last := 0, 0
	for s.next() {
		// Gather the kept bytes at the front. Writes land below the current field's offset, and the
		// scanner only reads from its end on, so it never sees a moved byte.
		w += copy(raw[w:], raw[last:s.field.Offset])
		last = s.field.End
	}
	k := last - w
	copy(raw[k:last], raw[:w])
	return raw[k:]
}
