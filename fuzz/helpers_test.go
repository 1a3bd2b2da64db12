package fuzz_test

import (
	"bytes"
	"crypto"
	"crypto/ed25519"
	"errors"
	"io"
	"math/rand/v2"
	"mime"
	"net/textproto"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	gomail "github.com/emersion/go-message/mail"
	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/mimewalk"
	"github.com/sesraw/sesraw/rawheader"
	"github.com/sesraw/sesraw/xheaders"
)

// fixedNow is the clock of every deterministic build.
var fixedNow = time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC)

// seededRand returns a deterministic random source (not safe for concurrent use).
func seededRand(seed byte) io.Reader {
	var s [32]byte
	for i := range s {
		s[i] = seed ^ byte(i*7)
	}
	return rand.NewChaCha8(s)
}

// expand returns s, or, when s starts with the byte 0xFF, s[2:] repeated 8*s[1] times. No valid
// UTF-8 string starts with 0xFF (the builder refuses such values, and a value with invalid UTF-8
// further on still reaches that check), so this takes nothing from the targets' reach; it lets a
// short input, cheap for the fuzzer to minimize, stand for a value of up to thousands of bytes.
func expand(s string) string {
	if len(s) >= 2 && s[0] == 0xff {
		return strings.Repeat(s[2:], 8*int(s[1]))
	}
	return s
}

// newBuilder returns a Builder with a fixed clock and random source.
func newBuilder(target builder.Target, seed byte) *builder.Builder {
	return &builder.Builder{
		Target:   target,
		Now:      func() time.Time { return fixedNow },
		Rand:     seededRand(seed),
		Hostname: "mail.example.com",
	}
}

// builderSentinels are the sentinel errors of package builder; every validation error wraps one.
var builderSentinels = []error{
	builder.ErrNoFrom, builder.ErrNoRecipients, builder.ErrTooManyRecipients, builder.ErrInvalidAddress,
	builder.ErrHeaderInjection, builder.ErrInvalidHeaderName, builder.ErrDuplicateHeader,
	builder.ErrReservedHeader, builder.ErrUnsupportedExtension, builder.ErrTooLarge,
	builder.ErrInvalidAttachment, builder.ErrInvalidUTF8, builder.ErrInvalidMessageID,
	builder.ErrInvalidDate, builder.ErrInvalidTarget, builder.ErrNonASCIIAddress, builder.ErrNotCovered,
	builder.ErrSESValueTooLong,
}

// xheadersSentinels are the validation sentinels of package xheaders (wrapped by the builder for
// invalid Message.SES values, inside a *builder.FieldError).
var xheadersSentinels = []error{
	xheaders.ErrInvalidARN, xheaders.ErrInvalidConfigSet, xheaders.ErrInvalidTag,
	xheaders.ErrInvalidListManagement, xheaders.ErrInvalidTenant,
}

// builderSentinel returns the builder sentinel err wraps, or nil.
func builderSentinel(err error) error {
	for _, s := range builderSentinels {
		if errors.Is(err, s) {
			return s
		}
	}
	return nil
}

// isTypedBuildError reports whether err is what the builder documents for bad input: a
// *builder.FieldError or *builder.SizeError wrapping a builder sentinel, or (Message.SES) a
// *builder.FieldError wrapping an xheaders sentinel.
func isTypedBuildError(err error) bool {
	var fe *builder.FieldError
	var se *builder.SizeError
	if !errors.As(err, &fe) && !errors.As(err, &se) {
		return false
	}
	if builderSentinel(err) != nil {
		return true
	}
	if fe != nil && fe.Field == "SES" {
		for _, s := range xheadersSentinels {
			if errors.Is(err, s) {
				return true
			}
		}
	}
	return false
}

// Keys: a fixed Ed25519 key and a fixed RSA-2048 key (testdata/rsa2048.pem, test use only).
var (
	edKey  = ed25519.NewKeyFromSeed(bytes.Repeat([]byte{0x42}, ed25519.SeedSize))
	rsaKey = sync.OnceValue(func() crypto.Signer {
		pemBytes, err := os.ReadFile("testdata/rsa2048.pem")
		if err != nil {
			panic(err)
		}
		k, err := dkim.ParsePrivateKey(pemBytes)
		if err != nil {
			panic(err)
		}
		return k
	})
)

const (
	dkimDomain = "example.com"
	edSelector = "ed"
	rsSelector = "rs"
)

// signerKey indexes the cached signers: key (0 ed25519, 1 rsa), header and body canonicalization
// (0 relaxed, 1 simple).
type signerKey struct{ key, hc, bc int }

var (
	signersOnce sync.Once
	signers     map[signerKey]*dkim.Signer
)

