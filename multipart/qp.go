package multipart

import (
	"encoding/binary"
	"math/bits"
)

const qpLineMax = 76 // octets per quoted-printable line, a soft break's '=' included (RFC 2045 §6.7)

// Quoted-printable classes of an input octet (qpClass).
const (
	qpPlain = iota // 0x21..0x7E except '=': written as is
	qpEsc          // '=', controls, DEL, 8-bit: written =XX
	qpWSP          // SP or TAB: as is, or =XX before a line break or at the end
	qpCR           // CR: a hard line break when LF follows, else =0D
	qpLF           // LF: a hard line break in text (crlf), else =0A
)

var qpClass = func() (t [256]uint8) {
	for c := range t {
		switch {
		case c == ' ' || c == '\t':
			t[c] = qpWSP
		case c == '\r':
			t[c] = qpCR
		case c == '\n':
			t[c] = qpLF
		case c > ' ' && c <= '~' && c != '=':
			t[c] = qpPlain
		default:
			t[c] = qpEsc
		}
	}
	return t
}()

// qpTab holds, for each octet, its encoding in the low three bytes (little-endian: the octet
// itself, or '=', hex, hex) and its width (1 or 3) in the top byte. SP and TAB are literal here;
// one that ends a line is re-encoded when the line break (or the end) is reached (qpFixWS).
// CR and LF have width 0: a line break, or an escape, depending on what surrounds them.
var qpTab = func() (t [256]uint32) {
	for c := range t {
		switch qpClass[c] {
		case qpPlain, qpWSP:
			t[c] = 1<<24 | uint32(c)
		case qpEsc:
			t[c] = 3<<24 | uint32(upperHex[c&15])<<16 | uint32(upperHex[c>>4])<<8 | '='
		}
	}
	return t
}()

const (
	lsb8 = 0x0101010101010101
	msb8 = 0x8080808080808080
)

// qpPlainPrefix returns how many leading octets (0 to 8, in memory order) of the little-endian
// word v are 0x20..0x7E other than '=', by the usual word-at-a-time tests (some octet < 0x20,
// some octet > 0x7E, some octet == '='). Borrows and carries only run towards later octets, so
// the first flagged octet is exact.
func qpPlainPrefix(v uint64) int {
	eq := v ^ ('=' * lsb8)
	bad := ((v-0x20*lsb8)&^v | (v + lsb8) | v | (eq-lsb8)&^eq) & msb8
	return bits.TrailingZeros64(bad) >> 3
}

// qpWord reports whether the eight octets of the little-endian word v can be encoded without
// looking at their neighbours: no CR, LF, TAB or other control, no '=', no DEL or 0xFF; each is
// then written as is (0x20..0x7E) or as an escape (0x80..0xFE). It returns their encoded width.
// The tests are "some octet < 0x20", "some octet == '='", "some octet's low seven bits are all
// set": exact for "some", which is all that is asked.
func qpWord(v uint64) (int, bool) {
	eq := v ^ ('=' * lsb8)
	if ((v-0x20*lsb8)&^v|(eq-lsb8)&^eq|(v&^msb8+lsb8))&msb8 != 0 {
		return 0, false
	}
	return 8 + 2*bits.OnesCount64(v&msb8), true
}

// qpEncoder is a streaming quoted-printable encoder (RFC 2045 §6.7): encoded lines are at most 76
// octets including a soft line break's '='; CRLF in the input is a hard line break (with crlf set,
// so is a bare LF); a bare CR or LF is encoded; whitespace before a line break or at the end is
// encoded. Runs of eight plain octets are copied a word at a time; everything else goes through
// one table lookup per octet. scan computes the exact length of this encoding with the same rules
// (qpLen), so a body is sized without being encoded.
type qpEncoder struct {
	col  int
	crlf bool
}

// qpMaxOut bounds the encoding of k input octets: three octets each, plus a soft break (3 octets)
// at most every 24 input octets (75 columns hold 25 escapes), plus slack for whole-word stores.
func qpMaxOut(k int) int { return 3*k + 3*(k/24) + 32 }

