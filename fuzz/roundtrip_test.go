package fuzz_test

import (
	"bytes"
	"errors"
	"github.com/sesraw/sesraw/sesrules"
	"mime"
	"net/mail"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/preflight"
	"github.com/sesraw/sesraw/xheaders"
)

// customNames are the custom header names FuzzBuildRoundTrip picks from (values are fuzzed). Some
// are singletons SES accepts once, some may repeat.
var customNames = []string{"X-Campaign", "List-Id", "X-Mailer", "Keywords", "X-Priority", "In-Reply-To", "Comments", "X-Custom"}

// rtInput is what FuzzBuildRoundTrip makes a message from.
type rtInput struct {
	subject, name, text, html string
	att1                      []byte
	file1, file2              string
	hvalue                    string
	cfg, tag, arn             string
	flags                     uint16
}

// Flag bits of rtInput.flags.
const (
	fReader1    = 1 << iota // attachment 1 from a Reader instead of Data
	fSize1                  // ... with its Size set
	fInline2                // attachment 2 inline (multipart/related)
	fAllowExt               // Builder.AllowUnsupportedAttachments
	fSign                   // DKIM-sign (Ed25519)
	fTwoHeaders             // the custom header twice
	fReturnPath             // a Return-Path
	fReplyTo                // a Reply-To
	fTenant                 // X-SES-TENANT from the tag input
	fList                   // X-SES-LIST-MANAGEMENT-OPTIONS from the cfg input
	fNoAtt                  // no attachments at all
	fHdrShift               // shifts the custom header name choice
)

// message builds the model (fresh Readers every call).
func (in *rtInput) message() *builder.Message {
	m := &builder.Message{
		From:    mail.Address{Name: in.name, Address: "sender@example.com"},
		To:      []mail.Address{{Name: in.name, Address: "rcpt@example.org"}, {Address: "second@example.org"}},
		Cc:      []mail.Address{{Name: "Copy " + in.name, Address: "cc@example.net"}},
		Bcc:     []mail.Address{{Name: in.name, Address: "hidden@example.net"}},
		Subject: in.subject,
		Text:    in.text,
		HTML:    in.html,
	}
	if in.flags&fReturnPath != 0 {
		m.ReturnPath = "bounces@example.com"
	}
	if in.flags&fReplyTo != 0 {
		m.ReplyTo = []mail.Address{{Name: in.name, Address: "reply@example.com"}}
	}
	hn := customNames[(int(in.flags>>12)+len(in.hvalue))%len(customNames)]
	m.Headers = append(m.Headers, builder.Header{Name: hn, Value: in.hvalue})
	if in.flags&fTwoHeaders != 0 {
		m.Headers = append(m.Headers, builder.Header{Name: hn, Value: in.subject})
	}
	if in.flags&fNoAtt == 0 {
		a1 := builder.Attachment{Filename: in.file1}
		if in.flags&fReader1 != 0 {
			a1.Reader = bytes.NewReader(in.att1)
			if in.flags&fSize1 != 0 {
				a1.Size = int64(len(in.att1))
			}
		} else {
			a1.Data = in.att1
			if a1.Data == nil {
				a1.Data = []byte{}
			}
		}
		a2 := builder.Attachment{Filename: in.file2, Data: []byte(in.text + in.subject)}
		if in.flags&fInline2 != 0 {
			a2.Inline, a2.ContentID = true, "part2.x@example.com"
		}
		m.Attachments = []builder.Attachment{a1, a2}
	}
	if in.cfg != "" {
		if in.flags&fList != 0 {
			m.SES.ListManagement = &xheaders.ListOptions{ContactList: in.cfg, Topic: "news"}
		} else {
			m.SES.ConfigurationSet = in.cfg
		}
	}
	if in.tag != "" {
		if in.flags&fTenant != 0 {
			m.SES.Tenant = in.tag
		} else {
			m.SES.Tags = []xheaders.Tag{{Name: "campaign", Value: in.tag}, {Name: in.tag, Value: "x"}}
		}
	}
	switch {
	case strings.HasPrefix(in.arn, "arn:"):
		// Parsed as a caller would; one that does not parse is not used.
		if a, err := xheaders.ParseARN(in.arn); err == nil {
			m.Delegate(a)
		}
	case in.arn != "":
		// Field by field, unchecked: Validate must refuse it exactly when ParseARN would.
		m.SES.FromARN = xheaders.ARN{Partition: "aws", Region: "us-east-1", Account: "123456789012", Identity: in.arn}
	}
	return m
}

