package xheaders

import (
	"bytes"
	"encoding/binary"
	"errors"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/rawheader"
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
	// want is lower-case letters and '-'. Name bytes are ftext (printable ASCII but colon), so
	// c|0x20 == want[j] is exact: for a letter it folds case, and the only other byte giving '-'
	// is CR, which no name holds. Eight bytes are compared at a time; the last word overlaps.
	want := knownTails[i]
	n := len(rest)
	if n < 8 { // TENANT
		for j := 0; j < n; j++ {
			if rest[j]|0x20 != want[j] {
				return -1
			}
		}
		return i
	}
	const fold = 0x2020202020202020
	for j := 0; j+8 <= n; j += 8 {
		if binary.LittleEndian.Uint64(rest[j:])|fold != binary.LittleEndian.Uint64(want[j:]) {
			return -1
		}
	}
	if n%8 != 0 && binary.LittleEndian.Uint64(rest[n-8:])|fold != binary.LittleEndian.Uint64(want[n-8:]) {
		return -1
	}
	return i
}

// knownTails holds knownNames after "X-SES-", lower case, as bytes.
var knownTails = func() (t [numKnown][]byte) {
	for i, k := range knownNames {
		t[i] = []byte(strings.ToLower(k[6:]))
	}
	return t
}()

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

// SyntaxError reports where and why a header block stops being a header block, as the header
// grammar (package rawheader) reads it. It wraps ErrMalformedHeader and the grammar's error (a
// *rawheader.SyntaxError, so errors.Is(err, rawheader.ErrBareCR) and rawheader.ErrNotAField work).
// The offending line, and everything after it, are not header fields.
type SyntaxError struct {
	Offset int    // offset of the offending line in the input
	Reason string // what is wrong with it
	Err    error  // the grammar's *rawheader.SyntaxError (nil for a leading mbox From line, refused by Apply)
}

func (e *SyntaxError) Error() string {
	return "xheaders: malformed header block at offset " + itoa(e.Offset) + ": " + e.Reason
}

// Unwrap returns ErrMalformedHeader and the grammar's error.
func (e *SyntaxError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrMalformedHeader}
	}
	return []error{ErrMalformedHeader, e.Err}
}

// limitError is a header block over one of the grammar's limits: it wraps ErrHeaderTooLarge and
// the *rawheader.LimitError.
type limitError struct{ err *rawheader.LimitError }

func (e *limitError) Error() string {
	return "xheaders: " + strings.TrimPrefix(e.err.Error(), "rawheader: ")
}
func (e *limitError) Unwrap() []error { return []error{ErrHeaderTooLarge, e.err} }

// wrapErr turns the grammar's error into this package's.
func wrapErr(err error) error {
	switch e := err.(type) {
	case nil:
		return nil
	case *rawheader.SyntaxError:
		return &SyntaxError{Offset: e.Offset, Reason: e.Reason, Err: e}
	case *rawheader.LimitError:
		return &limitError{e}
	}
	return err
}

func itoa(n int) string { return strconv.Itoa(n) }

// Next advances to the next X-SES-* field; it returns false at the end of the header block or on error.
func (s *Scanner) Next() bool {
	if s.raw.NextPrefix(sesrules.SESPrefix) {
		start, end := s.raw.Span()
		s.field = Field{Name: s.raw.Name(), Value: s.raw.Value(), Offset: start, End: end}
		return true
	}
	s.field = Field{}
	if s.err == nil {
		s.err = wrapErr(s.raw.Err())
	}
	return false
}

// AppendUnfolded appends Unfolded's result to dst; it allocates only if dst must grow.
func (f Field) AppendUnfolded(dst []byte) []byte { return rawheader.AppendUnfolded(dst, f.Value) }

