package multipart

import (
	"bytes"
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

// qpClassify classifies the eight octets of the little-endian word v, one flag per byte lane (its
// top bit): esc for the octets written as escapes with no need to look at their neighbours (8-bit,
// DEL and '='), spec for those that need a closer look: the ASCII controls (CR and LF above all,
// also TAB, NUL and the rest). Every test is exact per lane: no carry or borrow crosses a lane.
func qpClassify(v uint64) (esc, spec uint64) {
	lo := v &^ msb8
	spec = ^((lo + 0x60*lsb8) | v) & msb8 // < 0x20
	// t's lane top bit is clear exactly when the low seven bits are '=' (no lane carries: at
	// most 0x7F + 0x7F), so ^t flags '=' among the ASCII lanes; the others are escapes anyway.
	t := (lo ^ '='*lsb8) + 0x7f*lsb8
	esc = (v | (lo + lsb8) | ^t) & msb8 // >= 0x80, 0x7F, or '='
	return esc, spec
}

// qpClassifyPlain is qpClassify for a word that holds neither '=' nor DEL, whose escapes are then
// the octets with their top bit set: it returns m, the escapes at bit 0 of their lanes
// (qpClassify's esc>>7), and ctl, which is not zero exactly when a lane holds a control (< 0x20).
// ctl flags the lowest such lane as qpClassify's spec does, but the borrow out of a control's lane
// may flag lanes above it too: the word loop only tests it against zero. Half the operations and
// half the 64-bit constants of qpClassify; TestQPClassifyPlain holds it to it.
func qpClassifyPlain(v uint64) (m, ctl uint64) {
	return v >> 7 & lsb8, (v - qpSpaces) &^ v & msb8
}

// qpSpaces is 0x20 in every lane: a variable, never written, so that the word loop reads it from
// memory instead of carrying the 64-bit constant as one more instruction of each word (paired CPU
// time: text and HTML 1 to 2.5% faster, Latin-1 the same).
var qpSpaces uint64 = 0x20 * lsb8

// qpIndex returns the offset of the first c in p[i:end], or end.
func qpIndex(p []byte, i, end int, c byte) int {
	if k := bytes.IndexByte(p[i:end], c); k >= 0 {
		return i + k
	}
	return end
}

// laneCount counts the lanes of m, which has one bit per byte lane (bit 0 of each byte): the
// multiplication sums the eight bytes into the top one. It is bits.OnesCount64 without the
// POPCNT feature check that GOAMD64=v1 builds make at every call.
func laneCount(m uint64) int { return int(m * lsb8 >> 56) }

// qpLanes works out how many of the first n lanes (1 to 8) of a word fit on the current line at
// output column col (at most 75): m has one bit per lane (bit 0 of each byte) set for the lanes
// written as escapes, clear beyond n. It returns the end offset of every lane's encoding (one per
// byte lane: lane j ends j+1 octets plus two per escape up to it), the width w of the n lanes,
// and fit, the lanes that end by column 75: n when all do. When fit < n the lane after them needs
// a soft break before it, unless it is the last octet of its line (fit == n-1 and the line ends
// after the n lanes) and ends by column 76: qpLanesOverflow decides.
func qpLanes(m uint64, n, col int) (ends uint64, w, fit int) {
	ends = m*lsb8*2 + 0x0807060504030201
	// Shift counts below 64 (here and in qpLaneEnd) masked as such: the compiler then drops
	// the code it adds for larger ones.
	w = int(ends >> ((8*n - 8) & 63) & 0xff)
	if col+w <= qpLineMax-1 {
		return ends, w, n
	}
	over := (ends + uint64(0x7f-(qpLineMax-1-col))*lsb8) & msb8 // lanes ending past column 75
	return ends, w, bits.TrailingZeros64(over) >> 3
}

// qpLaneEnd returns the end offset of lane j-1 in ends (0 for j == 0): the width of j lanes.
func qpLaneEnd(ends uint64, j int) int {
	return int(ends << 8 >> ((8 * j) & 63) & 0xff)
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
	// noEq and noDEL say that the input holds no '=' and no DEL (0x7F): the caller found so
	// (scan does, for an in-memory body), and the encoder does not search for them.
	noEq, noDEL bool
}

// qpMaxOut bounds the encoding of k input octets: three octets each, plus a soft break (3 octets)
// at most every 24 input octets (75 columns hold 25 escapes), plus slack for whole-word stores.
func qpMaxOut(k int) int { return 3*k + 3*(k/24) + qpWin }

// qpWin is the window of dst a word's stores go through: a lane's encoding is stored at an offset
// read from a byte (at most 255) as four octets. Declaring the window that large lets the compiler
// drop both the bounds check and a masking AND per lane; only the first 8*3 octets are ever used.
const qpWin = 256 + 4

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
	i, o, col := qpEncodeLoop(d, p, end, o0, q.col, q.crlf, q.noEq, q.noDEL)
	// Whitespace just written that the end of the data or a line break (seen by lookahead) follows.
	if o > o0 && (d[o-1] == ' ' || d[o-1] == '\t') && qpLineEnd(p, i, q.crlf) {
		o, col = qpFixWS(d, o, col)
	}
	q.col = col
	return d[:o], i
}