// sesName reports whether s is 1..max characters of [A-Za-z0-9_-] (min 0 when empty is allowed).
func sesName(s string, lo, hi int) bool {
	if len(s) < lo || len(s) > hi {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '_' || c == '-') {
			return false
		}
	}
	return true
}

// valueErr is the error the builder documents for a header value: CR, LF or NUL is
// ErrHeaderInjection, invalid UTF-8 ErrInvalidUTF8.
func valueErr(s string) error {
	if strings.ContainsAny(s, "\r\n\x00") {
		return builder.ErrHeaderInjection
	}
	if !utf8.ValidString(s) {
		return builder.ErrInvalidUTF8
	}
	return nil
}

// refused reports whether the builder's documented rule refuses a file name: the rulebook's
// (sesrules.RefusedExtension, whose table sesrules' tests check against the AWS page).
func refused(name string) bool { return sesrules.RefusedExtension(name) != "" }

// expectedErrors returns the errors the documentation says building in must fail with (any of
// them, since several fields may be bad at once); none means it must succeed.
func (in *rtInput) expectedErrors(m *builder.Message) (want []error) {
	add := func(err error) {
		if err != nil {
			want = append(want, err)
		}
	}
	add(valueErr(in.name))
	add(valueErr(in.subject))
	add(valueErr(in.hvalue))
	if !utf8.ValidString(in.text) || !utf8.ValidString(in.html) {
		add(builder.ErrInvalidUTF8)
	}
	switch m.Headers[0].Name {
	case "X-Campaign", "X-Mailer", "X-Priority", "X-Custom":
	default:
		if len(m.Headers) == 2 {
			add(builder.ErrDuplicateHeader)
		}
	}
	for _, a := range m.Attachments {
		add(valueErr(a.Filename))
		if in.flags&fAllowExt == 0 && refused(a.Filename) {
			add(builder.ErrUnsupportedExtension)
		}
	}
	if len(m.Attachments) > 0 && in.flags&fInline2 != 0 && in.html == "" {
		add(builder.ErrInvalidAttachment)
	}
	if in.cfg != "" && !sesName(in.cfg, 1, 64) {
		if in.flags&fList != 0 {
			add(xheaders.ErrInvalidListManagement)
		} else {
			add(xheaders.ErrInvalidConfigSet)
		}
	}
	if in.tag != "" {
		if in.flags&fTenant != 0 {
			if !sesName(in.tag, 1, 64) {
				add(xheaders.ErrInvalidTenant)
			}
		} else if !sesName(in.tag, 1, 256) || in.tag == "campaign" {
			add(xheaders.ErrInvalidTag)
		}
	}
	if h := &m.SES; h.Validate() == nil {
		// An identity must cover From (FromARN, else SourceARN) and the bounce address, the
		// Return-Path else From (ReturnPathARN, else SourceARN); lint calls the first an error.
		fromARN, rpARN, bounce := h.FromARN, h.ReturnPathARN, m.ReturnPath
		if fromARN.IsZero() {
			fromARN = h.SourceARN
		}
		if rpARN.IsZero() {
			rpARN = h.SourceARN
		}
		if bounce == "" {
			bounce = m.From.Address
		}
		if !fromARN.IsZero() && !fromARN.Covers(m.From.Address) || !rpARN.IsZero() && !rpARN.Covers(bounce) {
			add(builder.ErrNotCovered)
		}
	}
	if in.arn != "" && !strings.HasPrefix(in.arn, "arn:") {
		// Set field by field: Validate must refuse it exactly when ParseARN refuses the same ARN.
		if _, err := xheaders.ParseARN("arn:aws:ses:us-east-1:123456789012:identity/" + in.arn); err != nil {
			add(xheaders.ErrInvalidARN)
		}
	}
	return want
}

