// Package punycode implements Punycode (RFC 3492) and the conversion of an internationalized
// domain name to its ASCII form, as far as the builder needs it for e-mail addresses.
//
// # What is and is not done
//
// ToASCII applies RFC 3492 Punycode to every label that contains non-ASCII characters and writes it
// with the "xn--" ACE prefix (RFC 5890). It does NOT implement the full IDNA2008 / UTS #46 mapping:
// no Unicode normalization (NFC), no width or compatibility mapping, no Bidi or CONTEXTJ/CONTEXTO
// rules, no IDNA2008 code point table. Instead it is conservative:
//
//   - ASCII letters are lower-cased in a domain that has at least one non-ASCII label (IDNA
//     requires lower case before encoding); a pure-ASCII domain is returned unchanged.
//   - A non-ASCII character that would need mapping (an upper-case or title-case letter, which
//     UTS #46 would lower-case) is rejected rather than guessed at.
//   - Only letters, combining marks, decimal digits and '-' are accepted in a non-ASCII label;
//     spaces, punctuation, symbols (including the ideographic full stop), controls and invalid
//     UTF-8 are rejected. A label must not begin with a combining mark or begin or end with '-'.
//
// Callers that accept arbitrary user input should NFC-normalize it first (golang.org/x/text), since a
// decomposed "u" + U+0308 encodes differently from the precomposed "ü".
//
// This package is internal: its API serves the builder and may change.
package punycode

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// ErrInvalid is wrapped by every error of this package.
var ErrInvalid = errors.New("punycode: invalid input")

// Error describes why a domain or label was rejected.
type Error struct {
	Input  string // the domain or label, truncated to 80 bytes
	Reason string
}

func (e *Error) Error() string { return "punycode: " + e.Reason + " (" + e.Input + ")" }

// Unwrap returns ErrInvalid.
func (e *Error) Unwrap() error { return ErrInvalid }

func newError(input, reason string) error {
	if len(input) > 80 {
		input = input[:80] + "..."
	}
	return &Error{Input: input, Reason: reason}
}

// Bootstring parameters for Punycode (RFC 3492 section 5).
const (
	base        = 36
	tMin        = 1
	tMax        = 26
	skew        = 38
	damp        = 700
	initialBias = 72
	initialN    = 128
	maxInt32    = 1<<31 - 1
)

// adapt is the bias adaptation function of RFC 3492 section 6.1.
func adapt(delta, numPoints int32, first bool) int32 {
	if first {
		delta /= damp
	} else {
		delta /= 2
	}
	delta += delta / numPoints
	k := int32(0)
	for delta > ((base-tMin)*tMax)/2 {
		delta /= base - tMin
		k += base
	}
	return k + (base-tMin+1)*delta/(delta+skew)
}

func encodeDigit(d int32) byte {
	if d < 26 {
		return byte('a' + d)
	}
	return byte('0' + d - 26)
}

// decodeDigit returns the value of a Punycode digit, or -1.
func decodeDigit(c byte) int32 {
	switch {
	case c >= '0' && c <= '9':
		return int32(c-'0') + 26
	case c >= 'A' && c <= 'Z':
		return int32(c - 'A')
	case c >= 'a' && c <= 'z':
		return int32(c - 'a')
	}
	return -1
}

// Encode appends the Punycode encoding of label (RFC 3492 section 6.3, without the "xn--" prefix)
// to dst. Basic code points keep their case. label must be valid UTF-8.
func Encode(dst []byte, label string) ([]byte, error) {
	if !utf8.ValidString(label) {
		return dst, newError(label, "invalid UTF-8")
	}
	var b, total int32
	for i := 0; i < len(label); i++ {
		if label[i] < utf8.RuneSelf {
			dst = append(dst, label[i])
			b++
		}
	}
	for range label {
		total++
	}
	h := b
	if b > 0 {
		dst = append(dst, '-')
	}
	n, delta, bias := int32(initialN), int32(0), int32(initialBias)
	for h < total {
		// m is the smallest code point >= n in the input.
		m := int32(maxInt32)
		for _, r := range label {
			if r >= n && r < m {
				m = r
			}
		}
		if (m - n) > (maxInt32-delta)/(h+1) {
			return dst, newError(label, "overflow")
		}
		delta += (m - n) * (h + 1)
		n = m
		for _, r := range label {
			if r < n {
				delta++
				if delta == maxInt32 {
					return dst, newError(label, "overflow")
				}
			}
			if r != n {
				continue
			}
			q := delta
			for k := int32(base); ; k += base {
				t := k - bias
				if t < tMin {
					t = tMin
				} else if t > tMax {
					t = tMax
				}
				if q < t {
					break
				}
				dst = append(dst, encodeDigit(t+(q-t)%(base-t)))
				q = (q - t) / (base - t)
			}
			dst = append(dst, encodeDigit(q))
			bias = adapt(delta, h+1, h == b)
			delta = 0
			h++
		}
		delta++
		n++
	}
	return dst, nil
}