// Unfolded returns the value with folding line breaks removed and surrounding whitespace trimmed,
// as SES reads it.
func (f Field) Unfolded() string {
	v := f.Value
	if bytes.IndexByte(v, '\n') < 0 {
		return string(rawheader.TrimBlanks(v))
	}
	return string(rawheader.AppendUnfolded(make([]byte, 0, len(v)), v))
}

// Read scans raw's header block as SES does: header names case-insensitive, the first instance of each
// header wins, folded values unfolded. It does not allocate. On a malformed header block it returns
// what it found before the malformed line together with the *SyntaxError.
func Read(raw []byte) (e Effective, err error) {
	err = readInto(&e, raw)
	return e, err
}

// readInto fills *e. The grammar notes where the X-SES-* fields are in one reading of the block
// (PrefixSpans); a message with more of them than maxSpans is read again field by field.
func readInto(e *Effective, raw []byte) error {
	e.src = raw
	e.count = [numKnown]int{}
	e.other = 0
	var s rawheader.Scanner
	s.Reset(raw)
	var spans [maxSpans]rawheader.Span
	if n := s.PrefixSpans(sesrules.SESPrefix, spans[:]); n <= len(spans) {
		for i := range spans[:n] {
			e.add(&spans[i])
		}
	} else {
		e.count = [numKnown]int{}
		e.other = 0
		s.Reset(raw)
		for s.NextPrefix(sesrules.SESPrefix) {
			sp := s.FieldSpan()
			e.add(&sp)
		}
	}
	return wrapErr(s.Err())
}

// add records the X-SES-* field at sp in e.src.
func (e *Effective) add(sp *rawheader.Span) {
	i := knownTail(e.src[sp.Start+6 : sp.NameEnd]) // the grammar notes X-SES-* names only
	if i < 0 {
		e.other++
		return
	}
	if e.count[i] == 0 {
		// Field by field: a composite literal is built on the stack and copied in 16-byte moves,
		// whose loads wait for the 8-byte stores they straddle.
		f := &e.first[i]
		f.start, f.nameEnd, f.end = sp.Start, sp.NameEnd, sp.End
		f.value = sp.Colon + 1
		f.valueEnd = f.value + len(sp.Value(e.src))
	}
	e.count[i]++
}

// fieldAt is where a field and its parts are in Effective.src.
type fieldAt struct{ start, nameEnd, value, valueEnd, end int }

// field returns the first instance of the known header i (count[i] > 0).
func (e *Effective) field(i int) Field {
	f, src := &e.first[i], e.src
	return Field{Name: src[f.start:f.nameEnd:f.nameEnd], Value: src[f.value:f.valueEnd:f.valueEnd], Offset: f.start, End: f.end}
}

// ReadInto is Read filling a caller-owned Effective, which saves copying the value out; e is
// overwritten completely. It does not allocate.
func ReadInto(e *Effective, raw []byte) error { return readInto(e, raw) }

