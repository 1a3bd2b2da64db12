package builder_test

import (
	"bytes"
	"crypto/ed25519"
	"errors"
	"io"
	"math/rand/v2"
	"mime"
	"mime/multipart"
	"net/mail"
	"net/textproto"
	"os"
	"strings"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/google/go-cmp/cmp"
	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/internal/punycode"
	"github.com/sesraw/sesraw/xheaders"
)

// fixedNow is the clock of every deterministic test.
var fixedNow = time.Date(2025, 3, 14, 15, 9, 26, 0, time.FixedZone("", 3600))

var testIdentity = xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com")

// seededRand returns a deterministic random source (not safe for concurrent use).
func seededRand(seed byte) io.Reader {
	var s [32]byte
	for i := range s {
		s[i] = seed + byte(i)
	}
	return rand.NewChaCha8(s)
}

// testBuilder returns a Builder with a fixed clock and random source.
func testBuilder(seed byte) *builder.Builder {
	return &builder.Builder{
		Target:   builder.TargetV1,
		Now:      func() time.Time { return fixedNow },
		Rand:     seededRand(seed),
		Hostname: "mail.example.com",
	}
}

// testKey is a fixed Ed25519 key for signed test messages.
var testKey = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x5e}, ed25519.SeedSize))

func testSigner(t testing.TB) *dkim.Signer {
	t.Helper()
	s, err := dkim.NewSigner(dkim.Options{
		Domain:   "example.com",
		Selector: "sesraw",
		Key:      testKey,
		Now:      func() time.Time { return fixedNow },
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testTXT(t testing.TB) map[string]string {
	t.Helper()
	txt, err := dkim.TXTRecord(testKey.Public())
	if err != nil {
		t.Fatal(err)
	}
	return map[string]string{"sesraw._domainkey.example.com": txt}
}

// checkInvariants checks DESIGN.md invariants 1, 3, 5 and 7 on a built message.
func checkInvariants(t *testing.T, raw []byte, m *builder.Message) {
	t.Helper()
	checkHeaderInvariants(t, raw, m)
	checkBoundaries(t, raw)
}

// checkHeaderInvariants checks invariants 1, 3 and 5 on the bytes, without a MIME parser, and
// returns the header block's field names in order.
func checkHeaderInvariants(t *testing.T, raw []byte, m *builder.Message) (names []string) {
	t.Helper()
	// 1. CRLF only, <= 998 octets per line, 7-bit header block.
	for i, rest := 0, raw; len(rest) > 0; i++ {
		n := bytes.IndexByte(rest, '\n') + 1
		if n == 0 {
			n = len(rest)
		}
		line := rest[:n]
		rest = rest[n:]
		if !bytes.HasSuffix(line, []byte("\r\n")) {
			t.Errorf("line %d does not end in CRLF: %q", i+1, clip(line))
			continue
		}
		body := line[:len(line)-2]
		if bytes.IndexByte(body, '\r') >= 0 {
			t.Errorf("line %d has a bare CR: %q", i+1, clip(line))
		}
		if len(body) > 998 {
			t.Errorf("line %d has %d octets (> 998)", i+1, len(body))
		}
	}
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		t.Fatalf("no blank line after the header block")
	}
	header := raw[:end+2]
	for i, c := range header {
		if c >= 0x80 || c == 0 {
			t.Fatalf("header block byte %d is %#x (not 7-bit ASCII)", i, c)
		}
	}

	// 3. Each X-SES header at most once, contiguous at the very top, canonical.
	canonical := map[string]bool{
		xheaders.SourceARN: true, xheaders.FromARN: true, xheaders.ReturnPathARN: true,
		xheaders.ConfigurationSet: true, xheaders.MessageTags: true, xheaders.ListManagement: true,
		xheaders.Tenant: true,
	}
	seen := map[string]bool{}
	names = fieldNames(header)
	topDone := false
	for i, name := range names {
		if strings.HasPrefix(strings.ToUpper(name), "X-SES-") {
			if topDone {
				t.Errorf("%s is not at the top of the header block (field %d)", name, i)
			}
			if !canonical[name] {
				t.Errorf("X-SES field %q is not in canonical spelling", name)
			}
			if seen[name] {
				t.Errorf("%s appears twice", name)
			}
			seen[name] = true
			continue
		}
		topDone = true
	}

	// 5. No Bcc field; no Bcc-only address in the header block.
	shown := map[string]bool{}
	for _, name := range names {
		if strings.EqualFold(name, "Bcc") {
			t.Errorf("the header block has a Bcc field")
		}
	}
	for _, list := range [][]mail.Address{m.To, m.Cc, m.ReplyTo, {m.From}} {
		for _, a := range list {
			shown[strings.ToLower(a.Address)] = true
		}
	}
	for _, a := range m.Bcc {
		if !shown[strings.ToLower(a.Address)] && bytes.Contains(bytes.ToLower(header), []byte(strings.ToLower(a.Address))) {
			t.Errorf("Bcc address %s appears in the header block", a.Address)
		}
	}
	return names
}

// checkBoundaries checks invariant 7 with the standard library's MIME reader: boundaries distinct,
// none a prefix of another, and delimiter lines only where they belong.
func checkBoundaries(t *testing.T, raw []byte) {
	t.Helper()
	var bounds []boundary
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail: %v", err)
	}
	collectBoundaries(t, textproto.MIMEHeader(msg.Header), msg.Body, 0, &bounds)
	for i, b := range bounds {
		for j, c := range bounds {
			if i != j && strings.HasPrefix(c.b, b.b) {
				t.Errorf("boundary %q (level %d) is a prefix of (or equal to) %q (level %d)", b.b, b.level, c.b, c.level)
			}
		}
		n := 0
		for line := range strings.SplitSeq(string(raw), "\r\n") {
			if strings.HasPrefix(line, "--"+b.b) {
				n++
			}
		}
		if n != b.parts+1 {
			t.Errorf("boundary %q: %d delimiter lines, want %d (parts + close)", b.b, n, b.parts+1)
		}
	}
}

type boundary struct {
	b            string
	level, parts int
}

func collectBoundaries(t *testing.T, h textproto.MIMEHeader, body io.Reader, level int, out *[]boundary) {
	t.Helper()
	mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
	if err != nil {
		t.Fatalf("Content-Type %q: %v", h.Get("Content-Type"), err)
	}
	if !strings.HasPrefix(mt, "multipart/") {
		io.Copy(io.Discard, body)
		return
	}
	b := boundary{b: params["boundary"], level: level}
	if b.b == "" {
		t.Fatalf("%s without boundary", mt)
	}
	mr := multipart.NewReader(body, b.b)
	for {
		p, err := mr.NextRawPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("level %d: %v", level, err)
		}
		b.parts++
		collectBoundaries(t, p.Header, p, level+1, out)
	}
	*out = append(*out, b)
}

