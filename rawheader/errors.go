package rawheader

import (
	"errors"
	"strconv"
)

// Sentinel errors. A malformed header block is a *SyntaxError: errors.Is matches ErrMalformed and
// the sentinel of its kind (ErrNotAField or ErrBareCR). A limit exceeded is a *LimitError:
// errors.Is matches ErrTooLarge and the sentinel of the limit (ErrTooManyBytes, ErrTooManyFields or
// ErrTooManyLines).
var (
	ErrMalformed = errors.New("rawheader: malformed header block")
	ErrNotAField = errors.New("rawheader: line is not a header field")
	ErrBareCR    = errors.New("rawheader: bare CR in header block")

	ErrTooLarge      = errors.New("rawheader: header block over a limit")
	ErrTooManyBytes  = errors.New("rawheader: header block too large")
	ErrTooManyFields = errors.New("rawheader: too many header fields")
	ErrTooManyLines  = errors.New("rawheader: too many continuation lines in one field")
)

// SyntaxError reports where and why a header block stops being one. The strict reading ends the
// header block at Offset: that line and everything after it are not header fields.
type SyntaxError struct {
	Offset int    // offset of the first byte of the offending line (for a bare CR: of the field holding it)
	Line   int    // 1-based line number of that line
	At     int    // offset of the offending byte (the bare CR; where a colon was expected)
	Reason string // what is wrong, in words
	Err    error  // ErrNotAField or ErrBareCR
}

func (e *SyntaxError) Error() string {
	return "rawheader: malformed header block at line " + strconv.Itoa(e.Line) + " (offset " +
		strconv.Itoa(e.Offset) + "): " + e.Reason
}

// Unwrap returns the kind's sentinel and ErrMalformed.
func (e *SyntaxError) Unwrap() []error { return []error{e.Err, ErrMalformed} }

// LimitError reports a header block over one of the Limits.
type LimitError struct {
	Limit  string // "header bytes", "header fields" or "lines per field"
	Max    int    // the limit
	Offset int    // offset of the field (or line) that went over it
	Line   int    // 1-based line number of that field
	Err    error  // ErrTooManyBytes, ErrTooManyFields or ErrTooManyLines
}

func (e *LimitError) Error() string {
	return "rawheader: header block too large: more than " + strconv.Itoa(e.Max) + " " + e.Limit +
		" (at line " + strconv.Itoa(e.Line) + ")"
}

// Unwrap returns the limit's sentinel and ErrTooLarge.
func (e *LimitError) Unwrap() []error { return []error{e.Err, ErrTooLarge} }
