package dkim_test

import (
	"bytes"
	"crypto"
	"crypto/ecdsa"
	"crypto/ed25519"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/rsa"
	"errors"
	"io"
	"math/big"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

// msg joins header lines with CRLF, adds the empty line and the body.
func msg(body string, lines ...string) []byte {
	return []byte(strings.Join(lines, "\r\n") + "\r\n\r\n" + body)
}

const sesHeaders = "X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
	"X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
	"X-SES-RETURN-PATH-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
	"X-SES-CONFIGURATION-SET: my-set\r\n" +
	"X-SES-MESSAGE-TAGS: campaign=spring, team=growth"

// fullMessage carries every profile header, every forbidden one, X-SES headers (one folded) and a
// repeated custom header.
var fullMessage = msg("Hello,\r\n\r\nthis is the  body.  \r\n\r\n\r\n",
	sesHeaders,
	"X-Ses-Tenant: tenant-1\r\n\tcontinued",
	`From: "Joe Q. Public" <joe@example.com>`,
	"To: a@example.net,\r\n b@example.net",
	"Cc: c@example.net",
	"Reply-To: replies@example.com",
	"Subject:   Hello   world  ",
	"Date: Wed, 01 Jan 2025 00:00:00 +0000",
	"Message-ID: <1234@example.com>",
	"Return-Path: <bounce@example.com>",
	"Bounces-To: bounce@example.com",
	"Sender: sender@example.com",
	"In-Reply-To: <1@example.net>",
	"References: <0@example.net> <1@example.net>",
	"MIME-Version: 1.0",
	"Content-Type: text/plain; charset=utf-8",
	"Content-Transfer-Encoding: 7bit",
	"List-Id: News <news.example.com>",
	"List-Unsubscribe: <https://example.com/u/1>",
	"List-Unsubscribe-Post: List-Unsubscribe=One-Click",
	"X-Campaign: spring",
	"X-Other: not signed",
	"X-Campaign: second",
)

func NewSigner(t testing.TB, k testKey, c dkim.Canonicalization, extra ...string) *dkim.Signer {
	t.Helper()
	s, err := dkim.NewSigner(dkim.Options{
		Domain: "example.com", Selector: k.selector, Key: k.key(t),
		HeaderCanonicalization: c, BodyCanonicalization: c,
		Headers: extra, Now: testNow,
	})
	if err != nil {
		t.Fatal(err)
	}
	return s
}

func testDNS(t testing.TB) dnsMap {
	dns := dnsMap{}
	for _, k := range testKeys {
		dns.add(t, k.selector, "example.com", k.key(t))
	}
	return dns
}

// TestProfile checks h= for messages with and without each kind of header: only present headers are
// listed, the five oversigned ones once more, never X-SES-*, Message-ID, Date, Return-Path,
// Bounces-To; and every signature verifies before and after SES strips its headers.
func TestProfile(t *testing.T) {
	t.Parallel() // python3-dkim runs in its own process
	tests := []struct {
		name  string
		extra []string
		raw   []byte
		h     string
	}{
		{"From only", nil, msg("x", "From: a@example.com"), "From:From"},
		{"absent headers are not listed", nil,
			msg("x", "Message-ID: <x@y>", "Date: Wed, 01 Jan 2025 00:00:00 +0000", "From: a@example.com", "Subject: s"),
			"From:From:Subject:Subject"},
		{"full message", []string{"X-Campaign"}, fullMessage,
			"From:From:To:To:Cc:Cc:Reply-To:Reply-To:Subject:Subject:MIME-Version:Content-Type:" +
				"Content-Transfer-Encoding:In-Reply-To:References:List-Unsubscribe:List-Unsubscribe-Post:List-Id:Sender:" +
				"X-Campaign:X-Campaign"},
		{"custom header absent", []string{"X-Campaign", "x-absent"}, msg("x", "From: a@example.com", "x-campaign: 1"),
			"From:From:X-Campaign"},
		{"case-insensitive names, canonical spelling in h=", nil,
			msg("x", "FROM: a@example.com", "subject: hi", "mime-version: 1.0"),
			"From:From:Subject:Subject:MIME-Version"},
		{"repeated To, signed bottom-up and oversigned once", nil,
			msg("x", "To: 1@example.net", "From: a@example.com", "To: 2@example.net"),
			"From:From:To:To:To"},
		{"SES list management: List-Unsubscribe left unsigned", nil,
			msg("x", "X-SES-LIST-MANAGEMENT-OPTIONS: list; topic=t", "From: a@example.com",
				"List-Unsubscribe: <https://example.com/u>", "List-Unsubscribe-Post: List-Unsubscribe=One-Click", "List-Id: l"),
			"From:From:List-Id"},
		{"empty body", nil, []byte("From: a@example.com\r\n\r\n"), "From:From"},
	}
	dns := testDNS(t)
	var py []pythonCase
	for _, k := range testKeys {
		for _, c := range []dkim.Canonicalization{dkim.Relaxed, dkim.Simple} {
			for _, tt := range tests {
				name := k.name + "/" + string(c) + "/" + tt.name
				s := NewSigner(t, k, c, tt.extra...)
				out, err := s.Sign(nil, tt.raw)
				if err != nil {
					t.Fatalf("%s: %v", name, err)
				}
				if !bytes.Equal(out[len(out)-len(tt.raw):], tt.raw) {
					t.Fatalf("%s: message bytes changed by signing", name)
				}
				tags := sigTags(t, out)
				if tags["h"] != tt.h {
					t.Errorf("%s: h=%s\n want h=%s", name, tags["h"], tt.h)
				}
				for _, hn := range strings.Split(tags["h"], ":") {
					if xheaders.IsSESName([]byte(hn)) || strings.EqualFold(hn, "Message-ID") || strings.EqualFold(hn, "Date") ||
						strings.EqualFold(hn, "Return-Path") || strings.EqualFold(hn, "Bounces-To") {
						t.Errorf("%s: h= names forbidden %s", name, hn)
					}
				}
				stripped := xheaders.Remove(nil, out)
				for _, m := range []struct {
					what string
					raw  []byte
				}{{"as built", out}, {"after SES strip", stripped}} {
					res, err := dkim.Verify(m.raw, &dkim.VerifyOptions{LookupTXT: dns.LookupTXT})
					if err != nil || len(res) != 1 || res[0].Err != nil {
						t.Errorf("%s %s: Verify: %v %+v", name, m.what, err, res)
					}
					if err := msgauthVerify(t, m.raw, dns); err != nil {
						t.Errorf("%s %s: go-msgauth: %v", name, m.what, err)
					}
					py = append(py, pythonCase{name: name + " " + m.what, raw: m.raw, wantOK: true})
				}
				if res, err := dkim.VerifyAfterSESStrip(out, &dkim.VerifyOptions{LookupTXT: dns.LookupTXT}); err != nil || res[0].Err != nil {
					t.Errorf("%s: VerifyAfterSESStrip: %v %+v", name, err, res)
				}
			}
		}
	}
	pythonVerify(t, dns, py)
}

// TestSignatureField checks the tags and layout of the field: v, a, c, d, s, t, (x, i), h, bh, b
// last; folded lines of at most 78 octets; CRLF everywhere; deterministic with a fixed clock.
func TestSignatureField(t *testing.T) {
	// go-msgauth checks x= against the real clock, so this test's clock is near it.
	now := time.Now().Truncate(time.Second)
	for _, k := range testKeys {
		s, err := dkim.NewSigner(dkim.Options{
			Domain: "mail.example.com", Selector: k.selector, Key: k.key(t),
			Identifier: "joe@news.mail.example.com", Expiration: 72 * time.Hour,
			Now:     func() time.Time { return now },
			Headers: []string{"X-A-Rather-Long-Custom-Header-Name-For-Folding", "X-Another-Long-Custom-Header-Name"},
		})
		if err != nil {
			t.Fatal(err)
		}
		raw := msg("x", "From: a@example.com", "X-A-Rather-Long-Custom-Header-Name-For-Folding: 1",
			"X-Another-Long-Custom-Header-Name: 2", "Subject: s", "To: t@example.net", "Cc: c@example.net")
		out, err := s.Sign(nil, raw)
		if err != nil {
			t.Fatal(err)
		}
		out2, _ := s.Sign(nil, raw)
		if !bytes.Equal(out, out2) {
			t.Errorf("%s: two signatures with a fixed clock differ", k.name)
		}
		field := signatureField(out)
		for _, line := range strings.SplitAfter(string(field), "\r\n") {
			if line == "" {
				continue
			}
			if !strings.HasSuffix(line, "\r\n") || strings.ContainsAny(strings.TrimSuffix(line, "\r\n"), "\r\n") {
				t.Errorf("%s: line not CRLF-terminated: %q", k.name, line)
			}
			if n := len(line) - 2; n > 78 {
				t.Errorf("%s: line of %d octets: %q", k.name, n, line)
			}
		}
		tags := sigTags(t, out)
		want := map[string]string{
			"v": "1", "a": map[string]string{"rsa2048": "rsa-sha256", "ed25519": "ed25519-sha256"}[k.name],
			"c": "relaxed/relaxed", "d": "mail.example.com", "s": k.selector,
			"t": strconv.FormatInt(now.Unix(), 10), "x": strconv.FormatInt(now.Unix()+72*3600, 10),
			"i": "joe@news.mail.example.com",
			"h": "From:From:To:To:Cc:Cc:Subject:Subject:X-A-Rather-Long-Custom-Header-Name-For-Folding:X-Another-Long-Custom-Header-Name",
		}
		for tag, v := range want {
			if tags[tag] != v {
				t.Errorf("%s: %s=%q, want %q", k.name, tag, tags[tag], v)
			}
		}
		unfolded := strings.Join(strings.Fields(string(field)), "")
		if !regexpB.MatchString(unfolded) {
			t.Errorf("%s: b= is not the last tag: %s", k.name, unfolded)
		}
		dns := dnsMap{}
		dns.add(t, k.selector, "mail.example.com", k.key(t))
		res, err := dkim.Verify(out, &dkim.VerifyOptions{LookupTXT: dns.LookupTXT})
		if err != nil || res[0].Err != nil {
			t.Fatalf("%s: %v %+v", k.name, err, res)
		}
		if r := res[0]; r.Identifier != "joe@news.mail.example.com" || !r.Time.Equal(now) || !r.Expiration.Equal(now.Add(72*time.Hour)) {
			t.Errorf("%s: result %+v", k.name, r)
		}
	}
}

// TestAppendSignature: the header-only entry point gives the same field as Sign, appends to dst
// without touching what is there, and pairs with NewBodyHasher.
func TestAppendSignature(t *testing.T) {
	for _, k := range testKeys {
		s := NewSigner(t, k, dkim.Relaxed)
		raw := fullMessage
		i := bytes.Index(raw, []byte("\r\n\r\n"))
		header, body := raw[:i+2], raw[i+4:]
		bh := s.NewBodyHasher()
		bh.Write(body)
		dst := []byte("prefix")
		got, err := s.AppendSignature(dst, header, bh.Sum())
		if err != nil {
			t.Fatal(err)
		}
		signed, _ := s.Sign(nil, raw)
		if string(got) != "prefix"+string(signatureField(signed)) {
			t.Errorf("%s: AppendSignature differs from Sign:\n%s\n%s", k.name, got, signatureField(signed))
		}
		// header may alias the bytes already in dst, with or without spare capacity.
		for _, spare := range []int{0, 4096} {
			buf := append(make([]byte, 0, len(header)+spare), header...)
			got3, err := s.AppendSignature(buf, buf, bh.Sum())
			if err != nil || string(got3) != string(header)+string(signatureField(signed)) {
				t.Errorf("%s: aliased header, spare %d: %v", k.name, spare, err)
			}
		}
		// A header block that still has its empty line gives the same field.
		got2, err := s.AppendSignature(nil, raw[:i+4], bh.Sum())
		if err != nil || string(got2) != string(signatureField(signed)) {
			t.Errorf("%s: header block with its empty line: %v\n%s", k.name, err, got2)
		}
	}
}

// regexpB matches an unfolded signature field whose last tag is b=.
var regexpB = regexp.MustCompile(`;b=[A-Za-z0-9+/]+=*$`)

func readTestdata(name string) ([]byte, error) { return os.ReadFile(filepath.Join("testdata", name)) }

// TestConcurrentSigning shares one Signer between goroutines (run with -race): every result must be
// what a lone call gives.
func TestConcurrentSigning(t *testing.T) {
	for _, k := range testKeys {
		s := NewSigner(t, k, dkim.Relaxed, "X-Campaign")
		msgs := make([][]byte, 8)
		want := make([][]byte, len(msgs))
		for i := range msgs {
			msgs[i] = msg(strings.Repeat("body line  \r\n", i*50), "From: a@example.com", "Subject: n"+strings.Repeat("x", i))
			var err error
			if want[i], err = s.Sign(nil, msgs[i]); err != nil {
				t.Fatal(err)
			}
		}
		var wg sync.WaitGroup
		errs := make(chan string, 64)
		for g := 0; g < 4; g++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				for n := 0; n < 2; n++ {
					for i, m := range msgs {
						got, err := s.Sign(nil, m)
						if err != nil || !bytes.Equal(got, want[i]) {
							errs <- k.name + ": concurrent signature differs"
							return
						}
						bh := s.NewBodyHasher()
						bh.Write(m[bytes.Index(m, []byte("\r\n\r\n"))+4:])
						if _, err := s.AppendSignature(nil, m[:bytes.Index(m, []byte("\r\n\r\n"))+2], bh.Sum()); err != nil {
							errs <- err.Error()
							return
						}
					}
				}
			}()
		}
		wg.Wait()
		close(errs)
		for e := range errs {
			t.Error(e)
		}
	}
}