// Decode decodes a Punycode string (RFC 3492 section 6.2, without the "xn--" prefix).
func Decode(s string) (string, error) {
	out := make([]rune, 0, len(s))
	basic := strings.LastIndexByte(s, '-')
	if basic < 0 {
		basic = 0
	}
	for i := 0; i < basic; i++ {
		if s[i] >= utf8.RuneSelf {
			return "", newError(s, "non-ASCII character in Punycode")
		}
		out = append(out, rune(s[i]))
	}
	in := 0
	if basic > 0 {
		in = basic + 1
	}
	n, i, bias := int32(initialN), int32(0), int32(initialBias)
	for in < len(s) {
		oldi, w := i, int32(1)
		for k := int32(base); ; k += base {
			if in >= len(s) {
				return "", newError(s, "truncated Punycode")
			}
			digit := decodeDigit(s[in])
			in++
			if digit < 0 {
				return "", newError(s, "invalid Punycode digit")
			}
			if digit > (maxInt32-i)/w {
				return "", newError(s, "overflow")
			}
			i += digit * w
			t := k - bias
			if t < tMin {
				t = tMin
			} else if t > tMax {
				t = tMax
			}
			if digit < t {
				break
			}
			if w > maxInt32/(base-t) {
				return "", newError(s, "overflow")
			}
			w *= base - t
		}
		cnt := int32(len(out) + 1)
		bias = adapt(i-oldi, cnt, oldi == 0)
		if i/cnt > maxInt32-n {
			return "", newError(s, "overflow")
		}
		n += i / cnt
		i %= cnt
		if n < initialN || n > unicode.MaxRune || (n >= 0xD800 && n <= 0xDFFF) {
			return "", newError(s, "invalid code point")
		}
		out = append(out, 0)
		copy(out[i+1:], out[i:])
		out[i] = n
		i++
	}
	return string(out), nil
}

// Limits of RFC 1035 / RFC 5321.
const (
	maxLabel  = 63
	maxDomain = 253
)

// ToASCII returns the ASCII form of domain: unchanged when it is already ASCII (and valid),
// otherwise every label lower-cased and every non-ASCII label Punycode-encoded with the "xn--"
// prefix. See the package documentation for the (deliberately partial) mapping.
//
// It rejects empty labels (including a trailing dot), labels longer than 63 octets, domains longer
// than 253 octets, ASCII labels that are not letters, digits and inner hyphens, "xn--" labels that
// are not valid Punycode, and non-ASCII characters it cannot map.
func ToASCII(domain string) (string, error) {
	ascii := true
	for i := 0; i < len(domain); i++ {
		if domain[i] >= utf8.RuneSelf {
			ascii = false
			break
		}
	}
	if ascii {
		if err := checkASCIIDomain(domain); err != nil {
			return "", err
		}
		return domain, nil
	}
	if !utf8.ValidString(domain) {
		return "", newError(domain, "invalid UTF-8 in domain")
	}
	out := make([]byte, 0, len(domain)+16)
	for label := range strings.SplitSeq(domain, ".") {
		if len(out) > 0 {
			out = append(out, '.')
		}
		var err error
		if out, err = appendLabel(out, domain, label); err != nil {
			return "", err
		}
	}
	if len(out) > maxDomain {
		return "", newError(domain, "domain longer than 253 octets after encoding")
	}
	return string(out), nil
}

