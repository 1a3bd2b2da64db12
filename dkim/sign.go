package dkim

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"encoding/base64"
	"encoding/binary"
	"fmt"
	"hash"
	"io"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/sesrules"
)

// maxLineLen is the column the DKIM-Signature field is folded at (RFC 5322 §2.1.1 SHOULD).
const maxLineLen = 78

// signState is the per-call scratch of a Signer, pooled so that signing does not allocate per header
// field (and, in steady state, not per message either, apart from the private-key operation).
type signState struct {
	prep Prepared // Signer.AppendSignature's, SignatureLen's and Sign's
	buf  []byte   // canonicalization and base64 scratch
	h    hash.Hash
	body *bodyHasher
	sum  [sha256.Size]byte
}

// MaxSignedInstances bounds the instances of one field Sign signs. Sign lists every instance of a
// field it signs in h= (bottom-up) and oversigns From, To, Cc, Reply-To and Subject once more, so
// that no instance can be added unnoticed; a message with more instances of such a field than
// this is refused with a *LimitError (a real message has one of each). With MaxHeaderKeys it keeps
// every signature Sign writes within what Verify accepts.
const MaxSignedInstances = 8

// checkSignable refuses a header block with a NUL or an 8-bit byte: SES needs 7-bit ASCII header
// fields (non-ASCII text is encoded with RFC 2047), and verifiers disagree about such bytes.
func checkSignable(header []byte) error {
	// Eight bytes at a time while there is neither; the loop below finds the offset of one.
	i := 0
	for ; i+8 <= len(header); i += 8 {
		x := binary.LittleEndian.Uint64(header[i:])
		if x&top8 != 0 || zeroByte(x) != 0 {
			break
		}
	}
	for ; i < len(header); i++ {
		c := header[i]
		if c == 0 {
			return malformed("NUL byte in the header block at offset " + strconv.Itoa(i))
		}
		if c >= 0x80 {
			return malformed("8-bit byte in the header block at offset " + strconv.Itoa(i) + " (header fields must be 7-bit ASCII; encode text with RFC 2047)")
		}
	}
	return nil
}

func malformed(msg string) error {
	return &wrapError{msg: "dkim: malformed message: " + msg, err: ErrMalformedMessage}
}

// wrapError is an error with its own text that wraps a sentinel (and the error that caused it).
type wrapError struct {
	msg   string
	err   error
	cause error
}

func (e *wrapError) Error() string { return e.msg }
func (e *wrapError) Unwrap() []error {
	if e.cause == nil {
		return []error{e.err}
	}
	return []error{e.err, e.cause}
}

// NewSigner validates opts and returns a Signer.
func NewSigner(opts Options) (*Signer, error) {
	s := &Signer{opts: opts}
	if err := validName("Domain", opts.Domain); err != nil {
		return nil, err
	}
	if err := validName("Selector", opts.Selector); err != nil {
		return nil, err
	}
	algo, err := keyAlgorithm(opts.Key)
	if err != nil {
		return nil, err
	}
	s.algo = algo
	sigBytes := ed25519.SignatureSize
	if algo == "rsa-sha256" {
		s.hashOpt = crypto.SHA256
		sigBytes = opts.Key.Public().(*rsa.PublicKey).Size()
	}
	// Every b= value has one length: fold a stand-in once.
	s.bLen = len(appendFolded(nil, make([]byte, base64.StdEncoding.EncodedLen(sigBytes))))
	hc, err := canonicalization("HeaderCanonicalization", opts.HeaderCanonicalization)
	if err != nil {
		return nil, err
	}
	bc, err := canonicalization("BodyCanonicalization", opts.BodyCanonicalization)
	if err != nil {
		return nil, err
	}
	s.headerRelaxed = hc == Relaxed
	s.bodyRelaxed = bc == Relaxed
	if s.headers, err = buildHeaderList(opts.Headers); err != nil {
		return nil, err
	}
	if opts.Identifier != "" {
		if err := validIdentifier(opts.Identifier, opts.Domain); err != nil {
			return nil, err
		}
	}
	if opts.Expiration < 0 {
		return nil, fmt.Errorf("%w: negative Expiration", ErrInvalidOptions)
	}
	if opts.Expiration > 0 && opts.Expiration < time.Second {
		return nil, fmt.Errorf("%w: Expiration below one second (x= has second resolution)", ErrInvalidOptions)
	}
	s.now = opts.Now
	if s.now == nil {
		s.now = time.Now
	}

	// Fixed part of every signature.
	p := append([]byte(nil), "DKIM-Signature: v=1; a="...)
	p = append(p, algo...)
	p = append(p, "; c="...)
	p = append(p, hc...)
	p = append(p, '/')
	p = append(p, bc...)
	p = append(p, ';')
	col := len(p)
	p, col = appendToken(p, col, "d=", []byte(opts.Domain), ";")
	p, col = appendToken(p, col, "s=", []byte(opts.Selector), ";")
	if opts.Identifier != "" {
		p, col = appendToken(p, col, "i=", []byte(opts.Identifier), ";")
	}
	s.prefix, s.prefixCol = p, col
	s.pool.New = func() any {
		return &signState{h: sha256.New(), body: newBodyHasher(s.bodyRelaxed)}
	}
	return s, nil
}

