// CONTRACT FILE: the exported API below is the agreed interface other packages code against.
// Implementations may move to other files; signatures change only by agreement.
//
// ADDED (dkim owner): Verify, VerifyAfterSESStrip, VerifyOptions, Result, VerifyError,
// DefaultMaxVerifications, TXTRecord and the verification sentinels (verify.go, keys.go).
// The package documentation is in doc.go.

package dkim

import (
	"crypto"
	"errors"
	"io"
	"sync"
	"time"
)

// Sentinel errors; errors from this package wrap one of them and are prefixed "dkim: ".
var (
	ErrForbiddenHeader  = errors.New("dkim: header must not be signed for SES") // X-SES-*, Message-ID, Date, Return-Path, Bounces-To, DKIM-Signature
	ErrAlreadySigned    = errors.New("dkim: message already carries a DKIM-Signature")
	ErrKeyTooSmall      = errors.New("dkim: RSA key smaller than 1024 bits")
	ErrUnsupportedKey   = errors.New("dkim: unsupported key type")
	ErrInvalidOptions   = errors.New("dkim: invalid options")
	ErrMalformedMessage = errors.New("dkim: malformed message")
	ErrNoFrom           = errors.New("dkim: message has no From header")
)

// Canonicalization is a DKIM canonicalization algorithm.
type Canonicalization string

// Canonicalization algorithms.
const (
	Relaxed Canonicalization = "relaxed"
	Simple  Canonicalization = "simple"
)

// Options configure a Signer. Domain, Selector and Key are mandatory.
type Options struct {
	Domain   string        // d=
	Selector string        // s=
	Key      crypto.Signer // *rsa.PrivateKey (1024..4096 bits) or ed25519.PrivateKey
	// HeaderCanonicalization and BodyCanonicalization default to Relaxed.
	HeaderCanonicalization Canonicalization
	BodyCanonicalization   Canonicalization
	// Headers names extra headers to sign beyond the SES-safe profile (e.g. custom X-Campaign).
	// Naming a forbidden header is an error wrapping ErrForbiddenHeader; at most 100 names.
	// Names are matched case-insensitively and written to h= as given here.
	Headers []string
	// Identifier is the i= tag (AUID), optional.
	Identifier string
	// Expiration, when non-zero, sets x= to t= + Expiration.
	Expiration time.Duration
	// Now supplies t=; nil means time.Now.
	Now func() time.Time
}

// Signer signs messages; it is immutable after NewSigner and safe for concurrent use.
type Signer struct {
	opts          Options
	algo          string      // a= value
	hashOpt       crypto.Hash // crypto.SHA256 for RSA, 0 for Ed25519 (RFC 8463 signs the SHA-256 digest)
	headerRelaxed bool
	bodyRelaxed   bool
	headers       []signedHeader   // profile + Options.Headers, in h= order
	prefix        []byte           // "DKIM-Signature: v=1; a=...; c=...; d=...; s=...;[ i=...;]" folded
	prefixCol     int              // column after prefix
	now           func() time.Time // clock for t=
	pool          sync.Pool        // *signState
	sigBytes      int              // length of a signature (b= before base64)
}

// NewSigner validates opts and returns a Signer.
func NewSigner(opts Options) (*Signer, error) { return newSigner(opts) }

// ParsePrivateKey (PEM keys) and TXTRecord (DNS records) are in keys.go.

// BodyHasher canonicalizes and hashes a message body as it is written (one pass). It carries
// canonicalization state across Writes, so any chunking gives the same hash.
type BodyHasher interface {
	io.Writer
	// Sum returns the body hash (the bh= value, raw bytes) of everything written so far, finishing
	// canonicalization (trailing empty lines). Call it once, after the last Write.
	Sum() []byte
}

// NewBodyHasher returns a BodyHasher for s's body canonicalization.
func (s *Signer) NewBodyHasher() BodyHasher { return newBodyHasher(s.bodyRelaxed) }

// AppendSignature signs the header block header (the message's header fields, CRLF-terminated, without
// the blank line) with the body hash bh from a BodyHasher, and appends the complete folded
// "DKIM-Signature: ...\r\n" field to dst. The field must then be placed at the top of the header block.
// header may alias dst[:len(dst)] (the bytes already in dst); on error dst is returned unchanged.
func (s *Signer) AppendSignature(dst, header, bh []byte) ([]byte, error) {
	return s.appendSignature(dst, header, bh)
}

// Sign appends to dst the raw message raw with a DKIM-Signature field prepended. raw must use CRLF
// line endings and have the empty line after its header block (see the package doc); it is copied
// unchanged. raw and dst must not overlap. On error dst is returned unchanged. A header block with
// a NUL or 8-bit byte or with two From fields is refused (ErrMalformedMessage), and one with more
// than MaxSignedInstances instances of a field to sign, or more than MaxHeaderKeys h= entries, with
// a *LimitError; AppendSignature refuses the same.
func (s *Signer) Sign(dst, raw []byte) ([]byte, error) { return s.sign(dst, raw) }
