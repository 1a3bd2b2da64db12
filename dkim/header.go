package dkim

import (
	"bytes"
	"encoding/binary"
	"errors"
	"math"
	"strconv"
	"strings"

	"github.com/sesraw/sesraw/rawheader"
)

// field is one header field of a header block: src[start:end] is the whole field including its final
// CRLF; src[start:nameEnd] is the name.
type field struct {
	start, nameEnd, end int
}

// parseHeader splits the header block hdr into fields, appending them to fs. It reads hdr with the
// one header grammar (package rawheader) and refuses, naming the real problem, what a signature
// could not survive: a malformed header block (a line that is not a field, a bare CR), a leading
// mbox From line, bare LF line endings, blanks between a field name and its colon (verifiers
// disagree about them: python3-dkim rejects them), and anything after the empty line. Every error
// wraps ErrMalformedMessage (and the grammar's error, if any).
func parseHeader(fs []field, hdr []byte) ([]field, error) {
	var sc rawheader.Scanner
	sc.ResetLimits(hdr, signLimits())
	for sc.Next() {
		f := sc.Field()
		if f.ObsColon() {
			return fs, malformed("line " + strconv.Itoa(f.Line) + ": blanks between the field name " + string(f.Name) +
				" and its colon (obsolete syntax; verifiers disagree about it)")
		}
		fs = append(fs, field{start: f.Start, nameEnd: f.Start + len(f.Name), end: f.End})
	}
	if err := headerVerdict(&sc); err != nil {
		return fs, err
	}
	if sc.BodyOffset() != len(hdr) {
		return fs, malformed("header block continues after an empty line")
	}
	if len(hdr) > 0 && hdr[len(hdr)-1] != '\n' {
		return fs, malformed("the last header line does not end in CRLF")
	}
	return fs, nil
}

// signLimits: the signer reads the header block with the grammar's default limits (1 MiB, 10,000
// fields, 16,384 lines in a field), the verdict every sesraw reader reaches, so it never signs a
// message that inspect, strip and Verify refuse (Verify's MaxVerifyHeaderBytes is the same 1 MiB).
// Its own limits (MaxSignedInstances, MaxHeaderKeys) bound what it signs.
func signLimits() rawheader.Limits { return rawheader.Limits{} }

// Prepared keeps field indexes in int16: this fails to compile if the grammar's default limit on
// fields no longer fits.
const _ = uint(math.MaxInt16 - rawheader.DefaultMaxFields)

// headerVerdict returns the error for what the grammar found in a header block that a signature
// cannot survive, once sc has read it.
func headerVerdict(sc *rawheader.Scanner) error {
	if err := sc.Err(); errors.Is(err, rawheader.ErrTooLarge) {
		return &wrapError{msg: "dkim: " + strings.TrimPrefix(err.Error(), "rawheader: "), err: ErrLimit, cause: err}
	} else if err != nil {
		return &wrapError{msg: "dkim: malformed message: " + strings.TrimPrefix(err.Error(), "rawheader: "),
			err: ErrMalformedMessage, cause: err}
	}
	if sc.Flags()&rawheader.FlagMboxFrom != 0 {
		return malformed("the message starts with an mbox From line, which is not a header field (remove it)")
	}
	if sc.Flags()&rawheader.FlagBareLF != 0 {
		return malformed("bare LF line endings in the header block (lines must end in CRLF; convert them first)")
	}
	return nil
}

// lowerTable maps ASCII upper case to lower case and every other byte to itself.
var lowerTable = func() (t [256]byte) {
	for i := range t {
		t[i] = byte(i)
	}
	for c := 'A'; c <= 'Z'; c++ {
		t[c] = byte(c) + 'a' - 'A'
	}
	return t
}()

// equalFold reports whether a and b are equal under ASCII case folding.
func equalFold(a []byte, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		if lowerTable[a[i]] != lowerTable[b[i]] {
			return false
		}
	}
	return true
}

