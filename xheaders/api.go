// CONTRACT FILE: the exported API below is the agreed interface other packages code against.
// Implementations live in the other files of the package; signatures change only by agreement.
// The package documentation is in doc.go.

package xheaders

import (
	"errors"
	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/sesrules"
	"io"
	"strconv"
	"strings"
)

// Canonical header names, in the order Append writes them.
const (
	SourceARN        = sesrules.HeaderSourceARN
	FromARN          = sesrules.HeaderFromARN
	ReturnPathARN    = sesrules.HeaderReturnPathARN
	ConfigurationSet = sesrules.HeaderConfigurationSet
	MessageTags      = sesrules.HeaderMessageTags
	ListManagement   = sesrules.HeaderListManagement
	Tenant           = sesrules.HeaderTenant
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

// ARN is a parsed SES identity ARN: arn:PARTITION:ses:REGION:ACCOUNT:identity/IDENTITY.
// The zero ARN means "not set".
type ARN struct {
	Partition string // aws, aws-us-gov, aws-cn, aws-iso, aws-iso-b, aws-iso-e, aws-iso-f, aws-eusc
	Region    string // e.g. us-east-1, or "*" for identities replicated for global endpoints
	Account   string // 12 decimal digits
	Identity  string // a domain (example.com) or an email address (user@example.com)
}

// ParseARN parses and validates an SES identity ARN. Errors are *HeaderError values (Header empty)
// wrapping ErrInvalidARN.
//
// Accepted: a known partition; service "ses"; a region of the usual shape (letters-letters-digits,
// e.g. us-east-1, us-gov-west-1, eusc-de-east-1) that belongs to the partition, or "*"; a 12-digit
// account; and "identity/" followed by an ASCII domain of at least two labels (IDNs in punycode) or
// an email address with an ASCII dot-atom local part. Fields are kept as written, so
// ParseARN(s).String() == s for every valid s.
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

// Covers reports whether the identity authorizes sending from addr (a bare addr-spec, local@domain,
// with an ASCII domain): an email identity covers exactly that address; a domain identity covers
// every address at that domain and at its subdomains. Domains are compared ASCII-case-insensitively.
//
// The local part is compared exactly (case-sensitively), as RFC 5321 section 2.4 requires of
// mailbox local parts; whether SES folds the case of local parts is UNCONFIRMED (no AWS text found),
// so Covers may answer false for a case variant that SES would accept.
//
// Subdomains: "when you verify a domain identity, you can send email from any subdomain or email
// address of the verified domain without having to verify each one individually. For example, if
// you create and verify a domain identity called example.com, you don't need to create separate
// subdomain identities for a.example.com, a.b.example.com" (SES Developer Guide, "Creating and
// verifying identities", https://docs.aws.amazon.com/ses/latest/dg/creating-identities.html). A
// subdomain verified separately in the same account has its own identity and settings, and the same
// page says an address that only inherits verification cannot itself carry delegate-sending
// policies; Covers cannot see either and stays lenient (true) for addresses under a domain identity.
func (a ARN) Covers(addr string) bool { return a.covers(addr) }

// InRegion reports whether the identity may be used through an SES endpoint in region:
// equal regions, or an ARN region of "*". The zero ARN and an empty region are in no region.
func (a ARN) InRegion(region string) bool {
	return a.Region != "" && region != "" && (a.Region == "*" || a.Region == region)
}

// Tag is one SES message tag. Name is 1..256 characters and Value 0..256 characters of
// [A-Za-z0-9_-] (SES API reference, MessageTag: "Contain only ASCII letters (a-z, A-Z), numbers
// (0-9), underscores (_), or dashes (-). Contain 256 characters or fewer."). No minimum length is
// stated for the value, so an empty value is accepted (UNCONFIRMED). Tag names must be unique within
// a message (compared exactly). No maximum tag count is documented (UNCONFIRMED); none is enforced.
type Tag struct{ Name, Value string }

// ListOptions is the value of X-SES-LIST-MANAGEMENT-OPTIONS: "ContactList; topic=Topic".
// Topic is optional (UNCONFIRMED for the header form; the API's TopicName is optional). Both names
// are 1..64 characters of [A-Za-z0-9_-] (the CloudFormation AWS::SES::ContactList patterns).
type ListOptions struct{ ContactList, Topic string }

// Headers is the set of SES control headers of one message. The zero value has none.
// A zero ARN, empty string or empty slice means "absent".
//
// ConfigurationSet is 1..64 characters of [A-Za-z0-9_-] (SES quotas page). Tenant is 1..64
// characters of [A-Za-z0-9_-], the API's TenantName rule; that X-SES-TENANT takes the tenant name
// in this form is UNCONFIRMED.
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
// It does not allocate when h is valid.
func (h *Headers) Validate() error { return h.validate() }

// IsZero reports whether no header is set.
func (h *Headers) IsZero() bool {
	return h.SourceARN.IsZero() && h.FromARN.IsZero() && h.ReturnPathARN.IsZero() &&
		h.ConfigurationSet == "" && len(h.Tags) == 0 && h.ListManagement == nil && h.Tenant == ""
}

// Append validates h and appends its header fields to dst in canonical spelling and fixed order
// (the order of the constants above), each at most once, each line CRLF-terminated and at most 998
// octets (message tags fold after a comma only when the line would otherwise exceed 998 octets;
// unfolding restores ", "). On error dst is returned unchanged.
func (h *Headers) Append(dst []byte) ([]byte, error) {
	if err := h.validate(); err != nil {
		return dst, err
	}
	return h.appendBlock(dst, "\r\n"), nil
}

// IsSESName reports whether a header field name starts with "X-SES-" (ASCII case-insensitive).
// Such fields are removed by SES before delivery and must never be DKIM-signed.
func IsSESName(name []byte) bool { return sesrules.IsSESName(name) }

// Field is one X-SES-* header field instance found in a raw header block. Byte slices alias the
// input and are valid only as long as it is.
type Field struct {
	Name   []byte // name as written (blanks between the name and the colon, obsolete syntax, excluded)
	Value  []byte // raw value after the colon, continuation lines included, final line break excluded
	Offset int    // offset of the field's first byte in the input
	End    int    // offset just past the field's final line break
}

// Unfolded returns the value with folding line breaks removed and surrounding whitespace trimmed,
// as SES reads it.
func (f Field) Unfolded() string { return f.unfolded() }

// Scanner walks the header block of a raw message and yields every X-SES-* field instance, in order,
// with its offsets, without allocating. It accepts CRLF or bare LF line endings (a bare CR is an
// ordinary byte) and stops at the first empty line (end of header block).
//
// A line that is neither a field ("name:" or, obsolete syntax, "name :"), nor a continuation line
// (starting with SP or HTAB) after a field, ends the header block: Next returns false, Err returns
// a *SyntaxError wrapping ErrMalformedHeader and BodyOffset is the offset of that line. Remove and
// the streaming functions use the same rule and never touch bytes from that line on.
// The zero Scanner is ready after Reset.
type Scanner struct {
	raw   rawheader.Scanner
	field Field
	err   error
}

// Reset makes s scan raw from the beginning.
func (s *Scanner) Reset(raw []byte) {
	s.raw.Reset(raw)
	s.field, s.err = Field{}, nil
}

// Next advances to the next X-SES-* field; it returns false at the end of the header block or on error.
func (s *Scanner) Next() bool { return s.next() }

// Field returns the current field.
func (s *Scanner) Field() Field { return s.field }

// Err returns the first error (wrapping ErrMalformedHeader), if any.
func (s *Scanner) Err() error { return s.err }

// BodyOffset returns the offset of the first body byte once Next has returned false (len(raw) if the
// message has no body separator; the offset of the malformed line if Err is not nil).
func (s *Scanner) BodyOffset() int { return s.raw.BodyOffset() }

// Effective holds what SES reads from a raw message: the first instance of each known X-SES header,
// and how many instances of each it saw.
type Effective struct {
	first [numKnown]Field
	count [numKnown]int
	other int
}

const numKnown = 7

// Read scans raw's header block as SES does: header names case-insensitive, the first instance of each
// header wins, folded values unfolded. It does not allocate. On a malformed header block it returns
// what it found before the malformed line together with the *SyntaxError.
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

// Remove appends raw to dst with every X-SES-* field of the header block removed (every instance,
// continuation lines and line break included); every other byte, body included, is kept as it was.
// It allocates only if dst must grow.
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
// h is validated first. The block uses the line ending of raw's first line: CRLF, or a bare LF
// when raw's first line ends in a bare LF (so the message stays consistent for a later LF-to-CRLF
// conversion; SES wants CRLF). A message whose first byte is SP or HTAB is refused with a
// *SyntaxError, because the added block would turn that line into a continuation line.
// On error dst is returned unchanged.
func Apply(dst []byte, h *Headers, raw []byte, opts ApplyOptions) ([]byte, error) {
	return apply(dst, h, raw, opts)
}

// ApplyTo is the streaming form of Apply: it buffers the header block (at most MaxHeaderBytes, else
// ErrHeaderTooLarge) and copies the body. It writes nothing when it returns a validation error,
// ErrAlreadyPresent or ErrHeaderTooLarge.
func ApplyTo(w io.Writer, h *Headers, r io.Reader, opts ApplyOptions) (int64, error) {
	return applyTo(w, h, r, opts)
}
