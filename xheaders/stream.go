package xheaders

import (
	"bytes"
	"io"
)

// headerEnd tracks, across reads, where the header block of a growing buffer ends. It looks at
// complete lines only, with the same rules as Scanner, so Remove on buf[:end] removes exactly what
// Remove on the whole message would.
type headerEnd struct {
	pos  int // start of the first line not yet classified
	scan int // bytes before this offset (and at or after pos) are known to hold no LF
}

// feed returns the offset at which the header block ends (just past the blank line, or at the start
// of a malformed line) once buf holds enough to know it.
func (t *headerEnd) feed(buf []byte) (int, bool) {
	for {
		p := t.pos
		// Resume the LF search where the last call stopped, so a long line delivered in small
		// reads costs linear, not quadratic, time.
		from := max(p, t.scan)
		i := bytes.IndexByte(buf[from:], '\n')
		if i < 0 {
			t.scan = len(buf)
			return 0, false
		}
		next := from + i + 1
		if !(p > 0 && isWSP(buf[p])) { // not a continuation line
			kind, _, _, _ := classifyLine(buf, p)
			switch kind {
			case lineBlank:
				return next, true
			case lineMalformed:
				return p, true
			}
		}
		t.pos = next
	}
}

// pending reports whether the incomplete line at t.pos is already known to be malformed (its
// field name is followed by a byte other than blanks and ':'), which ends the header block at t.pos.
// readHeader asks only once, when the buffer limit is reached, so a long line costs linear time.
func (t *headerEnd) pending(buf []byte) (int, bool) {
	p := t.pos
	if p >= len(buf) || (p > 0 && isWSP(buf[p])) {
		return 0, false
	}
	q := p
	for q < len(buf) && class[buf[q]]&cFtext != 0 {
		q++
	}
	if q == p {
		return p, true // empty field name (or a leading continuation line)
	}
	for q < len(buf) && isWSP(buf[q]) {
		q++
	}
	if q == len(buf) || buf[q] == ':' {
		return 0, false
	}
	return p, true
}

// readHeader reads from r until the header block is complete. It returns everything read (the header
// block and possibly the first body bytes) and the header block's length.
func readHeader(r io.Reader) ([]byte, int, error) {
	buf := make([]byte, 0, 4096)
	var t headerEnd
	empty := 0
	for {
		if len(buf) == cap(buf) {
			nb := make([]byte, len(buf), 2*cap(buf))
			copy(nb, buf)
			buf = nb
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		if end, ok := t.feed(buf); ok {
			if end > MaxHeaderBytes {
				return nil, 0, ErrHeaderTooLarge
			}
			return buf, end, nil
		}
		if len(buf) > MaxHeaderBytes {
			if end, ok := t.pending(buf); ok && end <= MaxHeaderBytes {
				return buf, end, nil
			}
			if err == nil || err == io.EOF {
				return nil, 0, ErrHeaderTooLarge
			}
		}
		if err == io.EOF {
			return buf, len(buf), nil
		}
		if err != nil {
			return nil, 0, err
		}
		if n == 0 {
			if empty++; empty >= 100 {
				return nil, 0, io.ErrNoProgress
			}
		} else {
			empty = 0
		}
	}
}

// countWriter counts bytes written and remembers nothing else.
type countWriter struct {
	w   io.Writer
	n   int64
	err error
}

func (c *countWriter) write(p []byte) {
	if c.err != nil || len(p) == 0 {
		return
	}
	n, err := c.w.Write(p)
	c.n += int64(n)
	if err == nil && n < len(p) {
		err = io.ErrShortWrite
	}
	c.err = err
}

// writeRemoved writes hdr with every X-SES-* field left out.
func (c *countWriter) writeRemoved(hdr []byte) {
	var s Scanner
	s.Reset(hdr)
	last := 0
	for s.next() {
		c.write(hdr[last:s.field.Offset])
		last = s.field.End
	}
	c.write(hdr[last:])
}

// copyRest writes the already-read body bytes and copies the remainder of r.
func (c *countWriter) copyRest(body []byte, r io.Reader) (int64, error) {
	c.write(body)
	if c.err != nil {
		return c.n, c.err
	}
	n, err := io.Copy(c.w, r)
	c.n += n
	return c.n, err
}

func removeTo(w io.Writer, r io.Reader) (int64, error) {
	buf, end, err := readHeader(r)
	if err != nil {
		return 0, err
	}
	c := countWriter{w: w}
	c.writeRemoved(buf[:end])
	return c.copyRest(buf[end:], r)
}

// lineEnding returns the line ending of the first line of raw: "\n" when it ends in a bare LF,
// "\r\n" otherwise (CRLF, or no line break at all).
func lineEnding(raw []byte) string {
	i := bytes.IndexByte(raw, '\n')
	if i < 0 || (i > 0 && raw[i-1] == '\r') {
		return "\r\n"
	}
	return "\n"
}

// checkApply validates h and the message header against opts.
func checkApply(h *Headers, hdr []byte, opts ApplyOptions) error {
	if err := h.validate(); err != nil {
		return err
	}
	if len(hdr) > 0 && isWSP(hdr[0]) {
		// Prepending fields would turn this line into a continuation of the last added field.
		return &SyntaxError{Offset: 0, Reason: "message starts with a continuation line; cannot add header fields above it"}
	}
	if !opts.Replace {
		var s Scanner
		s.Reset(hdr)
		if s.next() {
			return &HeaderError{Header: string(s.field.Name), Value: truncValue(string(s.field.Value)),
				Reason: "message already has an X-SES header field (use ApplyOptions.Replace)", Err: ErrAlreadyPresent}
		}
	}
	return nil
}

func apply(dst []byte, h *Headers, raw []byte, opts ApplyOptions) ([]byte, error) {
	if err := checkApply(h, raw, opts); err != nil {
		return dst, err
	}
	dst = h.appendBlock(dst, lineEnding(raw))
	if opts.Replace {
		return remove(dst, raw), nil
	}
	return append(dst, raw...), nil
}

func applyTo(w io.Writer, h *Headers, r io.Reader, opts ApplyOptions) (int64, error) {
	if err := h.validate(); err != nil {
		return 0, err
	}
	buf, end, err := readHeader(r)
	if err != nil {
		return 0, err
	}
	// buf holds the whole header block plus possibly the first body bytes: the Scanner stops at
	// the same place on it as on the whole message.
	if err := checkApply(h, buf, opts); err != nil {
		return 0, err
	}
	hdr := buf[:end]
	c := countWriter{w: w}
	// readHeader returns only after seeing a complete line or EOF, so buf holds raw's first line
	// break if raw has one: the line ending chosen here is the one Apply chooses.
	c.write(h.appendBlock(make([]byte, 0, 512), lineEnding(buf)))
	if opts.Replace {
		c.writeRemoved(hdr)
	} else {
		c.write(hdr)
	}
	return c.copyRest(buf[end:], r)
}
