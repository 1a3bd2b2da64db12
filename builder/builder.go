package builder

import (
	"context"
	"errors"
	"io"
	"net/mail"
	"os"
	"slices"
	"time"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/multipart"
)

// Builder holds options shared by many messages. The zero value is ready to use; a Builder is safe
// for concurrent use once configured (provided Rand and the Signer are).
type Builder struct {
	Target Target
	// Signer, when set, DKIM-signs every message with the SES-safe profile.
	Signer *dkim.Signer
	// Now supplies Date when a Message has none; nil means time.Now.
	Now func() time.Time
	// Rand supplies boundaries and Message-IDs; nil means crypto/rand.
	Rand io.Reader
	// Hostname is the right-hand side of generated Message-IDs; empty means "sesraw.invalid".
	Hostname string
	// AllowUnsupportedAttachments permits the extensions SES refuses (for other transports).
	AllowUnsupportedAttachments bool
	// SpillThreshold bounds the memory a signed WriteTo uses for an attachment Reader it can read
	// only once (see WriteToContext): the encoded body is kept in memory up to this many bytes and
	// beyond that in a temporary file. 0 means DefaultSpillThreshold; a negative value keeps the
	// whole encoded body in memory.
	SpillThreshold int64
	// TempDir is where spill files are created; empty means os.TempDir().
	TempDir string
}

// Validate checks m against every rule without writing anything.
func (b *Builder) Validate(m *Message) error {
	a, err := b.prepare(m, modeCheck)
	if err != nil {
		return err
	}
	defer a.release()
	return a.checkSize()
}

// sigLen returns the length of the DKIM-Signature field of the assembled header block (0 without
// a Signer). It is known before the body hash (dkim.Prepared.Len): the first call reads the header
// block into a.prep, whose AppendSignature later signs it without reading it again.
func (a *assembly) sigLen() (int64, error) {
	if a.b.Signer == nil {
		return 0, nil
	}
	if !a.prepared {
		if err := a.b.Signer.Prepare(&a.prep, a.hdr); err != nil {
			return 0, signError(err)
		}
		a.prepared = true
	}
	return int64(a.prep.Len()), nil
}

// size returns the encoded size of the assembled message, signature included (exact when
// a.sizeKnown).
func (a *assembly) size() (int64, error) {
	s, err := a.sigLen()
	return int64(len(a.hdr)) + 2 + a.bodySize + s, err
}

// checkSize returns a *SizeError when the message's size is known and over the target's limit.
func (a *assembly) checkSize() error {
	limit := a.b.Target.Limit()
	if limit == 0 || !a.sizeKnown {
		return nil
	}
	n, err := a.size()
	if err != nil {
		return err
	}
	if n > limit {
		return a.sizeError(n)
	}
	return nil
}

// bodyError maps an error from writing the body. An attachment Reader that yields another number
// of bytes than its Size is an input error found only while streaming: a *FieldError wrapping
// ErrInvalidAttachment and multipart.ErrSizeMismatch. Other errors (the writer's) pass unchanged.
func bodyError(err error) error {
	if err != nil && errors.Is(err, multipart.ErrSizeMismatch) {
		return &FieldError{Field: "Attachments", Reason: "an attachment Reader yielded another number of bytes than its Size (" + err.Error() + ")", Err: errors.Join(ErrInvalidAttachment, err)}
	}
	return err
}

func signError(err error) error {
	return &FieldError{Field: "Builder.Signer", Reason: err.Error(), Err: err}
}

// Envelope validates m and returns its envelope.
func (b *Builder) Envelope(m *Message) (Envelope, error) {
	a, err := b.prepare(m, modeCheck)
	if err != nil {
		return Envelope{}, err
	}
	defer a.release()
	return a.envelope(), nil
}

func (a *assembly) envelope() Envelope {
	env := Envelope{From: a.returnPath, To: slices.Clone(a.rcpt)}
	if env.From == "" {
		env.From = a.from[0].Addr
	}
	return env
}

// Addresses validates m as Validate does and returns its addresses as the builder writes them.
func (b *Builder) Addresses(m *Message) (Addresses, error) {
	a, err := b.prepare(m, modeCheck)
	if err != nil {
		return Addresses{}, err
	}
	defer a.release()
	if err := a.checkSize(); err != nil {
		return Addresses{}, err
	}
	return a.addresses(), nil
}