// lastSignature is a crypto.Signer that remembers the last signature it made: asked to sign the
// same digest with the same options again, it returns a copy instead of signing again. Both key
// types are deterministic (RSA PKCS #1 v1.5 and Ed25519), so the result is what the key would
// compute; a different digest (a signature that should match but does not) is signed afresh. The
// fuzz targets sign one header up to four ways per execution (Sign, AppendSignature, the
// builder's WriteTo and Bytes) and compare the fields byte for byte; an RSA-2048 private-key
// operation made those executions cost milliseconds.
type lastSignature struct {
	crypto.Signer
	mu     sync.Mutex
	digest []byte
	hash   crypto.Hash
	sig    []byte
}

func (l *lastSignature) Sign(rand io.Reader, digest []byte, opts crypto.SignerOpts) ([]byte, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.sig != nil && l.hash == opts.HashFunc() && bytes.Equal(l.digest, digest) {
		return bytes.Clone(l.sig), nil
	}
	sig, err := l.Signer.Sign(rand, digest, opts)
	if err != nil {
		return nil, err
	}
	l.digest, l.hash, l.sig = bytes.Clone(digest), opts.HashFunc(), bytes.Clone(sig)
	return sig, nil
}

// signer returns a Signer of the fixed keys with a fixed clock, signing X-Campaign as an extra
// header. Each signer's key remembers its last signature (lastSignature).
func signer(t testing.TB, k signerKey) *dkim.Signer {
	t.Helper()
	signersOnce.Do(func() {
		signers = map[signerKey]*dkim.Signer{}
		canon := [2]dkim.Canonicalization{dkim.Relaxed, dkim.Simple}
		for key := range 2 {
			for hc := range 2 {
				for bc := range 2 {
					o := dkim.Options{
						Domain:                 dkimDomain,
						Selector:               edSelector,
						Key:                    &lastSignature{Signer: edKey},
						HeaderCanonicalization: canon[hc],
						BodyCanonicalization:   canon[bc],
						Headers:                []string{"X-Campaign"},
						Now:                    func() time.Time { return fixedNow },
					}
					if key == 1 {
						o.Selector, o.Key = rsSelector, &lastSignature{Signer: rsaKey()}
					}
					s, err := dkim.NewSigner(o)
					if err != nil {
						panic(err)
					}
					signers[signerKey{key, hc, bc}] = s
				}
			}
		}
	})
	return signers[k]
}

// verifyOpts resolves the two test selectors without DNS.
var verifyOpts = sync.OnceValue(func() *dkim.VerifyOptions {
	txt := map[string]string{}
	for sel, pub := range map[string]crypto.PublicKey{edSelector: edKey.Public(), rsSelector: rsaKey().Public()} {
		rec, err := dkim.TXTRecord(pub)
		if err != nil {
			panic(err)
		}
		txt[sel+"._domainkey."+dkimDomain] = rec
	}
	return &dkim.VerifyOptions{LookupTXT: func(name string) ([]string, error) {
		if r, ok := txt[name]; ok {
			return []string{r}, nil
		}
		return nil, errors.New("no such TXT record: " + name)
	}}
})

// verifyAll checks that each of raws carries exactly one DKIM signature and that it verifies as
// built, after dkim.VerifyAfterSESStrip, and after xheaders.Remove followed by dkim.Verify (once
// per distinct stripped message). It returns the last message stripped.
func verifyAll(t *testing.T, raws ...[]byte) (stripped []byte) {
	t.Helper()
	for _, raw := range raws {
		check := func(what string, res []dkim.Result, err error) {
			t.Helper()
			if err != nil {
				t.Fatalf("%s: %v", what, err)
			}
			if len(res) != 1 {
				t.Fatalf("%s: %d signatures, want 1", what, len(res))
			}
			if res[0].Err != nil {
				t.Fatalf("%s: %v\n%s", what, res[0].Err, clip(raw, 3000))
			}
			for _, h := range res[0].HeaderKeys {
				l := strings.ToLower(h)
				if strings.HasPrefix(l, "x-ses-") || l == "message-id" || l == "date" || l == "return-path" || l == "bounces-to" || l == "dkim-signature" {
					t.Fatalf("%s: h= names %s", what, h)
				}
			}
		}
		res, err := dkim.Verify(raw, verifyOpts())
		check("Verify", res, err)
		res, err = dkim.VerifyAfterSESStrip(raw, verifyOpts())
		check("VerifyAfterSESStrip", res, err)
		s := xheaders.Remove(nil, raw)
		eff, err := xheaders.Read(s)
		if err != nil || eff.Total() != 0 {
			t.Fatalf("after xheaders.Remove: Read total %d, err %v", eff.Total(), err)
		}
		if stripped != nil && bytes.Equal(s, stripped) {
			continue
		}
		stripped = s
		res, err = dkim.Verify(stripped, verifyOpts())
		check("Verify after xheaders.Remove", res, err)
	}
	return stripped
}

