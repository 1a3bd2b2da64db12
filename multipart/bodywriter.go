package multipart

import "io"

const (
	outBufSize = 8 << 10 // larger buffers measured slower: output and input chunks stay in L1
	minBufSize = 4 << 10
)

// bodyWriter buffers output to w, counts what w accepted, and keeps the first error.
type bodyWriter struct {
	w   io.Writer
	buf []byte
	n   int64
	err error
	in  []byte // input buffer for Readers
	// bounds holds the boundaries of the containers enclosing the leaf being written.
	bounds  []string
	boundsA [maxDepth + 2]string
}

func (b *bodyWriter) flush() {
	if len(b.buf) == 0 || b.err != nil {
		b.buf = b.buf[:0]
		return
	}
	m, err := b.w.Write(b.buf)
	b.n += int64(m)
	if err == nil && m < len(b.buf) {
		err = io.ErrShortWrite
	}
	b.err = err
	b.buf = b.buf[:0]
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
			if b.err == nil {
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
			if b.err == nil {
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