// First returns the instance of the named header (any case) that SES uses, with its offsets, and
// whether the header was present.
func (e *Effective) First(name string) (Field, bool) {
	if i := knownIndexString(name); i >= 0 && e.count[i] > 0 {
		// field(i) written out: through the inlined call the Field is built in a temporary and
		// copied, 11 more instructions per call (cachegrind, BenchmarkXSESRead).
		f, src := &e.first[i], e.src
		return Field{Name: src[f.start:f.nameEnd:f.nameEnd], Value: src[f.value:f.valueEnd:f.valueEnd], Offset: f.start, End: f.end}, true
	}
	return Field{}, false
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

// Headers parses the effective values into a Headers value; invalid values are reported as errors.
func (e *Effective) Headers() (Headers, error) {
	var h Headers
	var errs [numKnown]error
	n := 0
	for i := range numKnown {
		if e.count[i] == 0 {
			continue
		}
		v := e.field(i).Unfolded()
		var err error
		switch i {
		case 0, 1, 2:
			var a ARN
			a, err = ParseARN(v)
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

// Remove appends raw to dst with every X-SES-* field of the header block removed (every instance,
// continuation lines and line break included); every other byte, body included, is kept as it was.
// It allocates only if dst must grow. It reads the whole header block, whatever its size: it keeps
// nothing per field, so it needs none of the grammar's limits, and no X-SES-* field past them
// escapes it (Read, which keeps the fields, returns a *rawheader.LimitError there).
func Remove(dst, raw []byte) []byte {
	start := len(dst)
	dst = removeOnce(dst, raw)
	if exposesMboxFrom(raw, dst[start:]) {
		dst = append(dst[:start], removeOnce(nil, dst[start:])...)
	}
	return dst
}

// exposesMboxFrom reports whether removing the fields at the top of raw left out starting with
// "From ", which raw did not: in "X-SES-A: 1\nFrom x\nX-SES-B: 2\n\n" the block ends at the bad
// line 2, but once line 1 is gone that line is a leading mbox From line, which the grammar skips,
// and X-SES-B becomes a header field. A second removal over out removes what that reading finds
// (the From line stays at the top, so there is never a third). The test is a superset of the
// grammar's (a "From :" field also starts with "From "); a second removal where nothing changed
// removes nothing.
func exposesMboxFrom(raw, out []byte) bool {
	return len(out) < len(raw) && bytes.HasPrefix(out, []byte("From ")) && !bytes.HasPrefix(raw, []byte("From "))
}

func removeOnce(dst, raw []byte) []byte {
	var s rawheader.Scanner
	s.ResetLimits(raw, unlimited())
	var spans [maxSpans]rawheader.Span
	n := s.PrefixSpans(sesrules.SESPrefix, spans[:])
	last := 0
	if n <= len(spans) {
		for _, sp := range spans[:n] {
			if sp.Start != last { // none between adjacent fields
				dst = append(dst, raw[last:sp.Start]...)
			}
			last = sp.End
		}
		return append(dst, raw[last:]...)
	}
	s.ResetLimits(raw, unlimited()) // more fields than spans: read them one by one
	for s.NextPrefix(sesrules.SESPrefix) {
		start, end := s.Span()
		dst = append(dst, raw[last:start]...)
		last = end
	}
	return append(dst, raw[last:]...)
}

// unlimited is the reading of Remove and RemoveInPlace: no limit on bytes, fields or lines.
func unlimited() rawheader.Limits {
	return rawheader.Limits{MaxBytes: -1, MaxFields: -1, MaxFieldLines: -1}
}

// maxSpans is how many X-SES-* fields Read, Remove, RemoveInPlace and RemoveTo note in one reading
// of the header block (more than the seven known names); a message with more is read a second
// time. It is small because the array is cleared on every call.
const maxSpans = 8

// RemoveInPlace removes every X-SES-* field of raw's header block, as Remove does, without copying
// the message: it MODIFIES raw's header bytes and returns a subslice of raw, raw[k:], holding the
// same bytes as Remove(nil, raw). Only the header bytes that precede the last X-SES-* field and are
// kept are moved (none when the X-SES-* fields are at the top of the header, as Apply and the
// builder put them); the body is never moved or copied. raw[:k] is left with unspecified content.
// It does not allocate. Like Remove, it reads the whole header block, whatever its size.
func RemoveInPlace(raw []byte) []byte {
	out := removeInPlaceOnce(raw)
	if exposesMboxFrom(raw, out) { // see Remove
		out = removeInPlaceOnce(out)
	}
	return out
}

func removeInPlaceOnce(raw []byte) []byte {
	var s rawheader.Scanner
	s.ResetLimits(raw, unlimited())
	// First a reading that writes nothing and notes where the fields are.
	var spans [maxSpans]rawheader.Span
	n := s.PrefixSpans(sesrules.SESPrefix, spans[:])
	w, last := 0, 0
	if n <= len(spans) {
		for _, sp := range spans[:n] {
			if sp.Start != last {
				w += copy(raw[w:], raw[last:sp.Start])
			}
			last = sp.End
		}
		k := last - w
		copy(raw[k:last], raw[:w])
		return raw[k:]
	}
	s.ResetLimits(raw, unlimited())
	for s.NextPrefix(sesrules.SESPrefix) {
		// Gather the kept bytes at the front. Writes land below the current field's offset, and the
		// scanner only reads from its end on, so it never sees a moved byte.
		start, end := s.Span()
		w += copy(raw[w:], raw[last:start])
		last = end
	}
	k := last - w
	copy(raw[k:last], raw[:w])
	return raw[k:]
}

// Canonical header names, in the order Append writes them.
const (
	SourceARN        = sesrules.HeaderSourceARN
	FromARN          = sesrules.HeaderFromARN
	ReturnPathARN    = sesrules.HeaderReturnPathARN
	ConfigurationSet = sesrules.HeaderConfigurationSet
	MessageTags      = sesrules.HeaderMessageTags
	ListManagement   = sesrules.HeaderListManagement
	Tenant           = sesrules.HeaderTenant
)

// IsSESName reports whether a header field name starts with "X-SES-" (ASCII case-insensitive).
// Such fields are removed by SES before delivery and must never be DKIM-signed.
func IsSESName(name []byte) bool { return sesrules.IsSESName(name) }

// Field is one X-SES-* header field instance found in a raw header block. Byte slices alias the
// input and are valid only as long as it is.
type Field struct {
	Name   []byte // name as written (blanks between the name and the colon, obsolete syntax, excluded)
	Value  []byte // raw value after the colon, continuation lines included, final line break excluded
	Offset int    // offset of the field's first byte in the input
	End    int    // offset just past the field's final line break
}

// Scanner walks the header block of a raw message and yields every X-SES-* field instance, in order,
// with its offsets, without allocating. It accepts CRLF or bare LF line endings and stops at the
// first empty line (end of header block); a bare CR (a CR not followed by LF) is an error, as in the
// header grammar (package rawheader).
//
// A line that is neither a field ("name:" or, obsolete syntax, "name :"), nor a continuation line
// (starting with SP or HTAB) after a field, ends the header block: Next returns false, Err returns
// a *SyntaxError wrapping ErrMalformedHeader and BodyOffset is the offset of that line. Remove and
// the streaming functions use the same rule and never touch bytes from that line on.
// The zero Scanner is ready after Reset.
type Scanner struct {
	raw   rawheader.Scanner
	field Field
	err   error
}

// Reset makes s scan raw from the beginning.
func (s *Scanner) Reset(raw []byte) {
	s.raw.Reset(raw)
	s.field, s.err = Field{}, nil
}

// Field returns the current field.
func (s *Scanner) Field() Field { return s.field }

// Err returns the first error (wrapping ErrMalformedHeader), if any.
func (s *Scanner) Err() error { return s.err }

// BodyOffset returns the offset of the first body byte once Next has returned false (len(raw) if the
// message has no body separator; the offset of the malformed line if Err is not nil).
func (s *Scanner) BodyOffset() int { return s.raw.BodyOffset() }

// Effective holds what SES reads from a raw message: the first instance of each known X-SES header,
// and how many instances of each it saw.
type Effective struct {
	src   []byte            // the message read; the Fields alias it
	first [numKnown]fieldAt // where the first instance of each known header is (count > 0)
	count [numKnown]int
	other int
}

const numKnown = 7

// Get returns the effective (unfolded) value of the named header (any case) and whether it was present.
func (e *Effective) Get(name string) (string, bool) {
	f, ok := e.First(name)
	if !ok {
		return "", false
	}
	return f.Unfolded(), true
}

// Count returns how many instances of the named header were present.
func (e *Effective) Count(name string) int {
	if i := knownIndexString(name); i >= 0 {
		return e.count[i]
	}
	return 0
}
