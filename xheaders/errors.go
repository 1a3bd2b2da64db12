package xheaders

import (
	"errors"
	"strconv"
)

// Sentinel errors. Every validation error is a *HeaderError wrapping exactly one of the first five;
// ErrAlreadyPresent is reported as a *HeaderError naming the field found; a malformed header block is
// a *SyntaxError wrapping ErrMalformedHeader; ErrHeaderTooLarge is returned as is.
var (
	ErrInvalidARN            = errors.New("xheaders: invalid identity ARN")
	ErrInvalidConfigSet      = errors.New("xheaders: invalid configuration set name")
	ErrInvalidTag            = errors.New("xheaders: invalid message tag")
	ErrInvalidListManagement = errors.New("xheaders: invalid list management options")
	ErrInvalidTenant         = errors.New("xheaders: invalid tenant name")
	ErrAlreadyPresent        = errors.New("xheaders: message already carries X-SES headers")
	ErrHeaderTooLarge        = errors.New("xheaders: header block too large")
	ErrMalformedHeader       = errors.New("xheaders: malformed header block")
)

// HeaderError reports an invalid value for one SES control header.
type HeaderError struct {
	Header string // canonical header name, e.g. X-SES-FROM-ARN (empty from ParseARN; the name as written for ErrAlreadyPresent)
	Value  string // the offending value (truncated to 80 bytes)
	Reason string // human-readable reason
	Err    error  // one of the sentinel errors above
}

func (e *HeaderError) Error() string {
	what := e.Header
	if what == "" {
		what = "identity ARN" // ParseARN outside any header
	}
	return "xheaders: " + what + ": " + e.Reason + " (" + quoteTrunc(e.Value) + ")"
}

// Unwrap returns the sentinel error.
func (e *HeaderError) Unwrap() error { return e.Err }

func quoteTrunc(s string) string {
	if len(s) > 80 {
		return strconv.Quote(s[:80]) + "..."
	}
	return strconv.Quote(s)
}
