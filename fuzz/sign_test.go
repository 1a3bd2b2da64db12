package fuzz_test

import (
	"bytes"
	"errors"
	"io"
	"net/mail"
	"testing"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

// Mode bits of FuzzSignStripVerify.
const (
	sRSA       = 1 << iota // RSA-2048 instead of Ed25519
	sSimpleHdr             // simple header canonicalization
	sSimpleBdy             // simple body canonicalization
	sReader                // the attachment comes from a Reader (the builder's buffered signing path)
	sList                  // X-SES-LIST-MANAGEMENT-OPTIONS and List-Unsubscribe (left out of h=)
	sNoSES                 // no X-SES headers at all
)

// sigField returns the DKIM-Signature field of raw's header block (with its folds and final
// CRLF) and raw without it.
func sigField(t *testing.T, raw []byte) (field, rest []byte) {
	t.Helper()
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	off := 0
	for off < end {
		next := bytes.Index(raw[off:], []byte("\r\n")) + off + 2
		for next < end+2 && (raw[next] == ' ' || raw[next] == '\t') {
			next = bytes.Index(raw[next:], []byte("\r\n")) + next + 2
		}
		if bytes.HasPrefix(bytes.ToLower(raw[off:]), []byte("dkim-signature:")) {
			if field != nil {
				t.Fatalf("two DKIM-Signature fields")
			}
			field = raw[off:next]
			rest = append(append([]byte{}, raw[:off]...), raw[next:]...)
		}
		off = next
	}
	if field == nil {
		t.Fatalf("no DKIM-Signature field")
	}
	return field, rest
}

// FuzzSignStripVerify signs built messages with fixed Ed25519 and RSA-2048 keys, relaxed or simple
// canonicalization, in three ways: dkim.Signer.Sign over the whole message; streaming, the body
// written into Signer.NewBodyHasher through a writer that splits it into chunks of the fuzzed size
// and the header signed with AppendSignature; and the Builder with a Signer, through WriteTo into a
// writer splitting at the fuzzed size, and Bytes.
//
// Invariant: any bytes hash to the same bh in chunks of the fuzzed size as in one Write; the three
// ways give the same DKIM-Signature field byte for byte (chunking never changes the
// body hash; the builder places the field below the X-SES block and the message is otherwise the
// unsigned build), and every signed message verifies with dkim.Verify (go-msgauth) as built, after
// dkim.VerifyAfterSESStrip, and after xheaders.Remove (SES's strip) followed by Verify, with an h=
// that names no X-SES-*, Message-ID, Date or Return-Path field; changing one body character makes
// verification fail with ErrBodyHashMismatch. The one refusal allowed is documented: with simple
// header canonicalization, Sign refuses a field folded over more than dkim.MaxSimpleFoldLines
// lines (which Verify would refuse), and only when the message has such a field.
//
// A string starting with 0xFF stands for a repetition (expand); inputs over maxSignInput bytes in
// total are skipped (see there). Each execution signs once per
// key: the keys remember their last signature (lastSignature), so the four ways cost one
// private-key operation and still compare whole fields. The stripped message is the same bytes for
// both signed forms (the field on top, or below the X-SES block), so it is verified once.
func FuzzSignStripVerify(f *testing.F) {
	f.Add("Invoice 42", "Hello,\r\nthe invoice is attached.\r\n", "spring-sale", []byte("%PDF-1.4\n"), "cfg-1", uint16(76), uint8(0))
	f.Add("Grüße", "Zeile  mit   Leerzeichen \t\r\n\r\n\r\n", "wert ä", []byte{0, 0xff, '\r', '\n', ' '}, "cfg_2", uint16(1), uint8(sRSA|sReader))
	f.Add("", "", "", []byte(nil), "", uint16(0), uint8(sSimpleHdr|sSimpleBdy|sNoSES))
	// Long values through expand: a subject of 832 bytes, a header value of 904, a body of 40 lines.
	f.Add("\xff\x08long subject ", "", "\xff\x71v", []byte(nil), "list", uint16(4095), uint8(sRSA|sSimpleBdy|sList))
	f.Add("long body", "\xff\x05line with trailing space \r\n", "w", bytes.Repeat([]byte{0xaa}, 400), "list", uint16(4095), uint8(sRSA|sSimpleBdy|sList))
	f.Add("dots", ".\r\n..\r\nFrom me\r\n", "x", []byte("\r\n\r\n"), "c", uint16(3), uint8(sSimpleHdr|sReader|sList))
	f.Add("no final newline", "abc", "y", []byte("z"), "d", uint16(2), uint8(sSimpleBdy))
	f.Fuzz(signStripVerify)
}

// maxSignInput caps the total length of FuzzSignStripVerify's inputs as the fuzzer sees them, and
// maxSignValues the values they expand to (expand); longer inputs are skipped. Signing and
// verification are the same code at any length past a few lines, and the fuzzer minimizes each
// new input by trying to remove every substring of each argument (about n*n/2 executions for n
// bytes, nothing new run meanwhile: 898 executions in a 60-s run before this cap). Long values
// come from a short input through expand instead, cheap to minimize.
const (
	maxSignInput  = 512
	maxSignValues = 8 << 10
)

// signIdentity is the identity FuzzSignStripVerify's messages are sent through.
var signIdentity = xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com")

// signStripVerify is the body of FuzzSignStripVerify.
func signStripVerify(t *testing.T, subject, text, hvalue string, att []byte, cfg string, chunk uint16, mode uint8) {
	if len(subject)+len(text)+len(hvalue)+len(att)+len(cfg) > maxSignInput {
		return
	}
	subject, text, hvalue = expand(subject), expand(text), expand(hvalue)
	if len(subject)+len(text)+len(hvalue) > maxSignValues {
		return
	}
	size := 1 + int(chunk)%8192
	msg := func() *builder.Message {
		m := &builder.Message{
			From:    mail.Address{Name: "Shop", Address: "shop@example.com"},
			To:      []mail.Address{{Name: "Customer", Address: "customer@example.org"}},
			Subject: subject,
			Text:    text,
			Headers: []builder.Header{{Name: "X-Campaign", Value: hvalue}},
		}
		if len(att) > 0 {
			a := builder.Attachment{Filename: "data.bin", Data: att}
			if mode&sReader != 0 {
				a.Data, a.Reader = nil, bytes.NewReader(att)
			}
			m.Attachments = []builder.Attachment{a}
		}
		if mode&sNoSES == 0 {
			m.Delegate(signIdentity)
			m.SES.ConfigurationSet = cfg
			m.SES.Tags = []xheaders.Tag{{Name: "campaign", Value: "x"}}
			if mode&sList != 0 {
				m.SES.ListManagement = &xheaders.ListOptions{ContactList: "customers"}
				m.Headers = append(m.Headers, builder.Header{Name: "List-Unsubscribe", Value: "<https://example.com/u>"})
			}
		}
		return m
	}
	unsigned, err := newBuilder(builder.TargetNone, 7).Bytes(msg())
	if err != nil {
		if !isTypedBuildError(err) {
			t.Fatalf("untyped build error: %v", err)
		}
		return
	}
	s := signer(t, signerKey{int(mode & sRSA), int(mode>>1) & 1, int(mode>>2) & 1})

	// 0. Any bytes (the raw text and attachment, bare CR and LF included) hash the same in
	// chunks of the fuzzed size as in one Write.
	for _, body := range [][]byte{[]byte(text), att, append([]byte(text+"\r\n"), att...)} {
		whole := s.NewBodyHasher()
		whole.Write(body)
		chunked := s.NewBodyHasher()
		(&chunkWriter{chunked, size}).Write(body)
		if !bytes.Equal(whole.Sum(), chunked.Sum()) {
			t.Fatalf("body hash of %q differs in chunks of %d", clip(body, 200), size)
		}
	}

	// 1. The whole message at once.
	signed1, err := s.Sign(nil, unsigned)
	if le := (*dkim.LimitError)(nil); errors.As(err, &le) && le.Limit == dkim.MaxSimpleFoldLines {
		// The one documented refusal of a built message: with simple header canonicalization, a
		// field folded over more than MaxSimpleFoldLines lines (Verify refuses it). It must be
		// true of the message.
		if maxFolds(unsigned) <= dkim.MaxSimpleFoldLines {
			t.Fatalf("Sign: %v, but no field has more than %d continuation lines", err, dkim.MaxSimpleFoldLines)
		}
		return
	}
	if err != nil {
		t.Fatalf("Sign: %v", err)
	}
	sig1, rest1 := sigField(t, signed1)
	if !bytes.Equal(rest1, unsigned) || !bytes.HasPrefix(signed1, sig1) {
		t.Fatalf("Sign changed the message or did not put the field on top")
	}

	// 2. Streaming: body hashed in chunks of the fuzzed size, header signed separately.
	end := bytes.Index(unsigned, []byte("\r\n\r\n"))
	h := s.NewBodyHasher()
	if n, err := io.Copy(&chunkWriter{h, size}, bytes.NewReader(unsigned[end+4:])); err != nil || n != int64(len(unsigned)-end-4) {
		t.Fatalf("hashing the body: %d, %v", n, err)
	}
	sig2, err := s.AppendSignature(nil, unsigned[:end+2], h.Sum())
	if err != nil {
		t.Fatalf("AppendSignature: %v", err)
	}
	if !bytes.Equal(sig2, sig1) {
		t.Fatalf("streamed signature (chunk %d) differs from Sign's:\n%s\n%s", size, sig2, sig1)
	}

	// 3. The Builder with the Signer, written in chunks and as bytes.
	b := newBuilder(builder.TargetNone, 7)
	b.Signer = s
	var buf bytes.Buffer
	n, err := b.WriteTo(&chunkWriter{&buf, size}, msg())
	if err != nil || n != int64(buf.Len()) {
		t.Fatalf("WriteTo: %d, %v (wrote %d)", n, err, buf.Len())
	}
	b = newBuilder(builder.TargetNone, 7)
	b.Signer = s
	signed4, err := b.Bytes(msg())
	if err != nil {
		t.Fatalf("Bytes: %v", err)
	}
	if !bytes.Equal(buf.Bytes(), signed4) {
		t.Fatalf("signed WriteTo and Bytes differ")
	}
	sig3, rest3 := sigField(t, signed4)
	if !bytes.Equal(sig3, sig1) {
		t.Fatalf("the builder's signature differs from Sign's:\n%s\n%s", sig3, sig1)
	}
	if !bytes.Equal(rest3, unsigned) {
		t.Fatalf("the signed build is not the unsigned build plus the signature")
	}

	// Verification as built, after the strip, and tampered. After SES's strip both signed
	// forms are the same bytes (the DKIM-Signature on top, then the unsigned build without
	// X-SES), which verifyAll then verifies once.
	checkLines(t, signed1)
	checkLines(t, signed4)
	stripped := verifyAll(t, signed1, signed4)
	body := bytes.Index(stripped, []byte("\r\n\r\n")) + 4
	for i := body; i < len(stripped); i++ {
		c := stripped[i]
		var d byte
		switch {
		case 'a' <= c && c <= 'z':
			d = c - 'a' + 'A'
		case 'A' <= c && c <= 'Z':
			d = c - 'A' + 'a'
		case '0' <= c && c <= '8':
			d = c + 1
		default:
			continue
		}
		tampered := bytes.Clone(stripped)
		tampered[i] = d
		res, err := dkim.Verify(tampered, verifyOpts())
		if err != nil || len(res) != 1 || !errors.Is(res[0].Err, dkim.ErrVerifyFailed) || !errors.Is(res[0].Err, dkim.ErrBodyHashMismatch) {
			t.Fatalf("body byte %d changed from %q to %q: Verify = %+v, %v", i-body, c, d, res, err)
		}
		break
	}
}

// maxFolds returns the largest number of continuation lines of one field in raw's header block.
func maxFolds(raw []byte) int {
	most, run := 0, 0
	for _, line := range bytes.Split(raw[:bytes.Index(raw, []byte("\r\n\r\n"))+2], []byte("\r\n")) {
		if len(line) > 0 && (line[0] == ' ' || line[0] == '\t') {
			run++
			most = max(most, run)
		} else {
			run = 0
		}
	}
	return most
}
