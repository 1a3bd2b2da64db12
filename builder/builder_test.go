package builder_test

import (
	"bytes"
	"errors"
	"io"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/multipart"
	"github.com/sesraw/sesraw/xheaders"
)

func TestEnvelope(t *testing.T) {
	m := validMessage()
	m.To = []mail.Address{{Address: "a@example.org"}, {Address: "B@Example.org"}, {Address: "zoe@bücher.example"}}
	m.Cc = []mail.Address{{Address: "b@example.org"}, {Address: "c@example.org"}}
	m.Bcc = []mail.Address{{Address: "A@EXAMPLE.ORG"}, {Address: "d@example.org"}}
	b := testBuilder(1)
	env, err := b.Envelope(m)
	if err != nil {
		t.Fatal(err)
	}
	want := builder.Envelope{
		From: "sender@example.com",
		To:   []string{"a@example.org", "B@Example.org", "zoe@xn--bcher-kva.example", "c@example.org", "d@example.org"},
	}
	if diff := cmp.Diff(want, env); diff != "" {
		t.Errorf("Envelope (-want +got):\n%s", diff)
	}
	m.ReturnPath = "bounces@bücher.example"
	env, err = b.Envelope(m)
	if err != nil {
		t.Fatal(err)
	}
	if env.From != "bounces@xn--bcher-kva.example" {
		t.Errorf("Envelope.From = %q, want the (punycoded) ReturnPath", env.From)
	}
}

func TestRecipientLimit(t *testing.T) {
	b := testBuilder(1)
	m := validMessage()
	m.To, m.Cc, m.Bcc = many(20, "a.example"), many(20, "b.example"), many(10, "c.example")
	if err := b.Validate(m); err != nil {
		t.Fatalf("50 recipients: %v", err)
	}
	// Duplicates (in any case) count once.
	m.Bcc = append(m.Bcc, mail.Address{Address: strings.ToUpper(m.To[0].Address)})
	if err := b.Validate(m); err != nil {
		t.Fatalf("50 distinct recipients plus a duplicate: %v", err)
	}
	m.Bcc = append(m.Bcc, mail.Address{Address: "one-more@c.example"})
	if err := b.Validate(m); !errors.Is(err, builder.ErrTooManyRecipients) {
		t.Fatalf("51 recipients: %v", err)
	}
	m.To, m.Cc, m.Bcc = nil, nil, []mail.Address{{Address: "only-bcc@example.org"}}
	raw, err := b.Bytes(m)
	if err != nil {
		t.Fatalf("Bcc only: %v", err)
	}
	checkInvariants(t, raw, m)
	if bytes.Contains(raw, []byte("only-bcc")) {
		t.Errorf("the Bcc address is in the message")
	}
}

func TestDeterministic(t *testing.T) {
	for _, c := range goldenCases() {
		m1, _ := c.msg()
		m2, _ := c.msg()
		a, err := goldenBuilder(t, c).Bytes(m1)
		if err != nil {
			t.Fatal(err)
		}
		// Validate, Size and Envelope do not consume the random source.
		b := goldenBuilder(t, c)
		if err := b.Validate(m2); err != nil {
			t.Fatal(err)
		}
		if _, _, err := b.Size(m2); err != nil {
			t.Fatal(err)
		}
		if _, err := b.Envelope(m2); err != nil {
			t.Fatal(err)
		}
		m2, _ = c.msg()
		bb, err := b.Bytes(m2)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(a, bb) {
			t.Errorf("%s: two runs with the same clock and seed differ", c.name)
		}
	}
	// A different seed changes boundaries and Message-ID, nothing else.
	m1, m2 := validMessage(), validMessage()
	a, _ := testBuilder(1).Bytes(m1)
	b, _ := testBuilder(2).Bytes(m2)
	if bytes.Equal(a, b) {
		t.Errorf("different seeds give the same output")
	}
	if len(a) != len(b) {
		t.Errorf("different seeds give different sizes: %d, %d", len(a), len(b))
	}
	// A fixed Message-ID and Date need only Rand for the boundaries.
	m1.MessageID, m2.MessageID = "fixed@example.com", "fixed@example.com"
	m1.Date, m2.Date = fixedNow, fixedNow
	a, _ = (&builder.Builder{Rand: seededRand(7)}).Bytes(m1)
	b, _ = (&builder.Builder{Rand: seededRand(7)}).Bytes(m2)
	if !bytes.Equal(a, b) || !bytes.Contains(a, []byte("Message-ID: <fixed@example.com>\r\n")) {
		t.Errorf("fixed Message-ID and Date: outputs differ or the Message-ID is not used")
	}
}

// lockedRand makes a seeded source safe for concurrent use.
type lockedRand struct {
	mu sync.Mutex
	r  io.Reader
}

func (l *lockedRand) Read(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.r.Read(p)
}

