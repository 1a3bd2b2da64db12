package multipart

import (
	"context"
	"io"
)

// WriteBody writes the body that follows the header block (after the blank line): for a leaf its
// encoded content, for a container its parts with boundaries. It streams Readers with fixed buffers.
//
// WriteBody writes through buffers it reuses from one call to the next (kept per processor, so
// concurrent writes do not wait on one another): w must not retain the slices passed to its
// Write method, as io.Writer's contract says.
//
// A Part's Reader that returns no data and no error 100 times in a row fails the write with an
// error wrapping io.ErrNoProgress (and ErrInvalidPart), as bufio does. Use WriteBodyContext to be
// able to stop a write whose Reader or Writer is slow.
//
// When w also has a method WriteBase64(p []byte) (int, error), runs of complete base64 lines (76
// columns, each ending in CRLF) are written through it instead of Write, in order with the other
// writes; the two together write exactly the bytes Write alone would.
func (t *Tree) WriteBody(w io.Writer) (int64, error) {
	return t.WriteBodyContext(context.Background(), w)
}

// WriteBodyContext is WriteBody that stops once ctx is done: before every Read from a Part's
// Reader and every Write to w it checks ctx, and when ctx is done it returns the count written so
// far and an error wrapping ErrCanceled and context.Cause(ctx) (so errors.Is(err,
// context.Canceled) or context.DeadlineExceeded holds). A Read or Write already in progress is not
// interrupted: one that blocks forever can be unblocked only by its owner (closing the file, pipe
// or connection, or setting a deadline on it). w then holds a truncated body.
func (t *Tree) WriteBodyContext(ctx context.Context, w io.Writer) (int64, error) {
	b := bodyWriters.Get().(*bodyWriter)
	b.reset(ctx, w)
	if !b.canceled() {
		t.writeNode(b, 0, true)
		b.flush()
	}
	n, err := b.n, b.err
	if cap(b.buf) <= 2*outBufSize {
		b.clear() // keep the buffers, drop w, ctx and the boundaries
		bodyWriters.Put(b)
	}
	return n, err
}

func (t *Tree) writeNode(b *bodyWriter, i int, top bool) {
	n := &t.list()[i]
	if n.leaf {
		t.writeLeaf(b, n)
		return
	}
	b.bounds = append(b.bounds, n.boundary)
	b.levels = max(b.levels, len(b.bounds))
	for c := n.first; c >= 0 && b.err == nil; c = t.nodes[c].next {
		cn := &t.nodes[c]
		b.str("--")
		b.str(n.boundary)
		b.str("\r\n")
		b.bytes(t.hdr[cn.hdrStart:cn.hdrEnd])
		b.str("\r\n")
		t.writeNode(b, c, false)
		b.str("\r\n")
	}
	b.bounds = b.bounds[:len(b.bounds)-1]
	b.str("--")
	b.str(n.boundary)
	b.str("--")
	if top {
		b.str("\r\n")
	}
}

// writeLeaf writes the encoded body of leaf n.
func (t *Tree) writeLeaf(b *bodyWriter, n *node) {
	t.writeLeafContent(b, n)
	if n.term {
		b.str("\r\n")
	}
}

// writeLeafContent writes the encoded content of leaf n.
func (t *Tree) writeLeafContent(b *bodyWriter, n *node) {
	p := n.p
	if p.Reader == nil {
		switch n.enc {
		case Base64:
			if n.addCR {
				b.readBase64(&crlfSource{data: p.Data}, -1)
				return
			}
			b.base64(p.Data)
		case QuotedPrintable:
			q := qpEncoder{crlf: n.crlf, noEq: n.noEq, noDEL: n.noDEL}
			data := p.Data
			for len(data) > 0 && b.err == nil {
				// As much as surely fits the free part of the buffer, flushing first when
				// that is less than half of it and less than what is left: a body
				// whose encoding fits an empty buffer is encoded in one call.
				k := qpFits(cap(b.buf) - len(b.buf))
				if k < min(len(data), qpFits(cap(b.buf))/2) {
					b.flush()
					k = qpFits(cap(b.buf))
				}
				chunk, atEOF := data, true
				if len(chunk) > k {
					chunk, atEOF = chunk[:k], false
				}
				var used int
				b.buf, used = q.encode(b.buf, chunk, atEOF)
				data = data[used:]
			}
		default:
			if !n.addCR {
				b.bytes(p.Data)
				return
			}
			data := p.Data
			for len(data) > 0 {
				i := 0
				for i < len(data) && (data[i] != '\n' || i > 0 && data[i-1] == '\r') {
					i++
				}
				b.bytes(data[:i])
				if i == len(data) {
					break
				}
				b.str("\r\n")
				data = data[i+1:]
			}
		}
		return
	}
	switch n.enc {
	case Base64:
		b.readBase64(p.Reader, p.Size)
	case QuotedPrintable:
		if b.readQP(p.Reader, p.Size) && n.depth == 0 {
			b.str("\r\n") // see rootTerminator
		}
	default:
		if b.readRaw(p.Reader, p.Size, n.enc == SevenBit) && n.depth == 0 {
			b.str("\r\n") // see rootTerminator
		}
	}
}

// qpFits returns how many input octets a quoted-printable encoder can take when free octets of
// output room are left: the most k with qpMaxOut(k) <= free (3*(k/24) is at most k/8).
func qpFits(free int) int { return max(0, (free-qpWin)*8/25) }

func sizeErr(size, got int64) error {
	return newErr(ErrSizeMismatch, "declared "+string(appendDec(nil, int(size)))+", read "+string(appendDec(nil, int(got))))
}

