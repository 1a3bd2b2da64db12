package multipart

import (
	"errors"
	"strconv"
)

// Sentinel errors. Errors returned by this package wrap one of them (errors.Is works) and are
// prefixed "multipart: ".
var (
	ErrInvalidHeaderName  = errors.New("multipart: invalid header field name")
	ErrInvalidHeaderValue = errors.New("multipart: invalid header field value") // CR, LF, NUL, invalid UTF-8
	ErrInvalidAddress     = errors.New("multipart: invalid address")            // non-ASCII or malformed addr-spec
	ErrInvalidPart        = errors.New("multipart: invalid part")               // inconsistent tree, bad media type, bad Content-ID
	ErrLineTooLong        = errors.New("multipart: line too long")              // 7bit/8bit content with a line over 998 octets
	ErrSizeMismatch       = errors.New("multipart: body size differs from declared size")
	ErrCanceled           = errors.New("multipart: write canceled") // WriteBodyContext's ctx is done; the Error's Cause is context.Cause(ctx)
)

// Error is the error type this package returns: Err is one of the sentinel errors (ErrInvalidPart,
// ErrInvalidHeaderValue, ...) and errors.Is matches it; Detail says what was wrong.
type Error struct {
	Err    error  // a sentinel error of this package
	Detail string // what was rejected, with the offending value quoted and truncated
	Cause  error  // an underlying error (e.g. from the random source), if any
}

func (e *Error) Error() string {
	s := e.Err.Error()
	if e.Detail != "" {
		s += ": " + e.Detail
	}
	if e.Cause != nil {
		s += ": " + e.Cause.Error()
	}
	return s
}

// Unwrap returns the sentinel and the cause, so errors.Is and errors.As see both.
func (e *Error) Unwrap() []error {
	if e.Cause != nil {
		return []error{e.Err, e.Cause}
	}
	return []error{e.Err}
}

func newErr(sentinel error, detail string) error { return &Error{Err: sentinel, Detail: detail} }

// quote quotes s for an error message, cut to a bounded length.
func quote(s string) string {
	const limit = 80
	if len(s) > limit {
		return strconv.Quote(s[:limit]) + "..."
	}
	return strconv.Quote(s)
}