// A Builder shared by goroutines (run with -race).
func TestConcurrent(t *testing.T) {
	for _, b := range []*builder.Builder{
		{Signer: testSigner(t)}, // crypto/rand, time.Now
		{Rand: &lockedRand{r: seededRand(3)}, Target: builder.TargetV2},
	} {
		var wg sync.WaitGroup
		errs := make(chan error, 64)
		for g := range 4 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := range 10 {
					m := validMessage()
					m.Delegate(testIdentity)
					m.Attachments = []builder.Attachment{{Filename: "r.pdf", Reader: bytes.NewReader(pseudoBytes(300+g*10+i, byte(i)))}}
					var buf bytes.Buffer
					if _, err := b.WriteTo(&buf, m); err != nil {
						errs <- err
						return
					}
					m.Attachments[0].Reader = bytes.NewReader(pseudoBytes(300+g*10+i, byte(i)))
					raw, err := b.Bytes(m)
					if err != nil {
						errs <- err
						return
					}
					if len(raw) != buf.Len() {
						errs <- errors.New("Bytes and WriteTo differ in length")
						return
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for err := range errs {
			t.Error(err)
		}
	}
}

// endless yields n pseudo-random bytes without holding them.
type endless struct{ n int64 }

func (e *endless) Read(p []byte) (int, error) {
	if e.n <= 0 {
		return 0, io.EOF
	}
	if int64(len(p)) > e.n {
		p = p[:e.n]
	}
	for i := range p {
		p[i] = byte(e.n) ^ byte(i*7)
	}
	e.n -= int64(len(p))
	return len(p), nil
}

// limitedWriter records how much was written.
type countingWriter struct{ n int64 }

func (w *countingWriter) Write(p []byte) (int, error) { w.n += int64(len(p)); return len(p), nil }

func TestSizeLimitStreaming(t *testing.T) {
	const big = 8 << 20 // base64 makes it ~10.8 MB: over TargetV1's 10 MiB
	limit := builder.TargetV1.Limit()
	if limit != 10485760 {
		t.Fatalf("TargetV1 limit %d", limit)
	}
	unknown := func() *builder.Message {
		m := validMessage()
		m.Attachments = []builder.Attachment{{Filename: "big.bin", Reader: &endless{n: big}}}
		return m
	}
	b := testBuilder(1)
	if _, known, err := b.Size(unknown()); err != nil || known {
		t.Fatalf("Size of a message with an unknown-size reader: known=%v err=%v", known, err)
	}
	if err := b.Validate(unknown()); err != nil {
		t.Fatalf("Validate cannot know the size yet: %v", err)
	}

	// Unknown size: WriteTo stops before the byte that would pass the limit.
	var w countingWriter
	n, err := b.WriteTo(&w, unknown())
	var se *builder.SizeError
	if !errors.As(err, &se) || !errors.Is(err, builder.ErrTooLarge) {
		t.Fatalf("WriteTo: %v, want a *SizeError", err)
	}
	if n != w.n || n > limit || se.Size <= limit || se.Limit != limit || se.Target != builder.TargetV1 {
		t.Errorf("WriteTo wrote %d (returned %d), SizeError %+v", w.n, n, se)
	}
	if !strings.Contains(se.Error(), "10485760-byte limit of the SES v1 API") {
		t.Errorf("SizeError text %q", se.Error())
	}
	if out, err := b.Bytes(unknown()); !errors.As(err, &se) || out != nil {
		t.Errorf("Bytes: %v (%d bytes)", err, len(out))
	}
	// Signed and unknown size: the body is buffered, so nothing is written.
	sb := testBuilder(1)
	sb.Signer = testSigner(t)
	w = countingWriter{}
	if n, err := sb.WriteTo(&w, unknown()); !errors.As(err, &se) || n != 0 || w.n != 0 {
		t.Errorf("signed WriteTo: %v, wrote %d", err, w.n)
	}

	// Known size: nothing is written.
	known := validMessage()
	known.Attachments = []builder.Attachment{{Filename: "big.bin", Reader: &endless{n: big}, Size: big}}
	w = countingWriter{}
	if n, err := b.WriteTo(&w, known); !errors.As(err, &se) || n != 0 || w.n != 0 {
		t.Errorf("WriteTo with a known size: %v, wrote %d", err, w.n)
	}
	// The same message fits the v2 limit.
	known.Attachments[0].Reader = &endless{n: big}
	b.Target = builder.TargetV2
	if err := b.Validate(known); err != nil {
		t.Errorf("TargetV2: %v", err)
	}
	if size, ok, err := b.Size(known); err != nil || !ok || size <= limit || size > builder.TargetV2.Limit() {
		t.Errorf("Size = %d, %v, %v", size, ok, err)
	}
}

func TestSignedInMemoryWriteTo(t *testing.T) {
	mk := func() *builder.Message {
		m := validMessage()
		m.Delegate(testIdentity)
		m.Attachments = []builder.Attachment{{Filename: "a.pdf", Data: pseudoBytes(5000, 9)}}
		return m
	}
	sign := func() *builder.Builder {
		b := testBuilder(5)
		b.Signer = testSigner(t)
		return b
	}
	want, err := sign().Bytes(mk())
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	n, err := sign().WriteTo(&buf, mk())
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo: %d, %v (wrote %d)", n, err, buf.Len())
	}
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("signed WriteTo of an in-memory message differs from Bytes")
	}
	size, known, err := sign().Size(mk())
	if err != nil || !known || size != int64(len(want)) {
		t.Errorf("Size = %d, %v, %v; want %d", size, known, err, len(want))
	}
	checkInvariants(t, want, mk())
	checkSignature(t, want)
}

