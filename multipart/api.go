// CONTRACT FILE: the exported API below is the agreed interface other packages code against.
// Implementations may move to other files; signatures change only by agreement.
// ADDED (no signature changed): type Error, the concrete error type behind the sentinels.
// The package documentation is in doc.go.

package multipart

import (
	"errors"
	"io"
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
)

// Encoding is a Content-Transfer-Encoding.
type Encoding uint8

const (
	// Auto picks by content: 7bit for short-lined ASCII text, quoted-printable for mostly-ASCII text,
	// base64 otherwise. A leaf whose body is a Reader (not in memory) gets base64 under Auto, so its
	// encoded size is known from its size and it is never read twice. 8bit/binary are never chosen.
	Auto Encoding = iota
	SevenBit
	QuotedPrintable
	Base64
	EightBit // only when asked for; SES advises 7-bit content
)

// String returns the Content-Transfer-Encoding token ("7bit", "quoted-printable", ...); Auto is "auto".
func (e Encoding) String() string { return e.string() }

// Param is one Content-Type or Content-Disposition parameter. Values may be Unicode; they are written
// with RFC 2231 extended syntax (name*=utf-8, two apostrophes, percent-encoded octets) when they are
// not plain ASCII tokens or quoted-strings.
type Param struct{ Name, Value string }

// Field is an extra header field of a part. Names must be printable ASCII without ':'; values are
// written as unstructured text (encoded words where needed). CR, LF and NUL are rejected.
type Field struct{ Name, Value string }

// Part is a node of a MIME tree: a leaf with a body (Data or Reader), or a container (ContentType
// "multipart/...") with Parts. Parts are not modified by this package.
type Part struct {
	// ContentType is the media type without parameters, e.g. "text/plain", "image/png",
	// "multipart/alternative". Empty means "text/plain" for a leaf.
	ContentType string
	// Params are extra Content-Type parameters. For text/* leaves charset=utf-8 is added unless given.
	// "boundary" is reserved (the Writer assigns it).
	Params []Param
	// Encoding is the Content-Transfer-Encoding; Auto (zero) chooses by content.
	Encoding Encoding
	// Disposition is "", "inline" or "attachment".
	Disposition string
	// Filename (Unicode allowed) goes in Content-Disposition as filename (RFC 2231 filename*= when
	// needed) and in Content-Type as name= (RFC 2047 encoded word for clients that only read that).
	Filename string
	// ContentID without angle brackets, for multipart/related references (cid:...).
	ContentID string
	// Header holds extra part header fields, written after the standard ones.
	Header []Field

	// Data is an in-memory body. Exactly one of Data and Reader is used for a leaf (Reader wins if set).
	Data []byte
	// Reader streams the body; it is read once, with fixed buffers, when the tree is written.
	Reader io.Reader
	// Size is the number of bytes Reader yields, when known (0 = unknown). A known size makes the
	// encoded size known in advance; a Reader that yields a different count is ErrSizeMismatch.
	Size int64

	// Parts are the children of a multipart container.
	Parts []*Part
}

// Tree is a validated part tree with encodings chosen and boundaries assigned, ready to be written.
// It refers to the Parts it was made from; it is not safe for concurrent writes. Part.Data must not
// change while the Tree is in use: NewTree computes the encoded sizes (and keeps the
// quoted-printable encoding of small bodies) from it.
type Tree struct {
	root *Part
	// implementation-defined fields follow
	nodes []node // pre-order; nodes[0] is root
	hdr   []byte // rendered MIME header fields of every node
	qp    []byte // quoted-printable encodings of small in-memory leaves, made while sizing them
}

// NewTree validates root, picks the encoding of every Auto leaf whose body is in memory, and assigns
// a boundary to every container, unique per nesting level and impossible inside encoded content.
// rand supplies the boundaries' randomness (nil means crypto/rand); with a fixed rand the output is
// byte-identical from run to run.
func NewTree(root *Part, rand io.Reader) (*Tree, error) { return newTree(root, rand) }

// AppendHeader appends the root entity's MIME header fields (Content-Type, Content-Transfer-Encoding,
// Content-Disposition, Content-ID, extra fields), each CRLF-terminated, without the blank line that
// ends the header block and without MIME-Version.
func (t *Tree) AppendHeader(dst []byte) ([]byte, error) { return t.appendHeader(dst) }

// WriteBody writes the body that follows the header block (after the blank line): for a leaf its
// encoded content, for a container its parts with boundaries. It streams Readers with fixed buffers.
func (t *Tree) WriteBody(w io.Writer) (int64, error) { return t.writeBody(w) }

// BodySize returns the exact number of bytes WriteBody will write, and false when some Reader has
// an unknown Size.
func (t *Tree) BodySize() (int64, bool) { return t.bodySize() }

// Address is a mailbox for header formatting: Name is a display name (Unicode allowed), Addr an ASCII
// addr-spec (local@domain; IDN domains must already be punycode).
type Address struct{ Name, Addr string }

// AppendAddressField appends "Name: addr, addr\r\n" (e.g. name "To") with display names as atoms,
// quoted-strings or RFC 2047 encoded words, folded between addresses (and inside long encoded names)
// so lines stay at most 78 octets where possible and never exceed 998.
func AppendAddressField(dst []byte, name string, addrs []Address) ([]byte, error) {
	return appendAddressField(dst, name, addrs)
}

// AppendTextField appends "Name: value\r\n" for unstructured text (Subject, custom headers): ASCII
// text as is, anything else as RFC 2047 UTF-8 encoded words (never split inside a character), folded
// at whitespace to at most 78 octets per line where possible and never more than 998.
func AppendTextField(dst []byte, name, value string) ([]byte, error) {
	return appendTextField(dst, name, value)
}

// ValidFieldName reports whether name is a valid header field name (printable ASCII except ':').
func ValidFieldName(name string) bool { return validFieldName(name) }