func checkASCIIDomain(domain string) error {
	if domain == "" {
		return newError(domain, "empty domain")
	}
	if len(domain) > maxDomain {
		return newError(domain, "domain longer than 253 octets")
	}
	for label := range strings.SplitSeq(domain, ".") {
		if err := checkASCIILabel(domain, label); err != nil {
			return err
		}
	}
	return nil
}

func isLetDig(c byte) bool {
	return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

func checkASCIILabel(domain, label string) error {
	if label == "" {
		return newError(domain, "empty label")
	}
	if len(label) > maxLabel {
		return newError(domain, "label longer than 63 octets")
	}
	for i := 0; i < len(label); i++ {
		c := label[i]
		if !isLetDig(c) && c != '-' {
			return newError(domain, "character "+quoteByte(c)+" not allowed in a domain label")
		}
	}
	if label[0] == '-' || label[len(label)-1] == '-' {
		return newError(domain, "label begins or ends with '-'")
	}
	if len(label) >= 4 && (label[0]|0x20) == 'x' && (label[1]|0x20) == 'n' && label[2] == '-' && label[3] == '-' {
		if _, err := Decode(label[4:]); err != nil {
			return newError(domain, "label "+label+" is not valid Punycode")
		}
	}
	return nil
}

func quoteByte(c byte) string {
	const hex = "0123456789ABCDEF"
	if c >= 0x20 && c < 0x7f {
		return "'" + string(rune(c)) + "'"
	}
	return "0x" + string([]byte{hex[c>>4], hex[c&15]})
}

// appendLabel appends the ASCII form of one label of a domain that has non-ASCII labels.
func appendLabel(dst []byte, domain, label string) ([]byte, error) {
	if label == "" {
		return dst, newError(domain, "empty label")
	}
	nonASCII := false
	for i, r := range label {
		switch {
		case r < utf8.RuneSelf:
			c := byte(r)
			if !isLetDig(c) && c != '-' {
				return dst, newError(domain, "character "+quoteByte(c)+" not allowed in a domain label")
			}
		case unicode.IsLetter(r) || unicode.Is(unicode.Nd, r) || unicode.IsMark(r):
			nonASCII = true
			if unicode.ToLower(r) != r || unicode.IsTitle(r) {
				return dst, newError(domain, "upper-case character "+string(r)+" in domain needs IDNA mapping, which is not done; write it in lower case")
			}
			if i == 0 && unicode.IsMark(r) {
				return dst, newError(domain, "label begins with a combining mark")
			}
		default:
			return dst, newError(domain, "character "+string(r)+" (U+"+hexRune(r)+") not allowed in a domain")
		}
	}
	if label[0] == '-' || label[len(label)-1] == '-' {
		return dst, newError(domain, "label begins or ends with '-'")
	}
	start := len(dst)
	if !nonASCII {
		if err := checkASCIILabel(domain, label); err != nil {
			return dst, err
		}
		for i := 0; i < len(label); i++ {
			dst = append(dst, lower(label[i]))
		}
		return dst, nil
	}
	// Every code point yields at least one output octet after the 4-octet prefix: reject labels
	// that cannot fit before encoding them (Encode is quadratic in the label length).
	if utf8.RuneCountInString(label) > maxLabel-4 {
		return dst, newError(domain, "label longer than 63 octets after encoding")
	}
	dst = append(dst, "xn--"...)
	// Encode the lower-cased label: IDNA requires lower-case ASCII before encoding.
	var lb [maxLabel * 4]byte
	low := lb[:0]
	for i := 0; i < len(label); i++ {
		low = append(low, lower(label[i]))
	}
	var err error
	if dst, err = Encode(dst, string(low)); err != nil {
		return dst, newError(domain, "cannot encode label")
	}
	if len(dst)-start > maxLabel {
		return dst, newError(domain, "label longer than 63 octets after encoding")
	}
	return dst, nil
}

func lower(c byte) byte {
	if c >= 'A' && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

func hexRune(r rune) string {
	const hex = "0123456789ABCDEF"
	var b [8]byte
	i := len(b)
	for r > 0 || i > len(b)-4 {
		i--
		b[i] = hex[r&15]
		r >>= 4
	}
	return string(b[i:])
}
