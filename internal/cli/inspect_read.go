package cli

import (
	"bufio"
	"io"
	"strconv"

	"github.com/sesraw/sesraw/xheaders"
)

// inputReadError is a failure to read the input itself (not a problem of the message).
type inputReadError struct{ err error }

func (e *inputReadError) Error() string { return e.err.Error() }
func (e *inputReadError) Unwrap() error { return e.err }

// sourceReader counts the bytes read from the input and keeps the first read error other than
// io.EOF, which the MIME walk would otherwise only report as a malformed part.
type sourceReader struct {
	r   io.Reader
	n   int64
	err error
}

func (s *sourceReader) Read(p []byte) (int, error) {
	if s.err != nil {
		return 0, s.err
	}
	n, err := s.r.Read(p)
	s.n += int64(n)
	if err != nil && err != io.EOF {
		s.err = err
	}
	return n, err
}

// errHeaderTooLarge reports a header block beyond xheaders.MaxHeaderBytes; it wraps
// xheaders.ErrHeaderTooLarge.
var errHeaderTooLarge = &wrappedError{
	msg: "cannot read the header block: no empty line ends it within " + strconv.Itoa(xheaders.MaxHeaderBytes>>10) + " KiB",
	err: xheaders.ErrHeaderTooLarge,
}

type wrappedError struct {
	msg string
	err error
}

func (e *wrappedError) Error() string { return e.msg }
func (e *wrappedError) Unwrap() error { return e.err }

// readHeaderBlock returns the bytes of br up to and including the first empty line ("\n" or
// "\r\n"), or everything when br ends first. Long lines are read in buffer-sized pieces; more
// than xheaders.MaxHeaderBytes without an empty line is errHeaderTooLarge.
func readHeaderBlock(br *bufio.Reader) ([]byte, error) {
	var hdr []byte
	lineStart := 0
	for {
		chunk, err := br.ReadSlice('\n')
		hdr = append(hdr, chunk...)
		if len(hdr) > xheaders.MaxHeaderBytes {
			return nil, errHeaderTooLarge
		}
		switch err {
		case nil:
			line := hdr[lineStart:]
			if len(line) == 1 || (len(line) == 2 && line[0] == '\r') {
				return hdr, nil
			}
			lineStart = len(hdr)
		case bufio.ErrBufferFull:
			// the rest of a long line follows
		case io.EOF:
			return hdr, nil
		default:
			return nil, err
		}
	}
}
