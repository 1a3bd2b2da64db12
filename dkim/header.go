package dkim

import "bytes"

// field is one header field of a header block: src[start:end] is the whole field including its final
// CRLF; src[start:nameEnd] is the name.
type field struct {
	start, nameEnd, end int
}

// parseHeader splits the header block hdr into fields, appending them to fs. hdr must be a sequence
// of CRLF-terminated fields; an empty line ends it (nothing may follow it). Bare CR or LF, a
// continuation line without a field, a line without a colon, an invalid field name or WSP before
// the colon is an error wrapping ErrMalformedMessage.
func parseHeader(fs []field, hdr []byte) ([]field, error) {
	i := 0
	for i < len(hdr) {
		if hdr[i] == '\r' && i+1 < len(hdr) && hdr[i+1] == '\n' {
			if i+2 != len(hdr) {
				return fs, malformed("header block continues after an empty line")
			}
			return fs, nil
		}
		if hdr[i] == ' ' || hdr[i] == '\t' {
			if len(fs) == 0 {
				return fs, malformed("header block starts with a continuation line")
			}
			// Continuation: extend the previous field.
			e, err := lineEnd(hdr, i)
			if err != nil {
				return fs, err
			}
			fs[len(fs)-1].end = e
			i = e
			continue
		}
		// Field name: printable ASCII except colon, then ':'. The obsolete form with WSP before the
		// colon (RFC 5322 §4.5) is refused: verifiers disagree about it (python3-dkim rejects it).
		j := i
		for j < len(hdr) && hdr[j] > ' ' && hdr[j] < 0x7f && hdr[j] != ':' {
			j++
		}
		nameEnd := j
		if j < len(hdr) && (hdr[j] == ' ' || hdr[j] == '\t') && j > i {
			return fs, malformed("whitespace between field name and colon (obsolete syntax)")
		}
		if j == i || j >= len(hdr) || hdr[j] != ':' {
			return fs, malformed("header line is not a field (no name or no colon)")
		}
		e, err := lineEnd(hdr, j)
		if err != nil {
			return fs, err
		}
		fs = append(fs, field{start: i, nameEnd: nameEnd, end: e})
		i = e
	}
	return fs, nil
}

// lineEnd returns the offset just past the CRLF ending the line that contains offset i.
func lineEnd(b []byte, i int) (int, error) {
	k := bytes.IndexAny(b[i:], "\r\n")
	if k < 0 {
		return 0, malformed("header line does not end in CRLF")
	}
	k += i
	if b[k] == '\n' || k+1 >= len(b) || b[k+1] != '\n' {
		return 0, malformed("bare CR or LF in header block (lines must end in CRLF)")
	}
	return k + 2, nil
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