func canonicalization(what string, c Canonicalization) (Canonicalization, error) {
	switch c {
	case "":
		return Relaxed, nil
	case Relaxed, Simple:
		return c, nil
	}
	return "", fmt.Errorf("%w: %s %q (want relaxed or simple)", ErrInvalidOptions, what, string(c))
}

// validName checks a domain name or selector: dot-separated labels of letters, digits, '-' and '_',
// each 1..63 bytes, 253 bytes at most (internationalized names must be given as A-labels).
func validName(what, s string) error {
	if s == "" {
		return fmt.Errorf("%w: %s is required", ErrInvalidOptions, what)
	}
	if len(s) > 253 {
		return fmt.Errorf("%w: %s longer than 253 bytes", ErrInvalidOptions, what)
	}
	label := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		switch {
		case c == '.':
			if label == 0 {
				return fmt.Errorf("%w: %s %q has an empty label", ErrInvalidOptions, what, s)
			}
			label = 0
			continue
		case c >= 'a' && c <= 'z', c >= 'A' && c <= 'Z', c >= '0' && c <= '9', c == '-', c == '_':
		default:
			return fmt.Errorf("%w: %s %q contains %q (use A-labels for non-ASCII names)", ErrInvalidOptions, what, s, rune(c))
		}
		label++
		if label > 63 {
			return fmt.Errorf("%w: %s %q has a label longer than 63 bytes", ErrInvalidOptions, what, s)
		}
	}
	if label == 0 {
		return fmt.Errorf("%w: %s %q has an empty label", ErrInvalidOptions, what, s)
	}
	return nil
}

// validIdentifier checks i=: [local-part] "@" domain, where domain is d= or a subdomain of it
// (RFC 6376 §3.5). The local part may not contain characters that would need DKIM quoted-printable
// encoding (WSP, control characters, ';', '=', non-ASCII).
func validIdentifier(id, domain string) error {
	at := strings.LastIndexByte(id, '@')
	if at < 0 {
		return fmt.Errorf("%w: Identifier %q has no '@'", ErrInvalidOptions, id)
	}
	if len(id) > 320 {
		return fmt.Errorf("%w: Identifier longer than 320 bytes", ErrInvalidOptions)
	}
	for i := 0; i < at; i++ {
		if c := id[i]; c <= ' ' || c >= 0x7f || c == ';' || c == '=' {
			return fmt.Errorf("%w: Identifier %q: local part contains %q", ErrInvalidOptions, id, rune(c))
		}
	}
	d := id[at+1:]
	if err := validName("Identifier domain", d); err != nil {
		return err
	}
	if !strings.EqualFold(d, domain) && !(len(d) > len(domain) && d[len(d)-len(domain)-1] == '.' &&
		strings.EqualFold(d[len(d)-len(domain):], domain)) {
		return fmt.Errorf("%w: Identifier domain %q is neither Domain %q nor a subdomain of it", ErrInvalidOptions, d, domain)
	}
	return nil
}

