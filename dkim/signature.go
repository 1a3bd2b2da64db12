package dkim

import (
	"bytes"
	"errors"
	"strconv"
	"strings"
)

// ErrMalformedSignature: a DKIM-Signature value breaks the tag-list syntax or the rules of
// RFC 6376 section 3.5. ParseSignature's *SignatureError wraps it.
var ErrMalformedSignature = errors.New("dkim: malformed DKIM-Signature")

// MaxSignatureProblems bounds the problems a *SignatureError keeps; further ones only set its
// Truncated field.
const MaxSignatureProblems = 8

// Signature is the tag list of one DKIM-Signature header field (RFC 6376 section 3.5), as written:
// nothing is decoded or checked against a key. Absent tags are the zero value, except the numeric
// ones, which are -1 when absent.
type Signature struct {
	Version          string   // v=, "1" when well formed
	Algorithm        string   // a=, e.g. "rsa-sha256"
	Signature        string   // b=, base64 text with folding white space removed
	BodyHash         string   // bh=, base64 text with folding white space removed
	Canonicalization string   // c=, as written; "" when absent (which means simple/simple)
	Domain           string   // d=
	Headers          []string // h=, the signed field names in order, as written, at most MaxHeaderKeys
	Identity         string   // i=
	Length           int64    // l=, body length in bytes; -1 when absent
	Query            string   // q=
	Selector         string   // s=
	Time             int64    // t=, seconds since the Unix epoch; -1 when absent
	Expiration       int64    // x=, seconds since the Unix epoch; -1 when absent
	CopiedHeaders    string   // z=, as written
}

// SignatureError lists what is wrong with a DKIM-Signature value, in the order found. It wraps
// ErrMalformedSignature and, when h= has more than MaxHeaderKeys entries, ErrLimit.
type SignatureError struct {
	Problems  []string // at most MaxSignatureProblems, e.g. "missing tag bh=" or "h= does not include From"
	Truncated bool     // more problems were found than Problems holds
	overLimit bool
}

func (e *SignatureError) Error() string {
	s := "dkim: malformed DKIM-Signature: " + strings.Join(e.Problems, "; ")
	if e.Truncated {
		s += "; ..."
	}
	return s
}

// Unwrap returns ErrMalformedSignature, and ErrLimit when h= is over MaxHeaderKeys.
func (e *SignatureError) Unwrap() []error {
	if e.overLimit {
		return []error{ErrMalformedSignature, ErrLimit}
	}
	return []error{ErrMalformedSignature}
}

func (e *SignatureError) add(p string) {
	if len(e.Problems) == MaxSignatureProblems {
		e.Truncated = true
		return
	}
	e.Problems = append(e.Problems, p)
}

// Tags whose presence is required (RFC 6376 section 3.5), in the order a missing-tag problem
// names them.
var requiredTags = [...]string{"v", "a", "b", "bh", "d", "h", "s"}

// SignatureView is a Signature read without copying: its byte slices alias the value given to
// ParseSignatureView, and b=, bh= and h= are as written (folding white space included). It is for
// readers that only look (preflight checks every message with it, allocation-free); Signature is
// the same reading as strings.
type SignatureView struct {
	Version          []byte // v=
	Algorithm        []byte // a=
	Signature        []byte // b=, as written
	BodyHash         []byte // bh=, as written
	Canonicalization []byte // c=
	Domain           []byte // d=
	HeaderList       []byte // h=, as written; Headers yields its names
	Identity         []byte // i=
	Length           int64  // l=; -1 when absent
	Query            []byte // q=
	Selector         []byte // s=
	Time             int64  // t=; -1 when absent
	Expiration       int64  // x=; -1 when absent
	CopiedHeaders    []byte // z=
}

// Headers yields the names of h= in order, trimmed, empty entries skipped, at most MaxHeaderKeys
// (the Headers of the Signature ParseSignature returns).
func (v *SignatureView) Headers(yield func(name []byte) bool) {
	n := 0
	for h := v.HeaderList; len(h) > 0; {
		var name []byte
		if i := bytes.IndexByte(h, ':'); i >= 0 {
			name, h = h[:i], h[i+1:]
		} else {
			name, h = h, nil
		}
		name = trimFWS(name)
		if len(name) == 0 {
			continue
		}
		if n == MaxHeaderKeys || !yield(name) {
			return
		}
		n++
	}
}

