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
// SP or trailing SP) are hashed straight from p, in one block per run of such lines. Other complete
// relaxed lines are canonicalized in one tight pass into the scratch buffer; only lines cut by a
// chunk boundary and bare CRs go through the byte-wise state machine.
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
// complete lines of p: runs of canonical lines are hashed straight from p, other lines go through
// relaxedLine or the state machine, trailing empty lines stay pending. It returns the incomplete
// last line of p, which Write gives to the state machine. Each call is O(len(p)).
func (b *bodyHasher) fastLines(p []byte) []byte {
	if !b.relaxed {
		return b.fastSimple(p)
	}
	// Relaxed: offsets in p of the next HTAB, the next SP and the next "SP SP" at or after the
	// current line, len(p) when there is none. Each is searched again only once passed, so the
	// scans cost O(len(p)) in all. Trailing SP is seen at the line's end.
	tab, sp := nextTab(p, 0), nextSP(p, 0)
	// p[start:good] is canonical and not yet hashed; empty lines follow it.
	i, start, good, empty := 0, 0, 0, 0
	// A stretch without WSP (base64 above all) is taken whole: first the one p starts with.
	if r := lastCRLF(p, min(tab, sp)); r > 0 {
		good, empty = wspFree(p, 0, r)
		i = r
	}
	dsp := nextTwoSP(p, max(i, sp))
	// Then the run of same-length lines canonicalRun finds.
	if i == 0 {
		good = canonicalRun(p, min(tab, dsp))
		i = good
	}
	for i < len(p) {
		k := bytes.IndexByte(p[i:], '\r')
		if k < 0 || i+k+1 >= len(p) {
			break // incomplete line
		}
		if p[i+k+1] != '\n' {
			// A bare CR: the state machine takes the whole line, if it is complete.
			m := bytes.Index(p[i+k+1:], crlfRun[:2])
			if m < 0 {
				break
			}
			e := i + k + 1 + m
			b.hashDirect(p[start:good])
			b.empties += empty
			b.step(p[i : e+2])
			i = e + 2
			start, good, empty = i, i, 0
			continue
		}
		if k == 0 {
			empty++
			i += 2
			continue
		}
		e := i + k // the line's CR
		if tab < i {
			tab = nextTab(p, i)
		}
		if dsp < i {
			dsp = nextTwoSP(p, i)
		}
		if tab < e || dsp < e || p[e-1] == ' ' {
			// The line needs canonicalizing: in one pass into the scratch buffer, or by the
			// state machine when it is too long for the buffer.
			b.hashDirect(p[start:good])
			b.empties += empty
			if k+2 <= len(b.buf) {
				b.relaxedLine(p[i:e])
			} else {
				b.step(p[i : e+2])
			}
			i = e + 2
			start, good, empty = i, i, 0
			continue
		}
		if sp < i {
			sp = nextSPLine(p, i, e)
		}
		if sp > e && e-i >= minHopLine {
			// A line without WSP: all complete lines before the next WSP are canonical.
			r := lastCRLF(p, min(tab, sp))
			good, empty = wspFree(p, i, r)
			i = r
			continue
		}
		i += k + 2
		good, empty = i, 0
	}
	b.hashDirect(p[start:good])
	b.empties += empty
	return p[i:]
}

// minHopLine is the shortest line without WSP from which fastLines looks for the next WSP to take
// every line before it at once: base64 lines have 76 columns, prose lines without SP are short.
const minHopLine = 40

// lastCRLF returns the offset just past the last CRLF that ends before w in p, or 0 when there
// is none.
func lastCRLF(p []byte, w int) int {
	for k := w - 1; k > 0; k-- {
		if p[k] == '\n' && p[k-1] == '\r' {
			return k + 1
		}
	}
	return 0
}

