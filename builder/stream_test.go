package builder_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"os"
	"runtime"
	"testing"
	"time"

	"github.com/sesraw/sesraw/builder"
)

// onceReader hides every method but Read: it can be read only once.
type onceReader struct{ r io.Reader }

func (o *onceReader) Read(p []byte) (int, error) { return o.r.Read(p) }

// readerAtOnly is an io.Reader and io.ReaderAt, not an io.Seeker.
type readerAtOnly struct {
	*bytes.Reader
}

func (r readerAtOnly) Seek() {} // not io.Seeker's signature: hides bytes.Reader's Seek

// patternReader yields n pseudo-random bytes without holding them.
type patternReader struct {
	n, off int64
	x      uint32
}

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	if int64(len(b)) > p.n-p.off {
		b = b[:p.n-p.off]
	}
	for i := range b {
		p.x = p.x*1664525 + 1013904223
		b[i] = byte(p.x >> 24)
	}
	p.off += int64(len(b))
	return len(b), nil
}

// A signed WriteTo gives the bytes of Bytes for every kind of attachment source: read twice
// (Seeker from its offset, ReaderAt, file) or read once and spilled past the threshold.
func TestSignedStreamingSources(t *testing.T) {
	data := pseudoBytes(300<<10, 9)
	prefix := []byte("not part of the attachment")
	path := t.TempDir() + "/data.bin"
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	spillDir := t.TempDir()
	for _, c := range []struct {
		name string
		att  func() builder.Attachment
	}{
		{"Seeker at an offset", func() builder.Attachment {
			r := bytes.NewReader(append(append([]byte(nil), prefix...), data...))
			r.Seek(int64(len(prefix)), io.SeekStart)
			return builder.Attachment{Filename: "d.bin", Reader: r}
		}},
		{"ReaderAt with Size", func() builder.Attachment {
			return builder.Attachment{Filename: "d.bin", Reader: readerAtOnly{bytes.NewReader(data)}, Size: int64(len(data))}
		}},
		{"file", func() builder.Attachment { return builder.Attachment{Path: path, Filename: "d.bin"} }},
		{"read once, spilled", func() builder.Attachment {
			return builder.Attachment{Filename: "d.bin", Reader: &onceReader{bytes.NewReader(data)}}
		}},
		{"read once, size known, spilled", func() builder.Attachment {
			return builder.Attachment{Filename: "d.bin", Reader: &onceReader{bytes.NewReader(data)}, Size: int64(len(data))}
		}},
	} {
		msg := func(a builder.Attachment) *builder.Message {
			m := validMessage()
			m.Delegate(testIdentity)
			m.Attachments = []builder.Attachment{a}
			return m
		}
		b := testBuilder(4)
		b.Signer = testSigner(t)
		b.SpillThreshold, b.TempDir = 64<<10, spillDir
		want, err := b.Bytes(msg(builder.Attachment{Filename: "d.bin", Data: data}))
		if err != nil {
			t.Fatal(err)
		}
		b = testBuilder(4)
		b.Signer = testSigner(t)
		b.SpillThreshold, b.TempDir = 64<<10, spillDir
		var out bytes.Buffer
		n, err := b.WriteTo(&out, msg(c.att()))
		if err != nil || n != int64(out.Len()) || !bytes.Equal(out.Bytes(), want) {
			t.Errorf("%s: WriteTo = %d, %v; equal to Bytes: %v", c.name, n, err, bytes.Equal(out.Bytes(), want))
			continue
		}
		goVerify(t, out.Bytes())
		if left, _ := os.ReadDir(spillDir); len(left) != 0 {
			t.Errorf("%s: spill files left behind: %v", c.name, left)
		}
	}
}