// addresses copies the normalized addresses out of the assembly (two allocations: the address
// lists share one array, the envelope has its own).
func (a *assembly) addresses() Addresses {
	ad := Addresses{
		Envelope:   a.envelope(),
		From:       mail.Address{Name: a.from[0].Name, Address: a.from[0].Addr},
		ReturnPath: a.returnPath,
	}
	n := len(a.replyTo) + len(a.to) + len(a.cc) + len(a.bcc)
	if n == 0 {
		return ad
	}
	all := make([]mail.Address, 0, n)
	list := func(l []multipart.Address) []mail.Address {
		if len(l) == 0 {
			return nil
		}
		k := len(all)
		for _, x := range l {
			all = append(all, mail.Address{Name: x.Name, Address: x.Addr})
		}
		return all[k:len(all):len(all)]
	}
	ad.ReplyTo, ad.To, ad.Cc, ad.Bcc = list(a.replyTo), list(a.to), list(a.cc), list(a.bcc)
	return ad
}

// Size returns the exact encoded size of m, and false if an attachment's size is unknown. With a
// Signer the DKIM-Signature is counted without signing.
func (b *Builder) Size(m *Message) (int64, bool, error) {
	a, err := b.prepare(m, modeCheck)
	if err != nil {
		return 0, false, err
	}
	defer a.release()
	n, err := a.size()
	if err != nil {
		return 0, false, err
	}
	return n, a.sizeKnown, nil
}

func (a *assembly) sizeError(n int64) error {
	return &SizeError{Target: a.b.Target, Size: n, Limit: a.b.Target.Limit()}
}

// Bytes validates and builds m (signing it when b.Signer is set).
func (b *Builder) Bytes(m *Message) ([]byte, error) {
	out, err := b.AppendTo(nil, m)
	if err != nil {
		return nil, err
	}
	return out, nil
}

// AppendTo is Bytes appending to dst. On error dst is returned unchanged.
func (b *Builder) AppendTo(dst []byte, m *Message) ([]byte, error) {
	a, err := b.prepare(m, modeWrite)
	if err != nil {
		return dst, err
	}
	defer a.release()
	return a.appendTo(dst)
}

// Build is AppendTo that also returns the message's addresses as the builder wrote them (the
// envelope among them), from the same single pass over m: a transport needs both, and preparing
// the message twice would double the work. On error dst is returned unchanged.
func (b *Builder) Build(dst []byte, m *Message) ([]byte, Addresses, error) {
	a, err := b.prepare(m, modeWrite)
	if err != nil {
		return dst, Addresses{}, err
	}
	defer a.release()
	out, err := a.appendTo(dst)
	if err != nil {
		return out, Addresses{}, err
	}
	return out, a.addresses(), nil
}

// appendTo appends the assembled message to dst. With a Signer the DKIM-Signature's place, just
// below the X-SES block (invariant 3 keeps that block at the very top; once SES strips it, the
// signature is the first field), is reserved at its exact length and filled once the body hash is
// known, so nothing is moved.
func (a *assembly) appendTo(dst []byte) ([]byte, error) {
	b := a.b
	limit := b.Target.Limit()
	start := len(dst)
	sigLen, err := a.sigLen()
	if err != nil {
		return dst, err
	}
	n := int64(len(a.hdr)) + 2 + a.bodySize + sigLen
	if a.sizeKnown {
		if limit > 0 && n > limit {
			return dst, a.sizeError(n)
		}
		dst = slices.Grow(dst, int(n))
	}
	dst = append(dst, a.hdr[:a.sesLen]...)
	at := len(dst)
	if sigLen > 0 {
		dst = slices.Grow(dst, int(sigLen))
		dst = dst[:at+int(sigLen)]
	}
	dst = append(dst, a.hdr[a.sesLen:]...)
	dst = append(dst, '\r', '\n')
	a.aw = appendWriter{buf: dst, max: -1}
	if limit > 0 {
		a.aw.max = start + int(limit)
		a.aw.over = -int64(start)
		a.aw.target = b.Target
	}
	if b.Signer != nil {
		a.h = b.Signer.ResetBodyHasher(a.h)
		a.aw.h = a.h
	}
	_, err = a.tree.WriteBody(&a.aw)
	dst = a.aw.buf
	if err != nil {
		return dst[:start], bodyError(err)
	}
	if b.Signer != nil {
		// The field fills its place exactly: a.prep fixed every tag's value, so its length too.
		a.sig, err = a.prep.AppendSignature(a.sig[:0], a.aw.h.Sum())
		if err != nil {
			return dst[:start], signError(err)
		}
		copy(dst[at:at+int(sigLen)], a.sig)
	}
	if limit > 0 && int64(len(dst)-start) > limit {
		return dst[:start], a.sizeError(int64(len(dst) - start))
	}
	return dst, nil
}