// ParseSignature parses the value of a DKIM-Signature header field (everything after the colon,
// folded or not) with the tag-list syntax of RFC 6376 section 3.2: tags separated by ';', each
// "name=value", names ALPHA *(ALPHA / DIGIT / "_") compared case-sensitively, values of VALCHARs
// (%x21-3A / %x3C-7E) and folding white space, which is trimmed around names and values. It
// reads v a b bh c d h i l q s t x z and ignores other tags, as the RFC requires.
//
// It returns the Signature and, when anything is wrong, a *SignatureError listing every problem
// (a tag without '=', an invalid tag name, a tag given twice, v= other than 1, an empty a b bh d
// or s, a byte not allowed in a value, c= or a number that does not parse, a missing required tag, an h= without From).
// The Signature then holds what could be read, the first instance of each tag. Limits: h= yields
// at most MaxHeaderKeys names (more is a problem, and the error then also matches ErrLimit); the
// error keeps at most MaxSignatureProblems problems. Work is linear in len(value).
func ParseSignature(value []byte) (*Signature, error) {
	var v SignatureView
	err := ParseSignatureView(value, &v)
	sig := &Signature{
		Version: string(v.Version), Algorithm: string(v.Algorithm), Canonicalization: string(v.Canonicalization),
		Domain: string(v.Domain), Identity: string(v.Identity), Length: v.Length, Query: string(v.Query),
		Selector: string(v.Selector), Time: v.Time, Expiration: v.Expiration, CopiedHeaders: string(v.CopiedHeaders),
	}
	if v.Signature != nil {
		sig.Signature = removeFWS(v.Signature)
	}
	if v.BodyHash != nil {
		sig.BodyHash = removeFWS(v.BodyHash)
	}
	if v.HeaderList != nil {
		sig.Headers = make([]string, 0, min(bytes.Count(v.HeaderList, []byte{':'})+1, MaxHeaderKeys))
		for name := range v.Headers {
			sig.Headers = append(sig.Headers, string(name))
		}
	}
	return sig, err
}

// ParseSignatureView is ParseSignature without copying: it fills *v with slices of value and
// returns the same error. It allocates only for the error.
func ParseSignatureView(value []byte, v *SignatureView) error {
	*v = SignatureView{Length: -1, Time: -1, Expiration: -1}
	var (
		e        SignatureError
		required int // bit i: requiredTags[i] seen
		others   int // bit i: otherTags[i] seen
		hseen    bool
	)
	for rest := value; len(rest) > 0; {
		var tag []byte
		if i := bytes.IndexByte(rest, ';'); i >= 0 {
			tag, rest = rest[:i], rest[i+1:]
		} else {
			tag, rest = rest, nil
		}
		tag = trimFWS(tag)
		if len(tag) == 0 {
			continue
		}
		eq := bytes.IndexByte(tag, '=')
		if eq < 0 {
			e.add("tag " + quote(tag) + " has no '='")
			continue
		}
		name, val := trimFWS(tag[:eq]), trimFWS(tag[eq+1:])
		if !validTagName(name) {
			e.add("invalid tag name " + quote(name))
			continue
		}
		dup := false
		if i := indexOf(requiredTags[:], name); i >= 0 {
			dup = required&(1<<i) != 0
			required |= 1 << i
		} else if i := indexOf(otherTags[:], name); i >= 0 {
			dup = others&(1<<i) != 0
			others |= 1 << i
		} else {
			continue // unknown tags are ignored (RFC 6376 section 3.2)
		}
		if dup {
			// The first instance stands; a second v= is still checked.
			e.add("tag " + string(name) + "= appears twice")
			if string(name) == "v" && string(val) != "1" {
				e.add("v= is " + quote(val) + ", not 1")
			}
			continue
		}
		if b, ok := badValChar(val); ok {
			e.add("value of " + string(name) + "= has a byte not allowed in a tag value (0x" + strconv.FormatUint(uint64(b), 16) + ")")
			continue
		}
		if len(val) == 0 && string(name) != "v" && string(name) != "h" && indexOf(requiredTags[:], name) >= 0 {
			e.add("tag " + string(name) + "= is empty")
			continue
		}
		if val == nil {
			val = value[:0:0] // present, even when empty: not nil
		}
		switch string(name) {
		case "v":
			v.Version = val
			if string(val) != "1" {
				e.add("v= is " + quote(val) + ", not 1")
			}
		case "a":
			v.Algorithm = val
		case "b":
			v.Signature = val
		case "bh":
			v.BodyHash = val
		case "c":
			v.Canonicalization = val
			if !validCanon(val) {
				e.add("c= is " + quote(val) + ", not simple or relaxed (header/body)")
			}
		case "d":
			v.Domain = val
		case "h":
			v.HeaderList, hseen = val, true
		case "i":
			v.Identity = val
		case "l":
			v.Length = parseNumber(&e, "l", val)
		case "q":
			v.Query = val
		case "s":
			v.Selector = val
		case "t":
			v.Time = parseNumber(&e, "t", val)
		case "x":
			v.Expiration = parseNumber(&e, "x", val)
		case "z":
			v.CopiedHeaders = val
		}
	}
	if missing := (1<<len(requiredTags) - 1) &^ required; missing != 0 {
		s := "missing tag"
		first := true
		for i, n := range requiredTags {
			if missing&(1<<i) != 0 {
				if !first {
					s += ","
				}
				s += " " + n + "="
				first = false
			}
		}
		e.add(s)
	}
	if hseen {
		signsFrom, n := false, 0
		for name := range v.Headers {
			n++
			if len(name) == 4 && equalFoldASCII(name, "from") {
				signsFrom = true
			}
		}
		if n == MaxHeaderKeys && moreThan(v.HeaderList, MaxHeaderKeys) {
			e.add("h= has more than " + strconv.Itoa(MaxHeaderKeys) + " entries")
			e.overLimit = true
		}
		if !signsFrom {
			e.add("h= does not include From")
		}
	}
	if len(e.Problems) > 0 {
		ep := new(SignatureError)
		*ep = e
		return ep
	}
	return nil
}