// fakeSigner is a crypto.Signer with any public key, for the key checks.
type fakeSigner struct {
	pub crypto.PublicKey
	err error
}

func (f fakeSigner) Public() crypto.PublicKey { return f.pub }
func (f fakeSigner) Sign(io.Reader, []byte, crypto.SignerOpts) ([]byte, error) {
	return nil, f.err
}

func rsaPub(bits int) *rsa.PublicKey {
	n := new(big.Int).Lsh(big.NewInt(1), uint(bits-1))
	return &rsa.PublicKey{N: n.Or(n, big.NewInt(1)), E: 65537}
}

// TestNewSignerErrors: every invalid option is a distinct, matchable error.
func TestNewSignerErrors(t *testing.T) {
	ed := rfc8463Key()
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	ok := dkim.Options{Domain: "example.com", Selector: "sel", Key: ed}
	with := func(f func(*dkim.Options)) dkim.Options { o := ok; f(&o); return o }
	tests := []struct {
		name string
		opts dkim.Options
		want error
		text string
	}{
		{"no domain", with(func(o *dkim.Options) { o.Domain = "" }), dkim.ErrInvalidOptions, "Domain is required"},
		{"domain with space", with(func(o *dkim.Options) { o.Domain = "exa mple.com" }), dkim.ErrInvalidOptions, "Domain"},
		{"domain empty label", with(func(o *dkim.Options) { o.Domain = "example..com" }), dkim.ErrInvalidOptions, "empty label"},
		{"domain trailing dot", with(func(o *dkim.Options) { o.Domain = "example.com." }), dkim.ErrInvalidOptions, "empty label"},
		{"domain non-ASCII", with(func(o *dkim.Options) { o.Domain = "exämple.com" }), dkim.ErrInvalidOptions, "A-labels"},
		{"domain label too long", with(func(o *dkim.Options) { o.Domain = strings.Repeat("a", 64) + ".com" }), dkim.ErrInvalidOptions, "63"},
		{"domain with semicolon", with(func(o *dkim.Options) { o.Domain = "example.com;x=1" }), dkim.ErrInvalidOptions, "Domain"},
		{"no selector", with(func(o *dkim.Options) { o.Selector = "" }), dkim.ErrInvalidOptions, "Selector is required"},
		{"selector with equals", with(func(o *dkim.Options) { o.Selector = "s=1" }), dkim.ErrInvalidOptions, "Selector"},
		{"no key", with(func(o *dkim.Options) { o.Key = nil }), dkim.ErrInvalidOptions, "Key is required"},
		{"RSA 512", with(func(o *dkim.Options) { o.Key = fakeSigner{pub: rsaPub(512)} }), dkim.ErrKeyTooSmall, "512 bits"},
		{"RSA 1023", with(func(o *dkim.Options) { o.Key = fakeSigner{pub: rsaPub(1023)} }), dkim.ErrKeyTooSmall, "1023 bits"},
		{"RSA 8192", with(func(o *dkim.Options) { o.Key = fakeSigner{pub: rsaPub(8192)} }), dkim.ErrUnsupportedKey, "8192"},
		{"ECDSA", with(func(o *dkim.Options) { o.Key = ec }), dkim.ErrUnsupportedKey, "ecdsa"},
		{"bad header canonicalization", with(func(o *dkim.Options) { o.HeaderCanonicalization = "nofws" }), dkim.ErrInvalidOptions, "HeaderCanonicalization"},
		{"bad body canonicalization", with(func(o *dkim.Options) { o.BodyCanonicalization = "Relaxed" }), dkim.ErrInvalidOptions, "BodyCanonicalization"},
		{"sign Message-ID", with(func(o *dkim.Options) { o.Headers = []string{"Message-ID"} }), dkim.ErrForbiddenHeader, "SES replaces Message-ID"},
		{"sign message-id lower case", with(func(o *dkim.Options) { o.Headers = []string{"message-id"} }), dkim.ErrForbiddenHeader, "Message-ID"},
		{"sign Date", with(func(o *dkim.Options) { o.Headers = []string{"X-Ok", "Date"} }), dkim.ErrForbiddenHeader, "Date"},
		{"sign Return-Path", with(func(o *dkim.Options) { o.Headers = []string{"Return-Path"} }), dkim.ErrForbiddenHeader, "Return-Path"},
		{"sign Bounces-To", with(func(o *dkim.Options) { o.Headers = []string{"Bounces-To"} }), dkim.ErrForbiddenHeader, "Bounces-To"},
		{"sign DKIM-Signature", with(func(o *dkim.Options) { o.Headers = []string{"DKIM-Signature"} }), dkim.ErrForbiddenHeader, "DKIM-Signature"},
		{"sign X-SES-FROM-ARN", with(func(o *dkim.Options) { o.Headers = []string{"X-SES-FROM-ARN"} }), dkim.ErrForbiddenHeader, "removes every X-SES-*"},
		{"sign any x-ses- header", with(func(o *dkim.Options) { o.Headers = []string{"x-ses-anything-new"} }), dkim.ErrForbiddenHeader, "X-SES-*"},
		{"header name with space", with(func(o *dkim.Options) { o.Headers = []string{"X Bad"} }), dkim.ErrInvalidOptions, "not a header field name"},
		{"header name with colon", with(func(o *dkim.Options) { o.Headers = []string{"X-Bad:"} }), dkim.ErrInvalidOptions, "not a header field name"},
		{"empty header name", with(func(o *dkim.Options) { o.Headers = []string{""} }), dkim.ErrInvalidOptions, "not a header field name"},
		{"too many custom headers", with(func(o *dkim.Options) { o.Headers = make([]string, 101) }), dkim.ErrInvalidOptions, "at most 100"},
		{"identifier without @", with(func(o *dkim.Options) { o.Identifier = "joe" }), dkim.ErrInvalidOptions, "no '@'"},
		{"identifier other domain", with(func(o *dkim.Options) { o.Identifier = "joe@example.net" }), dkim.ErrInvalidOptions, "subdomain"},
		{"identifier suffix but not subdomain", with(func(o *dkim.Options) { o.Identifier = "joe@badexample.com" }), dkim.ErrInvalidOptions, "subdomain"},
		{"identifier parent domain", with(func(o *dkim.Options) { o.Domain = "mail.example.com"; o.Identifier = "joe@example.com" }), dkim.ErrInvalidOptions, "subdomain"},
		{"identifier with semicolon", with(func(o *dkim.Options) { o.Identifier = "jo;e@example.com" }), dkim.ErrInvalidOptions, "local part"},
		{"identifier with space", with(func(o *dkim.Options) { o.Identifier = "jo e@example.com" }), dkim.ErrInvalidOptions, "local part"},
		{"negative expiration", with(func(o *dkim.Options) { o.Expiration = -time.Hour }), dkim.ErrInvalidOptions, "negative"},
		{"sub-second expiration", with(func(o *dkim.Options) { o.Expiration = time.Millisecond }), dkim.ErrInvalidOptions, "second"},
	}
	for _, tt := range tests {
		s, err := dkim.NewSigner(tt.opts)
		if !errors.Is(err, tt.want) || s != nil {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
			continue
		}
		if !strings.HasPrefix(err.Error(), "dkim: ") || !strings.Contains(err.Error(), tt.text) {
			t.Errorf("%s: error %q should start with \"dkim: \" and mention %q", tt.name, err, tt.text)
		}
	}
	// Valid corner cases.
	for _, o := range []dkim.Options{
		with(func(o *dkim.Options) { o.Identifier = "@example.com" }),
		with(func(o *dkim.Options) { o.Identifier = "joe@Sub.EXAMPLE.com" }),
		with(func(o *dkim.Options) { o.Headers = []string{"from", "X-Campaign", "x-campaign"} }),
		with(func(o *dkim.Options) { o.Key = loadKey(t, "rsa2048-pkcs8.pem") }),
		with(func(o *dkim.Options) { o.Selector = "s2025._v1" }),
	} {
		if _, err := dkim.NewSigner(o); err != nil {
			t.Errorf("%+v: %v", o, err)
		}
	}
}

