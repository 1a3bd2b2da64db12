package dkim

import (
	"bytes"
	"crypto/sha256"
	"encoding/binary"
	"hash"
	"math/bits"
)

// bodyBufSize is the scratch buffer of a body hasher: canonical output is gathered there and handed
// to SHA-256 in large blocks, so Write never allocates.
const bodyBufSize = 1024 // holds any line of at most 998 octets (RFC 5322 §2.1.1)

// crlfRun is a run of CRLFs used to flush pending empty lines in blocks.
var crlfRun = bytes.Repeat([]byte("\r\n"), 64)

// bodyHasher canonicalizes (RFC 6376 §3.4.3 simple, §3.4.4 relaxed) and hashes a body in one pass.
// Only CRLF ends a line (RFC 6376 §2.8); a bare CR or LF is an ordinary body byte. State carried
// across Writes: a CR at the end of a chunk, pending whitespace (relaxed), pending empty lines and
// whether the current line has content.
type bodyHasher struct {
	h       hash.Hash
	relaxed bool
	cr      bool // the previous byte was CR, LF not yet seen
	wsp     bool // relaxed: WSP seen in the current line and not yet written
	line    bool // the current line has canonical content
	any     bool // some canonical output was produced
	empties int  // empty lines seen and not yet written (they may be trailing)
	n       int  // bytes used in buf
	buf     [bodyBufSize]byte
}

func newBodyHasher(relaxed bool) *bodyHasher {
	return &bodyHasher{h: sha256.New(), relaxed: relaxed}
}

// reset makes b ready to hash a new body.
func (b *bodyHasher) reset() {
	b.h.Reset()
	b.cr, b.wsp, b.line, b.any = false, false, false, false
	b.empties, b.n = 0, 0
}

// emit appends canonical output.
func (b *bodyHasher) emit(p []byte) {
	if len(p) > len(b.buf)-b.n {
		if b.n > 0 {
			b.h.Write(b.buf[:b.n])
			b.n = 0
		}
		if len(p) >= len(b.buf)/2 {
			b.h.Write(p)
			return
		}
	}
	b.n += copy(b.buf[b.n:], p)
}

func (b *bodyHasher) emitByte(c byte) {
	if b.n == len(b.buf) {
		b.h.Write(b.buf[:])
		b.n = 0
	}
	b.buf[b.n] = c
	b.n++
}

// startContent writes what is pending before a line's content: empty lines held back (they turned
// out not to be trailing) and, for relaxed, one SP for a run of WSP.
func (b *bodyHasher) startContent() {
	for b.empties > 0 {
		k := b.empties
		if k > len(crlfRun)/2 {
			k = len(crlfRun) / 2
		}
		b.emit(crlfRun[:2*k])
		b.empties -= k
	}
	if b.wsp {
		b.emitByte(' ')
		b.wsp = false
	}
	b.line = true
	b.any = true
}

// endLine handles a CRLF: WSP before it is dropped (relaxed); an empty line is held back.
func (b *bodyHasher) endLine() {
	b.wsp = false
	if b.line {
		b.emit(crlfRun[:2])
		b.line = false
	} else {
		b.empties++
	}
}

// relaxedSpecial marks the bytes the relaxed canonicalizer must look at: CR, SP and HTAB.
var relaxedSpecial = [256]bool{'\r': true, ' ': true, '\t': true}

// Write canonicalizes p into the hash. It never fails and never allocates.
//
// Lines that are already canonical (every line for simple; for relaxed, lines without HTAB, runs of
// SP or trailing SP; a bare CR is content) are hashed straight from p, in one block per run of
// such lines. Other complete relaxed lines are canonicalized in one tight pass into the scratch
// buffer (or by the state machine when longer than it); lines cut by a chunk boundary go through
// the byte-wise state machine.
func (b *bodyHasher) Write(p []byte) (int, error) {
	n := len(p)
	for len(p) > 0 {
		if !b.cr && !b.wsp && !b.line {
			if p = b.fastLines(p); len(p) == 0 {
				break
			}
		}
		// One line the slow way: up to and including the CRLF that ends the current line.
		m := len(p)
		if b.cr && p[0] == '\n' {
			m = 1
		} else if k := bytes.Index(p, crlfRun[:2]); k >= 0 {
			m = k + 2
		}
		b.step(p[:m])
		p = p[m:]
	}
	return n, nil
}