// FuzzBuildRoundTrip builds random message models: subject, display names, text, HTML, two
// attachments (random bytes from Data or a Reader of known or unknown size, random file names, one
// possibly inline), custom headers, X-SES values (configuration set or list management, message tags
// or tenant, delegation ARN) from the fuzz input, optionally DKIM-signed.
//
// Invariant: Validate and Bytes agree; a failure is a typed error (*builder.FieldError wrapping a
// builder sentinel, or an xheaders sentinel for Message.SES) that the documented rules predict
// (CR/LF/NUL, invalid UTF-8, refused extension, duplicate singleton, inline without HTML, invalid
// SES value), and every message the rules allow is built. A built message keeps invariants 1-8 of
// DESIGN.md:
//  1. CRLF only, no line over 998 octets, 7-bit header block;
//  2. exactly the header fields and MIME leaves asked for (counted), nothing injected;
//  3. each X-SES field once, canonical, at the very top (above a DKIM-Signature, as the builder
//     documents), with the values given (xheaders.Read);
//  4. when signed, the signature verifies as built and after SES strips X-SES-* (and h= is SES-safe);
//  5. no Bcc field, no Bcc-only address in the header; envelope To+Cc+Bcc deduplicated;
//  6. building twice with the same clock and random source gives the same bytes, and WriteTo
//     writes exactly what Bytes returns, and Size predicts the length when it is known;
//  7. boundaries distinct per level, none a prefix of another, delimiters only where they belong;
//  8. go-message (and the standard library) parse back the same subject, display names, custom
//     header value, text, HTML (in canonical CRLF form), attachment bytes and file names;
//
// and preflight.Check finds no error in it other than those the input asked for.
//
// FuzzBuildRoundTrip checks, on every execution, the predicted errors, invariants 1, 2, 3 and 5 on
// the bytes, and lint; it builds each message once, so that it explores fast. The checks that
// build the message again or parse it with other readers (6, 4, 7 and 8) are
// FuzzBuildRoundTripDeep's, on the same inputs. A string starting with 0xFF stands for a
// repetition (expand); inputs over maxRoundTripInput bytes in total are skipped (see there).
func FuzzBuildRoundTrip(f *testing.F) {
	addRoundTripSeeds(f)
	f.Fuzz(func(t *testing.T, subject, name, text, html string, att1 []byte, file1, file2, hvalue, cfg, tag, arn string, flags uint16) {
		roundTrip(t, false, subject, name, text, html, att1, file1, file2, hvalue, cfg, tag, arn, flags)
	})
}

// FuzzBuildRoundTripDeep is FuzzBuildRoundTrip with every check of every invariant: determinism,
// WriteTo, Size and Envelope (each building the message again), DKIM verification with
// go-msgauth, and the MIME leaves read back by mimewalk and go-message.
func FuzzBuildRoundTripDeep(f *testing.F) {
	addRoundTripSeeds(f)
	f.Fuzz(func(t *testing.T, subject, name, text, html string, att1 []byte, file1, file2, hvalue, cfg, tag, arn string, flags uint16) {
		roundTrip(t, true, subject, name, text, html, att1, file1, file2, hvalue, cfg, tag, arn, flags)
	})
}