// TestSignErrors: messages the signer refuses, each with its sentinel.
func TestSignErrors(t *testing.T) {
	s := NewSigner(t, testKeys[1], dkim.Relaxed)
	tests := []struct {
		name string
		raw  string
		want error
	}{
		{"no From", "To: a@example.net\r\nSubject: s\r\n\r\nbody", dkim.ErrNoFrom},
		{"no header at all", "\r\nbody", dkim.ErrNoFrom},
		{"empty message", "", dkim.ErrMalformedMessage},
		{"obsolete WSP before colon", "From : a@example.com\r\n\r\nx", dkim.ErrMalformedMessage},
		{"obsolete tab before colon", "From: a@example.com\r\nSubject\t: s\r\n\r\nx", dkim.ErrMalformedMessage},
		{"From only in body", "Subject: s\r\n\r\nFrom: a@example.com\r\n", dkim.ErrNoFrom},
		{"X-From is not From", "X-From: a@example.com\r\n\r\n", dkim.ErrNoFrom},
		{"already signed", "DKIM-Signature: v=1; a=rsa-sha256; d=x; s=y; h=from; bh=; b=\r\nFrom: a@example.com\r\n\r\nx", dkim.ErrAlreadySigned},
		{"already signed, lower case, below From", "From: a@example.com\r\ndkim-signature: v=1\r\n\r\nx", dkim.ErrAlreadySigned},
		{"bare LF in header", "From: a@example.com\nSubject: s\r\n\r\nx", dkim.ErrMalformedMessage},
		{"bare LF everywhere", "From: a@example.com\nSubject: s\n\nx\n", dkim.ErrMalformedMessage},
		{"bare CR in header", "From: a@example.com\rSubject: s\r\n\r\nx", dkim.ErrMalformedMessage},
		{"bare LF in body", "From: a@example.com\r\n\r\nline\nline\r\n", dkim.ErrMalformedMessage},
		{"bare CR in body", "From: a@example.com\r\n\r\nline\rline\r\n", dkim.ErrMalformedMessage},
		{"body ends in CR", "From: a@example.com\r\n\r\nline\r", dkim.ErrMalformedMessage},
		{"line without colon", "From: a@example.com\r\nnot a field\r\n\r\nx", dkim.ErrMalformedMessage},
		{"empty field name", "From: a@example.com\r\n: value\r\n\r\nx", dkim.ErrMalformedMessage},
		{"continuation first", " folded\r\nFrom: a@example.com\r\n\r\nx", dkim.ErrMalformedMessage},
		{"header without final CRLF", "From: a@example.com", dkim.ErrMalformedMessage},
		{"no empty line after the header", "From: a@example.com\r\nTo: b@example.net\r\n", dkim.ErrMalformedMessage},
		{"non-printable in name", "Fr\x01om: a@example.com\r\nFrom: a@example.com\r\n\r\nx", dkim.ErrMalformedMessage},
	}
	for _, tt := range tests {
		dst := []byte("keep")
		out, err := s.Sign(dst, []byte(tt.raw))
		if !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
		if string(out) != "keep" {
			t.Errorf("%s: dst changed on error: %q", tt.name, out)
		}
		if err != nil && !strings.HasPrefix(err.Error(), "dkim: ") {
			t.Errorf("%s: error %q lacks the package prefix", tt.name, err)
		}
	}

	// AppendSignature: a header block continuing after its empty line, and a bad body hash.
	bh := s.NewBodyHasher().Sum()
	if _, err := s.AppendSignature(nil, []byte("From: a@example.com\r\n\r\nSubject: s\r\n"), bh); !errors.Is(err, dkim.ErrMalformedMessage) {
		t.Errorf("header block with body: %v", err)
	}
	if _, err := s.AppendSignature(nil, []byte("From: a@example.com\r\n\r\n"), bh); err != nil {
		t.Errorf("header block with its empty line: %v", err)
	}
	if _, err := s.AppendSignature(nil, []byte("From: a@example.com\r\n"), bh[:31]); !errors.Is(err, dkim.ErrInvalidOptions) {
		t.Errorf("31-byte body hash: %v", err)
	}

	// The key's own error is wrapped.
	boom := errors.New("hsm unavailable")
	fs, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "s", Key: fakeSigner{pub: rfc8463Key().Public(), err: boom}})
	if err != nil {
		t.Fatal(err)
	}
	if out, err := fs.Sign([]byte("keep"), []byte("From: a@example.com\r\n\r\n")); !errors.Is(err, boom) || string(out) != "keep" {
		t.Errorf("failing key: %v %q", err, out)
	}
}

