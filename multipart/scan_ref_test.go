package multipart

import (
	"encoding/binary"
	"math/bits"
)

// refScan is scan as it was before the line-at-a-time rewrite, kept as the reference the new one
// must match field for field (TestScanMatchesReference, FuzzQPEncode).
func refScan(data []byte, crlf bool) dataScan {
	var s dataScan
	s.outLen = int64(len(data))
	line := 0        // input octets on the current line
	col := 0         // output column of the quoted-printable encoding
	var out int64    // quoted-printable octets so far
	var high uint8   // OR of the octets seen one at a time (non-ASCII when its top bit is set)
	var highw uint64 // OR of the words seen eight octets at a time
	var esc int64    // octets written as escapes
	for i := 0; i < len(data); {
		if i+8 <= len(data) {
			// A word at a time, as qpEncoder.encode takes it; '=' (for "=_") and the controls
			// (line breaks, NUL, bare CR or LF) are left to the octet-wise path below.
			v := binary.LittleEndian.Uint64(data[i:])
			em, spec := refQPClassify(v, true)
			highw |= v
			m := em >> 7
			k := refOnesCount(m)
			if w := 8 + 2*k; spec == 0 && col+w <= qpLineMax-1 {
				col += w
				out += int64(w)
				esc += int64(k)
				line += 8
				i += 8
				continue
			}
			n := 8
			if spec != 0 {
				n = bits.TrailingZeros64(spec) >> 3
			}
			if n > 0 {
				if n < 8 {
					m &= 1<<(8*n) - 1
				}
				ends, w, take := qpLanes(m, n, col)
				if take < n && !(take == n-1 && col+w <= qpLineMax && qpLineEnd(data, i+n, crlf)) {
					w = qpLaneEnd(ends, take)
				} else {
					take = n
				}
				esc += int64(refOnesCount(m & (1<<(8*take) - 1)))
				col += w
				out += int64(w)
				line += take
				i += take
				if take < n {
					out += 3 // a soft break
					col = 0
					continue
				}
				if n == 8 {
					continue
				}
			}
		}
		c := data[i]
		if c == '\r' && i+1 < len(data) && data[i+1] == '\n' || c == '\n' && crlf {
			if i > 0 && (data[i-1] == ' ' || data[i-1] == '\t') {
				out, _ = refQPFixWSSize(out, col)
			}
			s.maxLine = max(s.maxLine, line)
			line, col = 0, 0
			out += 2
			if c == '\r' {
				i += 2
				continue
			}
			s.outLen++ // a bare LF in text is written CRLF
			i++
			continue
		}
		switch {
		case c == '\r' || c == '\n':
			s.bare = true
		case c == 0:
			s.nul = true
		case c == '=' && i+1 < len(data) && data[i+1] == '_':
			s.eqUnder = true
		}
		high |= c
		w := int(qpTab[c] >> 24)
		if w != 1 {
			w = 3
			esc++
		}
		if col+w > qpLineMax-1 && (col+w > qpLineMax || !qpLineEnd(data, i+1, crlf)) {
			out += 3
			col = 0
		}
		out += int64(w)
		col += w
		line++
		i++
	}
	if n := len(data); n > 0 && (data[n-1] == ' ' || data[n-1] == '\t') {
		out, _ = refQPFixWSSize(out, col)
	}
	s.maxLine = max(s.maxLine, line)
	s.nonASCII = high >= 0x80 || highw&msb8 != 0
	s.qpExtra = 2 * esc
	s.qpLen = out
	return s
}

func refOnesCount(m uint64) int { return bits.OnesCount64(m) }

func refQPFixWSSize(out int64, col int) (int64, int) {
	col--
	if col+3 > qpLineMax {
		out += 3
		col = 0
	}
	return out + 2, col + 3
}

func refQPClassify(v uint64, eqSpecial bool) (esc, spec uint64) {
	lo := v &^ msb8
	spec = ^((lo + 0x60*lsb8) | v) & msb8 // < 0x20
	x := v ^ ('=' * lsb8)
	eq := ^(((x &^ msb8) + 0x7f*lsb8) | x) & msb8 // == '='
	esc = (v | (lo + lsb8)) & msb8                // >= 0x80, or 0x7F
	if eqSpecial {
		spec |= eq
	} else {
		esc |= eq
	}
	return esc, spec
}
