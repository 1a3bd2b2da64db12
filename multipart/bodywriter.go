package multipart

import (
	"context"
	"io"
	"sync"
)

const outBufSize = 8 << 10 // larger buffers measured slower: output and input chunks stay in L1

// bodyWriters keeps bodyWriters with their buffers between writes: a body written without one
// allocates nothing (the 8 KiB output buffer and the input buffer for Readers are reused), and
// the garbage collector has that much less to do. sync.Pool keeps them per P, so concurrent
// writes share no lock.
var bodyWriters = sync.Pool{New: func() any { return &bodyWriter{buf: make([]byte, 0, outBufSize)} }}

// bodyWriter buffers output to w, counts what w accepted, and keeps the first error. reset sets
// every field but the buffers (buf, in, boundsA) for the next write.
type bodyWriter struct {
	w   io.Writer
	buf []byte
	n   int64
	err error
	in  []byte // input buffer for Readers
	// bounds holds the boundaries of the containers enclosing the leaf being written.
	bounds  []string
	boundsA [maxDepth + 2]string
	levels  int // entries of boundsA used since the last clear
	// ctx and done (ctx.Done(), nil when ctx cannot be canceled) stop the write at the next read
	// from a Reader or write to w.
	ctx  context.Context
	done <-chan struct{}
	// buf[b64lo:b64hi] is a run of complete base64 lines, which flush hands to w's WriteBase64
	// when w has one (see base64Writer).
	b64lo, b64hi int
}

// base64Writer is a WriteBody destination that takes runs of base64 lines apart: flush writes each
// run of complete base64 lines (76 columns and CRLF each, so no SP or HTAB) through WriteBase64,
// the bytes around it through Write, in order. builder's writer has one: the DKIM body hasher then
// hashes such runs without scanning them for WSP.
type base64Writer interface {
	WriteBase64(p []byte) (int, error)
}

// reset prepares b for a write to w that ctx can stop, keeping its buffers. It sets the fields
// one by one: assigning a whole bodyWriter copies its boundary array too, under write barriers
// while the collector runs (a quarter of a small body's NewTree + WriteBody, measured).
func (b *bodyWriter) reset(ctx context.Context, w io.Writer) {
	b.clear()
	b.w, b.ctx, b.done = w, ctx, ctx.Done()
}

// clear drops what b refers to from its last write (w, ctx, the boundaries in boundsA up to
// levels), keeping its buffers, and zeroes its counts.
func (b *bodyWriter) clear() {
	b.w, b.ctx, b.done = nil, nil, nil
	b.buf = b.buf[:0]
	b.n, b.err = 0, nil
	clear(b.boundsA[:b.levels])
	b.bounds, b.levels = b.boundsA[:0], 0
	b.b64lo, b.b64hi = 0, 0
}

// maxEmptyReads is how many (0, nil) results in a row from a Reader (or empty writes from a
// WriterTo) count as no progress, as in bufio.
const maxEmptyReads = 100

// canceled reports whether the write must stop because ctx is done, recording the error.
func (b *bodyWriter) canceled() bool {
	if b.done == nil {
		return false
	}
	select {
	case <-b.done:
		if b.err == nil {
			b.err = &Error{Err: ErrCanceled, Cause: context.Cause(b.ctx)}
		}
		return true
	default:
		return false
	}
}

// read reads from a Part's Reader into p (len(p) > 0), retrying a (0, nil) result up to
// maxEmptyReads times before failing with an error that wraps io.ErrNoProgress. It checks for
// cancellation before every Read.
func (b *bodyWriter) read(r io.Reader, p []byte) (int, error) {
	for range maxEmptyReads {
		if b.canceled() {
			return 0, b.err
		}
		n, err := r.Read(p)
		if n != 0 || err != nil {
			return n, err
		}
	}
	return 0, errNoProgress()
}

func errNoProgress() error {
	return &Error{Err: ErrInvalidPart, Detail: "a Reader body returned no data and no error " + string(appendDec(nil, maxEmptyReads)) + " times in a row", Cause: io.ErrNoProgress}
}

func (b *bodyWriter) flush() {
	lo, hi := b.b64lo, b.b64hi
	b.b64lo, b.b64hi = 0, 0
	if len(b.buf) == 0 || b.err != nil {
		b.buf = b.buf[:0]
		return
	}
	if b.canceled() {
		b.buf = b.buf[:0]
		return
	}
	if bw, ok := b.w.(base64Writer); ok && hi > lo {
		b.put(b.buf[:lo], nil)
		b.put(b.buf[lo:hi], bw)
		b.put(b.buf[hi:], nil)
	} else {
		b.put(b.buf, nil)
	}
	b.buf = b.buf[:0]
}

// put writes p to w, through bw's WriteBase64 when bw is not nil, counts what was accepted and
// keeps the first error (after one, it writes nothing).
func (b *bodyWriter) put(p []byte, bw base64Writer) {
	if len(p) == 0 || b.err != nil {
		return
	}
	var m int
	var err error
	if bw != nil {
		m, err = bw.WriteBase64(p)
	} else {
		m, err = b.w.Write(p)
	}
	b.n += int64(m)
	if err == nil && m < len(p) {
		err = io.ErrShortWrite
	}
	b.err = err
}

func (b *bodyWriter) ensure(k int) {
	if cap(b.buf)-len(b.buf) < k {
		b.flush()
	}
}

func (b *bodyWriter) str(s string) {
	if cap(b.buf)-len(b.buf) < len(s) {
		b.flush()
		if len(s) > cap(b.buf) {
			if b.err == nil && !b.canceled() {
				m, err := io.WriteString(b.w, s)
				b.n += int64(m)
				b.err = err
			}
			return
		}
	}
	b.buf = append(b.buf, s...)
}

func (b *bodyWriter) bytes(p []byte) {
	if cap(b.buf)-len(b.buf) < len(p) {
		b.flush()
		if len(p) > cap(b.buf) {
			if b.err == nil && !b.canceled() {
				m, err := b.w.Write(p)
				b.n += int64(m)
				if err == nil && m < len(p) {
					err = io.ErrShortWrite
				}
				b.err = err
			}
			return
		}
	}
	b.buf = append(b.buf, p...)
}

func (b *bodyWriter) inBuf() []byte {
	if b.in == nil {
		b.in = make([]byte, b64ChunkIn)
	}
	return b.in
}