// wspFree takes the complete lines p[i:r] (r just past a CRLF, i at a line start), which hold no
// SP and no HTAB: relaxed canonicalization leaves such lines as they are (a bare CR is content and
// only CRLF ends a line), so they are canonical up to their trailing empty lines, which may end
// the body. It returns where the canonical lines end and how many empty lines follow them
// (end == i when all are empty; the caller's earlier empty lines are then still pending).
func wspFree(p []byte, i, r int) (end, empty int) {
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

// canonicalRun returns the length of the longest prefix of p made of complete lines that relaxed
// canonicalization leaves as they are, the last of them not empty (0 when there is none): no bare
// CR, no SP before a line's CRLF, and no line reaching lim (the first HTAB or "SP SP" in p). Lines
// of a body often have one length (base64 above all), so the end of each line is first looked for
// where the previous line's length puts it, and searched for only when it is not there; one count
// of the CRs in the prefix then proves that no guess passed over a CR (each line holds exactly
// one, its CRLF's; lines all found by search need no count), so the prefix is found without a
// search per line. When the count disagrees it returns 0 and fastLines looks at every line.
func canonicalRun(p []byte, lim int) int {
	i, n, lines, nLines, hop := 0, 0, 0, 0, 0
	guessed, nGuessed := false, false // some line was found by guess (before n)
	for {
		var e int // the line's CR
		if hop > 2 && i+hop <= len(p) && p[i+hop-2] == '\r' && p[i+hop-1] == '\n' {
			e = i + hop - 2
			guessed = true
		} else {
			k := bytes.IndexByte(p[i:], '\r')
			if k < 0 || i+k+1 >= len(p) || p[i+k+1] != '\n' {
				break // an incomplete line or a bare CR
			}
			e = i + k
		}
		if e == i {
			lines++ // an empty line: canonical unless it turns out to be trailing
			i += 2
			continue
		}
		if e > lim || p[e-1] == ' ' {
			break // the line needs canonicalizing
		}
		lines++
		hop = e + 2 - i
		i = e + 2
		n, nLines, nGuessed = i, lines, guessed
	}
	if nGuessed && bytes.Count(p[:n], crlfRun[:1]) != nLines {
		return 0
	}
	return n
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

// nextSP returns the offset of the first SP in p at or after i, or len(p).
func nextSP(p []byte, i int) int {
	if k := bytes.IndexByte(p[i:], ' '); k >= 0 {
		return i + k
	}
	return len(p)
}

// nextSPLine is nextSP for i at the start of a line whose CR is at e: prose has a SP within the
// first eight bytes of most lines, found there without a call.
func nextSPLine(p []byte, i, e int) int {
	if e-i >= 8 {
		if m := zeroByte(binary.LittleEndian.Uint64(p[i:]) ^ sp8); m != 0 {
			return i + bits.TrailingZeros64(m)/8 // the lowest flag is exact
		}
	}
	return nextSP(p, i)
}

// nextTwoSP returns the offset of the first "SP SP" in p at or after i, or len(p). It looks at
// sixteen bytes at a time (SWAR, one branch for two words), each word compared with the word one
// byte further, so that no state passes from word to word (prose has a SP every few bytes, so
// this is the pass that costs), and after 64 bytes without SP hops with IndexByte to the next one
// (base64 has none).
func nextTwoSP(p []byte, i int) int {
	q := p[i:]
	quiet := 0 // words in a row without SP
	// Two words per round, one branch for the pairs of both.
	for len(q) >= 17 {
		w := (*[17]byte)(q)
		a0 := binary.LittleEndian.Uint64(w[0:]) ^ sp8
		b0 := binary.LittleEndian.Uint64(w[1:]) ^ sp8
		a1 := binary.LittleEndian.Uint64(w[8:]) ^ sp8
		b1 := binary.LittleEndian.Uint64(w[9:]) ^ sp8
		if zeroByte(a0|b0)|zeroByte(a1|b1) != 0 {
			break // the word loop below finds it
		}
		q = q[16:]
		if zeroByte(a0)|zeroByte(a1) != 0 {
			quiet = 0
		} else if quiet += 2; quiet == 8 {
			k := bytes.IndexByte(q, ' ')
			if k < 0 {
				return len(p)
			}
			q, quiet = q[k:], 0
		}
	}
	for len(q) >= 9 {
		w := (*[9]byte)(q)
		a := binary.LittleEndian.Uint64(w[0:]) ^ sp8
		b := binary.LittleEndian.Uint64(w[1:]) ^ sp8
		// A byte of a|b is zero where the byte and the next are both SP.
		if z := zeroByte(a | b); z != 0 {
			return len(p) - len(q) + bits.TrailingZeros64(z)/8 // the lowest flag is exact
		}
		q = q[8:]
		if zeroByte(a) != 0 {
			quiet = 0
		} else if quiet++; quiet == 8 {
			k := bytes.IndexByte(q, ' ')
			if k < 0 {
				return len(p)
			}
			q, quiet = q[k:], 0
		}
	}
	// Pairs starting before q were all looked at.
	for k := 0; k+1 < len(q); k++ {
		if q[k] == ' ' && q[k+1] == ' ' {
			return len(p) - len(q) + k
		}
	}
	return len(p)
}

// sp8 is SP in every byte of a word.
const sp8 = 0x2020202020202020

// zeroByte returns a word that is not zero if and only if some byte of x is zero; its lowest set
// bit is the top bit of the first zero byte (bytes above it may be flagged wrongly).
func zeroByte(x uint64) uint64 {
	const (
		lo1 = 0x0101010101010101
		hi8 = 0x8080808080808080
	)
	return (x - lo1) &^ x & hi8
}

// relaxedLine canonicalizes one complete line (without its CRLF and without CR inside; at most
// len(b.buf)-2 bytes) that starts with nothing pending but empty lines, in one pass into buf.
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
	if r := lastCRLF(p, len(p)); r > 0 {
		good, empty := wspFree(p, 0, r)
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
