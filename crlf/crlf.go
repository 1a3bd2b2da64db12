// Package crlf converts the line endings of a message to the CRLF that SMTP, SES and DKIM expect,
// for text written with bare LF line endings (what template engines, editors and most Unix tools
// produce).
//
// Every LF that does not follow a CR becomes CRLF. A CR is never added to, removed or turned into
// a line break on its own: a bare CR (one not followed by LF) passes through unchanged, so a reader
// that refuses bare CR in a header block still refuses it. Converting it could reveal a header
// field that a CR was hiding from one reader and not from another, which is the kind of
// disagreement a hostile message exploits.
//
// The conversion streams with a fixed buffer: memory does not grow with the input, time is linear,
// and the output is at most twice the size of the input. Standard library only.
package crlf

import (
	"bytes"
	"io"
)

// bufSize is the Reader's read buffer.
const bufSize = 32 << 10

// Reader converts bare LF to CRLF while reading from an underlying reader. Its zero value is not
// usable; create one with NewReader. A Reader is not safe for concurrent use.
type Reader struct {
	r         io.Reader
	buf       []byte
	pos, n    int
	prevCR    bool // the last byte passed on was CR
	pendingLF bool // a CR was written for a bare LF; the LF is still owed
	err       error
}

// NewReader returns a Reader that reads from r and turns every bare LF into CRLF.
func NewReader(r io.Reader) *Reader {
	return &Reader{r: r, buf: make([]byte, bufSize)}
}

// Read reads converted bytes into p. It returns the underlying reader's error (io.EOF at the end)
// once every converted byte has been returned.
func (c *Reader) Read(p []byte) (int, error) {
	out := 0
	for out < len(p) {
		if c.pendingLF {
			p[out] = '\n'
			out++
			c.pendingLF, c.prevCR = false, false
			continue
		}
		if c.pos == c.n {
			if out > 0 || c.err != nil {
				break
			}
			c.pos = 0
			c.n, c.err = c.r.Read(c.buf)
			if c.n < 0 || c.n > len(c.buf) {
				c.n, c.err = 0, io.ErrNoProgress
			}
			continue
		}
		src := c.buf[c.pos:c.n]
		if k := bytes.IndexByte(src, '\n'); k != 0 {
			// Copy the run before the next LF (or all of src) unchanged.
			if k < 0 {
				k = len(src)
			}
			m := copy(p[out:], src[:k])
			out += m
			c.pos += m
			c.prevCR = p[out-1] == '\r'
			continue
		}
		// src starts with LF.
		c.pos++
		if c.prevCR {
			p[out] = '\n'
			out++
			c.prevCR = false
			continue
		}
		p[out] = '\r'
		out++
		c.pendingLF = true
	}
	if out > 0 {
		return out, nil
	}
	return 0, c.err
}

// Append appends src to dst with every bare LF turned into CRLF and returns the extended slice.
// It allocates at most once, growing dst by exactly the bytes it adds.
func Append(dst, src []byte) []byte {
	extra := bytes.Count(src, []byte{'\n'}) - bytes.Count(src, []byte("\r\n"))
	if extra == 0 {
		return append(dst, src...)
	}
	if need := len(dst) + len(src) + extra; need > cap(dst) {
		grown := make([]byte, len(dst), need)
		copy(grown, dst)
		dst = grown
	}
	for len(src) > 0 {
		k := bytes.IndexByte(src, '\n')
		if k < 0 {
			return append(dst, src...)
		}
		dst = append(dst, src[:k]...)
		if k > 0 && src[k-1] == '\r' {
			dst = append(dst, '\n')
		} else {
			dst = append(dst, '\r', '\n')
		}
		src = src[k+1:]
	}
	return dst
}

// HasBareLF reports whether b contains an LF that does not follow a CR.
func HasBareLF(b []byte) bool {
	for i := bytes.IndexByte(b, '\n'); i >= 0; {
		if i == 0 || b[i-1] != '\r' {
			return true
		}
		j := bytes.IndexByte(b[i+1:], '\n')
		if j < 0 {
			return false
		}
		i += 1 + j
	}
	return false
}