// fastLines is called at the start of a line with nothing pending but empty lines. It consumes the
// complete lines of p: relaxed canonicalization changes a line only where it has an HTAB, a SP
// followed by SP or by CR (a run of WSP, or WSP before the CRLF; a line of WSP only has one or the
// other), so every complete line before the first such place is hashed straight from p, in one
// block, and the line holding it is canonicalized on its own. Trailing empty lines stay pending.
// It returns the incomplete last line of p, which Write gives to the state machine. Each call is
// O(len(p)): the searches run forward only, each from past the line last canonicalized.
func (b *bodyHasher) fastLines(p []byte) []byte {
	if !b.relaxed {
		return b.fastSimple(p)
	}
	tab, sp := nextTab(p, 0), nextSPStop(p, 0)
	// p[start:good] is canonical and not yet hashed; empty lines follow it; i is a line start.
	i, start, good, empty := 0, 0, 0, 0
	for {
		stop := min(tab, sp)
		// Every complete line before the one holding stop is canonical.
		// (Here start == good == i and empty == 0.)
		if r := lastCRLFIn(p, i, stop); r > i {
			good, empty = canonicalEnd(p, i, r)
			i = r
		}
		if stop == len(p) {
			break
		}
		// The line from i holds stop: canonicalize it, once it is complete.
		m := bytes.Index(p[stop:], crlfRun[:2])
		if m < 0 {
			break
		}
		e := stop + m // the line's CRLF (the first; a CR before it is a bare CR, content)
		b.hashDirect(p[start:good])
		b.empties += empty
		if e-i+2 <= len(b.buf) {
			b.relaxedLine(p[i:e])
		} else {
			b.step(p[i : e+2])
		}
		i = e + 2
		start, good, empty = i, i, 0
		if tab < i {
			tab = nextTab(p, i)
		}
		if sp < i {
			sp = nextSPStop(p, i)
		}
	}
	b.hashDirect(p[start:good])
	b.empties += empty
	return p[i:]
}

// lastCRLFIn returns the offset just past the last CRLF in p[i:w] (w at most len(p)), or i when
// there is none. It reads back from w only as far as that CRLF.
func lastCRLFIn(p []byte, i, w int) int {
	for k := w - 1; k > i; k-- {
		if p[k] == '\n' && p[k-1] == '\r' {
			return k + 1
		}
	}
	return i
}

// canonicalEnd takes the complete lines p[i:r] (r just past a CRLF, i at a line start), which
// relaxed canonicalization leaves as they are (no HTAB, no SP before SP or CR; a bare CR is content
// and only CRLF ends a line), so they are canonical up to their trailing empty lines, which may end
// the body. It returns where the canonical lines end and how many empty lines follow them
// (end == i when all are empty; the caller's earlier empty lines are then still pending).
func canonicalEnd(p []byte, i, r int) (end, empty int) {
	j := r // p[j:r] is the trailing run of CRLFs
	for j-2 >= i && p[j-2] == '\r' && p[j-1] == '\n' {
		j -= 2
	}
	if j == i {
		return i, (r - i) / 2
	}
	// The first CRLF of the run ends the last line with content (even one ending in a bare CR).
	return j + 2, (r - j - 2) / 2
}

// fastSimple is fastLines for simple canonicalization, where complete lines are canonical as they
// are: it hashes p up to its last CRLF in one block, except a trailing run of empty lines.
func (b *bodyHasher) fastSimple(p []byte) []byte {
	end := bytes.LastIndex(p, crlfRun[:2])
	if end < 0 {
		return p
	}
	end += 2
	j := end // p[j:end] is the trailing run of CRLFs
	for j >= 2 && p[j-2] == '\r' && p[j-1] == '\n' {
		j -= 2
	}
	if j == 0 {
		b.empties += end / 2 // only empty lines
	} else {
		// The first CRLF of the run ends the last line with content (even one ending in a bare CR).
		b.hashDirect(p[:j+2])
		b.empties += (end-j)/2 - 1
	}
	return p[end:]
}

// hashDirect hashes canonical complete lines straight from the caller's buffer, after what is
// pending (held-back empty lines and the scratch buffer).
func (b *bodyHasher) hashDirect(lines []byte) {
	if len(lines) == 0 {
		return
	}
	b.startContent()
	if b.n > 0 {
		b.h.Write(b.buf[:b.n])
		b.n = 0
	}
	b.h.Write(lines)
	b.line = false
}

// nextTab returns the offset of the first HTAB in p at or after i, or len(p).
func nextTab(p []byte, i int) int {
	if k := bytes.IndexByte(p[i:], '\t'); k >= 0 {
		return i + k
	}
	return len(p)
}

