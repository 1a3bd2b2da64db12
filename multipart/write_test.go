package multipart_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/sesraw/sesraw/multipart"
)

func TestStreamingQPAndRaw(t *testing.T) {
	inputs := []string{
		"", "a", "a \r\n", strings.Repeat("x", 200) + "\r\n", "é\r\nb \t\r\n=", strings.Repeat("ab \r\n", 2000),
		strings.Repeat("a", 74) + " \r", "tail\r",
	}
	for _, in := range inputs {
		want := qpBody(t, "application/x", in)
		for _, r := range []io.Reader{strings.NewReader(in), iotest.OneByteReader(strings.NewReader(in)), iotest.DataErrReader(strings.NewReader(in))} {
			hdr, body := build(t, &multipart.Part{ContentType: "application/x", Reader: r, Encoding: multipart.QuotedPrintable}, nil)
			if string(body) != want {
				t.Fatalf("streamed QP(%q) =\n%q\nwant\n%q", in, body, want)
			}
			if got := parseStd(t, hdr, body)[0].body; string(got) != string(withRootTerm([]byte(in), "quoted-printable")) {
				t.Fatalf("QP round trip of %q = %q", in, got)
			}
		}
	}
	// Streamed 7bit/8bit content is validated on the fly.
	rawTests := []struct {
		in   string
		enc  multipart.Encoding
		want error
	}{
		{"ok\r\nfine\r\n", multipart.SevenBit, nil},
		{"é\r\n", multipart.EightBit, nil},
		{"é\r\n", multipart.SevenBit, multipart.ErrInvalidPart},
		{"a\nb", multipart.SevenBit, multipart.ErrInvalidPart},
		{"a\rb", multipart.EightBit, multipart.ErrInvalidPart},
		{"a\r", multipart.EightBit, multipart.ErrInvalidPart},
		{"a\x00", multipart.EightBit, multipart.ErrInvalidPart},
		{strings.Repeat("a", 998) + "\r\n", multipart.SevenBit, nil},
		{strings.Repeat("a", 999) + "\r\n", multipart.SevenBit, multipart.ErrLineTooLong},
	}
	for _, tt := range rawTests {
		for _, r := range []io.Reader{strings.NewReader(tt.in), iotest.OneByteReader(strings.NewReader(tt.in))} {
			tr, err := multipart.NewTree(&multipart.Part{ContentType: "application/x", Reader: r, Encoding: tt.enc}, nil)
			if err != nil {
				t.Fatal(err)
			}
			var buf bytes.Buffer
			_, err = tr.WriteBody(&buf)
			if !errors.Is(err, tt.want) {
				t.Errorf("raw %v %q: error %v, want %v", tt.enc, tt.in, err, tt.want)
			}
			if err == nil && buf.String() != tt.in {
				t.Errorf("raw %v %q: wrote %q", tt.enc, tt.in, buf.String())
			}
		}
	}
}

