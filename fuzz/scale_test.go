package fuzz_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"fmt"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"runtime"
	"sync"
	"testing"
	"time"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/xheaders"
)

// bigFile writes a file of n pseudo-random bytes (deterministic, incompressible enough that nothing
// can shortcut the encoding) into a temporary directory and returns its path.
func bigFile(t *testing.T, n int64) string {
	t.Helper()
	p := filepath.Join(t.TempDir(), "video.mp4")
	f, err := os.Create(p)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(f, seededRand(60), n); err != nil {
		t.Fatal(err)
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	return p
}

// countingReader counts the bytes read from r.
type countingReader struct {
	r io.Reader
	n int64
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += int64(n)
	return n, err
}

// allocatedDuring returns the bytes allocated on the heap while f ran (runtime.MemStats.TotalAlloc,
// which counts every allocation, so a buffer that was freed again still shows).
func allocatedDuring(f func()) uint64 {
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	f()
	runtime.ReadMemStats(&after)
	return after.TotalAlloc - before.TotalAlloc
}

// TestScaleStreamFromFile streams a message with a 60 MB attachment read from a file (invariant 9):
// WriteTo into a counting writer allocates a small, fixed amount however large the file, and the
// output has the encoded size Size predicted. For TargetV1 the 10 MiB limit is enforced before it is
// crossed: with the size known (a file, Path) nothing is written or read; with a Reader of unknown
// size the writer stops at or below the limit and stops reading the file soon after.
func TestScaleStreamFromFile(t *testing.T) {
	const size = 60 << 20
	path := bigFile(t, size)
	msg := func(a builder.Attachment) *builder.Message {
		return &builder.Message{
			From:        mail.Address{Name: "Studio", Address: "studio@example.com"},
			To:          []mail.Address{{Address: "client@example.org"}},
			Subject:     "the cut",
			Text:        "Attached.\r\n",
			Attachments: []builder.Attachment{a},
		}
	}

	b := newBuilder(builder.TargetNone, 1)
	want, known, err := b.Size(msg(builder.Attachment{Path: path}))
	if err != nil || !known || want < size*4/3 {
		t.Fatalf("Size: %d, %v, %v", want, known, err)
	}
	// A first, small message warms up pools so that the measurement sees only per-message cost.
	small := bigFile(t, 1<<20)
	if _, err := b.WriteTo(io.Discard, msg(builder.Attachment{Path: small})); err != nil {
		t.Fatal(err)
	}
	var smallAlloc, bigAlloc uint64
	var cw countWriter
	smallAlloc = allocatedDuring(func() {
		if _, err := b.WriteTo(&countWriter{}, msg(builder.Attachment{Path: small})); err != nil {
			t.Fatal(err)
		}
	})
	bigAlloc = allocatedDuring(func() {
		n, err := b.WriteTo(&cw, msg(builder.Attachment{Path: path}))
		if err != nil || n != want || cw.n != want {
			t.Fatalf("WriteTo: %d (counted %d), %v; Size said %d", n, cw.n, err, want)
		}
	})
	t.Logf("60 MiB attachment from a file: %d bytes written, %d bytes allocated (1 MiB attachment: %d)", cw.n, bigAlloc, smallAlloc)
	if bigAlloc > 4<<20 {
		t.Errorf("streaming a 60 MiB file allocated %d bytes (> 4 MiB): the attachment is being buffered", bigAlloc)
	}
	if bigAlloc > smallAlloc+512<<10 {
		t.Errorf("allocation grows with the attachment: %d bytes for 60 MiB, %d for 1 MiB", bigAlloc, smallAlloc)
	}

	// TargetV1, size known from the file: refused before anything is written.
	v1 := newBuilder(builder.TargetV1, 1)
	cw = countWriter{}
	n, err := v1.WriteTo(&cw, msg(builder.Attachment{Path: path}))
	var se *builder.SizeError
	if !errors.As(err, &se) || se.Size != want || n != 0 || cw.n != 0 {
		t.Fatalf("v1 with a known size: %d written, %v", cw.n, err)
	}

	// TargetV1, unknown size (the open file as a plain Reader): stops at the limit.
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	cr := &countingReader{r: f}
	cw = countWriter{}
	var n2 int64
	alloc := allocatedDuring(func() {
		n2, err = v1.WriteTo(&cw, msg(builder.Attachment{Filename: "video.mp4", Reader: cr}))
	})
	limit := builder.TargetV1.Limit()
	if !errors.As(err, &se) || !errors.Is(err, builder.ErrTooLarge) || se.Limit != limit {
		t.Fatalf("v1 with an unknown size: %v", err)
	}
	if n2 != cw.n || cw.n > limit {
		t.Fatalf("v1 with an unknown size wrote %d bytes (reported %d), limit %d", cw.n, n2, limit)
	}
	if cr.n > limit*3/4+1<<20 {
		t.Fatalf("read %d bytes of the file after the limit was reached", cr.n)
	}
	t.Logf("v1, unknown size: stopped after writing %d bytes (limit %d), %d bytes of the file read, %d bytes allocated", cw.n, limit, cr.n, alloc)
}

// TestConcurrentBuildersAndSigners shares one Builder with an Ed25519 Signer and one with an
// RSA Signer (crypto/rand boundaries and Message-IDs) and one sesapi.Sender among 8 goroutines,
// each building messages of its own; run under -race by scripts/test.sh. Every output must verify,
// parse back to its own content, and carry a distinct Message-ID.
func TestConcurrentBuildersAndSigners(t *testing.T) {
	const goroutines, perG = 8, 8
	shared := [2]*builder.Builder{
		{Target: builder.TargetV2, Signer: signer(t, signerKey{0, 0, 0}), Now: func() time.Time { return fixedNow }},
		{Target: builder.TargetSMTP, Signer: signer(t, signerKey{1, 0, 1})},
	}
	sender := &sesapi.Sender{Builder: shared[0], Method: sesapi.ByHeaders}
	identity := xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com")

	type out struct {
		raw     []byte
		subject string
		att     [32]byte
	}
	results := make([][]out, goroutines)
	var wg sync.WaitGroup
	for g := range goroutines {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range perG {
				att := bytes.Repeat([]byte(fmt.Sprintf("g%d-m%d|", g, i)), 500+g*97+i)
				m := &builder.Message{
					From:        mail.Address{Name: fmt.Sprintf("Sender %d", g), Address: "shop@example.com"},
					To:          []mail.Address{{Address: fmt.Sprintf("r%d@example.org", i)}},
					Subject:     fmt.Sprintf("Grüße %d/%d", g, i),
					Text:        fmt.Sprintf("message %d of goroutine %d\r\n", i, g),
					HTML:        fmt.Sprintf("<p>message %d of goroutine %d</p>", i, g),
					Headers:     []builder.Header{{Name: "X-Campaign", Value: fmt.Sprint(g)}},
					Attachments: []builder.Attachment{{Filename: "data.bin", Data: att}},
				}
				m.Delegate(identity)
				b := shared[(g+i)%2]
				var raw []byte
				var err error
				switch i % 3 {
				case 0:
					raw, err = b.Bytes(m)
				case 1:
					var buf bytes.Buffer
					_, err = b.WriteTo(&chunkWriter{&buf, 1000 + g}, m)
					raw = buf.Bytes()
				case 2:
					var sm *sesapi.SMTPMail
					sm, err = sender.SMTPMail("us-east-1", m)
					if sm != nil {
						raw = sm.Data
					}
				}
				if err != nil {
					t.Errorf("goroutine %d message %d: %v", g, i, err)
					return
				}
				results[g] = append(results[g], out{raw, m.Subject, sha256.Sum256(att)})
			}
		}()
	}
	wg.Wait()
	if t.Failed() {
		return
	}
	ids := map[string]bool{}
	for g := range results {
		for _, o := range results[g] {
			checkLines(t, o.raw)
			verifyAll(t, o.raw)
			gh, parts := readGoMessage(t, o.raw)
			if s, _ := gh.Subject(); s != o.subject {
				t.Fatalf("subject %q, want %q", s, o.subject)
			}
			id, _ := gh.MessageID()
			if id == "" || ids[id] {
				t.Fatalf("Message-ID %q missing or repeated", id)
			}
			ids[id] = true
			if len(parts) != 3 || sha256.Sum256(parts[2].data) != o.att {
				t.Fatalf("%s: %d parts or wrong attachment", o.subject, len(parts))
			}
		}
	}
	if len(ids) != goroutines*perG {
		t.Fatalf("%d messages, want %d", len(ids), goroutines*perG)
	}
}
