package dkim_test

import (
	"crypto"
	"errors"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/sesraw/sesraw/dkim"
)

// countingKey counts private-key operations.
type countingKey struct {
	crypto.Signer
	n int
}

func (k *countingKey) Sign(r io.Reader, digest []byte, o crypto.SignerOpts) ([]byte, error) {
	k.n++
	return k.Signer.Sign(r, digest, o)
}

// SignatureLen is the exact length of the field AppendSignature appends, for every key size and
// header shape (folding of h= and b= included), and it never uses the private key.
func TestSignatureLen(t *testing.T) {
	headers := []string{
		"From: a@example.com\r\n",
		"X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\nFrom: a@example.com\r\nTo: b@example.org\r\nSubject: s\r\nDate: Fri, 14 Mar 2025 15:09:26 +0100\r\nMessage-ID: <x@y>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n",
		"From: a@example.com\r\n" + strings.Repeat("To: b@example.org\r\nCc: c@example.org\r\nReply-To: r@example.org\r\n", 8),
		"X-SES-LIST-MANAGEMENT-OPTIONS: list\r\nList-Unsubscribe: <mailto:u@example.com>\r\nFrom: a@example.com\r\n",
	}
	keys := append([]testKey(nil), testKeys...)
	keys = append(keys, testKey{"rfc6376 (1024-bit RSA)", "", func(t testing.TB) crypto.Signer { return loadKey(t, "rfc6376.pem") }})
	for _, tk := range keys {
		for _, opts := range []dkim.Options{
			{},
			{Identifier: "someone@mail.example.com", Expiration: 72 * time.Hour, Headers: []string{"X-Campaign", "X-Long-Custom-Header-Name-For-Folding"}},
		} {
			key := &countingKey{Signer: tk.key(t)}
			opts.Domain, opts.Selector, opts.Key, opts.Now = "example.com", "sel", key, testNow
			s, err := dkim.NewSigner(opts)
			if err != nil {
				t.Fatalf("%s: %v", tk.name, err)
			}
			bh := make([]byte, 32)
			for i, h := range headers {
				n, err := s.SignatureLen([]byte(h))
				if err != nil {
					t.Fatalf("%s header %d: SignatureLen: %v", tk.name, i, err)
				}
				if key.n != 0 {
					t.Fatalf("%s header %d: SignatureLen used the private key", tk.name, i)
				}
				field, err := s.AppendSignature(nil, []byte(h), bh)
				if err != nil {
					t.Fatalf("%s header %d: AppendSignature: %v", tk.name, i, err)
				}
				key.n = 0
				if n != len(field) {
					t.Errorf("%s header %d: SignatureLen = %d, the field has %d bytes:\n%s", tk.name, i, n, len(field), field)
				}
			}
		}
	}
	s, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "sel", Key: testKeys[0].key(t)})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := s.SignatureLen([]byte("To: b@example.org\r\n")); err == nil {
		t.Error("SignatureLen of a header block without From: no error")
	}
}

