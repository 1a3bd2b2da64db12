package builder_test

import (
	"bytes"
	"crypto"
	"io"
	"net/mail"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
)

// Build returns the bytes AppendTo builds and the addresses as written, from one pass.
func TestBuild(t *testing.T) {
	m := validMessage()
	m.From.Address = "sender@bücher.example"
	m.ReturnPath = "bounces@example.com"
	m.ReplyTo = []mail.Address{{Name: "Help", Address: "help@example.com"}}
	m.Cc = []mail.Address{{Name: "Cé", Address: "cc@example.org"}, {Address: "RECIPIENT@example.org"}}
	m.Bcc = []mail.Address{{Address: "bcc@exämple.org"}}
	want, err := testBuilder(3).Bytes(m)
	if err != nil {
		t.Fatal(err)
	}
	got, ad, err := testBuilder(3).Build([]byte("keep:"), m)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(got[len("keep:"):], want) || string(got[:5]) != "keep:" {
		t.Errorf("Build differs from Bytes:\n%s\nwant\n%s", clip(got), clip(want))
	}
	env, err := testBuilder(3).Envelope(m)
	if err != nil {
		t.Fatal(err)
	}
	wantAd := builder.Addresses{
		Envelope:   env,
		From:       mail.Address{Name: "Sender", Address: "sender@xn--bcher-kva.example"},
		ReturnPath: "bounces@example.com",
		ReplyTo:    []mail.Address{{Name: "Help", Address: "help@example.com"}},
		To:         []mail.Address{{Name: "Recipient", Address: "recipient@example.org"}},
		Cc:         []mail.Address{{Name: "Cé", Address: "cc@example.org"}, {Address: "RECIPIENT@example.org"}},
		Bcc:        []mail.Address{{Address: "bcc@xn--exmple-cua.org"}},
	}
	if diff := cmp.Diff(wantAd, ad); diff != "" {
		t.Errorf("Build's addresses (-want +got):\n%s", diff)
	}
	if want := []string{"recipient@example.org", "cc@example.org", "bcc@xn--exmple-cua.org"}; !cmp.Equal(env.To, want) || env.From != "bounces@example.com" {
		t.Errorf("envelope %+v", env)
	}
	ad2, err := testBuilder(3).Addresses(m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(wantAd, ad2); diff != "" {
		t.Errorf("Addresses (-want +got):\n%s", diff)
	}
	m.To = nil
	m.Cc, m.Bcc = nil, nil
	if _, _, err := testBuilder(3).Build(nil, m); err == nil {
		t.Error("Build of a message without recipients: no error")
	}
}

// The signature's place is reserved at its exact length before the body is hashed
// (dkim.Prepared): the signer's clock is read once, then, so a clock that gains a digit (t= one
// byte longer) while the body is written changes nothing, and the message is whole and verifies.
func TestSignatureClockReadOnce(t *testing.T) {
	var calls atomic.Int64
	s, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "sesraw", Key: testKey,
		Now: func() time.Time {
			if calls.Add(1) == 1 {
				return time.Unix(9999999999, 0)
			}
			return time.Unix(10000000000, 0)
		}})
	if err != nil {
		t.Fatal(err)
	}
	m := validMessage()
	m.Delegate(testIdentity)
	b := testBuilder(1)
	b.Signer = s
	for _, build := range []func() ([]byte, error){
		func() ([]byte, error) { return b.Bytes(m) },
		func() ([]byte, error) {
			var w bytes.Buffer
			_, err := b.WriteTo(&w, m)
			return w.Bytes(), err
		},
	} {
		calls.Store(0)
		raw, err := build()
		if err != nil {
			t.Fatal(err)
		}
		if calls.Load() != 1 || !bytes.Contains(raw, []byte("t=9999999999;")) {
			t.Fatalf("the clock was read %d times (want 1); t=9999999999 missing:\n%s", calls.Load(), clip(raw))
		}
		goVerify(t, raw)
		checkInvariants(t, raw, m)
	}
}

// countingKey counts private-key operations.
type countingKey struct {
	crypto.Signer
	n atomic.Int64
}

func (k *countingKey) Sign(r io.Reader, digest []byte, o crypto.SignerOpts) ([]byte, error) {
	k.n.Add(1)
	return k.Signer.Sign(r, digest, o)
}

// Size, Validate and Addresses of a signed message count the DKIM-Signature exactly without the
// private-key operation; building signs once.
func TestSizeDoesNotSign(t *testing.T) {
	key := &countingKey{Signer: testKey}
	s, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "sesraw", Key: key, Now: func() time.Time { return fixedNow }})
	if err != nil {
		t.Fatal(err)
	}
	m := validMessage()
	m.Delegate(testIdentity)
	b := testBuilder(1)
	b.Signer = s
	n, known, err := b.Size(m)
	if err != nil || !known {
		t.Fatalf("Size: %d %v %v", n, known, err)
	}
	if err := b.Validate(m); err != nil {
		t.Fatal(err)
	}
	if _, err := b.Addresses(m); err != nil {
		t.Fatal(err)
	}
	if k := key.n.Load(); k != 0 {
		t.Fatalf("Size, Validate and Addresses used the private key %d times", k)
	}
	raw, err := b.Bytes(m)
	if err != nil {
		t.Fatal(err)
	}
	if k := key.n.Load(); k != 1 {
		t.Errorf("Bytes used the private key %d times, want 1", k)
	}
	if n != int64(len(raw)) {
		t.Errorf("Size = %d, built %d bytes", n, len(raw))
	}
}