// appendToken appends " "+a+b+c, or a fold ("\r\n ") and a+b+c if the line would pass maxLineLen.
func appendToken(dst []byte, col int, a string, b []byte, c string) ([]byte, int) {
	n := len(a) + len(b) + len(c)
	if col+1+n > maxLineLen {
		dst = append(dst, "\r\n "...)
		col = 1
	} else {
		dst = append(dst, ' ')
		col++
	}
	dst = append(dst, a...)
	dst = append(dst, b...)
	dst = append(dst, c...)
	return dst, col + n
}

// AppendSignature signs the header block header (the message's header fields, CRLF-terminated, without
// the blank line) with the body hash bh from a BodyHasher, and appends the complete folded
// "DKIM-Signature: ...\r\n" field to dst. The field must then be placed at the top of the header block.
// header may alias dst[:len(dst)] (the bytes already in dst); on error dst is returned unchanged.
// It is Prepare followed by Prepared.AppendSignature.
func (s *Signer) AppendSignature(dst, header, bh []byte) ([]byte, error) {
	st := s.pool.Get().(*signState)
	defer s.pool.Put(st)
	if err := s.Prepare(&st.prep, header); err != nil {
		return dst, err
	}
	return st.prep.appendSignature(st, dst, bh)
}

// SignatureLen returns the length of the field AppendSignature appends for header, without the
// private-key operation: the field's length depends on the header fields it names and on the
// signer's options, key size and clock (the digits of t= and x=), not on the body hash or the
// signature's value. A field signed later has this length as long as the clock's Unix time keeps
// its number of digits (it has had 10 since 2001 and keeps them until 2286); a Prepared fixes
// the clock's reading, so its Len is exact. Errors are those of AppendSignature.
func (s *Signer) SignatureLen(header []byte) (int, error) {
	st := s.pool.Get().(*signState)
	defer s.pool.Put(st)
	if err := s.Prepare(&st.prep, header); err != nil {
		return 0, err
	}
	return st.prep.Len(), nil
}

// Prepared is a DKIM-Signature field whose header side is done. Signer.Prepare reads, checks and
// canonicalizes the header fields it signs, once, and fixes every tag but bh= and b= (t= and x=
// from the Signer's clock at that moment), so the field's length is known (Len) before the body
// hash is; AppendSignature then completes the field with the body hash and the signature. A writer
// that reserves the field's place at the top of the message before it writes the body, as package
// builder does, so reads the header block once instead of twice.
//
// The zero Prepared is ready for Prepare; one reused for message after message does not allocate.
// A Prepared belongs to one goroutine at a time; it keeps no reference to the header block.
type Prepared struct {
	s      *Signer
	field  []byte  // the field up to and including "b=", with zeros for the value of bh=
	bhAt   int     // offset in field of the value of bh=
	canon  []byte  // the signed fields as the header hash reads them (canonicalized), in h= order
	n      int     // the length of the finished field
	fields []field // scratch: the header block's fields
	next   []int16 // scratch, per field: the field above it with the same name to sign, or -1 (signLimits: at most 10,000 fields)
	last   []int16 // scratch, per Signer.headers entry: its last field in the block, or -1
	counts []int   // scratch, per Signer.headers entry: instances in the message
}

// Len returns the length of the field AppendSignature appends (0 when p is not prepared).
func (p *Prepared) Len() int { return p.n }