// appendRelaxedHeader appends the relaxed canonical form (RFC 6376 §3.4.2) of one header field f
// (name, colon, value, continuation lines, final CRLF optional) to dst, without the final CRLF:
// name lower-cased, lines unfolded, WSP runs reduced to one SP, WSP around the colon and at the
// end of the value deleted. It does not allocate when dst has room.
func appendRelaxedHeader(dst, f []byte) []byte {
	colon := bytes.IndexByte(f, ':')
	if colon < 0 {
		colon = len(f)
	}
	name := f[:colon]
	// Trim WSP after the name (obsolete syntax "Subject :").
	for len(name) > 0 && (name[len(name)-1] == ' ' || name[len(name)-1] == '\t') {
		name = name[:len(name)-1]
	}
	for _, c := range name {
		dst = append(dst, lowerTable[c])
	}
	dst = append(dst, ':')
	if colon >= len(f) {
		return dst
	}
	v := f[colon+1:]
	if out, ok := appendPlainValue(dst, v); ok {
		return out
	}
	wsp := false
	started := false
	for i := 0; i < len(v); {
		c := v[i]
		switch c {
		case ' ', '\t', '\r', '\n':
			// CR and LF are the folding line breaks (parseHeader admits no others); with the WSP
			// that follows them they are one run of WSP.
			wsp = true
			i++
		default:
			if wsp && started {
				dst = append(dst, ' ')
			}
			wsp = false
			started = true
			j := i + 1
			for j < len(v) && !headerSpecial[v[j]] {
				j++
			}
			dst = append(dst, v[i:j]...)
			i = j
		}
	}
	return dst
}

var headerSpecial = [256]bool{' ': true, '\t': true, '\r': true, '\n': true}

// appendPlainValue appends the value v of a field (what follows the colon) in relaxed canonical
// form and returns true when v is plain: only its final CRLF, one SP at its start and its folds
// (CRLF and one SP or HTAB, between octets that are not WSP: each becomes one SP) are to change;
// apart from them it holds no octet below 0x20, no SP before an octet of at most 0x20 (no run of
// WSP), and neither starts nor ends with SP. Otherwise it returns dst unchanged and false (also,
// rarely, for some plain values: see plainRun), and appendRelaxedHeader takes the value octet by
// octet. Most values are plain; this looks at them eight octets at a time.
func appendPlainValue(dst, v []byte) ([]byte, bool) {
	if n := len(v); n >= 2 && v[n-2] == '\r' && v[n-1] == '\n' {
		v = v[:n-2]
	}
	if len(v) > 0 && v[0] == ' ' {
		v = v[1:]
	}
	if len(v) > 0 && (v[0] == ' ' || v[len(v)-1] == ' ') {
		return dst, false
	}
	n := len(dst)
	for {
		k := bytes.IndexByte(v, '\r')
		if k < 0 {
			if !plainRun(v) {
				return dst[:n], false
			}
			return append(dst, v...), true
		}
		// A fold: the octets around it are not WSP (nor the end of the value), its CRLF is one.
		if k == 0 || v[k-1] == ' ' || k+3 >= len(v) || v[k+1] != '\n' ||
			(v[k+2] != ' ' && v[k+2] != '\t') || v[k+3] == ' ' || v[k+3] == '\t' || !plainRun(v[:k]) {
			return dst[:n], false
		}
		dst = append(append(dst, v[:k]...), ' ')
		v = v[k+3:]
	}
}

// plainRun reports whether r holds no octet below 0x20 and no SP before an octet of at most 0x20.
// It may also report false for a few runs that have neither: a flag can come from a borrow, above
// an octet flagged rightly ('!' just above a SP, for one).
func plainRun(r []byte) bool {
	i := 0
	for ; i+9 <= len(r); i += 8 {
		x := binary.LittleEndian.Uint64(r[i:])
		y := binary.LittleEndian.Uint64(r[i+1:])
		// Octets below 0x20, and SP before an octet below 0x21.
		if (x+minus20)&^x&top8|spBeforeLow(x, y, sp8, minus01, minus21, top8) != 0 {
			return false
		}
	}
	for ; i < len(r); i++ {
		if c := r[i]; c < 0x20 || c == ' ' && i+1 < len(r) && r[i+1] <= ' ' {
			return false
		}
	}
	return true
}