// WriteTo validates m before writing anything, then streams it to w; it is WriteToContext without
// a way to stop it.
func (b *Builder) WriteTo(w io.Writer, m *Message) (int64, error) {
	return b.WriteToContext(context.Background(), w, m)
}

// WriteToContext validates m before writing anything, then streams it to w. Attachments stream
// from their readers with fixed buffers; no whole attachment is held in memory (invariant 9).
//
// A validation error, or a size known to exceed the limit, writes nothing. Without a Signer the
// message streams; when a Reader's size is unknown the writer stops with a *SizeError before the
// byte that would pass the limit (the output is then truncated and must be discarded).
//
// With a Signer the body hash must be known before the header, so the body is produced twice: once
// into the hash and once into w. Bodies in memory (Text, HTML, Data) and attachments that can be
// read twice are simply encoded twice: a file at Path, a Reader that is an io.Seeker (read from
// its current offset, then sought back) or an io.ReaderAt with its Size (read from offset 0 to
// Size). Any other Reader is read once: its encoded body is kept in memory up to
// Builder.SpillThreshold bytes and beyond that in a temporary file, which is copied to w after the
// header and removed. The DKIM t= tag comes from the Signer's clock (dkim.Options.Now), not
// Builder.Now, read when the message's size is checked, before its body is produced.
//
// When ctx is done, writing stops before the next Read from an attachment and the next Write to
// w, and the error wraps context.Cause(ctx) (errors.Is(err, context.Canceled) or
// context.DeadlineExceeded); w then holds a truncated message. A Read or Write already in progress
// is not interrupted: one that blocks forever can be unblocked only by its owner (closing the
// file, pipe or connection, or setting a deadline on it). A Reader that makes no progress (100
// reads returning nothing and no error) fails with an error wrapping io.ErrNoProgress.
func (b *Builder) WriteToContext(ctx context.Context, w io.Writer, m *Message) (int64, error) {
	if err := context.Cause(ctx); err != nil {
		return 0, canceled(err)
	}
	a, err := b.prepare(m, modeWrite)
	if err != nil {
		return 0, err
	}
	defer a.release()
	b = a.b // a nil *Builder is the zero Builder
	limit := b.Target.Limit()
	if err := a.checkSize(); err != nil {
		return 0, err
	}
	if b.Signer == nil {
		a.hdr = append(a.hdr, '\r', '\n')
		a.cw = countWriter{w: w, limit: limit, target: b.Target}
		if _, err := a.cw.Write(a.hdr); err != nil {
			return a.cw.n, err
		}
		_, err := a.tree.WriteBodyContext(ctx, &a.cw)
		return a.cw.n, bodyError(err)
	}

	// Signed: the body hash must be known before the header is written. The header block is
	// read for the signature first, so that a header the signer refuses writes nothing.
	if _, err := a.sigLen(); err != nil {
		return 0, err
	}
	a.h = b.Signer.ResetBodyHasher(a.h)
	h := a.h
	var bodyLen int64
	twice := a.inMem || a.rereadable()
	if twice {
		// First pass: into the hash only.
		a.cw = countWriter{w: h, n: int64(len(a.hdr)) + 2, limit: limit, target: b.Target}
		if _, err := a.tree.WriteBodyContext(ctx, &a.cw); err != nil {
			return 0, bodyError(err)
		}
		bodyLen = a.cw.n - int64(len(a.hdr)) - 2
		if err := a.rewind(); err != nil {
			return 0, err
		}
	} else {
		// Some Reader can be read only once: keep its encoded body, spilling to a file.
		a.sp = spillWriter{buf: a.buf[:0], h: h, max: b.SpillThreshold, dir: b.TempDir, limit: -1, target: b.Target}
		if a.sp.max == 0 {
			a.sp.max = DefaultSpillThreshold
		}
		if limit > 0 {
			a.sp.limit = max(0, limit-int64(len(a.hdr))-2)
			a.sp.over = int64(len(a.hdr)) + 2
		}
		_, err := a.tree.WriteBodyContext(ctx, &a.sp)
		a.buf = a.sp.buf
		if err != nil {
			return 0, bodyError(err)
		}
		bodyLen = a.sp.n
	}
	a.sig = append(a.sig[:0], a.hdr[:a.sesLen]...)
	a.sig, err = a.prep.AppendSignature(a.sig, h.Sum())
	if err != nil {
		return 0, signError(err)
	}
	a.sig = append(a.sig, a.hdr[a.sesLen:]...)
	a.sig = append(a.sig, '\r', '\n')
	if total := int64(len(a.sig)) + bodyLen; limit > 0 && total > limit {
		return 0, a.sizeError(total)
	}
	a.cw = countWriter{w: w}
	if _, err := a.cw.Write(a.sig); err != nil {
		return a.cw.n, err
	}
	if twice {
		_, err = a.tree.WriteBodyContext(ctx, &a.cw)
		err = bodyError(err)
	} else {
		err = a.sp.copyTo(ctx, &a.cw)
	}
	if err == nil && a.cw.n != int64(len(a.sig))+bodyLen {
		err = errors.New("builder: internal error: body differs between hashing and writing (an attachment Reader that yields other bytes when read again?)")
	}
	return a.cw.n, err
}