// nextSPStop returns the offset of the first SP at or after i that is followed by an octet of at
// most 0x20 (SP, CR, HTAB or another control), or len(p): where relaxed canonicalization may change
// a line without an HTAB. A SP in the last octet of p is not reported (the line it ends is not
// complete). It looks at sixteen octets a round with one branch, four rounds a block (prose has a
// SP every few octets, so this is the pass that costs; the HTAB search is IndexByte's). After two
// blocks whose last word has no SP it hops to the next SP with IndexByte (base64 has none).
func nextSPStop(p []byte, i int) int {
	// The constants come from memory, so that the compiler keeps them in registers instead of
	// writing each one out again in every round.
	c := &spStopConsts
	sp, nlo1, n21, hi8 := c[0], c[1], c[2], c[3]
	quiet := false // the last block's last word has no SP
	for i <= len(p)-65 {
		w := (*[65]byte)(p[i:])
		if m0, m1 := spStopRound((*[17]byte)(w[0:]), sp, nlo1, n21, hi8); m0|m1 != 0 {
			i += lowestOctet(m0, m1)
		} else if m0, m1 := spStopRound((*[17]byte)(w[16:]), sp, nlo1, n21, hi8); m0|m1 != 0 {
			i += 16 + lowestOctet(m0, m1)
		} else if m0, m1 := spStopRound((*[17]byte)(w[32:]), sp, nlo1, n21, hi8); m0|m1 != 0 {
			i += 32 + lowestOctet(m0, m1)
		} else if m0, m1 := spStopRound((*[17]byte)(w[48:]), sp, nlo1, n21, hi8); m0|m1 != 0 {
			i += 48 + lowestOctet(m0, m1)
		} else {
			i += 64
			x := binary.LittleEndian.Uint64(w[56:]) ^ sp
			if (x+nlo1)&^x&hi8 != 0 {
				quiet = false
			} else if !quiet {
				quiet = true
			} else {
				// No SP for a while (base64, say): IndexByte goes to the next one far faster.
				k := bytes.IndexByte(p[i:], ' ')
				if k < 0 {
					return len(p)
				}
				i, quiet = i+k, false
			}
			continue
		}
		// The lowest flag: a stop, or an octet a borrow flagged (see spStopRound).
		if p[i] == ' ' && p[i+1] <= ' ' {
			return i
		}
		i++
	}
	for ; i+1 < len(p); i++ {
		if p[i] == ' ' && p[i+1] <= ' ' {
			return i
		}
	}
	return len(p)
}

// spStopRound flags the octets of w[0:16] that are SP followed by an octet below 0x21: the top bit
// of octet k of m0 (k < 8) or of m1 (k >= 8). An octet is flagged where x, the octets XOR SP, has a
// zero (zeroByte) and y, the octets one further, has an octet below 0x21 (the same test with 0x21
// for 0x01). Both tests flag every such octet, and may also flag an octet above one they flag (a
// borrow), so only the lowest flag is a candidate, which nextSPStop checks and passes over when it
// is not a stop. sp, nlo1, n21 and hi8 are spStopConsts.
func spStopRound(w *[17]byte, sp, nlo1, n21, hi8 uint64) (m0, m1 uint64) {
	m0 = spBeforeLow(binary.LittleEndian.Uint64(w[0:]), binary.LittleEndian.Uint64(w[1:]), sp, nlo1, n21, hi8)
	m1 = spBeforeLow(binary.LittleEndian.Uint64(w[8:]), binary.LittleEndian.Uint64(w[9:]), sp, nlo1, n21, hi8)
	return m0, m1
}

// spBeforeLow flags (the top bit of each octet) the octets of the word x that are SP followed by
// an octet below 0x21, y being the word one octet further: every such octet, and possibly an
// octet above one flagged (a borrow), so only the lowest flag is exact. sp, nlo1, n21 and hi8 are
// sp8, minus01, minus21 and top8, passed in so that a loop can keep them in registers.
func spBeforeLow(x, y, sp, nlo1, n21, hi8 uint64) uint64 {
	x ^= sp
	return (x + nlo1) &^ x & (y + n21) &^ y & hi8
}

// lowestOctet returns the offset of the lowest flagged octet of a round (m0|m1 not zero).
func lowestOctet(m0, m1 uint64) int {
	if m0 != 0 {
		return bits.TrailingZeros64(m0) / 8
	}
	return 8 + bits.TrailingZeros64(m1)/8
}

// spStopConsts are nextSPStop's constants, read from memory. Nothing writes them.
var spStopConsts = [4]uint64{sp8, minus01, minus21, top8}

// Octet-wise constants of the word-at-a-time searches: SP in every octet, minus 0x01, minus 0x20
// and minus 0x21 in every octet (adding one subtracts that from each octet, with borrows), and the
// top bit of every octet.
const (
	sp8     = 0x2020202020202020
	minus01 = 0xfefefefefefefeff
	minus20 = 0xdfdfdfdfdfdfdfe0
	minus21 = 0xdedededededededf
	top8    = 0x8080808080808080
)

