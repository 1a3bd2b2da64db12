package dkim

import (
	"bytes"
	"errors"
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
	wsp := false
	started := false
	v := f[colon+1:]
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
