package multipart

import (
	"encoding/base64"
	"encoding/binary"
)

const (
	b64LineIn  = 57 // input octets per 76-column base64 line
	b64LineOut = 78 // 76 columns + CRLF
	b64Lines   = 64 // lines per chunk
	b64ChunkIn = b64LineIn * b64Lines
)

// b64Size is the encoded size of n octets: 76-column lines, each ending in CRLF.
func b64Size(n int64) int64 {
	return (n+2)/3*4 + (n+b64LineIn-1)/b64LineIn*2
}

// base64 appends the base64 encoding of src as 76-column lines, each ending in CRLF.
func (b *bodyWriter) base64(src []byte) {
	k := b.base64Lines(src)
	if k < len(src) && b.err == nil { // after an error base64Lines stops early
		b.base64Tail(src[k:])
	}
}

// base64Lines appends the encoding of the complete 57-octet lines of src and returns how many
// octets it consumed (a multiple of 57).
func (b *bodyWriter) base64Lines(src []byte) int {
	done := 0
	for len(src) >= b64LineIn && b.err == nil {
		lines := min(len(src)/b64LineIn, b64Lines, cap(b.buf)/b64LineOut)
		b.ensure(lines * b64LineOut)
		o := len(b.buf)
		out := b.buf[o : o+lines*b64LineOut]
		encodeB64Lines(out, src[:lines*b64LineIn])
		b.buf = b.buf[:o+len(out)]
		// Record the run of base64 lines for flush (a second run in the same buffer, after other
		// bytes, is written as those are).
		if b.b64hi == b.b64lo {
			b.b64lo, b.b64hi = o, len(b.buf)
		} else if b.b64hi == o {
			b.b64hi = len(b.buf)
		}
		src = src[lines*b64LineIn:]
		done += lines * b64LineIn
	}
	return done
}

// base64Tail appends the last, short line (fewer than 57 octets, padded).
func (b *bodyWriter) base64Tail(src []byte) {
	b.ensure(b64LineOut)
	o := len(b.buf)
	m := base64.StdEncoding.EncodedLen(len(src))
	b.buf = b.buf[:o+m+2]
	base64.StdEncoding.Encode(b.buf[o:], src)
	b.buf[o+m] = '\r'
	b.buf[o+m+1] = '\n'
}

// b64Pair maps 12 bits to their two base64 characters (the first in the low byte): 8 KiB, so a
// line is encoded with one table load per two characters.
var b64Pair = func() (t [4096]uint16) {
	for x := range t {
		t[x] = uint16(b64Alphabet[x>>6]) | uint16(b64Alphabet[x&63])<<8
	}
	return t
}()

// encodeB64Lines writes, for each 57 octets of src (a multiple of 57), one 76-column base64 line
// and CRLF (78 octets) into dst. Each line is nine groups of six octets, loaded as one word and
// stored as eight characters (four lookups in b64Pair), and a last group of three: one store per
// eight characters instead of one per character, in portable Go.
func encodeB64Lines(dst, src []byte) {
	for len(src) >= b64LineIn && len(dst) >= b64LineOut {
		d := dst[:b64LineOut:b64LineOut]
		s := src[:b64LineIn:b64LineIn]
		for j := range 9 {
			v := binary.BigEndian.Uint64(s[j*6:]) // octets j*6..j*6+7; the top 48 bits are used
			binary.LittleEndian.PutUint64(d[j*8:], uint64(b64Pair[v>>52])|
				uint64(b64Pair[v>>40&0xfff])<<16|
				uint64(b64Pair[v>>28&0xfff])<<32|
				uint64(b64Pair[v>>16&0xfff])<<48)
		}
		v := uint(s[54])<<16 | uint(s[55])<<8 | uint(s[56])
		binary.LittleEndian.PutUint32(d[72:], uint32(b64Pair[v>>12])|uint32(b64Pair[v&0xfff])<<16)
		d[76] = '\r'
		d[77] = '\n'
		src = src[b64LineIn:]
		dst = dst[b64LineOut:]
	}
}

// b64Writer is the io.Writer a Reader body is copied into (readers with a WriteTo method hand
// over their bytes without a copy). It keeps a partial line between writes
// and checks the declared size.
type b64Writer struct {
	b     *bodyWriter
	carry [b64LineIn]byte
	n     int
	total int64
	size  int64
	empty int // consecutive empty writes
}

func (w *b64Writer) Write(p []byte) (int, error) {
	if w.b.err != nil || w.b.canceled() {
		return 0, w.b.err
	}
	if len(p) == 0 {
		// A WriterTo that keeps writing nothing makes no progress either.
		if w.empty++; w.empty >= maxEmptyReads {
			return 0, errNoProgress()
		}
		return 0, nil
	}
	w.empty = 0
	w.total += int64(len(p))
	if w.size > 0 && w.total > w.size {
		return 0, sizeErr(w.size, w.total)
	}
	m := len(p)
	if w.n > 0 {
		k := copy(w.carry[w.n:], p)
		w.n += k
		p = p[k:]
		if w.n < b64LineIn {
			return m, nil
		}
		w.b.base64Lines(w.carry[:])
		w.n = 0
	}
	k := w.b.base64Lines(p)
	w.n = copy(w.carry[:], p[k:])
	if w.b.err != nil {
		return m, w.b.err
	}
	return m, nil
}
