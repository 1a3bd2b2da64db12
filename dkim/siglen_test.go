package dkim_test

import (
	"crypto"
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