func TestPathAttachment(t *testing.T) {
	dir := t.TempDir()
	data := pseudoBytes(4000, 11)
	path := filepath.Join(dir, "Jahresbericht 2024.pdf")
	if err := os.WriteFile(path, data, 0o600); err != nil {
		t.Fatal(err)
	}
	m := validMessage()
	m.Attachments = []builder.Attachment{{Path: path}}
	b := testBuilder(1)
	size, known, err := b.Size(m)
	if err != nil || !known {
		t.Fatalf("Size: %d, %v, %v", size, known, err)
	}
	raw, err := b.Bytes(m)
	if err != nil {
		t.Fatal(err)
	}
	if int64(len(raw)) != size {
		t.Errorf("Size %d, built %d", size, len(raw))
	}
	checkInvariants(t, raw, m)
	m.Attachments[0].Filename = "Jahresbericht 2024.pdf" // what the client should see
	checkRoundTrip(t, raw, m, [][]byte{data})
	if !bytes.Contains(raw, []byte("Content-Type: application/pdf")) {
		t.Errorf("media type not guessed from the file name")
	}
}

func TestHeaderOrder(t *testing.T) {
	m := validMessage()
	m.ReturnPath = "bounces@example.com"
	m.Delegate(testIdentity)
	m.SES.ConfigurationSet = "cs"
	m.ReplyTo = []mail.Address{{Address: "reply@example.com"}}
	m.Cc = []mail.Address{{Address: "cc@example.org"}}
	m.Bcc = []mail.Address{{Address: "bcc@example.org"}}
	m.Headers = []builder.Header{{Name: "List-Unsubscribe", Value: "<mailto:unsubscribe@example.com>"}, {Name: "X-Campaign", Value: "spring"}}
	b := testBuilder(1)
	b.Signer = testSigner(t)
	raw, err := b.Bytes(m)
	if err != nil {
		t.Fatal(err)
	}
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	got := fieldNames(raw[:end+2])
	want := []string{
		"X-SES-SOURCE-ARN", "X-SES-FROM-ARN", "X-SES-RETURN-PATH-ARN", "X-SES-CONFIGURATION-SET",
		"DKIM-Signature", "Return-Path", "From", "Reply-To", "To", "Cc", "Subject", "Date", "Message-ID", "MIME-Version",
		"List-Unsubscribe", "X-Campaign", "Content-Type",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("header order (-want +got):\n%s", diff)
	}
}

func TestDelegate(t *testing.T) {
	var m builder.Message
	m.Delegate(testIdentity)
	if m.SES.SourceARN != testIdentity || m.SES.FromARN != testIdentity || !m.SES.ReturnPathARN.IsZero() {
		t.Errorf("without ReturnPath: %+v", m.SES)
	}
	m.ReturnPath = "b@example.com"
	m.Delegate(testIdentity)
	if m.SES.ReturnPathARN != testIdentity {
		t.Errorf("with ReturnPath: %+v", m.SES)
	}
}

func TestNoBody(t *testing.T) {
	m := validMessage()
	m.Text, m.HTML = "", ""
	raw, err := testBuilder(1).Bytes(m)
	if err != nil {
		t.Fatal(err)
	}
	checkInvariants(t, raw, m)
	if !bytes.Contains(raw, []byte("Content-Type: text/plain; charset=utf-8\r\n")) {
		t.Errorf("a message without a body is not an empty text/plain part:\n%s", raw)
	}
	checkRoundTrip(t, raw, m, nil)
}

