package mimewalk

import (
	"bytes"
	"context"
	"encoding/base64"
	"io"
	"mime/quotedprintable"

	"github.com/sesraw/sesraw/rawheader"
)

// Defaults of Options and fixed sizes.
const (
	DefaultMaxDepth       = 32       // nested multiparts walked
	DefaultMaxParts       = 1000     // parts walked (the message itself not counted)
	DefaultMaxBoundary    = 70       // bytes of a boundary (RFC 2046 section 5.1.1)
	DefaultMaxHeaderBytes = 64 << 10 // bytes of a part's header block kept
	MaxLineBytes          = 1000     // a line longer than this (terminator excluded) is never a delimiter
	DefaultReadBuffer     = 4 << 10  // bytes of the window a Reader reads an io.Reader through
	MinReadBuffer         = 4 << 10  // the smallest window (it holds any line that can be a delimiter)
)

// Options sets the limits of a walk. The zero value (or a nil *Options) means the defaults; a
// negative limit means none.
type Options struct {
	MaxDepth    int // nested multiparts; one deeper ends the walk with a *LimitError (ErrTooDeep)
	MaxParts    int // parts; one more ends the walk with a *LimitError (ErrTooManyParts)
	MaxBoundary int // bytes of a boundary; a longer one ends the walk with a *LimitError (ErrBoundaryTooLong)
	// MaxHeaderBytes bounds a part's header block; the rest of it is skipped and a Problem
	// (a *rawheader.LimitError) reports it. The message's own header block is bounded by
	// rawheader.DefaultMaxBytes the same way.
	MaxHeaderBytes int
	// Header bounds the fields and lines per field of each header block (rawheader.Limits;
	// its MaxBytes is not used: MaxHeaderBytes is).
	Header rawheader.Limits
	// Context, when not nil, is checked before each read: once it is done, Next returns its error.
	Context context.Context
	// ReadBuffer is the size of the window an io.Reader is read through: 0 means
	// DefaultReadBuffer; less than MinReadBuffer means MinReadBuffer. A larger window means fewer
	// reads.
	ReadBuffer int
}

type limits struct {
	depth, parts, boundary, header int
	hdr                            rawheader.Limits
}

func norm(v, def int) int {
	switch {
	case v == 0:
		return def
	case v < 0:
		return int(^uint(0) >> 1)
	}
	return v
}

// Event is what Next found.
type Event int

// Events.
const (
	// StartEvent: an entity's header block has been read; Part describes it and, for a leaf,
	// its body can be read until the next call to Next.
	StartEvent Event = iota + 1
	// EndEvent: an entity's body has ended; Part describes it again (without its header) with
	// EndOffset, and for a multipart Closed and Parts.
	EndEvent
	// ProblemEvent: a structural defect; Problem describes it.
	ProblemEvent
)

// Part describes the current entity. Its slices alias the Reader's memory or the input and are
// valid until the next call to Next.
type Part struct {
	Index int   // 0 for the message, then 1, 2, ... in document order
	Path  []int // child numbers from the message down, 0-based: [] for the message, [1 0] for the first part of its second part
	Depth int   // len(Path)

	// Header is the entity's header block as it is in the input, its empty line included (if
	// any); for a part header over MaxHeaderBytes, its first complete lines. Start only.
	Header []byte
	// HeaderErr is rawheader's verdict on Header: nil, a *rawheader.SyntaxError (the strict
	// reading ends the header block at that line) or a *rawheader.LimitError. Start only.
	HeaderErr error
	// ContentType is the value of the first Content-Type field as written (folding included),
	// nil without one. MediaType is its type/subtype as written, or the default (text/plain, or
	// message/rfc822 in multipart/digest) without one. Boundary is the boundary a multipart is
	// walked with. Encoding is the trimmed value of the first Content-Transfer-Encoding field, nil
	// without one. Start only.
	ContentType []byte
	MediaType   []byte
	Boundary    []byte
	Encoding    []byte

	Multipart bool // walked as a multipart: parts follow
	Offset    int64
	Line      int   // offset and 1-based line of the header block's first byte
	BodyAt    int64 // offset of the body's first byte
	BodyLine  int   // line of the body's first byte

	EndOffset int64 // End only: offset just past the body (before the line break of the delimiter that ends it)
	Closed    bool  // End only, multipart: its close delimiter occurred
	Parts     int   // End only, multipart: number of parts

	w *Reader
}

// Size returns the body's length in bytes (End only).
func (p *Part) Size() int64 { return p.EndOffset - p.BodyAt }

// Body returns the raw body of the current leaf (transfer encoding not undone), from its current
// position up to the line break before the next delimiter. It is valid until the next call to
// Next; a multipart's body reads as empty (its parts follow as entities).
func (p *Part) Body() io.Reader {
	w := p.w
	w.body.idx = p.Index
	return &w.body
}

// Decoded returns the body with its Content-Transfer-Encoding undone: base64 (line breaks and
// other bytes outside the alphabet are errors of encoding/base64, except CR and LF, which it
// skips) and quoted-printable (mime/quotedprintable); any other encoding is returned raw.
func (p *Part) Decoded() io.Reader {
	enc := rawheader.TrimBlanks(p.Encoding)
	switch {
	case equalFold(enc, "base64"):
		return base64.NewDecoder(base64.StdEncoding, p.Body())
	case equalFold(enc, "quoted-printable"):
		return quotedprintable.NewReader(p.Body())
	}
	return p.Body()
}

