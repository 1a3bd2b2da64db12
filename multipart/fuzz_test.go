package multipart_test

import (
	"bytes"
	"errors"
	"io"
	"mime"
	stdmultipart "mime/multipart"
	"net/textproto"
	"strings"
	"testing"
	"testing/iotest"
	"unicode/utf8"

	gomail "github.com/emersion/go-message/mail"
	"github.com/sesraw/sesraw/multipart"
)

// FuzzTextField checks, for any value v:
//   - AppendTextField fails exactly when v holds CR, LF, NUL or invalid UTF-8, with an error
//     wrapping ErrInvalidHeaderValue, and leaves dst untouched;
//   - otherwise the output is 7-bit, CRLF-terminated, every continuation line starts with
//     whitespace and holds more than whitespace, no line exceeds 998 octets, a line exceeds 78
//     (76 with an encoded word) only when it is one unencoded word that cannot be broken, every
//     encoded word is at most 75 octets and decodes on its own to whole UTF-8 characters;
//   - unfolding (removing CRLF) and mime.WordDecoder.DecodeHeader give v back, and so does
//     go-message's Subject(), which also collapses whitespace around folds.
func FuzzTextField(f *testing.F) {
	for _, s := range []string{
		"", "Hello", "Grüße aus Köln", " lead", "trail ", "a\tb", "=?utf-8?q?x?=", "a\x01b", "é é",
		strings.Repeat("x", 998), strings.Repeat("word ", 40), strings.Repeat("日本", 50), "a\r\nb", "\xff",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, v string) {
		out, err := multipart.AppendTextField([]byte("keep"), "Subject", v)
		bad := !utf8.ValidString(v) || strings.ContainsAny(v, "\r\n\x00")
		if err != nil {
			if !bad || !errors.Is(err, multipart.ErrInvalidHeaderValue) || string(out) != "keep" {
				t.Fatalf("AppendTextField(%q) = %q, %v", v, out, err)
			}
			return
		}
		if bad {
			t.Fatalf("AppendTextField(%q) accepted a bad value: %q", v, out)
		}
		if !bytes.HasPrefix(out, []byte("keep")) {
			t.Fatalf("dst prefix lost: %q", out)
		}
		out = out[4:]
		checkTextField(t, out, "Subject", v)
		h := gomail.Header{}
		h.AddRaw(out)
		if got, err := h.Subject(); err != nil || got != v {
			t.Fatalf("go-message Subject() = %q, %v; want %q\nfrom %q", got, err, v, out)
		}
	})
}

// FuzzAddressField checks, for display names n1, n2 and addresses a1, a2:
//   - AppendAddressField fails only with ErrInvalidAddress (and leaves dst untouched), and fails
//     whenever a display name holds CR, LF, NUL or invalid UTF-8;
//   - whatever it accepts is 7-bit, CRLF-terminated, has no line over 998 octets, only encoded
//     words of at most 75 octets, and parses back through net/mail.ParseAddressList and go-message's
//     mail.ParseAddressList to exactly the same names and addresses;
//   - every address accepted by the strict addr-spec check is one net/mail parses as itself.
func FuzzAddressField(f *testing.F) {
	f.Add("John Smith", "john@example.com", "Smith, John", "s@example.org")
	f.Add("Jörg Müller", "j@example.de", "", "bare@example.com")
	f.Add(`a "quoted" \name`, "x@y.z", "=?utf-8?q?x?=", "a.b@c.d")
	f.Add(" lead", "a@b", "tab\tname", "a@b@c")
	f.Add(strings.Repeat("long name ", 20), "a@b", "x\r\ny", "a b@c")
	f.Fuzz(func(t *testing.T, n1, a1, n2, a2 string) {
		addrs := []multipart.Address{{Name: n1, Addr: a1}, {Name: n2, Addr: a2}}
		out, err := multipart.AppendAddressField([]byte("keep"), "To", addrs)
		if err != nil {
			if !errors.Is(err, multipart.ErrInvalidAddress) || string(out) != "keep" {
				t.Fatalf("AppendAddressField(%q) = %q, %v", addrs, out, err)
			}
			return
		}
		for _, a := range addrs {
			if !utf8.ValidString(a.Name) || strings.ContainsAny(a.Name, "\r\n\x00") {
				t.Fatalf("accepted a bad display name %q", a.Name)
			}
		}
		checkAddressField(t, out[4:], addrs)
	})
}