// TestParsePrivateKey covers every accepted PEM form and every refused one.
func TestParsePrivateKey(t *testing.T) {
	read := func(name string) []byte {
		b, err := readTestdata("keys/" + name)
		if err != nil {
			t.Fatal(err)
		}
		return b
	}
	for _, name := range []string{"rsa2048.pem", "rsa2048-pkcs8.pem", "ed25519.pem", "rfc6376.pem"} {
		k, err := dkim.ParsePrivateKey(read(name))
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if _, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "s", Key: k}); err != nil {
			t.Errorf("%s: NewSigner: %v", name, err)
		}
	}
	a, _ := dkim.ParsePrivateKey(read("rsa2048.pem"))
	b, _ := dkim.ParsePrivateKey(read("rsa2048-pkcs8.pem"))
	if !a.(*rsa.PrivateKey).Equal(b) {
		t.Error("PKCS#1 and PKCS#8 forms of the same key differ")
	}
	tests := []struct {
		name string
		pem  []byte
		want error
	}{
		{"not PEM", []byte("hello"), dkim.ErrUnsupportedKey},
		{"RSA 512", read("rsa512.pem"), dkim.ErrKeyTooSmall},
		{"EC SEC 1", read("ec-p256.pem"), dkim.ErrUnsupportedKey},
		{"EC PKCS#8", read("ec-p256-pkcs8.pem"), dkim.ErrUnsupportedKey},
		{"public key", []byte("-----BEGIN PUBLIC KEY-----\nAAAA\n-----END PUBLIC KEY-----\n"), dkim.ErrUnsupportedKey},
		{"corrupt PKCS#1", []byte("-----BEGIN RSA PRIVATE KEY-----\nAAAA\n-----END RSA PRIVATE KEY-----\n"), dkim.ErrUnsupportedKey},
		{"corrupt PKCS#8", []byte("-----BEGIN PRIVATE KEY-----\nAAAA\n-----END PRIVATE KEY-----\n"), dkim.ErrUnsupportedKey},
	}
	for _, tt := range tests {
		if _, err := dkim.ParsePrivateKey(tt.pem); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestTXTRecordErrors: keys that cannot be published.
func TestTXTRecordErrors(t *testing.T) {
	ec, _ := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	for _, tt := range []struct {
		name string
		pub  crypto.PublicKey
		want error
	}{
		{"ECDSA", ec.Public(), dkim.ErrUnsupportedKey},
		{"nil", nil, dkim.ErrUnsupportedKey},
		{"RSA 512", rsaPub(512), dkim.ErrKeyTooSmall},
		{"short Ed25519", rfc8463Key().Public().(ed25519.PublicKey)[:31], dkim.ErrUnsupportedKey},
	} {
		if _, err := dkim.TXTRecord(tt.pub); !errors.Is(err, tt.want) {
			t.Errorf("%s: got %v, want %v", tt.name, err, tt.want)
		}
	}
}

// TestSignRefuses8BitHeader: a NUL or an 8-bit byte anywhere in the header block (the check looks
// at eight bytes at a time) is refused with ErrMalformedMessage naming its offset, the first one
// when there are two.
func TestSignRefuses8BitHeader(t *testing.T) {
	s := NewSigner(t, testKeys[0], dkim.Relaxed)
	bh := s.NewBodyHasher().Sum()
	base := "From: a@example.com\r\nSubject: a subject long enough for several words\r\n"
	inValue := func(k int) bool { // not in a field name, a colon or a line end
		return k >= len("From: ") && k < len("From: a@example.com") || k >= len("From: a@example.com\r\nSubject: ") && k < len(base)-2
	}
	for _, bad := range []byte{0, 0x80, 0xe9, 0xff} {
		for i := range len(base) {
			if !inValue(i) {
				continue
			}
			h := []byte(base)
			h[i] = bad
			if inValue(i + 9) {
				h[i+9] = 0xff // a second one after it
			}
			_, err := s.AppendSignature(nil, h, bh)
			if !errors.Is(err, dkim.ErrMalformedMessage) || !strings.Contains(err.Error(), " at offset "+strconv.Itoa(i)+" ") && !strings.HasSuffix(err.Error(), " at offset "+strconv.Itoa(i)) {
				t.Fatalf("byte %#x at %d: %v", bad, i, err)
			}
		}
	}
	if _, err := s.AppendSignature(nil, []byte(base), bh); err != nil {
		t.Fatalf("7-bit header: %v", err)
	}
}
