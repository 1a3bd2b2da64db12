// Package xheaders models the Amazon SES control headers (X-SES-*): identity ARNs for sending
// authorization, configuration set, message tags, list management and tenant. It emits them, reads them
// from a raw message the way SES does (first instance wins) and removes them the way SES does.
//
// CONTRACT FILE: the exported API below is the agreed interface other packages code against.
// Implementations may move to other files; signatures change only by agreement.
package xheaders

import (
	"errors"
	"io"
	"strings"
)

// Canonical header names, in the order Append writes them.
const (
	SourceARN        = "X-SES-SOURCE-ARN"
	FromARN          = "X-SES-FROM-ARN"
	ReturnPathARN    = "X-SES-RETURN-PATH-ARN"
	ConfigurationSet = "X-SES-CONFIGURATION-SET"
	MessageTags      = "X-SES-MESSAGE-TAGS"
	ListManagement   = "X-SES-LIST-MANAGEMENT-OPTIONS"
	Tenant           = "X-SES-TENANT"
)

// Sentinel errors; every validation error wraps exactly one of them and is a *HeaderError.
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
	Header string // canonical header name, e.g. X-SES-FROM-ARN
	Value  string // the offending value (truncated to 80 bytes)
	Reason string // human-readable reason
	Err    error  // one of the sentinel errors above
}

func (e *HeaderError) Error() string {
	return "xheaders: " + e.Header + ": " + e.Reason + " (" + quoteTrunc(e.Value) + ")"
}

// Unwrap returns the sentinel error.
func (e *HeaderError) Unwrap() error { return e.Err }

func quoteTrunc(s string) string {
	if len(s) > 80 {
		s = s[:80] + "..."
	}
	return "\"" + s + "\""
}

// ARN is a parsed SES identity ARN: arn:PARTITION:ses:REGION:ACCOUNT:identity/IDENTITY.
// The zero ARN means "not set".
type ARN struct {
	Partition string // aws, aws-us-gov, aws-cn, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc
	Region    string // e.g. us-east-1, or "*" for identities replicated for global endpoints
	Account   string // 12 decimal digits
	Identity  string // a domain (example.com) or an email address (user@example.com)
}

// ParseARN parses and validates an SES identity ARN. Errors wrap ErrInvalidARN.
func ParseARN(s string) (ARN, error) { return parseARN(s) }

// MustParseARN is ParseARN for constants in tests and examples; it panics on error.
func MustParseARN(s string) ARN {
	a, err := parseARN(s)
	if err != nil {
		panic(err)
	}
	return a
}

// String formats the ARN; the zero ARN formats as "".
func (a ARN) String() string {
	if a.IsZero() {
		return ""
	}
	return string(a.appendTo(make([]byte, 0, 32+len(a.Partition)+len(a.Region)+len(a.Identity))))
}

// IsZero reports whether a is the zero ARN (not set).
func (a ARN) IsZero() bool { return a == ARN{} }

// IsEmail reports whether the identity is an email address rather than a domain.
func (a ARN) IsEmail() bool { return strings.IndexByte(a.Identity, '@') >= 0 }

// Covers reports whether the identity authorizes sending from addr (a bare addr-spec):
// an email identity covers exactly that address (domain compared case-insensitively); a domain
// identity covers every address at that domain (and its subdomains, as SES documents).
func (a ARN) Covers(addr string) bool { return a.covers(addr) }

// InRegion reports whether the identity may be used through an SES endpoint in region:
// equal regions, or an ARN region of "*".
func (a ARN) InRegion(region string) bool {
	return a.Region != "" && region != "" && (a.Region == "*" || a.Region == region)
}

// Tag is one SES message tag.
type Tag struct{ Name, Value string }

// ListOptions is the value of X-SES-LIST-MANAGEMENT-OPTIONS: "ContactList; topic=Topic".
// Topic is optional.
type ListOptions struct{ ContactList, Topic string }

// Headers is the set of SES control headers of one message. The zero value has none.
// A zero ARN, empty string or nil slice means "absent".
type Headers struct {
	SourceARN        ARN
	FromARN          ARN
	ReturnPathARN    ARN
	ConfigurationSet string
	Tags             []Tag
	ListManagement   *ListOptions
	Tenant           string
}

// Validate checks every value; the error is a *HeaderError (several are joined with errors.Join).
func (h *Headers) Validate() error { return h.validate() }

// IsZero reports whether no header is set.
func (h *Headers) IsZero() bool {
	return h.SourceARN.IsZero() && h.FromARN.IsZero() && h.ReturnPathARN.IsZero() &&
		h.ConfigurationSet == "" && len(h.Tags) == 0 && h.ListManagement == nil && h.Tenant == ""
}