// DefaultSpillThreshold is the Builder.SpillThreshold used when it is zero: 4 MiB of encoded body.
const DefaultSpillThreshold = 4 << 20

// canceled wraps the cause of a done context.
func canceled(cause error) error {
	return &stopError{cause: cause}
}

type stopError struct{ cause error }

func (e *stopError) Error() string { return "builder: stopped: " + e.cause.Error() }
func (e *stopError) Unwrap() error { return e.cause }

// rereadable reports whether every attachment that streams from a Reader can be read a second
// time, and records how (rewind). A ReaderAt that is not a Seeker is replaced by a SectionReader
// over [0, Size); when some Reader cannot be reread, those replacements are undone.
func (a *assembly) rereadable() bool {
	a.rw = a.rw[:0]
	for i := range a.atts {
		p := &a.atts[i]
		if p.Reader == nil {
			continue
		}
		switch r := p.Reader.(type) {
		case io.Seeker:
			pos, err := r.Seek(0, io.SeekCurrent)
			if err != nil {
				a.undoSections()
				return false
			}
			a.rw = append(a.rw, rewinder{i: i, s: r, pos: pos})
		case io.ReaderAt:
			if p.Size <= 0 {
				a.undoSections()
				return false
			}
			a.rw = append(a.rw, rewinder{i: i, ra: r, orig: p.Reader, size: p.Size})
			p.Reader = io.NewSectionReader(r, 0, p.Size)
		default:
			a.undoSections()
			return false
		}
	}
	return true
}

func (a *assembly) undoSections() {
	for _, r := range a.rw {
		if r.ra != nil {
			a.atts[r.i].Reader = r.orig
		}
	}
	a.rw = a.rw[:0]
}

// rewind puts every recorded Reader back where the first pass started.
func (a *assembly) rewind() error {
	for _, r := range a.rw {
		if r.s == nil {
			a.atts[r.i].Reader = io.NewSectionReader(r.ra, 0, r.size)
			continue
		}
		if _, err := r.s.Seek(r.pos, io.SeekStart); err != nil {
			return &FieldError{Field: indexed("Attachments", r.i), Reason: "seeking back to read the attachment a second time: " + err.Error(), Err: errors.Join(ErrInvalidAttachment, err)}
		}
	}
	return nil
}

// rewinder says how to read attachment i again: seek s back to pos, or read ra from 0 to size
// (orig is the Reader the caller gave).
type rewinder struct {
	i    int
	s    io.Seeker
	pos  int64
	ra   io.ReaderAt
	orig io.Reader
	size int64
}

// spillWriter keeps an encoded body that can be produced only once: it feeds the body hasher and
// keeps the bytes in buf up to max (max < 0: no bound), the rest in a temporary file. It fails
// with a *SizeError instead of passing limit (limit < 0: none).
type spillWriter struct {
	buf    []byte
	h      dkim.BodyHasher
	max    int64
	dir    string
	f      *os.File
	n      int64 // bytes written
	limit  int64
	over   int64 // bytes outside the body that count towards the size (the header)
	target Target
}

func (w *spillWriter) Write(p []byte) (int, error) { return w.write(p, false) }

// WriteBase64 is Write for multipart's runs of base64 lines, which the body hasher takes without
// its WSP scan (see appendWriter.WriteBase64).
func (w *spillWriter) WriteBase64(p []byte) (int, error) { return w.write(p, true) }

