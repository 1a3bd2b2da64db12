package preflight

import (
	"bytes"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/sesrules"
)

// field is one header field. Slices alias the header block.
type field struct {
	name  []byte
	value []byte // after the colon, continuation lines included, final line break excluded
	line  int
}

// fieldIter walks the fields of a header block, as the header grammar (package rawheader) reads
// it, without storing them.
type fieldIter struct {
	sc    rawheader.Scanner
	b     []byte
	line0 int // number of b's first line
	bad   int // rule that reports a malformed header block
	done  bool
}

func (c *checker) fields(b []byte, line0, bad int) fieldIter {
	it := fieldIter{b: b, line0: line0, bad: bad}
	it.sc.ResetLimits(b, rawheader.Limits{MaxBytes: -1})
	return it
}

// next returns the next field, continuation lines included; false at the end of the header block.
// A malformed header block (a line that is not a field, a bare CR) ends it where the grammar's
// strict reading ends it, and is reported; so is every X-SES-* field a lenient reader would still
// find after the bad line, because whether SES reads it is unknown.
func (c *checker) next(it *fieldIter) (field, bool) {
	if it.done {
		return field{}, false
	}
	if it.sc.Next() {
		f := it.sc.Field()
		return field{name: f.Name, value: f.Value, line: it.line0 - 1 + f.Line}, true
	}
	it.done = true
	if it.sc.Flags()&rawheader.FlagMboxFrom != 0 && c.want(it.bad, Error, it.line0) {
		c.say("line is an mbox From line " + quote(firstLine(it.b)) + " (mbox framing, not a header field); " +
			"sent as it is, SES receives it as a line that is not a header field: remove it")
	}
	if le, ok := it.sc.Err().(*rawheader.LimitError); ok && c.want(rHeaderTooLarge, Error, it.line0-1+le.Line) {
		c.say("header block over the grammar's limits: more than " + strconv.Itoa(le.Max) + " " + le.Limit +
			"; the fields from here on were not checked, and sesraw's readers refuse the message")
	}
	if se, ok := it.sc.Err().(*rawheader.SyntaxError); ok { // a type switch: errors.As would allocate per block
		line := it.line0 - 1 + se.Line
		if c.want(it.bad, Error, line) {
			c.say("malformed header block: " + strings.TrimPrefix(se.Reason, "the ") + ": " + quote(firstLine(it.b[se.Offset:])) +
				"; the header block ends here for a strict reader")
		}
		for f := range rawheader.LenientFields(it.b, se.Offset, se.Line) {
			if sesrules.IsSESName(f.Name) && c.want(rXSESAmbiguous, Error, it.line0-1+f.Line) {
				c.say(fieldName(f.Name) + " comes after a malformed line (line " + strconv.Itoa(line) +
					"): a strict reader takes it for body text, a lenient one (that skips the bad line) for a " +
					"header field; which SES does is unknown, so fix the header block")
			}
		}
	}
	return field{}, false
}

// firstLine returns b up to its first line break, at most 80 bytes.
func firstLine(b []byte) []byte {
	if i := bytes.IndexAny(b, "\r\n"); i >= 0 {
		b = b[:i]
	}
	if len(b) > 80 {
		b = b[:80]
	}
	return b
}

func validFieldName(b []byte) bool {
	if len(b) == 0 {
		return false
	}
	for _, x := range b {
		if x < 33 || x > 126 || x == ':' {
			return false
		}
	}
	return true
}

func isFWS(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func trimFWS(b []byte) []byte {
	for len(b) > 0 && isFWS(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isFWS(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// maxXSESValue bounds the X-SES values handed to xheaders; no valid value comes near it.
const maxXSESValue = sesrules.MaxXSESValueBytes

// fieldName formats a header field name for a finding message.
func fieldName(b []byte) string {
	if len(b) <= 80 && validFieldName(b) {
		return string(b)
	}
	return quote(b)
}

// unfold returns v without line breaks and without surrounding white space, as SES reads a value.
func unfold(v []byte) string {
	v = trimFWS(v)
	if bytes.IndexByte(v, '\n') < 0 && bytes.IndexByte(v, '\r') < 0 {
		return string(v)
	}
	b := make([]byte, 0, len(v))
	for _, x := range v {
		if x != '\r' && x != '\n' {
			b = append(b, x)
		}
	}
	return string(b)
}

func lowerASCII(b byte) byte {
	if 'A' <= b && b <= 'Z' {
		return b + 'a' - 'A'
	}
	return b
}

// equalFold reports whether b equals the lower-case ASCII string s, ignoring ASCII case.
func equalFold(b []byte, s string) bool {
	if len(b) != len(s) {
		return false
	}
	for i := range b {
		if lowerASCII(b[i]) != s[i] {
			return false
		}
	}
	return true
}

// hasPrefixFold reports whether b starts with the lower-case ASCII string s, ignoring ASCII case.
func hasPrefixFold(b []byte, s string) bool {
	return len(b) >= len(s) && equalFold(b[:len(s)], s)
}