func (b *bodyWriter) readBase64(r io.Reader, size int64) {
	w := b64Writer{b: b, size: size}
	var err error
	if wt, ok := r.(io.WriterTo); ok {
		_, err = wt.WriteTo(&w) // no read buffer needed
	} else {
		in := b.inBuf()
		for {
			m, rerr := b.read(r, in)
			if m > 0 {
				if _, err = w.Write(in[:m]); err != nil {
					break
				}
			}
			if rerr != nil {
				if rerr != io.EOF {
					err = rerr
				}
				break
			}
		}
	}
	if err != nil {
		if b.err == nil {
			b.err = err
		}
		return
	}
	if w.n > 0 {
		b.base64Tail(w.carry[:w.n])
	}
	if b.err == nil && size > 0 && w.total != size {
		b.err = sizeErr(size, w.total)
	}
}

// readQP encodes a body from r as quoted-printable and reports whether its last line is open
// (the content did not end in a line break).
func (b *bodyWriter) readQP(r io.Reader, size int64) (open bool) {
	in := b.inBuf()
	in = in[:min(len(in), cap(b.buf)/4)] // qpMaxOut(len(in)) fits the buffer
	q := qpEncoder{}
	var total int64
	keep := 0
	for b.err == nil {
		m, err := b.read(r, in[keep:])
		total += int64(m)
		if size > 0 && total > size {
			b.err = sizeErr(size, total)
			return false
		}
		atEOF := err == io.EOF
		if err != nil && !atEOF {
			b.err = err
			return false
		}
		avail := keep + m
		b.ensure(qpMaxOut(avail))
		var used int
		b.buf, used = q.encode(b.buf, in[:avail], atEOF)
		keep = copy(in, in[used:avail])
		if atEOF {
			break
		}
	}
	if b.err == nil && size > 0 && total != size {
		b.err = sizeErr(size, total)
	}
	return b.err == nil && q.col > 0
}

// readRaw copies a 7bit or 8bit body from r, checking it, and reports whether it ended mid-line
// (non-empty and not ending in CRLF).
func (b *bodyWriter) readRaw(r io.Reader, size int64, seven bool) (open bool) {
	in := b.inBuf()
	c := rawChecker{seven: seven, bounds: b.bounds}
	var total int64
	var prev, last byte // the last two octets read
	for b.err == nil {
		m, err := b.read(r, in)
		total += int64(m)
		if size > 0 && total > size {
			b.err = sizeErr(size, total)
			return false
		}
		if cerr := c.check(in[:m]); cerr != nil {
			b.err = cerr
			return false
		}
		b.bytes(in[:m])
		switch {
		case m >= 2:
			prev, last = in[m-2], in[m-1]
		case m == 1:
			prev, last = last, in[0]
		}
		if err == io.EOF {
			break
		}
		if err != nil {
			b.err = err
			return false
		}
	}
	if b.err != nil {
		return false
	}
	if err := c.finish(); err != nil {
		b.err = err
		return false
	}
	if size > 0 && total != size {
		b.err = sizeErr(size, total)
		return false
	}
	return total > 0 && !(prev == '\r' && last == '\n')
}

// crlfSource reads an in-memory text body with bare LF turned into CRLF.
type crlfSource struct {
	data []byte
	cr   bool // the last octet produced was CR
}

func (s *crlfSource) Read(p []byte) (int, error) {
	if len(s.data) == 0 {
		return 0, io.EOF
	}
	n := 0
	for n < len(p) && len(s.data) > 0 {
		c := s.data[0]
		if c == '\n' && !s.cr {
			// Bare LF (the previous octet written was not CR): write CR first.
			p[n] = '\r'
			n++
			s.cr = true
			continue
		}
		p[n] = c
		n++
		s.cr = c == '\r'
		s.data = s.data[1:]
	}
	return n, nil
}

// rawChecker validates streamed 7bit/8bit content: lines of at most 998 octets ending in CRLF, no
// NUL, no bare CR or LF, ASCII only for 7bit, and no line starting with an enclosing boundary.
type rawChecker struct {
	seven  bool
	line   int
	cr     bool
	head   [48]byte
	headN  int
	bounds []string
}

func (c *rawChecker) checkHead() error {
	h := c.head[:c.headN]
	for _, b := range c.bounds {
		if len(h) >= 2+len(b) && h[0] == '-' && h[1] == '-' && string(h[2:2+len(b)]) == b {
			return newErr(ErrInvalidPart, "content holds the boundary of an enclosing multipart")
		}
	}
	return nil
}

func (c *rawChecker) check(p []byte) error {
	for _, b := range p {
		if c.cr {
			if b != '\n' {
				return newErr(ErrInvalidPart, "bare CR in 7bit/8bit content")
			}
			c.cr = false
			if err := c.checkHead(); err != nil {
				return err
			}
			c.line, c.headN = 0, 0
			continue
		}
		switch {
		case b == '\r':
			c.cr = true
			continue
		case b == '\n':
			return newErr(ErrInvalidPart, "bare LF in 7bit/8bit content")
		case b == 0:
			return newErr(ErrInvalidPart, "NUL in 7bit/8bit content")
		case b >= 0x80 && c.seven:
			return newErr(ErrInvalidPart, "non-ASCII octet in 7bit content")
		}
		c.line++
		if c.line > hardLimit {
			return newErr(ErrLineTooLong, "line longer than 998 octets in 7bit/8bit content")
		}
		if c.headN < len(c.head) {
			c.head[c.headN] = b
			c.headN++
		}
	}
	return nil
}

func (c *rawChecker) finish() error {
	if c.cr {
		return newErr(ErrInvalidPart, "bare CR in 7bit/8bit content")
	}
	return c.checkHead()
}