func (w *spillWriter) write(p []byte, base64 bool) (int, error) {
	if w.limit >= 0 && w.n+int64(len(p)) > w.limit {
		return 0, &SizeError{Target: w.target, Size: w.over + w.n + int64(len(p)), Limit: w.target.Limit()}
	}
	if base64 {
		w.h.WriteNoWSP(p)
	} else {
		w.h.Write(p)
	}
	if w.f == nil && (w.max < 0 || int64(len(w.buf)+len(p)) <= w.max) {
		w.buf = append(w.buf, p...)
		w.n += int64(len(p))
		return len(p), nil
	}
	if w.f == nil {
		f, err := os.CreateTemp(w.dir, "sesraw-spill-*")
		if err != nil {
			return 0, errors.Join(errors.New("builder: creating the spill file for a signed Reader attachment"), err)
		}
		w.f = f
	}
	k, err := w.f.Write(p)
	w.n += int64(k)
	return k, err
}

// copyTo writes the kept body to w, checking ctx between chunks.
func (w *spillWriter) copyTo(ctx context.Context, cw *countWriter) error {
	if _, err := cw.Write(w.buf); err != nil {
		return err
	}
	if w.f == nil {
		return nil
	}
	if _, err := w.f.Seek(0, io.SeekStart); err != nil {
		return err
	}
	var chunk [32 << 10]byte
	for {
		if err := context.Cause(ctx); err != nil {
			return canceled(err)
		}
		k, err := w.f.Read(chunk[:])
		if k > 0 {
			if _, werr := cw.Write(chunk[:k]); werr != nil {
				return werr
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return err
		}
	}
}

// close removes the spill file.
func (w *spillWriter) close() {
	if w.f != nil {
		w.f.Close()
		os.Remove(w.f.Name())
		w.f = nil
	}
}

// appendWriter appends to buf, optionally feeding a body hasher, and fails with a *SizeError
// instead of growing buf past max (max < 0: no limit).
type appendWriter struct {
	buf    []byte
	h      dkim.BodyHasher
	max    int
	over   int64 // bytes outside buf that count towards the size (header of a buffered body)
	target Target
}

func (w *appendWriter) Write(p []byte) (int, error) { return w.write(p, false) }

// WriteBase64 is Write for a run of complete base64 lines, which multipart's WriteBody hands over
// apart: they hold no SP or HTAB, so the body hasher takes them without its WSP scan.
func (w *appendWriter) WriteBase64(p []byte) (int, error) { return w.write(p, true) }

func (w *appendWriter) write(p []byte, base64 bool) (int, error) {
	if w.max >= 0 && len(w.buf)+len(p) > w.max {
		return 0, &SizeError{Target: w.target, Size: w.over + int64(len(w.buf)+len(p)), Limit: w.target.Limit()}
	}
	w.buf = append(w.buf, p...)
	switch {
	case w.h == nil:
	case base64:
		w.h.WriteNoWSP(p)
	default:
		w.h.Write(p)
	}
	return len(p), nil
}

// countWriter counts bytes written to w (n may start above zero) and fails with a *SizeError,
// writing nothing of the chunk, before the count would pass limit (limit <= 0: no limit).
type countWriter struct {
	w      io.Writer
	n      int64
	limit  int64
	target Target
}

func (w *countWriter) Write(p []byte) (int, error) { return w.write(p, false) }

// WriteBase64 is Write for multipart's runs of base64 lines: when w writes to the body hasher (the
// first pass of a signed WriteTo), the hasher takes them without its WSP scan.
func (w *countWriter) WriteBase64(p []byte) (int, error) { return w.write(p, true) }

func (w *countWriter) write(p []byte, base64 bool) (int, error) {
	if w.limit > 0 && w.n+int64(len(p)) > w.limit {
		return 0, &SizeError{Target: w.target, Size: w.n + int64(len(p)), Limit: w.target.Limit()}
	}
	var k int
	var err error
	if h, ok := w.w.(dkim.BodyHasher); ok && base64 {
		k, err = h.WriteNoWSP(p)
	} else {
		k, err = w.w.Write(p)
	}
	w.n += int64(k)
	if err == nil && k < len(p) {
		err = io.ErrShortWrite
	}
	return k, err
}

// MessageWriterTo binds a message to a Builder as an io.WriterTo.
func (b *Builder) MessageWriterTo(m *Message) io.WriterTo { return &messageWriterTo{b: b, m: m} }

type messageWriterTo struct {
	b *Builder
	m *Message
}

func (mw *messageWriterTo) WriteTo(w io.Writer) (int64, error) { return mw.b.WriteTo(w, mw.m) }
