package mimewalk

import (
	"errors"
	"strconv"
)

// Sentinels of the structural problems a walk reports (Problem.Err); none ends the walk.
var (
	ErrNoBoundary      = errors.New("mimewalk: multipart without a boundary parameter")
	ErrInvalidBoundary = errors.New("mimewalk: boundary is not 1 to 70 characters of the RFC 2046 set")
	ErrBoundaryReused  = errors.New("mimewalk: nested multipart reuses an enclosing multipart's boundary")
	ErrNoDelimiter     = errors.New("mimewalk: the boundary of a multipart never occurs")
	ErrUnterminated    = errors.New("mimewalk: multipart has no close delimiter")
	ErrNoParts         = errors.New("mimewalk: multipart closed without parts")
)

// Sentinels of the limits that end a walk; a *LimitError matches ErrLimit and one of them.
var (
	ErrLimit           = errors.New("mimewalk: MIME structure over a limit")
	ErrTooDeep         = errors.New("mimewalk: multiparts nested too deep")
	ErrTooManyParts    = errors.New("mimewalk: too many MIME parts")
	ErrBoundaryTooLong = errors.New("mimewalk: boundary too long")
)

// LimitError ends a walk at a limit of Options. Next returns it; the walk cannot go on.
type LimitError struct {
	Limit  string // "depth", "parts" or "boundary bytes"
	Max    int    // the limit
	Offset int64  // offset of the line that went over it (a Content-Type field or a delimiter)
	Line   int    // 1-based line number of that line
	Err    error  // ErrTooDeep, ErrTooManyParts or ErrBoundaryTooLong
}

func (e *LimitError) Error() string {
	return "mimewalk: MIME structure over a limit: more than " + strconv.Itoa(e.Max) + " " + e.Limit +
		" (at line " + strconv.Itoa(e.Line) + ")"
}

// Unwrap returns the limit's sentinel and ErrLimit.
func (e *LimitError) Unwrap() []error { return []error{e.Err, ErrLimit} }

// Problem is a structural defect found while walking; the walk goes on. Reader.Problem returns
// the current one after a ProblemEvent.
type Problem struct {
	// Err is one of the Err* sentinels of this package, or a *rawheader.LimitError for a part
	// header over MaxHeaderBytes.
	Err error
	// Part is the Index of the entity the problem is about (a multipart, or the part whose header
	// went over the limit).
	Part int
	// Offset and Line locate it: the entity's Content-Type field (for the delimiter and
	// boundary problems), or the header line that went over the limit.
	Offset int64
	Line   int
	// Boundary is the multipart's boundary, when the problem is about one.
	Boundary string
	// Ref is, for ErrBoundaryReused, the line of the enclosing multipart's Content-Type field.
	Ref int
}

func (p *Problem) Error() string {
	return p.Err.Error() + " (line " + strconv.Itoa(p.Line) + ")"
}

// Unwrap returns Err.
func (p *Problem) Unwrap() error { return p.Err }