// countWriter counts what is written to it and discards it.
type countWriter struct{ n int64 }

func (w *countWriter) Write(p []byte) (int, error) {
	w.n += int64(len(p))
	return len(p), nil
}

// chunkWriter forwards writes to w in pieces of at most size bytes.
type chunkWriter struct {
	w    io.Writer
	size int
}

func (c *chunkWriter) Write(p []byte) (int, error) {
	n := 0
	for len(p) > 0 {
		k := min(len(p), c.size)
		m, err := c.w.Write(p[:k])
		n += m
		if err != nil {
			return n, err
		}
		p = p[k:]
	}
	return n, nil
}

func clip(b []byte, n int) []byte {
	if len(b) > n {
		return b[:n]
	}
	return b
}

// checkLines checks invariant 1: every line ends in CRLF (no bare CR or LF anywhere), no line is
// longer than 998 octets before its CRLF, and the header block is 7-bit ASCII without NUL.
func checkLines(t *testing.T, raw []byte) {
	t.Helper()
	line := 1
	for len(raw) > 0 {
		i := bytes.IndexByte(raw, '\n')
		if i < 0 {
			t.Fatalf("line %d does not end in CRLF: %q", line, clip(raw, 100))
		}
		if i == 0 || raw[i-1] != '\r' {
			t.Fatalf("line %d ends in a bare LF: %q", line, clip(raw[:i], 100))
		}
		if j := bytes.IndexByte(raw[:i-1], '\r'); j >= 0 {
			t.Fatalf("line %d has a bare CR: %q", line, clip(raw[:i], 100))
		}
		if i-1 > 998 {
			t.Fatalf("line %d has %d octets (> 998)", line, i-1)
		}
		raw = raw[i+1:]
		line++
	}
}

// field is one header field as written: its name and its raw value (after the colon, folds kept).
type field struct{ name, value string }

// headerBlock splits raw at the blank line and returns the header fields, checking that the block
// is 7-bit ASCII and that every line is a field or a continuation line.
func headerBlock(t *testing.T, raw []byte) (fields []field, body []byte) {
	t.Helper()
	end := bytes.Index(raw, []byte("\r\n\r\n"))
	if end < 0 {
		t.Fatalf("no blank line after the header block")
	}
	hdr := raw[:end+2]
	for i, c := range hdr {
		if c >= 0x80 || c == 0 {
			t.Fatalf("header block byte %d is %#x (not 7-bit ASCII)", i, c)
		}
	}
	for line := range strings.SplitSeq(string(hdr[:len(hdr)-2]), "\r\n") {
		if line != "" && (line[0] == ' ' || line[0] == '\t') {
			if len(fields) == 0 {
				t.Fatalf("header block starts with a continuation line %q", line)
			}
			if strings.TrimLeft(line, " \t") == "" {
				t.Fatalf("whitespace-only continuation line in %s", fields[len(fields)-1].name)
			}
			fields[len(fields)-1].value += "\r\n" + line
			continue
		}
		i := strings.IndexByte(line, ':')
		if i <= 0 || strings.ContainsAny(line[:i], " \t") {
			t.Fatalf("header line is not a field: %q", line)
		}
		fields = append(fields, field{line[:i], line[i+1:]})
	}
	return fields, raw[end+4:]
}

// unfoldDecode returns a raw unstructured value as a reader sees it: folds removed (CRLF deleted,
// RFC 5322 2.2.3), surrounding blanks trimmed, RFC 2047 encoded words decoded.
func unfoldDecode(t *testing.T, raw string) string {
	t.Helper()
	v := strings.Trim(strings.ReplaceAll(raw, "\r\n", ""), " \t")
	d, err := new(mime.WordDecoder).DecodeHeader(v)
	if err != nil {
		t.Fatalf("decoding %q: %v", v, err)
	}
	return d
}

// leaf is a non-multipart part found by walking the MIME tree.
type leaf struct {
	header textproto.MIMEHeader
	body   []byte // transfer-decoded
}