// FuzzTree builds a tree of up to four leaves whose contents, media types, encodings, filenames
// and Reader/Data choice come from the input, and checks:
//   - NewTree and WriteBody fail only with this package's typed errors, and only for explicit
//     7bit/8bit content that is not 7bit/8bit or holds too long lines;
//   - BodySize equals the bytes WriteBody wrote, the header is 7-bit with lines <= 998, every body
//     line ends in CRLF (the last may be open) and is at most 998 octets, and at most 76 in a
//     quoted-printable or base64 part;
//   - mime/multipart and go-message parse it back to the same leaves: byte-exact bodies (text/*
//     in-memory bodies with bare LF as CRLF, the documented canonical form), media types, charset
//     and filenames.
func FuzzTree(f *testing.F) {
	f.Add([]byte("Hello\nWorld\n"), uint64(0), "file.txt")
	f.Add([]byte("Grüße\r\n=_ \t\r\n"+strings.Repeat("x", 100)), uint64(0x1234567), "Résumé.pdf")
	f.Add([]byte{0, 1, 2, 0xff, '\r', '\n', '\r', '='}, uint64(0xfedcba987654321), `a"b\c`)
	f.Add(bytes.Repeat([]byte("a"), 1000), uint64(0x3f3f3f3f), "")
	f.Fuzz(func(t *testing.T, data []byte, shape uint64, filename string) {
		if len(data) > 1<<16 {
			return
		}
		next := func(n uint64) uint64 {
			v := shape % n
			shape /= n
			return v
		}
		nleaves := 1 + int(next(4))
		cuts := make([][]byte, nleaves)
		rest := data
		for i := range cuts {
			k := len(rest)
			if i < nleaves-1 && len(rest) > 0 {
				k = int(next(uint64(len(rest) + 1)))
			}
			cuts[i], rest = rest[:k], rest[k:]
		}
		cts := []string{"text/plain", "text/html", "application/octet-stream", "image/png"}
		encs := []multipart.Encoding{multipart.Auto, multipart.Auto, multipart.QuotedPrintable, multipart.Base64, multipart.SevenBit, multipart.EightBit}
		var leaves []*multipart.Part
		for i := range cuts {
			p := &multipart.Part{ContentType: cts[next(4)], Data: cuts[i], Encoding: encs[next(6)]}
			if i == 0 && filename != "" {
				p.Filename = filename
			}
			if next(3) == 0 {
				// bytes.Reader has WriteTo (copied without a buffer); HalfReader does not.
				p.Reader = bytes.NewReader(p.Data)
				if next(2) == 0 {
					p.Reader = iotest.HalfReader(p.Reader)
				}
				if next(2) == 0 {
					p.Size = int64(len(p.Data))
				}
			}
			leaves = append(leaves, p)
		}
		root := leaves[0]
		if nleaves > 1 {
			kinds := []string{"multipart/mixed", "multipart/alternative", "multipart/related"}
			inner := &multipart.Part{ContentType: kinds[next(3)], Parts: leaves[1:]}
			root = &multipart.Part{ContentType: kinds[next(3)], Parts: []*multipart.Part{leaves[0], inner}}
		}
		tr, err := multipart.NewTree(root, zeroRand{})
		if err != nil {
			if filename != "" && (!utf8.ValidString(filename) || strings.ContainsAny(filename, "\r\n\x00")) && errors.Is(err, multipart.ErrInvalidPart) {
				return
			}
			if !errors.Is(err, multipart.ErrInvalidPart) && !errors.Is(err, multipart.ErrLineTooLong) {
				t.Fatalf("NewTree: untyped error %v", err)
			}
			for _, p := range leaves {
				if p.Encoding == multipart.SevenBit || p.Encoding == multipart.EightBit {
					return
				}
			}
			t.Fatalf("NewTree rejected a tree without explicit 7bit/8bit: %v", err)
		}
		hdr, err := tr.AppendHeader(nil)
		if err != nil {
			t.Fatal(err)
		}
		size, known := tr.BodySize()
		var buf bytes.Buffer
		n, err := tr.WriteBody(&buf)
		if err != nil {
			if (errors.Is(err, multipart.ErrInvalidPart) || errors.Is(err, multipart.ErrLineTooLong)) && hasStreamedRaw(leaves) {
				return
			}
			t.Fatalf("WriteBody: %v", err)
		}
		if n != int64(buf.Len()) || known && size != n {
			t.Fatalf("WriteBody wrote %d, returned %d, BodySize %d %v", buf.Len(), n, size, known)
		}
		body := buf.Bytes()
		check7bit(t, hdr)
		checkLines(t, hdr, 998, false)
		checkLines(t, body, 998, false) // a message body ends in CRLF, a lone leaf's too
		checkRawLineLimits(t, hdr, body)
		for pi, parse := range []func(testing.TB, []byte, []byte) []leaf{parseStd, parseGoMessage} {
			got := parse(t, hdr, body)
			if len(got) != len(leaves) {
				t.Fatalf("parsed %d leaves, want %d", len(got), len(leaves))
			}
			for i, p := range leaves {
				want := p.Data
				if p.Reader == nil && strings.HasPrefix(p.ContentType, "text/") {
					want = canonText(want)
				}
				if nleaves == 1 {
					want = withRootTerm(want, got[i].cte)
				}
				if !bytes.Equal(got[i].body, want) {
					t.Fatalf("leaf %d (%s, %s): body\n%q\nwant\n%q", i, p.ContentType, got[i].cte, got[i].body, want)
				}
				if got[i].contentType != p.ContentType {
					t.Fatalf("leaf %d: media type %q, want %q", i, got[i].contentType, p.ContentType)
				}
				if strings.HasPrefix(p.ContentType, "text/") && got[i].params["charset"] != "utf-8" {
					t.Fatalf("leaf %d: charset %q", i, got[i].params["charset"])
				}
				// go-message runs RFC 2047 decoding over parameters after RFC 2231 decoding, so
				// a filename that itself holds an encoded word cannot survive it.
				goMessageDecodes := pi == 1 && strings.Contains(p.Filename, "=?")
				if p.Filename != "" && got[i].dparams["filename"] != p.Filename && !goMessageDecodes {
					t.Fatalf("leaf %d: filename %q, want %q", i, got[i].dparams["filename"], p.Filename)
				}
			}
		}
	})
}