var (
	textPlain     = []byte("text/plain")
	messageRFC822 = []byte("message/rfc822")
)

// frame is an open entity.
type frame struct {
	index             int
	offset, bodyAt    int64
	line, bodyLine    int
	ctOffset          int64
	ctLine            int
	multipart, closed bool
	digest            bool
	bstart, bend      int // boundary in Reader.bnd
	parts             int
	hdrOver           bool // the header block went over its limit
	hdrOverOff        int64
	hdrOverLine       int
}

// States of a Reader.
const (
	stHeader  = iota // reading the header block of a new entity
	stContent        // in the body of the innermost entity
	stUnwind         // ending entities down to a delimiter's multipart, then acting on it
	stDone
)

// Actions after an unwind.
const (
	actEOF = iota
	actOpen
	actClose
)

// Reader walks a MIME message once. The zero Reader is ready after a Reset.
type Reader struct {
	src    io.Reader
	ctx    context.Context
	lim    limits
	buf    []byte // the window: buf[r:w] not yet consumed
	r, w   int
	own    bool // buf is the Reader's window (streaming); else it is the input itself
	window []byte
	eof    bool
	base   int64 // offset of buf[0]
	line   int   // line of buf[r]
	idle   int   // reads in a row that returned nothing
	work   int64 // bytes the delimiter search examined (for the growth tests)

	state   int
	err     error // ends the walk once queued events are out
	stack   []frame
	path    []int
	bnd     []byte // boundaries of the open multiparts, back to back
	entries int    // entities started
	parts   int    // parts started

	// content scanning
	atStart  bool  // buf[r] is the first byte of a content: a line start with no line break before it
	from     int64 // offset from which the next "\n--" search starts
	found    bool  // a delimiter was found: at foundAt (its line break), brk+dlen bytes long
	foundAt  int64
	brk      int
	dlen     int
	fk       int
	fclose   bool
	back     int   // the found delimiter's line break is the previous delimiter line's terminator, this long
	startBrk int   // terminator of the delimiter line the current content follows (0 after a header block)
	endOff   int64 // unwind: where the ended entities' bodies end
	dline    int   // unwind: line of the delimiter
	doff     int64 // unwind: offset of the delimiter line
	target   int   // unwind: stack index of the multipart whose delimiter was found (-1: end of input)
	act      int

	// header reading
	hdr      []byte // part header, streaming mode
	rootHdr  []byte // a header block given to ResetBody
	haveRoot bool
	q        [6]queued
	qi, qn   int
	part     Part
	prob     Problem
	body     bodyReader
	stackBuf [8]frame
	pathBuf  [8]int
	bndBuf   [256]byte
	hdrBuf   [512]byte
}

type queued struct {
	ev   Event
	prob Problem
}

// NewReader returns a Reader that walks the message r yields.
func NewReader(r io.Reader, opts *Options) *Reader {
	w := new(Reader)
	w.Reset(r, opts)
	return w
}

// Reset makes w walk the message r yields, reading it through a window of Options.ReadBuffer
// bytes (allocated once per Reader, and again only if a later Reset asks for a larger one).
func (w *Reader) Reset(r io.Reader, opts *Options) {
	w.reset(opts)
	w.src, w.own = r, true
	size := DefaultReadBuffer
	if opts != nil && opts.ReadBuffer > 0 {
		size = max(opts.ReadBuffer, MinReadBuffer)
	}
	if len(w.window) < size {
		w.window = make([]byte, size)
	}
	w.buf = w.window
}

// ResetBytes makes w walk the message b, held in memory: nothing is copied, and Part.Header
// and the bodies alias b.
func (w *Reader) ResetBytes(b []byte, opts *Options) {
	w.reset(opts)
	w.buf, w.w, w.eof = b, len(b), true
}

// ResetBody makes w walk a message whose header block hdr (through its empty line) was read
// already; body yields the rest. Offsets and lines count hdr's bytes and lines first.
func (w *Reader) ResetBody(hdr []byte, body io.Reader, opts *Options) {
	w.Reset(body, opts)
	w.setRoot(hdr)
}

// ResetBodyBytes is ResetBody for a body held in memory, which is not copied.
func (w *Reader) ResetBodyBytes(hdr, body []byte, opts *Options) {
	w.ResetBytes(body, opts)
	w.setRoot(hdr)
}

func (w *Reader) setRoot(hdr []byte) {
	w.rootHdr, w.haveRoot = hdr, true
	w.base = int64(len(hdr))
	w.line = 1 + bytes.Count(hdr, nl)
}

func (w *Reader) reset(opts *Options) {
	var o Options
	if opts != nil {
		o = *opts
	}
	window, hdr := w.window, w.hdr[:0]
	if cap(hdr) > len(w.hdrBuf) {
		*w = Reader{window: window, hdr: hdr}
	} else {
		*w = Reader{window: window}
		w.hdr = w.hdrBuf[:0]
	}
	w.ctx = o.Context
	w.lim = limits{
		depth: norm(o.MaxDepth, DefaultMaxDepth), parts: norm(o.MaxParts, DefaultMaxParts),
		boundary: norm(o.MaxBoundary, DefaultMaxBoundary), header: norm(o.MaxHeaderBytes, DefaultMaxHeaderBytes),
		hdr: o.Header,
	}
	w.lim.hdr.MaxBytes = -1
	w.line = 1
	w.stack, w.path, w.bnd = w.stackBuf[:0], w.pathBuf[:0], w.bndBuf[:0]
	w.part.w = w
	w.body.w = w
}