// addRoundTripSeeds adds the seeds both round-trip targets share.
func addRoundTripSeeds(f *testing.F) {
	f.Add("Quarterly report", "Ada Lovelace", "Hello,\r\nsee attached.\r\n", "<p>Hello</p>", []byte("%PDF-1.4 fake"), "report.pdf", "logo.png", "campaign-7", "my-config", "spring", "arn:aws:ses:us-east-1:123456789012:identity/example.com", uint16(0))
	f.Add("Grüße aus Köln — “quotes”", "Jürgen Müller", "Zeile 1\nZeile 2\rcr\n", "<b>ä</b>\n", []byte{0, 1, 2, 0xff, '\r', '\n'}, "Übersicht 2024.pdf", "bild.png", "wert ä", "cfg_1", "t1", "arn:aws:ses:eu-west-1:123456789012:identity/user@example.com", uint16(fReader1|fSize1|fInline2|fSign|fReturnPath))
	f.Add("a\r\nBcc: x@evil.example", "n\r\nTo: y@evil.example", "--=_0_\r\n", "", []byte("--=_1_x"), "evil.exe", "a\r\n.pdf", "v\r\nX-SES-FROM-ARN: x", "bad cfg", "bad tag!", "arn:aws:ses:us-east-1:1:identity/x", uint16(fTwoHeaders))
	// Long values through expand: a text line of 1,000 octets, HTML of 512 bytes, a subject of
	// 1,000 bytes and a display name of 600 (folded), a file name of 640 bytes, a header value of
	// 992 octets without a space.
	f.Add("=?utf-8?q?not_encoded?=", "  spaced  name  ", "\xff\x7dx", "\xff\x08<p>y</p>", bytes.Repeat([]byte("binary\x00"), 40), `../../etc/"passwd".txt`, "evil.EXE.", "=?iso-8859-1?q?x?=", "", "", "", uint16(fAllowExt|fReader1|fSign|fReplyTo|fTenant))
	f.Add("\xff\x19word ", "\xff\x05Very long name ", "", "", []byte{}, "a.txt", "", "z", "list_1", "tenant-1", "arn:aws:ses:*:123456789012:identity/example.com", uint16(fList|fTenant|fSign|fInline2))
	f.Add("s", "n", "", "", []byte{}, "\xff\x0aää.txt", "", "\xff\x7cz", "list_1", "tenant-1", "arn:aws:ses:*:123456789012:identity/example.com", uint16(fList|fTenant|fSign|fInline2))
	f.Add("", "", "", "", []byte(nil), "", "", "", "", "", "", uint16(fNoAtt))
	f.Add("\t tab\tsubject ", "\x01ctl\x7f", "trailing spaces   \r\n\r\n\r\n", "\r\n", []byte("=_ boundary prefix"), "a.b.c.d", "noext", "", "a", "b", "arn:aws-cn:ses:cn-north-1:123456789012:identity/example.cn", uint16(fSign|fHdrShift<<1|fReader1))
	f.Add("\xfe\xff", "\xc3", "\xed\xa0\x80", "ok", []byte("x"), "\x80.pdf", "y.pdf", "\xe2\x82", "", "", "", uint16(0))
}

// sameHeaders reports whether two xheaders.Headers hold the same values (cmp.Equal, cheaply).
func sameHeaders(a, b *xheaders.Headers) bool {
	if a.SourceARN != b.SourceARN || a.FromARN != b.FromARN || a.ReturnPathARN != b.ReturnPathARN ||
		a.ConfigurationSet != b.ConfigurationSet || a.Tenant != b.Tenant || !slices.Equal(a.Tags, b.Tags) ||
		(a.ListManagement == nil) != (b.ListManagement == nil) {
		return false
	}
	return a.ListManagement == nil || *a.ListManagement == *b.ListManagement
}

// maxRoundTripInput caps the total length of the round-trip targets' inputs as the fuzzer sees
// them, and maxRoundTripValues the values they expand to (expand); longer inputs are skipped. The
// fuzzer minimizes each new input by trying to remove every substring of each argument, which
// costs about n*n/2 executions for n bytes and runs nothing new meanwhile: with the 2 KiB inputs
// of the previous cap, one minimization kept a 60-s run at 0 execs/s for 55 s (368 executions in
// all). Long values (folding, lines over 998 octets, long file names) come from a short input
// through expand instead, cheap to minimize.
const (
	maxRoundTripInput  = 512
	maxRoundTripValues = 8 << 10
)