// moreThan reports whether the h= value h has more than n non-empty names.
func moreThan(h []byte, n int) bool {
	k := 0
	for len(h) > 0 {
		var name []byte
		if i := bytes.IndexByte(h, ':'); i >= 0 {
			name, h = h[:i], h[i+1:]
		} else {
			name, h = h, nil
		}
		if len(trimFWS(name)) > 0 {
			if k++; k > n {
				return true
			}
		}
	}
	return false
}

func equalFoldASCII(b []byte, lower string) bool {
	for i := range b {
		c := b[i]
		if 'A' <= c && c <= 'Z' {
			c += 'a' - 'A'
		}
		if c != lower[i] {
			return false
		}
	}
	return true
}

// Tags read besides the required ones.
var otherTags = [...]string{"c", "i", "l", "q", "t", "x", "z"}

func indexOf(list []string, name []byte) int {
	for i, n := range list {
		if string(name) == n {
			return i
		}
	}
	return -1
}

// validTagName reports whether b is a tag-name: ALPHA *ALNUMPUNC (RFC 6376 section 3.2).
func validTagName(b []byte) bool {
	if len(b) == 0 || !isAlpha(b[0]) {
		return false
	}
	for _, x := range b[1:] {
		if !isAlpha(x) && !('0' <= x && x <= '9') && x != '_' {
			return false
		}
	}
	return true
}

func isAlpha(b byte) bool { return 'a' <= b|0x20 && b|0x20 <= 'z' }

func isFWSByte(b byte) bool { return b == ' ' || b == '\t' || b == '\r' || b == '\n' }

func trimFWS(b []byte) []byte {
	for len(b) > 0 && isFWSByte(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isFWSByte(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}

// badValChar returns the first byte of v that is neither a VALCHAR nor folding white space.
func badValChar(v []byte) (byte, bool) {
	for _, b := range v {
		if (b < 0x21 || b > 0x7e) && !isFWSByte(b) {
			return b, true
		}
	}
	return 0, false
}

// removeFWS returns v without its folding white space, in one allocation.
func removeFWS(v []byte) string {
	if len(v) == 0 {
		return ""
	}
	var b strings.Builder
	b.Grow(len(v))
	for _, c := range v {
		if !isFWSByte(c) {
			b.WriteByte(c)
		}
	}
	return b.String()
}

func validCanon(cv []byte) bool {
	c := string(cv) // does not allocate: the string does not escape
	h, b, slash := strings.Cut(c, "/")
	ok := func(s string) bool { return s == "simple" || s == "relaxed" }
	return ok(h) && (!slash || ok(b))
}

// parseNumber reads a decimal tag value (1*76DIGIT); on failure it records a problem and returns -1.
func parseNumber(e *SignatureError, name string, v []byte) int64 {
	ok := len(v) > 0 && len(v) <= 76
	for _, b := range v {
		if b < '0' || b > '9' {
			ok = false
			break
		}
	}
	if ok {
		if n, err := strconv.ParseInt(string(v), 10, 64); err == nil {
			return n
		}
	}
	e.add(name + "= is " + quote(v) + ", not a decimal number")
	return -1
}

// quote formats input for a problem: Go-quoted (printable ASCII only) and at most 80 bytes of it.
func quote(b []byte) string {
	if len(b) > 80 {
		return strconv.QuoteToASCII(string(b[:80])) + "..."
	}
	return strconv.QuoteToASCII(string(b))
}