// Prepare readies p to sign the header block header (the message's header fields, CRLF-terminated,
// without the blank line): see Prepared. On error p is left unprepared. Errors are those of Sign
// for the header block.
func (s *Signer) Prepare(p *Prepared, header []byte) error {
	p.s, p.n = nil, 0
	fs, err := parseHeader(p.fields[:0], header)
	p.fields = fs
	if err != nil {
		return err
	}
	if err := checkSignable(header); err != nil {
		return err
	}
	if cap(p.counts) < len(s.headers) {
		p.counts = make([]int, len(s.headers))
		p.last = make([]int16, len(s.headers))
	}
	counts, last := p.counts[:len(s.headers)], p.last[:len(s.headers)]
	clear(counts)
	for k := range last {
		last[k] = -1
	}
	if cap(p.next) < len(fs) {
		p.next = make([]int16, len(fs), cap(fs))
	}
	next := p.next[:len(fs)]
	hasFrom, listMgmt := false, false
	for i, f := range fs {
		name := header[f.start:f.nameEnd]
		switch {
		case equalFold(name, "DKIM-Signature"):
			return ErrAlreadySigned
		case equalFold(name, sesrules.HeaderListManagement):
			listMgmt = true
		}
		for k := range s.headers {
			if equalFold(name, s.headers[k].name) {
				next[i], last[k] = last[k], int16(i) // fields to sign, bottom-up
				counts[k]++
				if k == 0 {
					hasFrom = true
				}
				// Verify refuses a field that simple canonicalization reads over more than
				// MaxSimpleFoldLines continuation lines (go-msgauth's reading of it is
				// quadratic), so Sign never writes a signature over one.
				if !s.headerRelaxed {
					if folds := bytes.Count(header[f.start:f.end], []byte{'\n'}) - 1; folds > MaxSimpleFoldLines {
						return &LimitError{What: "continuation lines of " + s.headers[k].name + " signed with simple canonicalization",
							Limit: MaxSimpleFoldLines, Got: folds}
					}
				}
				break
			}
		}
	}
	if !hasFrom {
		return ErrNoFrom
	}
	if counts[0] > 1 {
		return malformed("more than one From field (RFC 5322 allows one; verifiers and mail clients may read different ones)")
	}
	keys := 0
	for k, n := range counts {
		if n > MaxSignedInstances {
			return &LimitError{What: "instances of " + s.headers[k].name + " to sign", Limit: MaxSignedInstances, Got: n}
		}
		keys += n
		if n > 0 && s.headers[k].oversign {
			keys++
		}
	}
	if keys > MaxHeaderKeys {
		return &LimitError{What: "h= entries", Limit: MaxHeaderKeys, Got: keys}
	}

	dst := append(p.field[:0], s.prefix...)
	col := s.prefixCol
	var num [20]byte
	t := s.now().Unix()
	dst, col = appendToken(dst, col, "t=", strconv.AppendInt(num[:0], t, 10), ";")
	if s.opts.Expiration > 0 {
		x := t + int64(s.opts.Expiration/time.Second)
		dst, col = appendToken(dst, col, "x=", strconv.AppendInt(num[:0], x, 10), ";")
	}

	// h= and the header hash's input, in one loop so they cannot disagree.
	canon := p.canon[:0]
	first := true
	for k := range s.headers {
		sh := &s.headers[k]
		if sh.listUnsub && listMgmt {
			// SES overrides List-Unsubscribe(-Post) when it manages the subscription
			// (https://docs.aws.amazon.com/ses/latest/dg/sending-email-subscription-management.html);
			// signing them would break the signature.
			continue
		}
		n := 0
		for i := last[k]; i >= 0; i = next[i] { // bottom-up, RFC 6376 §5.4.2
			n++
			dst, col = appendHName(dst, col, sh.name, first)
			first = false
			f := header[fs[i].start:fs[i].end]
			if s.headerRelaxed {
				canon = appendRelaxedHeader(canon, f)
				canon = append(canon, '\r', '\n')
			} else {
				canon = append(canon, f...)
			}
		}
		if n > 0 && sh.oversign {
			dst, col = appendHName(dst, col, sh.name, false)
		}
	}
	dst = append(dst, ';')
	col++

	var zero [bhLen]byte
	dst, _ = appendToken(dst, col, "bh=", zero[:], ";")
	p.bhAt = len(dst) - 1 - bhLen
	// b= last, on a line of its own.
	dst = append(dst, "\r\n b="...)
	p.field, p.canon = dst, canon
	p.n = len(dst) + s.bLen
	p.s = s
	return nil
}

// bhLen is the length of the value of bh=: a SHA-256 digest in base64.
const bhLen = 44 // base64.StdEncoding.EncodedLen(sha256.Size)