// Append validates h and appends its header fields to dst in canonical spelling and fixed order
// (the order of the constants above), each at most once, each line CRLF-terminated and at most 998
// octets (message tags fold after a comma when needed).
func (h *Headers) Append(dst []byte) ([]byte, error) {
	if err := h.validate(); err != nil {
		return dst, err
	}
	return h.appendBlock(dst, "\r\n"), nil
}

// IsSESName reports whether a header field name starts with "X-SES-" (ASCII case-insensitive).
// Such fields are removed by SES before delivery and must never be DKIM-signed.
func IsSESName(name []byte) bool { return isSESName(name) }

// Field is one X-SES-* header field instance found in a raw header block. Byte slices alias the
// input and are valid only as long as it is.
type Field struct {
	Name   []byte // name as written
	Value  []byte // raw value after the colon, continuation lines included, final line break excluded
	Offset int    // offset of the field's first byte in the input
	End    int    // offset just past the field's final line break
}

// Unfolded returns the value with folding line breaks removed and surrounding whitespace trimmed,
// as SES reads it.
func (f Field) Unfolded() string { return f.unfolded() }

// Scanner walks the header block of a raw message and yields its X-SES-* fields without allocating.
// It accepts CRLF or bare LF line endings and stops at the first empty line (end of header block).
// The zero Scanner is ready after Reset.
type Scanner struct {
	src    []byte
	pos    int
	field  Field
	err    error
	done   bool
	bodyAt int
}

// Reset makes s scan raw from the beginning.
func (s *Scanner) Reset(raw []byte) { *s = Scanner{src: raw} }

// Next advances to the next X-SES-* field; it returns false at the end of the header block or on error.
func (s *Scanner) Next() bool { return s.next() }

// Field returns the current field.
func (s *Scanner) Field() Field { return s.field }

// Err returns the first error (wrapping ErrMalformedHeader), if any.
func (s *Scanner) Err() error { return s.err }

// BodyOffset returns the offset of the first body byte once Next has returned false (len(raw) if the
// message has no body separator).
func (s *Scanner) BodyOffset() int { return s.bodyAt }

// Effective holds what SES reads from a raw message: the first instance of each known X-SES header,
// and how many instances of each it saw.
type Effective struct {
	first [numKnown]Field
	count [numKnown]int
	other int
}

const numKnown = 7

// Read scans raw's header block as SES does: header names case-insensitive, the first instance of each
// header wins, folded values unfolded. It does not allocate.
func Read(raw []byte) (Effective, error) { return read(raw) }

// Get returns the effective (unfolded) value of the named header (any case) and whether it was present.
func (e *Effective) Get(name string) (string, bool) {
	f, ok := e.First(name)
	if !ok {
		return "", false
	}
	return f.Unfolded(), true
}

// Count returns how many instances of the named header were present.
func (e *Effective) Count(name string) int {
	if i := knownIndexString(name); i >= 0 {
		return e.count[i]
	}
	return 0
}

// Headers parses the effective values into a Headers value; invalid values are reported as errors.
func (e *Effective) Headers() (Headers, error) { return e.headers() }

// Remove appends raw to dst with every X-SES-* field removed (every instance, continuation lines
// included); every other byte is kept as it was.
func Remove(dst, raw []byte) []byte { return remove(dst, raw) }

// MaxHeaderBytes bounds the header block the streaming functions buffer.
const MaxHeaderBytes = 1 << 20

// RemoveTo copies the message from r to w with every X-SES-* field removed, buffering only the header
// block (at most MaxHeaderBytes, else ErrHeaderTooLarge); the body is copied, not held.
func RemoveTo(w io.Writer, r io.Reader) (int64, error) { return removeTo(w, r) }

// ApplyOptions controls Apply and ApplyTo.
type ApplyOptions struct {
	// Replace removes every X-SES-* field already in the message. Without it, a message that
	// already carries one is an error wrapping ErrAlreadyPresent.
	Replace bool
}

// Apply appends to dst the message raw with h's header block put at the top of its header.
func Apply(dst []byte, h *Headers, raw []byte, opts ApplyOptions) ([]byte, error) {
	return apply(dst, h, raw, opts)
}

// ApplyTo is the streaming form of Apply.
func ApplyTo(w io.Writer, h *Headers, r io.Reader, opts ApplyOptions) (int64, error) {
	return applyTo(w, h, r, opts)
}