func TestSizeMismatch(t *testing.T) {
	for _, enc := range []multipart.Encoding{multipart.Auto, multipart.QuotedPrintable, multipart.SevenBit} {
		for _, size := range []int64{4, 6} {
			p := &multipart.Part{ContentType: "application/x", Reader: strings.NewReader("hello"), Size: size, Encoding: enc}
			tr, err := multipart.NewTree(p, nil)
			if err != nil {
				t.Fatal(err)
			}
			if _, err := tr.WriteBody(io.Discard); !errors.Is(err, multipart.ErrSizeMismatch) {
				t.Errorf("enc %v, Size %d for 5 bytes: error %v", enc, size, err)
			}
		}
	}
	// Size 0 is unknown: any length is accepted and BodySize says so.
	tr, err := multipart.NewTree(&multipart.Part{Reader: strings.NewReader("hello")}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := tr.BodySize(); ok {
		t.Error("BodySize known for a Reader without Size")
	}
	if _, err := tr.WriteBody(io.Discard); err != nil {
		t.Error(err)
	}
}

type failWriter struct{ n int }

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.n {
		k := w.n
		w.n = 0
		return k, io.ErrClosedPipe
	}
	w.n -= len(p)
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	root := sampleTree()
	tr, err := multipart.NewTree(root, zeroRand{})
	if err != nil {
		t.Fatal(err)
	}
	n, err := tr.WriteBody(&failWriter{n: 100})
	if !errors.Is(err, io.ErrClosedPipe) || n != 100 {
		t.Fatalf("WriteBody to a failing writer = %d, %v; want 100, ErrClosedPipe", n, err)
	}
	// Failing inside a large in-memory base64 body stops there (it once went on to encode the
	// rest as a "last line" and panicked).
	tr, _ = multipart.NewTree(&multipart.Part{ContentType: "image/png", Data: make([]byte, 100000)}, nil)
	if n, err := tr.WriteBody(&failWriter{n: 10000}); !errors.Is(err, io.ErrClosedPipe) || n != 10000 {
		t.Fatalf("base64 body to a failing writer = %d, %v; want 10000, ErrClosedPipe", n, err)
	}
	// A reader error is returned as is.
	p := &multipart.Part{Reader: iotest.ErrReader(io.ErrNoProgress)}
	tr, _ = multipart.NewTree(p, nil)
	if _, err := tr.WriteBody(io.Discard); !errors.Is(err, io.ErrNoProgress) {
		t.Fatalf("reader error: %v", err)
	}
}

// Text bodies with bare LF are written with CRLF under every encoding, whatever their length
// (base64 sizes of n and n+1 octets often coincide, which once hid the conversion).
func TestTextLineEndingsAllEncodings(t *testing.T) {
	for n := 0; n < 130; n++ {
		data := strings.Repeat("é", n/2) + strings.Repeat("a", n%2) + "\nx\n"
		for _, enc := range []multipart.Encoding{multipart.Auto, multipart.QuotedPrintable, multipart.Base64, multipart.EightBit} {
			hdr, body := build(t, &multipart.Part{ContentType: "text/plain", Data: []byte(data), Encoding: enc}, nil)
			want := strings.ReplaceAll(data, "\n", "\r\n")
			for _, l := range []leaf{parseStd(t, hdr, body)[0], parseGoMessage(t, hdr, body)[0]} {
				if string(l.body) != want {
					t.Fatalf("n=%d enc %v (%s): body %q, want %q", n, enc, l.cte, l.body, want)
				}
			}
		}
	}
}

// stallReader returns (0, nil) stall times before each chunk of data (forever when data is
// endless), counting its Read calls.
type stallReader struct {
	stall, left int
	data        []byte // nil: never any data
	reads       int
}

func (r *stallReader) Read(p []byte) (int, error) {
	r.reads++
	if r.left < r.stall || r.data == nil {
		r.left++
		return 0, nil
	}
	r.left = 0
	if len(r.data) == 0 {
		return 0, io.EOF
	}
	n := copy(p, r.data)
	r.data = r.data[n:]
	return n, nil
}

// emptyWriterTo is a Reader whose WriteTo writes nothing, forever, until Write fails.
type emptyWriterTo struct{ stallReader }

func (r *emptyWriterTo) WriteTo(w io.Writer) (int64, error) {
	for {
		if _, err := w.Write(nil); err != nil {
			return 0, err
		}
	}
}

var allEncodings = []multipart.Encoding{multipart.Auto, multipart.Base64, multipart.QuotedPrintable, multipart.SevenBit, multipart.EightBit}

