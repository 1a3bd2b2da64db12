package xheaders

import (
	"bytes"
	"errors"
	"io"

	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/sesrules"
)

// readHeader reads from r until the header block is complete (rawheader.ReadBlock). It returns
// everything read (the header block and possibly the first body bytes), the offset of the first
// body byte as the grammar reads it (the offset of a malformed line, if any); it notes in x where
// the X-SES-* fields are.
func readHeader(r io.Reader, x *removed) ([]byte, int, error) {
	buf, err := rawheader.ReadBlock(r, rawheader.Limits{MaxBytes: MaxHeaderBytes})
	if err != nil {
		if errors.Is(err, rawheader.ErrTooLarge) {
			return nil, 0, wrapErr(err)
		}
		return nil, 0, err
	}
	var s rawheader.Scanner
	s.ResetLimits(buf, rawheader.Limits{MaxBytes: MaxHeaderBytes})
	x.n = s.PrefixSpans(sesrules.SESPrefix, x.spans[:])
	if err := s.Err(); errors.Is(err, rawheader.ErrTooLarge) {
		return nil, 0, wrapErr(err)
	}
	return buf, s.BodyOffset(), nil
}

// removed is where the X-SES-* fields of a header block are: the first len(spans) of n.
type removed struct {
	spans [maxSpans]rawheader.Span
	n     int
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

// writeRemoved writes hdr with every X-SES-* field left out; x is where readHeader found them.
func (c *countWriter) writeRemoved(hdr []byte, x *removed) {
	last := 0
	if x.n <= len(x.spans) {
		for _, sp := range x.spans[:x.n] {
			if sp.Start != last {
				c.write(hdr[last:sp.Start])
			}
			last = sp.End
		}
		c.write(hdr[last:])
		return
	}
	var s rawheader.Scanner
	s.Reset(hdr)
	for s.NextPrefix(sesrules.SESPrefix) {
		start, end := s.Span()
		c.write(hdr[last:start])
		last = end
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

// RemoveTo copies the message from r to w with every X-SES-* field removed, buffering only the header
// block (at most MaxHeaderBytes, else ErrHeaderTooLarge); the body is copied, not held.
func RemoveTo(w io.Writer, r io.Reader) (int64, error) {
	var x removed
	buf, end, err := readHeader(r, &x)
	if err != nil {
		return 0, err
	}
	c := countWriter{w: w}
	k, top := 0, true // k: the first byte kept; top: the noted spans all lie at the top
	for _, sp := range x.spans[:min(x.n, len(x.spans))] {
		if sp.Start != k {
			top = false
			break
		}
		k = sp.End
	}
	if exposesMboxFrom(buf, buf[k:]) || top && x.n > len(x.spans) {
		// Removing the top fields may expose a leading mbox From line (see Remove). buf holds
		// every line up to the first empty one, so Remove on it reads what a reader of the
		// output would.
		out := Remove(nil, buf)
		c.write(out)
		return c.copyRest(nil, r)
	}
	c.writeRemoved(buf[:end], &x)
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

// checkApply validates h and the message header against opts. A header block the grammar reads as
// malformed (a line that is not a field, a bare CR, a leading continuation line or byte-order
// mark) is refused, with or without Replace: fields after the bad line would stay in the message
// for a reader that skips the line. So is a leading mbox From line, which the added fields would
// put below them as a line that is not a field.
func checkApply(h *Headers, hdr []byte, opts ApplyOptions) error {
	if err := h.Validate(); err != nil {
		return err
	}
	var s rawheader.Scanner
	s.ResetLimits(hdr, rawheader.Limits{MaxBytes: MaxHeaderBytes})
	var first *rawheader.Field
	var f rawheader.Field
	for s.Next() {
		if first == nil && !opts.Replace && sesrules.IsSESName(s.Field().Name) {
			f = s.Field()
			first = &f
		}
	}
	if err := s.Err(); err != nil {
		return wrapErr(err)
	}
	if s.Flags()&rawheader.FlagMboxFrom != 0 {
		return &SyntaxError{Offset: 0, Reason: "message starts with an mbox From line, which is not a header field; " +
			"remove it before adding header fields above it"}
	}
	if first != nil {
		return &HeaderError{Header: string(first.Name), Value: truncValue(string(first.Value)),
			Reason: "message already has an X-SES header field (use ApplyOptions.Replace)", Err: ErrAlreadyPresent}
	}
	return nil
}

// Apply appends to dst the message raw with h's header block put at the top of its header.
// h is validated first. The block uses the line ending of raw's first line: CRLF, or a bare LF
// when raw's first line ends in a bare LF (so the message stays consistent for a later LF-to-CRLF
// conversion; SES wants CRLF). A message whose first byte is SP or HTAB is refused with a
// *SyntaxError, because the added block would turn that line into a continuation line.
// On error dst is returned unchanged.
func Apply(dst []byte, h *Headers, raw []byte, opts ApplyOptions) ([]byte, error) {
	if err := checkApply(h, raw, opts); err != nil {
		return dst, err
	}
	dst = h.appendBlock(dst, lineEnding(raw))
	if opts.Replace {
		return Remove(dst, raw), nil
	}
	return append(dst, raw...), nil
}

// ApplyTo is the streaming form of Apply: it buffers the header block (at most MaxHeaderBytes, else
// ErrHeaderTooLarge) and copies the body. It writes nothing when it returns a validation error,
// ErrAlreadyPresent or ErrHeaderTooLarge.
func ApplyTo(w io.Writer, h *Headers, r io.Reader, opts ApplyOptions) (int64, error) {
	if err := h.Validate(); err != nil {
		return 0, err
	}
	var x removed
	buf, end, err := readHeader(r, &x)
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
		c.writeRemoved(hdr, &x)
	} else {
		c.write(hdr)
	}
	return c.copyRest(buf[end:], r)
}

// MaxHeaderBytes bounds the header block the streaming functions buffer.
const MaxHeaderBytes = 1 << 20

// ApplyOptions controls Apply and ApplyTo.
type ApplyOptions struct {
	// Replace removes every X-SES-* field already in the message. Without it, a message that
	// already carries one is an error wrapping ErrAlreadyPresent.
	Replace bool
}