// A reader that yields a different count than its declared Size is an error.
func TestSizeMismatch(t *testing.T) {
	m := validMessage()
	for _, signed := range []bool{false, true} {
		for _, size := range []int64{3, 100} {
			b := testBuilder(1)
			if signed {
				b.Signer = testSigner(t)
			}
			m.Attachments = []builder.Attachment{{Filename: "a.pdf", Reader: strings.NewReader("short"), Size: size}}
			raw, err := b.Bytes(m)
			var fe *builder.FieldError
			if !errors.Is(err, multipart.ErrSizeMismatch) || !errors.Is(err, builder.ErrInvalidAttachment) ||
				!errors.As(err, &fe) || fe.Field != "Attachments" || raw != nil {
				t.Errorf("signed %v, Size %d: Bytes %d bytes, %v; want a FieldError on Attachments wrapping ErrInvalidAttachment and multipart.ErrSizeMismatch", signed, size, len(raw), err)
			}
			m.Attachments[0].Reader = strings.NewReader("short")
			if _, err := b.WriteTo(io.Discard, m); !errors.Is(err, builder.ErrInvalidAttachment) || !errors.Is(err, multipart.ErrSizeMismatch) {
				t.Errorf("signed %v, Size %d: WriteTo: %v", signed, size, err)
			}
		}
	}
}

type failWriter struct{ after int }

var errWrite = errors.New("write failed")

func (w *failWriter) Write(p []byte) (int, error) {
	if len(p) > w.after {
		n := w.after
		w.after = 0
		return n, errWrite
	}
	w.after -= len(p)
	return len(p), nil
}

func TestWriteError(t *testing.T) {
	for _, signed := range []bool{false, true} {
		b := testBuilder(1)
		if signed {
			b.Signer = testSigner(t)
		}
		m := validMessage()
		m.Attachments = []builder.Attachment{{Filename: "a.pdf", Data: pseudoBytes(9000, 1)}}
		if _, err := b.WriteTo(&failWriter{after: 1000}, m); !errors.Is(err, errWrite) {
			t.Errorf("signed=%v: %v, want the writer's error", signed, err)
		}
	}
}

func TestMessageWriterTo(t *testing.T) {
	m := validMessage()
	var wt io.WriterTo = testBuilder(1).MessageWriterTo(m)
	var buf bytes.Buffer
	n, err := wt.WriteTo(&buf)
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("%d, %v", n, err)
	}
	want, _ := testBuilder(1).Bytes(validMessage())
	if !bytes.Equal(want, buf.Bytes()) {
		t.Errorf("MessageWriterTo differs from Bytes")
	}
}

// The signature excludes the X-SES fields and survives their removal; the message passes
// xheaders.Read with one instance of each.
func TestSESReadBack(t *testing.T) {
	c := goldenCases()
	var mk func() (*builder.Message, [][]byte)
	for _, gc := range c {
		if gc.name == "x-ses-all" {
			mk = gc.msg
		}
	}
	m, _ := mk()
	raw, err := testBuilder(1).Bytes(m)
	if err != nil {
		t.Fatal(err)
	}
	eff, err := xheaders.Read(raw)
	if err != nil {
		t.Fatal(err)
	}
	h, err := eff.Headers()
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(m.SES, h); diff != "" {
		t.Errorf("SES reads back (-want +got):\n%s", diff)
	}
	for _, name := range []string{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN, xheaders.ConfigurationSet, xheaders.MessageTags, xheaders.ListManagement, xheaders.Tenant} {
		if eff.Count(name) != 1 {
			t.Errorf("%s appears %d times", name, eff.Count(name))
		}
	}
	// A signer that is asked to sign an X-SES header is refused at NewSigner.
	if _, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "s", Key: testKey, Headers: []string{"X-SES-TENANT"}}); !errors.Is(err, dkim.ErrForbiddenHeader) {
		t.Errorf("NewSigner with an X-SES header: %v", err)
	}
}

// Validate, Size and Envelope do not read attachment readers; the message can be built afterwards.
func TestCheckDoesNotConsumeReaders(t *testing.T) {
	data := pseudoBytes(3000, 8)
	m := validMessage()
	m.Attachments = []builder.Attachment{{Filename: "a.pdf", Reader: bytes.NewReader(data)}}
	b := testBuilder(1)
	if err := b.Validate(m); err != nil {
		t.Fatal(err)
	}
	if _, _, err := b.Size(m); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Envelope(m); err != nil {
		t.Fatal(err)
	}
	raw, err := b.Bytes(m)
	if err != nil {
		t.Fatal(err)
	}
	checkRoundTrip(t, raw, m, [][]byte{data})
}

func TestNilBuilderAndMessage(t *testing.T) {
	var b *builder.Builder
	raw, err := b.Bytes(validMessage())
	if err != nil || len(raw) == 0 {
		t.Errorf("nil *Builder: %v", err)
	}
	if _, err := testBuilder(1).Bytes(nil); !errors.Is(err, builder.ErrNoFrom) {
		t.Errorf("nil message: %v", err)
	}
	var w bytes.Buffer
	if n, err := b.WriteTo(&w, nil); err == nil || n != 0 {
		t.Errorf("nil message WriteTo: %d, %v", n, err)
	}
}