// A Reader that makes no progress fails the write (as bufio does) instead of hanging it, whatever
// the encoding; one that stalls fewer times than the limit between chunks is read to the end.
func TestNoProgress(t *testing.T) {
	for _, enc := range allEncodings {
		for _, r := range []io.Reader{&stallReader{}, &emptyWriterTo{}} {
			tr, err := multipart.NewTree(&multipart.Part{ContentType: "application/x", Reader: r, Encoding: enc}, nil)
			if err != nil {
				t.Fatal(err)
			}
			_, err = tr.WriteBody(io.Discard)
			if !errors.Is(err, io.ErrNoProgress) || !errors.Is(err, multipart.ErrInvalidPart) {
				t.Errorf("enc %v, %T: error %v, want io.ErrNoProgress and ErrInvalidPart", enc, r, err)
			}
			if sr, ok := r.(*stallReader); ok && sr.reads != 100 {
				t.Errorf("enc %v: %d Reads before giving up, want 100", enc, sr.reads)
			}
		}
		data := strings.Repeat("slow but fine\r\n", 1000)
		want := buildBody(t, &multipart.Part{ContentType: "application/x", Data: []byte(data), Encoding: enc})
		r := &stallReader{stall: 99, data: []byte(data)}
		got := buildBody(t, &multipart.Part{ContentType: "application/x", Reader: iotest.HalfReader(r), Size: int64(len(data)), Encoding: enc})
		if enc == multipart.Auto {
			want = buildBody(t, &multipart.Part{ContentType: "application/x", Data: []byte(data), Encoding: multipart.Base64})
		}
		if !bytes.Equal(got, want) {
			t.Errorf("enc %v: a Reader stalling 99 times per chunk gave a different body", enc)
		}
	}
	// The random source of boundaries too.
	_, err := multipart.NewTree(sampleTree(), &stallReader{})
	if !errors.Is(err, io.ErrNoProgress) || !errors.Is(err, multipart.ErrInvalidPart) {
		t.Errorf("stalling random source: %v", err)
	}
}