// AppendSignature signs with the body hash bh from a BodyHasher and appends the complete folded
// "DKIM-Signature: ...\r\n" field, Len octets, to dst; the field must then be placed at the top of
// the header block. It may be called more than once (each call signs anew). On error dst is
// returned unchanged.
func (p *Prepared) AppendSignature(dst, bh []byte) ([]byte, error) {
	if p.s == nil {
		return dst, fmt.Errorf("%w: Prepared.AppendSignature without a successful Signer.Prepare", ErrInvalidOptions)
	}
	st := p.s.pool.Get().(*signState)
	defer p.s.pool.Put(st)
	return p.appendSignature(st, dst, bh)
}

// appendSignature is AppendSignature with the scratch st (whose prep may be p).
func (p *Prepared) appendSignature(st *signState, dst, bh []byte) ([]byte, error) {
	if len(bh) != sha256.Size {
		return dst, fmt.Errorf("%w: body hash of %d bytes (want %d from a BodyHasher)", ErrInvalidOptions, len(bh), sha256.Size)
	}
	s := p.s
	start := len(dst)
	dst = append(dst, p.field...)
	base64.StdEncoding.Encode(dst[start+p.bhAt:start+p.bhAt+bhLen], bh)

	// The header hash: the signed fields, then this field with an empty b= and without its final
	// CRLF.
	h := st.h
	h.Reset()
	h.Write(p.canon)
	if s.headerRelaxed {
		st.buf = appendRelaxedHeader(st.buf[:0], dst[start:])
		h.Write(st.buf)
	} else {
		h.Write(dst[start:])
	}
	sig, err := s.opts.Key.Sign(rand.Reader, h.Sum(st.sum[:0]), s.hashOpt)
	if err != nil {
		return dst[:start], fmt.Errorf("dkim: signing failed: %w", err)
	}
	st.buf = base64.StdEncoding.AppendEncode(st.buf[:0], sig)
	return appendFolded(dst, st.buf), nil
}

// appendFolded appends the value b of b=, which starts at column 3 (after "\r\n b="), folded at
// maxLineLen, and the field's final CRLF.
func appendFolded(dst, b []byte) []byte {
	col := 3
	for len(b) > 0 {
		room := maxLineLen - col
		if room <= 0 {
			dst = append(dst, "\r\n "...)
			col = 1
			continue
		}
		room = min(room, len(b))
		dst = append(dst, b[:room]...)
		col += room
		b = b[room:]
	}
	return append(dst, '\r', '\n')
}

// appendHName appends one h= entry: "h=Name" first, then ":Name", folding after the colon.
func appendHName(dst []byte, col int, name string, first bool) ([]byte, int) {
	if first {
		if col+4+len(name) > maxLineLen { // " h=" + name + ':' or ';'
			dst = append(dst, "\r\n h="...)
			col = 3
		} else {
			dst = append(dst, " h="...)
			col += 3
		}
	} else if col+2+len(name) > maxLineLen { // ':' + name + ':' or ';'
		dst = append(dst, ":\r\n "...)
		col = 1
	} else {
		dst = append(dst, ':')
		col++
	}
	dst = append(dst, name...)
	return dst, col + len(name)
}

// splitMessage splits raw at the empty line ending the header block. header keeps its final CRLF.
// A message without the empty line is refused: RFC 5322 allows it when there is no body, but
// verifiers such as go-msgauth cannot read it, so it could never verify.
func splitMessage(raw []byte) (header, body []byte, err error) {
	var sc rawheader.Scanner
	sc.ResetLimits(raw, signLimits())
	for sc.Next() {
	}
	if err := headerVerdict(&sc); err != nil {
		return nil, nil, err
	}
	if sc.Flags()&rawheader.FlagNoSeparator != 0 {
		return nil, nil, malformed("no empty line after the header block (add CRLF even when the body is empty)")
	}
	return raw[:sc.End()], raw[sc.BodyOffset():], nil
}