// walkMIME walks raw with the one MIME walker (package mimewalk; go-message, in readGoMessage, is
// the reader this project did not write that the tests compare it with), decodes every leaf and
// checks invariant 7: the walk finds no structural problem and no malformed part header,
// boundaries are distinct and none is a prefix of another, a boundary's delimiter lines occur
// exactly once per part plus the close delimiter, and only there.
func walkMIME(t *testing.T, raw []byte) []leaf {
	t.Helper()
	headerBlock(t, raw) // the header block is checked line by line
	var leaves []leaf
	type bound struct {
		b     string
		parts int
	}
	var bounds []bound
	byIndex := map[int]int{} // Part.Index of a multipart -> its bounds entry
	var w mimewalk.Reader
	w.ResetBytes(raw, nil)
	for {
		ev, err := w.Next()
		if err == io.EOF {
			break
		}
		if err != nil {
			t.Fatalf("walking the MIME tree: %v", err)
		}
		p := w.Part()
		switch ev {
		case mimewalk.ProblemEvent:
			t.Fatalf("MIME structure: %v", w.Problem())
		case mimewalk.EndEvent:
			if p.Multipart {
				if !p.Closed {
					t.Fatalf("multipart %v has no close delimiter", p.Path)
				}
				bounds[byIndex[p.Index]].parts = p.Parts
			}
		case mimewalk.StartEvent:
			if p.HeaderErr != nil {
				t.Fatalf("part %v header: %v", p.Path, p.HeaderErr)
			}
			h := textproto.MIMEHeader{}
			var sc rawheader.Scanner
			sc.Reset(p.Header)
			for sc.Next() {
				f := sc.Field()
				h.Add(textproto.CanonicalMIMEHeaderKey(string(f.Name)), f.Unfolded())
			}
			mt, params, err := mime.ParseMediaType(h.Get("Content-Type"))
			if err != nil {
				t.Fatalf("Content-Type %q: %v", h.Get("Content-Type"), err)
			}
			if p.Depth > 3 {
				t.Fatalf("MIME tree deeper than the builder makes it")
			}
			if strings.HasPrefix(mt, "multipart/") {
				if !p.Multipart || params["boundary"] != string(p.Boundary) {
					t.Fatalf("%s with boundary %q walked with %q", mt, params["boundary"], p.Boundary)
				}
				byIndex[p.Index] = len(bounds)
				bounds = append(bounds, bound{b: string(p.Boundary)})
				continue
			}
			switch strings.ToLower(h.Get("Content-Transfer-Encoding")) {
			case "", "7bit", "8bit", "base64", "quoted-printable":
			default:
				t.Fatalf("unexpected Content-Transfer-Encoding %q", h.Get("Content-Transfer-Encoding"))
			}
			b, err := io.ReadAll(p.Decoded())
			if err != nil {
				t.Fatalf("decoding a %s part: %v", mt, err)
			}
			leaves = append(leaves, leaf{h, b})
		}
	}
	for i, b := range bounds {
		for j, c := range bounds {
			if i != j && strings.HasPrefix(c.b, b.b) {
				t.Fatalf("boundary %q is a prefix of (or equal to) %q", b.b, c.b)
			}
		}
		n := 0
		for line := range strings.SplitSeq(string(raw), "\r\n") {
			if strings.HasPrefix(line, "--"+b.b) {
				n++
			}
		}
		if n != b.parts+1 {
			t.Fatalf("boundary %q: %d delimiter lines, want %d (parts + close)", b.b, n, b.parts+1)
		}
	}
	return leaves
}

// gmPart is a leaf as go-message's mail reader returns it.
type gmPart struct {
	attachment bool
	mediaType  string
	filename   string
	data       []byte
}

// readGoMessage parses raw with go-message's mail reader.
func readGoMessage(t *testing.T, raw []byte) (*gomail.Header, []gmPart) {
	t.Helper()
	mr, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("go-message: %v", err)
	}
	var parts []gmPart
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
			t.Fatalf("go-message part body: %v", err)
		}
		gp := gmPart{data: data}
		switch h := p.Header.(type) {
		case *gomail.InlineHeader:
			gp.mediaType, _, _ = h.ContentType()
		case *gomail.AttachmentHeader:
			gp.attachment = true
			gp.mediaType, _, _ = h.ContentType()
			gp.filename, err = h.Filename()
			if err != nil {
				t.Fatalf("go-message Filename: %v", err)
			}
		}
		parts = append(parts, gp)
	}
	return &mr.Header, parts
}

// canonText is the canonical form the builder gives an in-memory text/* body: every LF not
// preceded by CR becomes CRLF; a bare CR is kept.
func canonText(s []byte) []byte {
	var out []byte
	for i, c := range s {
		if c == '\n' && (i == 0 || s[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

// zeroReader yields n zero bytes (or forever when n < 0) and counts what it yielded.
type zeroReader struct{ n, read int64 }

func (z *zeroReader) Read(p []byte) (int, error) {
	if z.n >= 0 && z.read >= z.n {
		return 0, io.EOF
	}
	k := int64(len(p))
	if z.n >= 0 {
		k = min(k, z.n-z.read)
	}
	clear(p[:k])
	z.read += k
	return int(k), nil
}