func buildBody(t *testing.T, p *multipart.Part) []byte {
	t.Helper()
	tr, err := multipart.NewTree(p, zeroRand{})
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := tr.WriteBody(&buf); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// cancelReader yields endless data and cancels its context on its stopAt-th Read.
type cancelReader struct {
	cancel context.CancelFunc
	stopAt int
	reads  int
}

func (r *cancelReader) Read(p []byte) (int, error) {
	r.reads++
	if r.reads == r.stopAt {
		r.cancel()
	}
	for i := range p {
		p[i] = 'a' + byte(i%26)
	}
	if len(p) > 50 {
		p = p[:50] // short lines, valid 7bit
		p[48], p[49] = '\r', '\n'
	}
	return len(p), nil
}

// cancelWriter counts Writes and cancels its context on the stopAt-th.
type cancelWriter struct {
	cancel context.CancelFunc
	stopAt int
	writes int
	n      int64
}

func (w *cancelWriter) Write(p []byte) (int, error) {
	w.writes++
	if w.writes == w.stopAt {
		w.cancel()
	}
	w.n += int64(len(p))
	return len(p), nil
}

// WriteBodyContext stops at the next Read or Write once its context is done, and says why.
func TestWriteBodyContext(t *testing.T) {
	for _, enc := range allEncodings {
		// Canceled during a Read of an endless Reader: no further Read.
		ctx, cancel := context.WithCancel(context.Background())
		r := &cancelReader{cancel: cancel, stopAt: 5}
		tr, err := multipart.NewTree(&multipart.Part{ContentType: "application/x", Reader: r, Encoding: enc}, nil)
		if err != nil {
			t.Fatal(err)
		}
		w := &cancelWriter{}
		n, err := tr.WriteBodyContext(ctx, w)
		if !errors.Is(err, context.Canceled) || !errors.Is(err, multipart.ErrCanceled) {
			t.Errorf("enc %v: error %v, want context.Canceled and ErrCanceled", enc, err)
		}
		if r.reads != 5 || n != w.n {
			t.Errorf("enc %v: %d Reads (want 5), returned %d for %d written", enc, r.reads, n, w.n)
		}

		// Canceled during a Write: no further Write, whatever the body.
		data := bytes.Repeat([]byte("0123456789abcdef\r\n"), 10000)
		for _, p := range []*multipart.Part{
			{ContentType: "application/x", Data: data, Encoding: enc},
			{ContentType: "application/x", Reader: bytes.NewReader(data), Encoding: enc}, // a WriterTo
			{ContentType: "application/x", Reader: iotest.HalfReader(bytes.NewReader(data)), Encoding: enc},
		} {
			ctx, cancel := context.WithCancel(context.Background())
			tr, err := multipart.NewTree(&multipart.Part{ContentType: "multipart/mixed", Parts: []*multipart.Part{p}}, nil)
			if err != nil {
				t.Fatal(err)
			}
			w := &cancelWriter{cancel: cancel, stopAt: 2}
			n, err := tr.WriteBodyContext(ctx, w)
			if !errors.Is(err, context.Canceled) || w.writes != 2 || n != w.n {
				t.Errorf("enc %v: error %v after %d Writes (want context.Canceled after 2), returned %d for %d", enc, err, w.writes, n, w.n)
			}
		}
	}
	// A context already done writes nothing; a deadline reports DeadlineExceeded.
	ctx, cancel := context.WithDeadline(context.Background(), time.Unix(0, 0))
	defer cancel()
	tr, _ := multipart.NewTree(sampleTree(), nil)
	w := &cancelWriter{}
	if n, err := tr.WriteBodyContext(ctx, w); !errors.Is(err, context.DeadlineExceeded) || n != 0 || w.writes != 0 {
		t.Errorf("expired deadline: %d, %v after %d Writes", n, err, w.writes)
	}
}

// WriteBody reuses its buffers from one call to the next: a write that failed (Writer error,
// canceled context, Reader error) leaves nothing behind for the next one, which writes exactly
// what a first write does, for in-memory and Reader bodies, leaves and multiparts.
func TestWriteBodyReuseAfterFailures(t *testing.T) {
	text := strings.Repeat("Grüße aus dem Büro, here is the résumé =_ you asked for.\n", 300)
	trees := []func() *multipart.Part{
		sampleTree,
		func() *multipart.Part {
			return &multipart.Part{ContentType: "text/plain", Data: []byte(text), Encoding: multipart.QuotedPrintable}
		},
		func() *multipart.Part {
			return &multipart.Part{ContentType: "text/html", Reader: strings.NewReader(text), Encoding: multipart.QuotedPrintable}
		},
		func() *multipart.Part {
			return &multipart.Part{ContentType: "application/octet-stream", Reader: strings.NewReader(text)}
		},
	}
	write := func(root *multipart.Part, w io.Writer, ctx context.Context) (int64, error) {
		tr, err := multipart.NewTree(root, zeroRand{})
		if err != nil {
			t.Fatal(err)
		}
		return tr.WriteBodyContext(ctx, w)
	}
	var want [][]byte
	for _, mk := range trees {
		var buf bytes.Buffer
		if _, err := write(mk(), &buf, context.Background()); err != nil {
			t.Fatal(err)
		}
		want = append(want, buf.Bytes())
	}
	canceled, cancel := context.WithCancel(context.Background())
	cancel()
	for round := range 3 {
		for i, mk := range trees {
			// Fail in three ways, then write again.
			if _, err := write(mk(), &failWriter{n: 1000 + 37*round}, context.Background()); !errors.Is(err, io.ErrClosedPipe) {
				t.Fatalf("tree %d: failing writer: %v", i, err)
			}
			if _, err := write(mk(), io.Discard, canceled); !errors.Is(err, context.Canceled) {
				t.Fatalf("tree %d: canceled context: %v", i, err)
			}
			bad := &multipart.Part{Reader: iotest.TimeoutReader(strings.NewReader(text))}
			if _, err := write(bad, io.Discard, context.Background()); !errors.Is(err, iotest.ErrTimeout) {
				t.Fatalf("reader error: %v", err)
			}
			var buf bytes.Buffer
			n, err := write(mk(), &buf, context.Background())
			if err != nil || n != int64(buf.Len()) || !bytes.Equal(buf.Bytes(), want[i]) {
				t.Fatalf("round %d, tree %d: after failed writes: %d, %v, %d octets differ from the first write's %d", round, i, n, err, buf.Len(), len(want[i]))
			}
		}
	}
}