// roundTrip is the body of the round-trip targets; deep adds the expensive checks.
func roundTrip(t *testing.T, deep bool, subject, name, text, html string, att1 []byte, file1, file2, hvalue, cfg, tag, arn string, flags uint16) {
	if len(subject)+len(name)+len(text)+len(html)+len(att1)+len(file1)+len(file2)+len(hvalue)+len(cfg)+len(tag)+len(arn) > maxRoundTripInput {
		return
	}
	subject, name, text, html = expand(subject), expand(name), expand(text), expand(html)
	file1, file2, hvalue = expand(file1), expand(file2), expand(hvalue)
	if len(subject)+len(name)+len(text)+len(html)+len(file1)+len(file2)+len(hvalue) > maxRoundTripValues {
		return
	}
	in := &rtInput{subject, name, text, html, att1, file1, file2, hvalue, cfg, tag, arn, flags}
	newB := func() *builder.Builder {
		b := newBuilder(builder.TargetNone, byte(flags>>8))
		b.AllowUnsupportedAttachments = flags&fAllowExt != 0
		if flags&fSign != 0 {
			b.Signer = signer(t, signerKey{0, int(flags>>12) & 1, int(flags>>13) & 1})
		}
		return b
	}
	// One model for the prediction, Validate and Bytes: Validate reads no Reader, and Bytes
	// changes nothing in the model but the one Reader it reads.
	m := in.message()
	want := in.expectedErrors(m)
	verr := newB().Validate(m)
	raw, err := newB().Bytes(m)
	if (err == nil) != (verr == nil) {
		t.Fatalf("Bytes: %v; Validate: %v", err, verr)
	}
	if err != nil {
		if !isTypedBuildError(err) {
			t.Fatalf("untyped error %v (%T)", err, err)
		}
		ok := false
		for _, w := range want {
			ok = ok || errors.Is(err, w)
		}
		if !ok {
			t.Fatalf("error %v is none of the predicted %v", err, want)
		}
		return
	}
	if len(want) > 0 {
		t.Fatalf("built although the documented rules predict %v", want)
	}

	// 1.
	checkLines(t, raw)
	fields, _ := headerBlock(t, raw)

	// 6. Determinism, WriteTo == Bytes, Size (deep: each builds the message again).
	if deep {
		raw2, err := newB().Bytes(in.message())
		if err != nil || !bytes.Equal(raw, raw2) {
			t.Fatalf("second build differs (err %v)", err)
		}
		var buf bytes.Buffer
		n, err := newB().WriteTo(&chunkWriter{&buf, 1 + int(flags&0xff)}, in.message())
		if err != nil || n != int64(buf.Len()) || !bytes.Equal(buf.Bytes(), raw) {
			t.Fatalf("WriteTo: n %d, err %v, equal %v", n, err, bytes.Equal(buf.Bytes(), raw))
		}
		size, known, err := newB().Size(in.message())
		if err != nil {
			t.Fatalf("Size: %v", err)
		}
		if known != (flags&fNoAtt != 0 || flags&fReader1 == 0 || flags&fSize1 != 0 && len(att1) > 0) {
			t.Fatalf("Size known = %v", known)
		}
		if known && size != int64(len(raw)) {
			t.Fatalf("Size %d, built %d bytes", size, len(raw))
		}
	}

	// 2, 3. Exactly the header fields asked for, in the documented order.
	var names []string
	for _, f := range fields {
		names = append(names, f.name)
	}
	var wantNames []string
	var h xheaders.Headers = m.SES
	if !h.SourceARN.IsZero() {
		wantNames = append(wantNames, xheaders.SourceARN)
	}
	if !h.FromARN.IsZero() {
		wantNames = append(wantNames, xheaders.FromARN)
	}
	if !h.ReturnPathARN.IsZero() {
		wantNames = append(wantNames, xheaders.ReturnPathARN)
	}
	if h.ConfigurationSet != "" {
		wantNames = append(wantNames, xheaders.ConfigurationSet)
	}
	if len(h.Tags) > 0 {
		wantNames = append(wantNames, xheaders.MessageTags)
	}
	if h.ListManagement != nil {
		wantNames = append(wantNames, xheaders.ListManagement)
	}
	if h.Tenant != "" {
		wantNames = append(wantNames, xheaders.Tenant)
	}
	if flags&fSign != 0 {
		// Below the X-SES block, so that it is the first field once SES strips that block.
		wantNames = append(wantNames, "DKIM-Signature")
	}
	if m.ReturnPath != "" {
		wantNames = append(wantNames, "Return-Path")
	}
	wantNames = append(wantNames, "From")
	if len(m.ReplyTo) > 0 {
		wantNames = append(wantNames, "Reply-To")
	}
	wantNames = append(wantNames, "To", "Cc")
	if subject != "" {
		wantNames = append(wantNames, "Subject")
	}
	wantNames = append(wantNames, "Date", "Message-ID", "MIME-Version")
	for _, ch := range m.Headers {
		wantNames = append(wantNames, ch.Name)
	}
	wantNames = append(wantNames, "Content-Type")
	if len(names) == len(wantNames)+1 && names[len(names)-1] == "Content-Transfer-Encoding" {
		wantNames = append(wantNames, "Content-Transfer-Encoding")
	}
	if !slices.Equal(wantNames, names) { // cmp.Diff only to report: it costs more than building
		diff := cmp.Diff(wantNames, names)
		t.Fatalf("header fields (-want +got):\n%s", diff)
	}
	eff, err := xheaders.Read(raw)
	if err != nil {
		t.Fatalf("xheaders.Read: %v", err)
	}
	for _, name := range []string{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN, xheaders.ConfigurationSet, xheaders.MessageTags, xheaders.ListManagement, xheaders.Tenant} {
		if eff.Count(name) > 1 {
			t.Fatalf("%s %d times", name, eff.Count(name))
		}
	}
	got, err := eff.Headers()
	if err != nil {
		t.Fatalf("Effective.Headers: %v", err)
	}
	if !sameHeaders(&h, &got) {
		diff := cmp.Diff(h, got)
		t.Fatalf("X-SES values read back (-want +got):\n%s", diff)
	}

	// 4 (deep: verification by go-msgauth).
	if deep {
		if flags&fSign != 0 {
			verifyAll(t, raw)
		} else if res, err := dkim.Verify(raw, verifyOpts()); !errors.Is(err, dkim.ErrNoSignature) {
			t.Fatalf("unsigned message: Verify = %v, %v", res, err)
		}
	}

	// 5. Bcc.
	for _, f := range fields {
		if strings.Contains(strings.ToLower(f.value), "hidden@example.net") {
			t.Fatalf("the Bcc address appears in %s", f.name)
		}
	}
	if deep {
		env, err := newB().Envelope(in.message())
		if err != nil {
			t.Fatalf("Envelope: %v", err)
		}
		wantEnv := builder.Envelope{From: "sender@example.com", To: []string{"rcpt@example.org", "second@example.org", "cc@example.net", "hidden@example.net"}}
		if m.ReturnPath != "" {
			wantEnv.From = m.ReturnPath
		}
		if diff := cmp.Diff(wantEnv, env); diff != "" {
			t.Fatalf("envelope (-want +got):\n%s", diff)
		}
	}

	// preflight (another package's reading of SES's rules) finds no error in what the builder
	// made (invariant 13), except the one the input asked for: an extension SES refuses,
	// allowed by Builder.AllowUnsupportedAttachments for other transports.
	for _, fd := range preflight.Check(raw, &preflight.Options{Target: preflight.TargetV2}) {
		if fd.Severity < preflight.Error {
			continue
		}
		if fd.Rule != preflight.RuleAttachmentExtension || flags&fAllowExt == 0 {
			t.Fatalf("preflight finds an error in the built message: %v", fd)
		}
	}

	if !deep {
		return
	}

	// 7 and the leaves, counted, with the one MIME walker (mimewalk).
	leaves := walkMIME(t, raw)
	type wantLeaf struct {
		mediaType, filename string
		data                []byte
		attachment, reader  bool
	}
	var wl []wantLeaf
	if text != "" || html == "" {
		wl = append(wl, wantLeaf{"text/plain", "", canonText([]byte(text)), false, false})
	}
	if html != "" {
		wl = append(wl, wantLeaf{"text/html", "", canonText([]byte(html)), false, false})
	}
	if flags&fInline2 != 0 && len(m.Attachments) > 0 {
		wl = append(wl, wantLeaf{"", file2, []byte(text + subject), false, false})
	}
	if len(m.Attachments) > 0 {
		wl = append(wl, wantLeaf{"", file1, att1, true, flags&fReader1 != 0})
		if flags&fInline2 == 0 {
			wl = append(wl, wantLeaf{"", file2, []byte(text + subject), true, false})
		}
	}
	if len(leaves) != len(wl) {
		t.Fatalf("%d MIME leaves, want %d", len(leaves), len(wl))
	}
	for i, w := range wl {
		lf := leaves[i]
		mt, _, err := mime.ParseMediaType(lf.header.Get("Content-Type"))
		if err != nil {
			t.Fatalf("leaf %d: %v", i, err)
		}
		if w.mediaType != "" && mt != w.mediaType {
			t.Fatalf("leaf %d is %s, want %s", i, mt, w.mediaType)
		}
		data := w.data
		if w.mediaType == "" && strings.HasPrefix(mt, "text/") && !w.reader {
			// In-memory text/* attachments are put in canonical CRLF form (multipart docs);
			// Reader bodies are written byte for byte.
			data = canonText(data)
		}
		if len(wl) == 1 && len(data) > 0 && !bytes.HasSuffix(data, []byte("\r\n")) &&
			!strings.EqualFold(lf.header.Get("Content-Transfer-Encoding"), "base64") {
			// A lone leaf is the whole message body, which ends in CRLF (invariant 1): multipart
			// documents that it then adds a final line break to 7bit/8bit/QP content.
			data = append(bytes.Clone(data), '\r', '\n')
		}
		if !bytes.Equal(lf.body, data) {
			t.Fatalf("leaf %d (%s) body differs:\n got %q\nwant %q", i, mt, clip(lf.body, 200), clip(data, 200))
		}
		if w.mediaType == "" {
			_, dp, err := mime.ParseMediaType(lf.header.Get("Content-Disposition"))
			if err != nil {
				t.Fatalf("leaf %d Content-Disposition %q: %v", i, lf.header.Get("Content-Disposition"), err)
			}
			if dp["filename"] != w.filename {
				t.Fatalf("leaf %d file name %q, want %q", i, dp["filename"], w.filename)
			}
		}
	}

	// 8. go-message sees the same.
	gh, parts := readGoMessage(t, raw)
	if len(parts) != len(wl) {
		t.Fatalf("go-message reads %d parts, want %d", len(parts), len(wl))
	}
	for i, p := range parts {
		if !bytes.Equal(p.data, leaves[i].body) {
			t.Fatalf("go-message part %d body differs from mimewalk's", i)
		}
		if p.attachment != wl[i].attachment {
			t.Fatalf("go-message part %d attachment = %v", i, p.attachment)
		}
		if p.attachment && p.filename != wl[i].filename && !strings.Contains(wl[i].filename, "=?") {
			// go-message also decodes encoded words inside an RFC 2231 name (a reader quirk).
			t.Fatalf("go-message part %d file name %q, want %q", i, p.filename, wl[i].filename)
		}
	}
	for _, f := range fields {
		switch f.name {
		case "Subject":
			if got := unfoldDecode(t, f.value); got != subject {
				t.Fatalf("Subject reads back as %q, want %q", got, subject)
			}
		case m.Headers[0].Name:
			if got := unfoldDecode(t, f.value); got != hvalue && got != subject {
				t.Fatalf("%s reads back as %q, want %q", f.name, got, hvalue)
			}
		}
	}
	if s, err := gh.Subject(); err != nil || strings.Join(strings.Fields(s), " ") != strings.Join(strings.Fields(subject), " ") {
		t.Fatalf("go-message Subject %q (%v), want %q", s, err, subject)
	}
	for _, key := range []string{"From", "To", "Cc", "Reply-To"} {
		list, err := gh.AddressList(key)
		if err != nil {
			t.Fatalf("go-message %s: %v", key, err)
		}
		for _, a := range list {
			want := name
			switch a.Address {
			case "second@example.org":
				want = ""
			case "cc@example.net":
				want = "Copy " + name
			}
			if a.Name != want {
				t.Fatalf("%s %s: display name %q, want %q", key, a.Address, a.Name, want)
			}
		}
	}
}