// allocated returns the bytes allocated while f runs.
func allocated(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// Signing a Reader that can be read only once holds at most SpillThreshold bytes of it in memory:
// the bytes allocated while writing stay under a bound set by the threshold, at 2 MiB and at 8×
// that (16 MiB of attachment, about 22 MiB encoded). Before, the whole encoded body was buffered.
func TestSignedReaderMemoryBounded(t *testing.T) {
	const threshold = 256 << 10
	measure := func(n int64) (uint64, int64) {
		m := validMessage()
		m.Attachments = []builder.Attachment{{Filename: "big.bin", Reader: &patternReader{n: n}}}
		b := testBuilder(5)
		b.Target = builder.TargetNone
		b.Signer = testSigner(t)
		b.SpillThreshold, b.TempDir = threshold, t.TempDir()
		var written int64
		var err error
		a := allocated(func() { written, err = b.WriteTo(io.Discard, m) })
		if err != nil {
			t.Fatal(err)
		}
		return a, written
	}
	measure(1 << 20) // warm up pools
	small, w1 := measure(2 << 20)
	big, w8 := measure(16 << 20)
	t.Logf("allocated %d bytes for %d written, %d bytes for %d written", small, w1, big, w8)
	// The buffer grows by doubling up to the threshold (about 2× in all), plus the per-message
	// working state; none of it grows with the attachment. (The pooled working state may already
	// hold a buffer, so a run can allocate much less; the bound is what matters.)
	const bound = 8 * threshold
	if small > bound || big > bound {
		t.Errorf("allocated %d (2 MiB) and %d (16 MiB) bytes, want both under %d", small, big, bound)
	}
}

// cancelReader cancels its context on the first Read.
type cancelReader struct {
	cancel context.CancelFunc
	r      io.Reader
}

func (c *cancelReader) Read(p []byte) (int, error) {
	c.cancel()
	return c.r.Read(p)
}

// WriteToContext stops at the next Read or Write once its context is done, signed or not.
func TestWriteToContextCancel(t *testing.T) {
	data := pseudoBytes(1<<20, 3)
	for _, signed := range []bool{false, true} {
		b := testBuilder(6)
		if signed {
			b.Signer = testSigner(t)
		}
		// Already done: nothing is written.
		ctx, cancel := context.WithCancel(context.Background())
		cancel()
		var out bytes.Buffer
		n, err := b.WriteToContext(ctx, &out, validMessage())
		if !errors.Is(err, context.Canceled) || n != 0 || out.Len() != 0 {
			t.Errorf("signed %v, done context: %d, %v (%d bytes written)", signed, n, err, out.Len())
		}
		// Done while an attachment is read (once, so a signed message spills).
		ctx, cancel = context.WithCancel(context.Background())
		m := validMessage()
		m.Attachments = []builder.Attachment{{Filename: "a.bin", Reader: &cancelReader{cancel, &onceReader{bytes.NewReader(data)}}}}
		out.Reset()
		n, err = b.WriteToContext(ctx, &out, m)
		if !errors.Is(err, context.Canceled) || n >= int64(len(data)) {
			t.Errorf("signed %v, canceled while reading: %d, %v", signed, n, err)
		}
		// A deadline the caller sets.
		ctx, cancel = context.WithTimeout(context.Background(), 20*time.Millisecond)
		m.Attachments = []builder.Attachment{{Filename: "a.bin", Reader: &slowReader{r: bytes.NewReader(data)}}}
		_, err = b.WriteToContext(ctx, io.Discard, m)
		cancel()
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("signed %v, deadline: %v", signed, err)
		}
	}
}

// slowReader yields 1 KiB per millisecond.
type slowReader struct{ r io.Reader }

func (s *slowReader) Read(p []byte) (int, error) {
	time.Sleep(time.Millisecond)
	return s.r.Read(p[:min(len(p), 1024)])
}

// stuckReader returns no data and no error, forever.
type stuckReader struct{}

func (stuckReader) Read([]byte) (int, error) { return 0, nil }

// A Reader that makes no progress fails every output method with io.ErrNoProgress instead of
// hanging.
func TestNoProgressReader(t *testing.T) {
	for _, signed := range []bool{false, true} {
		b := testBuilder(7)
		if signed {
			b.Signer = testSigner(t)
		}
		m := validMessage()
		m.Attachments = []builder.Attachment{{Filename: "a.bin", Reader: stuckReader{}}}
		if _, err := b.WriteTo(io.Discard, m); !errors.Is(err, io.ErrNoProgress) {
			t.Errorf("signed %v: WriteTo: %v", signed, err)
		}
		if _, err := b.Bytes(m); !errors.Is(err, io.ErrNoProgress) {
			t.Errorf("signed %v: Bytes: %v", signed, err)
		}
	}
}