// zeroByte returns a word that is not zero if and only if some byte of x is zero; its lowest set
// bit is the top bit of the first zero byte (bytes above it may be flagged wrongly).
func zeroByte(x uint64) uint64 {
	return (x + minus01) &^ x & top8
}

// relaxedLine canonicalizes one complete line (without its CRLF; at most len(b.buf)-2 bytes; a bare
// CR inside is content like any other octet) that starts with nothing pending but empty lines, in
// one pass into buf.
func (b *bodyHasher) relaxedLine(line []byte) {
	// A line of WSP only is an empty line.
	blank := true
	for _, c := range line {
		if c != ' ' && c != '\t' {
			blank = false
			break
		}
	}
	if blank {
		b.empties++
		return
	}
	b.startContent() // pending empty lines; sets line and any
	if len(b.buf)-b.n < len(line)+2 {
		b.h.Write(b.buf[:b.n])
		b.n = 0
	}
	buf := b.buf[b.n : b.n+len(line)+2]
	n, wsp := 0, false
	for _, c := range line {
		if c == ' ' || c == '\t' {
			wsp = true
			continue
		}
		if wsp {
			buf[n] = ' '
			n++
			wsp = false
		}
		buf[n] = c
		n++
	}
	buf[n] = '\r'
	buf[n+1] = '\n'
	b.n += n + 2
	b.line = false
}

// step runs the byte-wise canonicalization state machine over p.
func (b *bodyHasher) step(p []byte) {
	for len(p) > 0 {
		if b.cr {
			b.cr = false
			if p[0] == '\n' {
				b.endLine()
				p = p[1:]
				continue
			}
			// A bare CR is content.
			b.startContent()
			b.emitByte('\r')
		}
		c := p[0]
		switch {
		case c == '\r':
			b.cr = true
			p = p[1:]
		case b.relaxed && (c == ' ' || c == '\t'):
			b.wsp = true
			p = p[1:]
		default:
			var j int
			if b.relaxed {
				j = 1
				for j < len(p) && !relaxedSpecial[p[j]] {
					j++
				}
			} else {
				j = bytes.IndexByte(p, '\r')
				if j < 0 {
					j = len(p)
				}
			}
			b.startContent()
			b.emit(p[:j])
			p = p[j:]
		}
	}
}

// finish completes canonicalization: a CR left pending is content, the last line gets its CRLF,
// trailing empty lines are dropped, and an empty simple body becomes one CRLF.
func (b *bodyHasher) finish() {
	if b.cr {
		b.cr = false
		b.startContent()
		b.emitByte('\r')
	}
	if b.line {
		b.wsp = false
		b.emit(crlfRun[:2])
		b.line = false
	} else if !b.relaxed && !b.any {
		b.emit(crlfRun[:2])
		b.any = true
	}
	b.empties, b.wsp = 0, false
	if b.n > 0 {
		b.h.Write(b.buf[:b.n])
		b.n = 0
	}
}

// WriteNoWSP is Write for p without SP and without HTAB. Relaxed canonicalization leaves lines
// without WSP as they are, as simple canonicalization leaves every line, so such lines are hashed
// straight from p without the scan Write makes for WSP; only a run of empty lines at p's end is
// held back (it may end the body), and a line p starts or ends inside goes through Write. Any
// other bytes give a wrong hash: the caller vouches for p (in builds with the race detector,
// WriteNoWSP checks and panics, so that tests run with -race catch a caller that errs).
func (b *bodyHasher) WriteNoWSP(p []byte) (int, error) {
	if checkNoWSP && (bytes.IndexByte(p, ' ') >= 0 || bytes.IndexByte(p, '\t') >= 0) {
		panic("dkim: WriteNoWSP given SP or HTAB")
	}
	if b.cr || b.wsp || b.line {
		return b.Write(p) // inside a line: the general path finishes it
	}
	n := len(p)
	if r := lastCRLFIn(p, 0, len(p)); r > 0 {
		good, empty := canonicalEnd(p, 0, r)
		b.hashDirect(p[:good])
		b.empties += empty
		p = p[r:]
	}
	if len(p) > 0 {
		b.Write(p) // an incomplete last line
	}
	return n, nil
}

// Sum finishes canonicalization and returns the SHA-256 body hash.
func (b *bodyHasher) Sum() []byte {
	b.finish()
	return b.h.Sum(nil)
}

// appendSum finishes canonicalization and appends the body hash to dst.
func (b *bodyHasher) appendSum(dst []byte) []byte {
	b.finish()
	return b.h.Sum(dst)
}