// fieldNames returns the field names of a header block, in order.
func fieldNames(header []byte) []string {
	var names []string
	for line := range strings.SplitSeq(string(header), "\r\n") {
		if line == "" || line[0] == ' ' || line[0] == '\t' {
			continue
		}
		if i := strings.IndexByte(line, ':'); i > 0 {
			names = append(names, line[:i])
		}
	}
	return names
}

func clip(b []byte) []byte {
	if len(b) > 100 {
		return b[:100]
	}
	return b
}

// seen is what a mail client shows of a message.
type seen struct {
	Subject     string
	From        []string // "Name <addr>"
	ReplyTo     []string
	To          []string
	Cc          []string
	Text        string
	HTML        string
	Attachments []seenPart
}

type seenPart struct {
	Filename  string
	ContentID string
	Inline    bool
	Data      []byte
}

func addrs(list []*gomail.Address) []string {
	var out []string
	for _, a := range list {
		out = append(out, a.Name+" <"+a.Address+">")
	}
	return out
}

// parseSeen parses raw with go-message, as a client would.
func parseSeen(t *testing.T, raw []byte) seen {
	t.Helper()
	s, _ := parseSeenTypes(t, raw)
	return s
}

// parseSeenTypes is parseSeen that also returns the media type of each attachment, in order.
func parseSeenTypes(t *testing.T, raw []byte) (seen, []string) {
	t.Helper()
	mr, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("go-message: %v", err)
	}
	var s seen
	var types []string
	if s.Subject, err = mr.Header.Subject(); err != nil {
		t.Fatalf("go-message Subject: %v", err)
	}
	for _, f := range []struct {
		key string
		dst *[]string
	}{{"From", &s.From}, {"Reply-To", &s.ReplyTo}, {"To", &s.To}, {"Cc", &s.Cc}} {
		list, err := mr.Header.AddressList(f.key)
		if err != nil {
			t.Fatalf("go-message %s: %v", f.key, err)
		}
		*f.dst = addrs(list)
	}
	for {
		p, err := mr.NextPart()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("go-message NextPart: %v", err)
		}
		data, err := io.ReadAll(p.Body)
		if err != nil {
			t.Fatalf("go-message body: %v", err)
		}
		switch h := p.Header.(type) {
		case *gomail.InlineHeader:
			ct, _, _ := h.ContentType()
			cid := strings.Trim(h.Get("Content-Id"), "<>")
			_, dparams, _ := h.ContentDisposition()
			switch {
			case cid != "":
				s.Attachments = append(s.Attachments, seenPart{Filename: dparams["filename"], ContentID: cid, Inline: true, Data: data})
				types = append(types, ct)
			case ct == "text/plain":
				s.Text = string(data)
			case ct == "text/html":
				s.HTML = string(data)
			default:
				t.Fatalf("unexpected inline part %s", ct)
			}
		case *gomail.AttachmentHeader:
			name, err := h.Filename()
			if err != nil {
				t.Fatalf("go-message Filename: %v", err)
			}
			ct, _, _ := h.ContentType()
			s.Attachments = append(s.Attachments, seenPart{Filename: name, ContentID: strings.Trim(h.Get("Content-Id"), "<>"), Data: data})
			types = append(types, ct)
		}
	}
	return s, types
}