// qpEncodeLoop encodes p[:end] (p[end:] is lookahead) to d[o:] starting at output column col, and
// returns how much of p it consumed, the new o and the new col. It is encode's loop in a function
// of its own so that fewer values are live across its loops: not the receiver, not dst, not
// where the output started (i > 0 says whether anything was written, as every octet consumed
// writes at least one), and, below, one length per slice instead of a length and a capacity.
// noEq and noDEL are qpEncoder's.
func qpEncodeLoop(d, p []byte, end, o, col int, crlf, noEq, noDEL bool) (int, int, int) {
	// Slices whose length is their capacity: one value each for the bounds checks, not two.
	d = d[:cap(d)]
	p = p[:len(p):len(p)]
	i := 0
	// lims[0] is where the next '=' or DEL is (at or after i, or end): before it, the word loop
	// classifies with qpClassifyPlain. lims[1] and lims[2] are the next '=' and the next DEL,
	// each searched again (bytes.IndexByte) only once passed, so p is searched once for each;
	// lims[3] is end. An array, so that they stay in memory, not in registers the loop needs.
	// What the caller knows p lacks is at end from the start, never searched for.
	lims := [4]int{-1, -1, -1, end}
	if noEq {
		lims[1] = end
	}
	if noDEL {
		lims[2] = end
	}
	for i < lims[3] {
		if lims[0] < i {
			if lims[1] < i {
				lims[1] = qpIndex(p, i, lims[3], '=')
			}
			if lims[2] < i {
				lims[2] = qpIndex(p, i, lims[3], 0x7f)
			}
			lims[0] = min(lims[1], lims[2])
		}
		// Words of eight octets that all fit on this line, the common case, in a loop of its
		// own that only goes on or stops: the word that stops it is classified again below
		// (once per line or soft break), which costs less than what one loop holding both
		// paths cost after every word (the allocator restored the other paths' registers).
		// laneCount, not bits.OnesCount64: the latter's feature check and fallback call make
		// the allocator spill around it (GOAMD64=v1). The word's load and laneCount are
		// written out, not called: an inlined call whose own line has no instruction left
		// leaves an inline-mark NOP in the loop, one per call per word.
		for i+8 <= lims[0] {
			pw := (*[8]byte)(p[i : i+8])
			v := uint64(pw[0]) | uint64(pw[1])<<8 | uint64(pw[2])<<16 | uint64(pw[3])<<24 |
				uint64(pw[4])<<32 | uint64(pw[5])<<40 | uint64(pw[6])<<48 | uint64(pw[7])<<56
			m, ctl := qpClassifyPlain(v)
			if m == 0 {
				// A plain word, on a path of its own: width 8, one store. (Plain words
				// are short of ALU slots, words with escapes of load ports.)
				if ctl != 0 || col+8 > qpLineMax-1 {
					break
				}
				binary.LittleEndian.PutUint64(d[o:o+8], v)
				o += 8
				col += 8
				i += 8
				continue
			}
			w := 8 + int(m*lsb8>>56)*2 // 8 + 2*laneCount(m)
			if ctl != 0 || col+w > qpLineMax-1 {
				break
			}
			// Lane j's encoding starts at j plus two per escape before it. The offsets go
			// through memory (at) and the octets are read from p (pw): one load each, where
			// extracting them from registers takes a copy, a shift and a mask, and spills in
			// a loop that is short of registers.
			dd := (*[qpWin]byte)(d[o : o+qpWin])
			var at [8]byte
			binary.LittleEndian.PutUint64(at[:], (m*lsb8-m)*2+0x0706050403020100)
			binary.LittleEndian.PutUint32(dd[at[0]:], qpTab[pw[0]])
			binary.LittleEndian.PutUint32(dd[at[1]:], qpTab[pw[1]])
			binary.LittleEndian.PutUint32(dd[at[2]:], qpTab[pw[2]])
			binary.LittleEndian.PutUint32(dd[at[3]:], qpTab[pw[3]])
			binary.LittleEndian.PutUint32(dd[at[4]:], qpTab[pw[4]])
			binary.LittleEndian.PutUint32(dd[at[5]:], qpTab[pw[5]])
			binary.LittleEndian.PutUint32(dd[at[6]:], qpTab[pw[6]])
			binary.LittleEndian.PutUint32(dd[at[7]:], qpTab[pw[7]])
			o += w
			col += w
			i += 8
		}
		// The word the loop stopped at, classified again (once per line or soft break, and
		// at each '=' or DEL): its lanes before the first control octet, as many as fit on
		// this line.
		if i+8 <= lims[3] {
			pw := (*[8]byte)(p[i : i+8])
			v := binary.LittleEndian.Uint64(pw[:])
			esc, spec := qpClassify(v)
			m := esc >> 7
			n := 8
			if spec != 0 {
				n = bits.TrailingZeros64(spec) >> 3 // the lanes before the first control
			}
			if n > 0 {
				if n < 8 {
					m &= 1<<((8*n)&63) - 1
				}
				ends, w, take := qpLanes(m, n, col)
				if qpLanesOverflow(take, n, col+w, p, i+n, crlf) {
					w = qpLaneEnd(ends, take)
				} else {
					take = n
				}
				// Store all eight lanes; what lies past the lanes taken is overwritten later.
				dd := (*[qpWin]byte)(d[o : o+qpWin])
				if m == 0 {
					binary.LittleEndian.PutUint64(dd[:], v)
				} else {
					// Where each lane's encoding starts (its end minus its width), so the
					// eight stores do not wait on one another; loaded as above.
					var at [8]byte
					binary.LittleEndian.PutUint64(at[:], ends-m*2-lsb8)
					binary.LittleEndian.PutUint32(dd[at[0]:], qpTab[pw[0]])
					binary.LittleEndian.PutUint32(dd[at[1]:], qpTab[pw[1]])
					binary.LittleEndian.PutUint32(dd[at[2]:], qpTab[pw[2]])
					binary.LittleEndian.PutUint32(dd[at[3]:], qpTab[pw[3]])
					binary.LittleEndian.PutUint32(dd[at[4]:], qpTab[pw[4]])
					binary.LittleEndian.PutUint32(dd[at[5]:], qpTab[pw[5]])
					binary.LittleEndian.PutUint32(dd[at[6]:], qpTab[pw[6]])
					binary.LittleEndian.PutUint32(dd[at[7]:], qpTab[pw[7]])
				}
				i += take
				if take < n {
					// A soft break after the lanes taken, into the window as one store.
					binary.LittleEndian.PutUint32(dd[uint8(w):], '='|'\r'<<8|'\n'<<16)
					o += w + 3
					col = 0
					continue
				}
				o += w
				col += w
				if n == 8 {
					continue
				}
				// A hard line break right after the lanes (CRLF, or LF in text) that no
				// whitespace precedes: CRLF into the window too, without the octet path
				// below. (The lanes may end at column 76: qpLanesOverflow saw the break.)
				c := pw[n]
				brk := c == '\n' && crlf || c == '\r' && n < 7 && pw[n+1] == '\n'
				if brk && pw[n-1] != ' ' && pw[n-1] != '\t' {
					binary.LittleEndian.PutUint16(dd[uint8(w):], '\r'|'\n'<<8)
					o += 2
					col = 0
					i++
					if c == '\r' {
						i++
					}
					continue
				}
			}
		}
		if i >= lims[3] {
			break
		}
		// Line breaks, and an octet that reaches column 75.
		c := p[i]
		if c == '\r' && i+1 < len(p) && p[i+1] == '\n' || c == '\n' && crlf {
			if i > 0 && (d[o-1] == ' ' || d[o-1] == '\t') {
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
		if qpOverflows(col+w, p, i+1, crlf) {
			d[o], d[o+1], d[o+2] = '=', '\r', '\n'
			o += 3
			col = 0
		}
		binary.LittleEndian.PutUint32(d[o:], e)
		o += w
		col += w
		i++
	}
	return i, o, col
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

// qpOverflows reports whether encoded octets ending at output column end, followed in p by p[j:],
// must go to the next line after a soft break: they may end by column 75, or at column 76 when a
// line break follows them (a soft break's '=' takes the 76th column otherwise). The encoder and
// the sizing scan both place soft breaks by it.
func qpOverflows(end int, p []byte, j int, crlf bool) bool {
	return end > qpLineMax-1 && (end > qpLineMax || !qpLineEnd(p, j, crlf))
}

// qpLanesOverflow is qpOverflows for the n lanes of a word of which qpLanes found that take fit by
// column 75, the n lanes ending at column end and followed in p by p[j:]: when take < n the lanes
// do not all fit, except that the last may end at column 76 when a line break follows it. (When
// take < n the lanes end past column 75, so qpOverflows' first test is not repeated.)
func qpLanesOverflow(take, n, end int, p []byte, j int, crlf bool) bool {
	return take < n && (take < n-1 || end > qpLineMax || !qpLineEnd(p, j, crlf))
}