func hasStreamedRaw(leaves []*multipart.Part) bool {
	for _, p := range leaves {
		if p.Reader != nil && (p.Encoding == multipart.SevenBit || p.Encoding == multipart.EightBit) {
			return true
		}
	}
	return false
}

// canonText turns every LF not preceded by CR into CRLF.
func canonText(b []byte) []byte {
	var out []byte
	for i, c := range b {
		if c == '\n' && (i == 0 || b[i-1] != '\r') {
			out = append(out, '\r')
		}
		out = append(out, c)
	}
	return out
}

// checkRawLineLimits walks the raw MIME structure and checks that quoted-printable and base64 part
// bodies have lines of at most 76 octets.
func checkRawLineLimits(t testing.TB, hdr, body []byte) {
	t.Helper()
	h, err := textproto.NewReader(bufioReader(string(hdr) + "\r\n")).ReadMIMEHeader()
	if err != nil {
		t.Fatal(err)
	}
	var walk func(h textproto.MIMEHeader, r io.Reader)
	walk = func(h textproto.MIMEHeader, r io.Reader) {
		ct, params, err := mime.ParseMediaType(h.Get("Content-Type"))
		if err != nil {
			t.Fatal(err)
		}
		if strings.HasPrefix(ct, "multipart/") {
			mr := stdmultipart.NewReader(r, params["boundary"])
			for {
				p, err := mr.NextRawPart()
				if err == io.EOF {
					return
				}
				if err != nil {
					t.Fatal(err)
				}
				walk(p.Header, p)
			}
		}
		raw, err := io.ReadAll(r)
		if err != nil {
			t.Fatal(err)
		}
		switch h.Get("Content-Transfer-Encoding") {
		case "quoted-printable", "base64":
			checkLines(t, raw, 76, true)
		}
	}
	walk(h, bytes.NewReader(body))
}