// parseSeenStdlib reads the top-level header as net/mail does.
func parseSeenStdlib(t *testing.T, raw []byte) (subject string, from, to, cc []string) {
	t.Helper()
	msg, err := mail.ReadMessage(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("net/mail: %v", err)
	}
	var dec mime.WordDecoder
	if subject, err = dec.DecodeHeader(msg.Header.Get("Subject")); err != nil {
		t.Fatalf("net/mail Subject: %v", err)
	}
	get := func(key string) []string {
		list, err := msg.Header.AddressList(key)
		if err != nil && !errors.Is(err, mail.ErrHeaderNotPresent) {
			t.Fatalf("net/mail %s: %v", key, err)
		}
		var out []string
		for _, a := range list {
			out = append(out, a.Name+" <"+a.Address+">")
		}
		return out
	}
	return subject, get("From"), get("To"), get("Cc")
}

// asciiAddr is the address as the builder writes it (domain in punycode).
func asciiAddr(t *testing.T, addr string) string {
	t.Helper()
	at := strings.LastIndexByte(addr, '@')
	d, err := punycode.ToASCII(addr[at+1:])
	if err != nil {
		t.Fatal(err)
	}
	return addr[:at+1] + d
}

// want returns what a client should see of m.
func want(t *testing.T, m *builder.Message, attData [][]byte) seen {
	t.Helper()
	list := func(l []mail.Address) []string {
		var out []string
		for _, a := range l {
			out = append(out, a.Name+" <"+asciiAddr(t, a.Address)+">")
		}
		return out
	}
	s := seen{
		Subject: m.Subject,
		From:    list([]mail.Address{m.From}),
		ReplyTo: list(m.ReplyTo),
		To:      list(m.To),
		Cc:      list(m.Cc),
		Text:    m.Text,
		HTML:    m.HTML,
	}
	for i, a := range m.Attachments {
		s.Attachments = append(s.Attachments, seenPart{Filename: a.Filename, ContentID: a.ContentID, Inline: a.Inline, Data: attData[i]})
	}
	return s
}

// normalizeNL turns CRLF into LF in the bodies (a client sees text lines, not line-end bytes).
func normalizeNL(s seen) seen {
	s.Text = strings.ReplaceAll(s.Text, "\r\n", "\n")
	s.HTML = strings.ReplaceAll(s.HTML, "\r\n", "\n")
	return s
}

// checkRoundTrip parses raw with go-message and net/mail and compares with what went in.
func checkRoundTrip(t *testing.T, raw []byte, m *builder.Message, attData [][]byte) {
	t.Helper()
	got := normalizeNL(parseSeen(t, raw))
	w := normalizeNL(want(t, m, attData))
	// Inline parts come after the body, attachments after that: order both lists the same way.
	sortParts := func(ps []seenPart) []seenPart {
		var in, out []seenPart
		for _, p := range ps {
			if p.Inline {
				in = append(in, p)
			} else {
				out = append(out, p)
			}
		}
		return append(in, out...)
	}
	w.Attachments = sortParts(w.Attachments)
	if diff := cmp.Diff(w, got); diff != "" {
		t.Errorf("go-message sees a different message (-want +got):\n%s", diff)
	}
	subj, from, to, cc := parseSeenStdlib(t, raw)
	if diff := cmp.Diff([]any{w.Subject, w.From, w.To, w.Cc}, []any{subj, from, to, cc}); diff != "" {
		t.Errorf("net/mail sees a different header (-want +got):\n%s", diff)
	}
}

// inCI reports whether a missing external component must fail the test rather than skip it.
func inCI() bool { return os.Getenv("CI") == "true" }
