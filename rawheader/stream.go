package rawheader

import (
	"bytes"
	"io"
)

// ReadBlock reads from r until the header block is complete and returns what it read: the header
// block and possibly the first bytes of the body. A Scanner over the returned bytes reads the same
// fields, End and BodyOffset as over the whole message; the caller copies the rest of the body from
// r. ReadBlock holds at most lim.MaxBytes (plus one read) in memory: a header block over it is a
// *LimitError (ErrTooManyBytes). A Reader that returns no bytes and no error 100 times in a row
// makes it fail with io.ErrNoProgress. Other read errors are returned as they are, with what was
// read.
func ReadBlock(r io.Reader, lim Limits) ([]byte, error) {
	lim = lim.norm()
	buf := make([]byte, 0, 4096)
	lineStart := 0 // start of the line not yet seen complete
	empty := 0
	for {
		if len(buf) == cap(buf) {
			buf = append(buf, 0)[:len(buf)]
		}
		n, err := r.Read(buf[len(buf):cap(buf)])
		buf = buf[:len(buf)+n]
		// Look at the lines completed by this read: an empty one ends the header block for every
		// reading (the strict one may end it earlier, at a malformed line, which is in buf too).
		for {
			i := bytes.IndexByte(buf[lineStart:], '\n')
			if i < 0 {
				break
			}
			line := buf[lineStart : lineStart+i]
			lineStart += i + 1
			if len(line) == 0 || len(line) == 1 && line[0] == '\r' {
				return buf, nil
			}
		}
		if err == io.EOF {
			return buf, nil
		}
		if err != nil {
			return buf, err
		}
		if lineStart > lim.MaxBytes || len(buf) > lim.MaxBytes+1 {
			// Over the limit without an empty line: the strict reading may still have ended the
			// header block at a malformed line among the complete lines.
			// A verdict reached before the last byte read does not depend on bytes not read yet.
			var s Scanner
			s.ResetLimits(buf, Limits{MaxBytes: -1, MaxFields: -1, MaxFieldLines: -1})
			for s.Next() {
			}
			if e, ok := s.err.(*SyntaxError); ok && e.Offset <= lim.MaxBytes && e.At < len(buf)-1 {
				return buf, nil
			}
			return buf, &LimitError{Limit: "header bytes", Max: lim.MaxBytes, Offset: 0, Line: s.line, Err: ErrTooManyBytes}
		}
		if n == 0 {
			if empty++; empty >= 100 {
				return buf, io.ErrNoProgress
			}
		} else {
			empty = 0
		}
	}
}