// checkCRLF reports an error if b contains a CR not followed by LF or an LF not preceded by CR.
// One IndexByte pass over the LFs and one SIMD count of the CRs: when every LF follows a CR and
// there are as many CRs as LFs, no CR is bare.
func checkCRLF(b []byte, where string) error {
	lfs := 0
	for i := 0; ; {
		k := bytes.IndexByte(b[i:], '\n')
		if k < 0 {
			break
		}
		k += i
		if k == 0 || b[k-1] != '\r' {
			return malformed("bare LF in " + where + " at offset " + strconv.Itoa(k) + " (lines must end in CRLF)")
		}
		lfs++
		i = k + 1
	}
	if bytes.Count(b, crlfRun[:1]) == lfs {
		return nil
	}
	for i := 0; ; {
		k := bytes.IndexByte(b[i:], '\r')
		if k < 0 {
			return nil
		}
		k += i
		if k+1 >= len(b) || b[k+1] != '\n' {
			return malformed("bare CR in " + where + " at offset " + strconv.Itoa(k) + " (lines must end in CRLF)")
		}
		i = k + 1
	}
}

// Sign appends to dst the raw message raw with a DKIM-Signature field prepended. raw must use CRLF
// line endings and have the empty line after its header block (see the package doc); it is copied
// unchanged. raw and dst must not overlap. On error dst is returned unchanged. A header block with
// a NUL or 8-bit byte or with two From fields is refused (ErrMalformedMessage), and one with more
// than MaxSignedInstances instances of a field to sign, more than MaxHeaderKeys h= entries, or (with
// simple header canonicalization) a signed field of more than MaxSimpleFoldLines continuation
// lines, with a *LimitError; a header block over the header grammar's default limits (package rawheader: 1 MiB,
// 10,000 fields, 16,384 lines in a field) with an error matching ErrLimit and the grammar's
// *rawheader.LimitError. AppendSignature refuses the same.
func (s *Signer) Sign(dst, raw []byte) ([]byte, error) {
	header, body, err := splitMessage(raw)
	if err != nil {
		return dst, err
	}
	if err := checkCRLF(body, "body"); err != nil {
		return dst, err
	}
	st := s.pool.Get().(*signState)
	defer s.pool.Put(st)
	st.body.reset()
	st.body.Write(body)
	var bh [sha256.Size]byte
	st.body.appendSum(bh[:0])
	if err := s.Prepare(&st.prep, header); err != nil {
		return dst, err
	}
	// One allocation at most for the signed message.
	out, err := st.prep.appendSignature(st, slices.Grow(dst, st.prep.Len()+len(raw)), bh[:])
	if err != nil {
		return dst, err
	}
	return append(out, raw...), nil
}

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
	bLen          int              // length of the folded value of b= and the field's final CRLF
}

// BodyHasher canonicalizes and hashes a message body as it is written (one pass). It carries
// canonicalization state across Writes, so any chunking gives the same hash.
type BodyHasher interface {
	io.Writer
	// WriteNoWSP is Write for bytes the caller knows hold no SP and no HTAB, such as runs of
	// base64 lines: both canonicalizations leave lines without WSP as they are, so they are hashed
	// without the scan Write makes for WSP. Bytes with SP or HTAB give a wrong hash (with the race
	// detector on, WriteNoWSP panics instead). It never fails.
	WriteNoWSP(p []byte) (int, error)
	// Sum returns the body hash (the bh= value, raw bytes) of everything written so far, finishing
	// canonicalization (trailing empty lines). Call it once, after the last Write.
	Sum() []byte
}

// NewBodyHasher returns a BodyHasher for s's body canonicalization.
func (s *Signer) NewBodyHasher() BodyHasher { return newBodyHasher(s.bodyRelaxed) }

// ResetBodyHasher returns h ready for a new body when h is a BodyHasher (from any Signer) with s's
// body canonicalization, and NewBodyHasher() otherwise (h nil, or another canonicalization). A
// caller that keeps one hasher per goroutine or per pooled state hashes message after message
// without allocating; the hasher itself is not safe for concurrent use.
func (s *Signer) ResetBodyHasher(h BodyHasher) BodyHasher {
	if bh, ok := h.(*bodyHasher); ok && bh.relaxed == s.bodyRelaxed {
		bh.reset()
		return bh
	}
	return s.NewBodyHasher()
}