// A Prepared reads the header block once and is then independent of it: its Len is the length of
// every field its AppendSignature appends, for every key size and header shape; the field verifies
// with go-msgauth after the header block it was prepared from has been overwritten; signing twice
// gives two fields that verify; a Prepared reused for the next message signs that one; and the
// zero Prepared, or one whose Prepare failed, refuses to sign.
func TestPrepared(t *testing.T) {
	headers := []string{
		"From: a@example.com\r\n",
		"X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\nFrom: a@example.com\r\nTo: b@example.org\r\nSubject:  s  \r\n  t\r\nDate: Fri, 14 Mar 2025 15:09:26 +0100\r\nMessage-ID: <x@y>\r\nMIME-Version: 1.0\r\nContent-Type: text/plain\r\n",
		"From: a@example.com\r\n" + strings.Repeat("To: b@example.org\r\nCc: c@example.org\r\nReply-To: r@example.org\r\n", 8),
	}
	body := []byte("Hello,  world \r\n\r\n")
	keys := append([]testKey(nil), testKeys...)
	keys = append(keys, testKey{"rfc6376 (1024-bit RSA)", "r1024", func(t testing.TB) crypto.Signer { return loadKey(t, "rfc6376.pem") }})
	for _, tk := range keys {
		for _, c := range []dkim.Canonicalization{dkim.Relaxed, dkim.Simple} {
			key := tk.key(t)
			dns := dnsMap{}
			dns.add(t, "sel", "example.com", key)
			s, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "sel", Key: key, Now: testNow,
				HeaderCanonicalization: c, BodyCanonicalization: c})
			if err != nil {
				t.Fatal(err)
			}
			h := s.NewBodyHasher()
			h.Write(body)
			bh := h.Sum()
			var p dkim.Prepared // reused for every header
			for i, hs := range headers {
				header := []byte(hs)
				if err := s.Prepare(&p, header); err != nil {
					t.Fatalf("%s %s header %d: Prepare: %v", tk.name, c, i, err)
				}
				want := string(header)
				for k := range header {
					header[k] = 'X' // the Prepared keeps no reference to it
				}
				for round := range 2 {
					field, err := p.AppendSignature([]byte("keep"), bh)
					if err != nil {
						t.Fatalf("%s %s header %d: AppendSignature: %v", tk.name, c, i, err)
					}
					if string(field[:4]) != "keep" || len(field)-4 != p.Len() {
						t.Fatalf("%s %s header %d: appended %d bytes after dst (%q), Len = %d", tk.name, c, i, len(field)-4, field[:4], p.Len())
					}
					msg := append(append(append(field[4:], want...), "\r\n"...), body...)
					if err := msgauthVerify(t, msg, dns); err != nil {
						t.Fatalf("%s %s header %d, signature %d: go-msgauth: %v\n%s", tk.name, c, i, round+1, err, msg)
					}
				}
			}
			if err := s.Prepare(&p, []byte("To: b@example.org\r\n")); err == nil {
				t.Fatalf("%s: Prepare of a header block without From: no error", tk.name)
			}
			if _, err := p.AppendSignature(nil, bh); !errors.Is(err, dkim.ErrInvalidOptions) || p.Len() != 0 {
				t.Errorf("%s: AppendSignature after a failed Prepare: %v, Len %d (want ErrInvalidOptions, 0)", tk.name, err, p.Len())
			}
		}
	}
	var zero dkim.Prepared
	if _, err := zero.AppendSignature(nil, make([]byte, 32)); !errors.Is(err, dkim.ErrInvalidOptions) {
		t.Errorf("zero Prepared: AppendSignature error %v, want ErrInvalidOptions", err)
	}
}

// A Prepared reused message after message allocates nothing but what the key's Sign allocates
// (ed25519.PrivateKey.Sign returns a new slice). Not under the race detector, whose sync.Pool
// drops items at random.
func TestPreparedAllocs(t *testing.T) {
	if raceEnabled {
		t.Skip("sync.Pool drops items at random under the race detector")
	}
	s, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "sel", Key: rfc8463Key(), Now: testNow})
	if err != nil {
		t.Fatal(err)
	}
	header := []byte("From: a@example.com\r\nTo: b@example.org\r\nSubject: s\r\n")
	bh := make([]byte, 32)
	var p dkim.Prepared
	dst := make([]byte, 0, 1024)
	run := func() {
		if err := s.Prepare(&p, header); err != nil {
			t.Fatal(err)
		}
		if dst, err = p.AppendSignature(dst[:0], bh); err != nil {
			t.Fatal(err)
		}
	}
	run()
	if n := testing.AllocsPerRun(100, run); n > 1 {
		t.Errorf("Prepare + AppendSignature: %v allocations, want at most 1 (the signature)", n)
	}
}