// encode appends the encoding of a prefix of p to dst and returns how much of p it consumed. Unless
// atEOF, it stops short of the last two octets, which it needs as lookahead.
//
// Octets go out through qpTab, a word of eight at a time where they are all written as they are,
// with one check per octet: does it fit before column 76. SP and TAB are written as they are; when
// a line break (or the end) follows one, it is rewritten as an escape (qpFixWS), which is what the
// rule "whitespace before a line break is encoded" gives, soft break included.
func (q *qpEncoder) encode(dst, p []byte, atEOF bool) ([]byte, int) {
	end := len(p)
	if !atEOF {
		end -= 2
	}
	if end <= 0 {
		return dst, 0
	}
	o0 := len(dst)
	if need := qpMaxOut(end); cap(dst)-o0 < need {
		dst = append(dst[:cap(dst)], make([]byte, need-(cap(dst)-o0))...)
	}
	d := dst[:cap(dst)]
	o := o0
	col, crlf := q.col, q.crlf
	i := 0
	for i < end {
		stop := i + 1 // octets the table loop below may take
		if i+8 <= end {
			v := binary.LittleEndian.Uint64(p[i:])
			if w, ok := qpWord(v); ok && col+w <= qpLineMax-1 {
				// Eight octets that all fit on this line: no check per octet.
				if w == 8 {
					binary.LittleEndian.PutUint64(d[o:], v)
				} else {
					// Where each octet's encoding starts: its index plus two per escape
					// before it (prefix sums of the 8-bit octets, one per byte lane), so
					// the eight stores do not wait on one another.
					m := v >> 7 & lsb8
					pos := (m*lsb8-m)*2 + 0x0706050403020100
					dd := d[o : o+32]
					binary.LittleEndian.PutUint32(dd[uint8(pos):], qpTab[uint8(v)])
					binary.LittleEndian.PutUint32(dd[uint8(pos>>8):], qpTab[uint8(v>>8)])
					binary.LittleEndian.PutUint32(dd[uint8(pos>>16):], qpTab[uint8(v>>16)])
					binary.LittleEndian.PutUint32(dd[uint8(pos>>24):], qpTab[uint8(v>>24)])
					binary.LittleEndian.PutUint32(dd[uint8(pos>>32):], qpTab[uint8(v>>32)])
					binary.LittleEndian.PutUint32(dd[uint8(pos>>40):], qpTab[uint8(v>>40)])
					binary.LittleEndian.PutUint32(dd[uint8(pos>>48):], qpTab[uint8(v>>48)])
					binary.LittleEndian.PutUint32(dd[uint8(pos>>56):], qpTab[uint8(v>>56)])
				}
				o += w
				col += w
				i += 8
				continue
			}
			stop = min(i+8, end) // the rest of the word, one octet at a time
			if col <= qpLineMax-1-8 {
				binary.LittleEndian.PutUint64(d[o:], v)
				k := qpPlainPrefix(v)
				o += k
				col += k
				i += k
			}
		}
		for i < stop {
			e := qpTab[p[i]]
			w := int(e >> 24)
			if w == 0 || col+w > qpLineMax-1 {
				break
			}
			binary.LittleEndian.PutUint32(d[o:], e)
			o += w
			col += w
			i++
		}
		if i == stop {
			continue
		}
		// Line breaks, and an octet that reaches column 75.
		c := p[i]
		if c == '\r' && i+1 < len(p) && p[i+1] == '\n' || c == '\n' && crlf {
			if o > o0 && (d[o-1] == ' ' || d[o-1] == '\t') {
				o, _ = qpFixWS(d, o, col)
			}
			d[o], d[o+1] = '\r', '\n'
			o += 2
			col = 0
			i++
			if c == '\r' {
				i++
			}
			continue
		}
		e := qpTab[c]
		w := int(e >> 24)
		if w == 0 {
			e, w = 3<<24|uint32(upperHex[c&15])<<16|uint32(upperHex[c>>4])<<8|'=', 3 // bare CR or LF
		}
		// At column 75 only the last octet of a line fits (a soft break's '=' takes the 76th).
		if col+w > qpLineMax-1 && (col+w > qpLineMax || !qpLineEnd(p, i+1, crlf)) {
			d[o], d[o+1], d[o+2] = '=', '\r', '\n'
			o += 3
			col = 0
		}
		binary.LittleEndian.PutUint32(d[o:], e)
		o += w
		col += w
		i++
	}
	// Whitespace just written that the end of the data or a line break (seen by lookahead) follows.
	if o > o0 && (d[o-1] == ' ' || d[o-1] == '\t') && qpLineEnd(p, i, crlf) {
		o, col = qpFixWS(d, o, col)
	}
	q.col = col
	return d[:o], i
}

// qpFixWS rewrites the SP or TAB last written (at d[o-1], column col-1) as an escape, with a soft
// break before it when "=20" would not end by column 76, and returns the new o and col.
func qpFixWS(d []byte, o, col int) (int, int) {
	c := d[o-1]
	o--
	col--
	if col+3 > qpLineMax {
		d[o], d[o+1], d[o+2] = '=', '\r', '\n'
		o += 3
		col = 0
	}
	d[o], d[o+1], d[o+2] = '=', upperHex[c>>4], upperHex[c&15]
	return o + 3, col + 3
}

// qpLineEnd reports whether a line ends at p[j]: the end of p, CRLF, or (text) a bare LF.
func qpLineEnd(p []byte, j int, crlf bool) bool {
	return j == len(p) || p[j] == '\r' && j+1 < len(p) && p[j+1] == '\n' || p[j] == '\n' && crlf
}
