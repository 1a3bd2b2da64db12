package dkim_test

import (
	"bytes"
	"errors"
	"net"
	"strings"
	"testing"
	"time"

	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

// TestNaiveMsgauthBreaksAfterStrip is the regression test for the failure this package exists to
// prevent (peers.md, go-msgauth section): go-msgauth with HeaderKeys nil signs every header present,
// X-SES-* included; SES removes those before delivery and the signature no longer verifies. Ours,
// over the same message with the same key, verifies before and after. Both verifiers agree.
func TestNaiveMsgauthBreaksAfterStrip(t *testing.T) {
	t.Parallel() // python3-dkim runs in its own process
	dns := testDNS(t)
	var py []pythonCase
	for _, k := range testKeys {
		var naive bytes.Buffer
		err := msgauth.Sign(&naive, bytes.NewReader(fullMessage), &msgauth.SignOptions{
			Domain: "example.com", Selector: k.selector, Signer: k.key(t),
			HeaderCanonicalization: msgauth.CanonicalizationRelaxed, BodyCanonicalization: msgauth.CanonicalizationRelaxed,
		})
		if err != nil {
			t.Fatal(err)
		}
		if h := sigTags(t, naive.Bytes())["h"]; !strings.Contains(strings.ToUpper(h), "X-SES-FROM-ARN") {
			t.Fatalf("%s: go-msgauth did not sign X-SES headers (h=%s); the regression premise changed", k.name, h)
		}
		naiveStripped := xheaders.Remove(nil, naive.Bytes())
		if err := msgauthVerify(t, naive.Bytes(), dns); err != nil {
			t.Errorf("%s: naive signature should verify as built: %v", k.name, err)
		}
		if err := msgauthVerify(t, naiveStripped, dns); err == nil {
			t.Errorf("%s: naive signature verified after SES strip; expected a failure", k.name)
		}
		res, err := dkim.VerifyAfterSESStrip(naive.Bytes(), &dkim.VerifyOptions{LookupTXT: dns.LookupTXT})
		if err != nil || len(res) != 1 || !errors.Is(res[0].Err, dkim.ErrVerifyFailed) {
			t.Errorf("%s: VerifyAfterSESStrip(naive) = %v, %+v; want ErrVerifyFailed", k.name, err, res)
		}

		ours, err := NewSigner(t, k, dkim.Relaxed).Sign(nil, fullMessage)
		if err != nil {
			t.Fatal(err)
		}
		oursStripped := xheaders.Remove(nil, ours)
		if err := msgauthVerify(t, oursStripped, dns); err != nil {
			t.Errorf("%s: our signature after SES strip: %v", k.name, err)
		}
		py = append(py,
			pythonCase{name: k.name + " naive as built", raw: naive.Bytes(), wantOK: true},
			pythonCase{name: k.name + " naive after strip", raw: naiveStripped, wantOK: false, comment: "(negative control)"},
			pythonCase{name: k.name + " ours as built", raw: ours, wantOK: true},
			pythonCase{name: k.name + " ours after strip", raw: oursStripped, wantOK: true},
		)
	}
	pythonVerify(t, dns, py)
}

// TestVerifyErrors: each way a signature can fail maps to its sentinel, with the detail kept.
func TestVerifyErrors(t *testing.T) {
	k := testKeys[1]
	dns := testDNS(t)
	signed, err := NewSigner(t, k, dkim.Relaxed).Sign(nil, fullMessage)
	if err != nil {
		t.Fatal(err)
	}
	replace := func(old, new string) []byte {
		if !bytes.Contains(signed, []byte(old)) {
			t.Fatalf("%q not in message", old)
		}
		return bytes.Replace(signed, []byte(old), []byte(new), 1)
	}
	tempErr := &net.DNSError{Err: "server misbehaving", Name: "ed._domainkey.example.com", IsTemporary: true}
	permErr := &net.DNSError{Err: "no such host", Name: "ed._domainkey.example.com", IsNotFound: true}
	other := dnsMap{}
	other.add(t, "ed", "example.com", testKeys[0].key(t)) // RSA key published for an Ed25519 signature
	tests := []struct {
		name   string
		raw    []byte
		lookup func(string) ([]string, error)
		kinds  []error
		not    []error
		text   string
	}{
		{"body changed", replace("this is the  body.", "this is the  bodY."), dns.LookupTXT,
			[]error{dkim.ErrVerifyFailed, dkim.ErrBodyHashMismatch}, []error{dkim.ErrPermFail, dkim.ErrTempFail}, "body hash"},
		{"signed header changed", replace("Subject:   Hello", "Subject:   Jello"), dns.LookupTXT,
			[]error{dkim.ErrVerifyFailed}, []error{dkim.ErrBodyHashMismatch, dkim.ErrPermFail}, "signature did not verify"},
		{"oversigned header added", replace("\r\nTo: a@example.net", "\r\nTo: evil@example.org\r\nTo: a@example.net"), dns.LookupTXT,
			[]error{dkim.ErrVerifyFailed}, nil, "signature did not verify"},
		{"temporary DNS failure", signed, func(string) ([]string, error) { return nil, tempErr }, []error{dkim.ErrTempFail, tempErr}, []error{dkim.ErrPermFail}, "key unavailable"},
		{"no key record", signed, func(string) ([]string, error) { return nil, permErr }, []error{dkim.ErrPermFail, permErr}, []error{dkim.ErrTempFail}, "no key"},
		{"revoked key", signed, func(string) ([]string, error) { return []string{"v=DKIM1; k=ed25519; p="}, nil }, []error{dkim.ErrPermFail}, nil, "revoked"},
		{"wrong key type", signed, other.LookupTXT, []error{dkim.ErrPermFail}, nil, "key algorithm"},
		{"malformed signature tags", replace("v=1;", "v=2;"), dns.LookupTXT, []error{dkim.ErrPermFail}, nil, "version"},
	}
	for _, tt := range tests {
		res, err := dkim.Verify(tt.raw, &dkim.VerifyOptions{LookupTXT: tt.lookup})
		if err != nil || len(res) != 1 {
			t.Fatalf("%s: %v %+v", tt.name, err, res)
		}
		e := res[0].Err
		for _, want := range tt.kinds {
			if !errors.Is(e, want) {
				t.Errorf("%s: %v is not %v", tt.name, e, want)
			}
		}
		for _, not := range tt.not {
			if errors.Is(e, not) {
				t.Errorf("%s: %v should not be %v", tt.name, e, not)
			}
		}
		var ve *dkim.VerifyError
		if !errors.As(e, &ve) || ve.Domain != "example.com" || ve.Selector != "ed" {
			t.Errorf("%s: %v is not a *VerifyError for d=example.com s=ed", tt.name, e)
		} else if !strings.HasPrefix(e.Error(), "dkim: signature d=example.com s=ed: ") || !strings.Contains(e.Error(), tt.text) {
			t.Errorf("%s: error text %q should mention %q", tt.name, e, tt.text)
		}
	}

	// Message-level errors.
	if _, err := dkim.Verify(fullMessage, nil); !errors.Is(err, dkim.ErrNoSignature) {
		t.Errorf("unsigned: %v", err)
	}
	if _, err := dkim.Verify([]byte("DKIM-Signature: v=1\r\nFrom: a"), nil); !errors.Is(err, dkim.ErrMalformedMessage) {
		t.Errorf("truncated header: %v", err)
	}
	// Three signatures, bound of two: two results and ErrTooManySignatures.
	sf := bytes.Clone(signatureField(signed))
	three := bytes.Join([][]byte{sf, sf, signed}, nil)
	res, err := dkim.Verify(three, &dkim.VerifyOptions{LookupTXT: dns.LookupTXT, MaxVerifications: 2})
	if !errors.Is(err, dkim.ErrTooManySignatures) || len(res) != 2 {
		t.Errorf("three signatures, max 2: %v, %d results", err, len(res))
	}
	res, err = dkim.Verify(three, &dkim.VerifyOptions{LookupTXT: dns.LookupTXT, MaxVerifications: -1})
	if err != nil || len(res) != 3 {
		t.Errorf("three signatures, no bound: %v, %d results", err, len(res))
	}
	for i, r := range res {
		if r.Err != nil || r.Selector != "ed" || r.Algorithm != "ed25519-sha256" {
			t.Errorf("three signatures #%d: %+v", i, r)
		}
	}
}

// TestVerifyBareLF: Verify accepts LF line endings, as go-msgauth does, so a message saved by a Unix
// tool can still be checked.
func TestVerifyBareLF(t *testing.T) {
	dns := testDNS(t)
	signed, err := NewSigner(t, testKeys[1], dkim.Relaxed).Sign(nil, fullMessage)
	if err != nil {
		t.Fatal(err)
	}
	lf := bytes.ReplaceAll(signed, []byte("\r\n"), []byte("\n"))
	res, err := dkim.Verify(lf, &dkim.VerifyOptions{LookupTXT: dns.LookupTXT})
	if err != nil || len(res) != 1 || res[0].Err != nil || res[0].Selector != "ed" {
		t.Errorf("LF message: %v %+v", err, res)
	}
}

// TestVerifyExpired: x= in the past is a permanent failure.
func TestVerifyExpired(t *testing.T) {
	dns := testDNS(t)
	s, err := dkim.NewSigner(dkim.Options{Domain: "example.com", Selector: "ed", Key: testKeys[1].key(t),
		Expiration: time.Hour, Now: testNow}) // an hour after 2025-01-01: long past
	if err != nil {
		t.Fatal(err)
	}
	signed, err := s.Sign(nil, fullMessage)
	if err != nil {
		t.Fatal(err)
	}
	res, err := dkim.Verify(signed, &dkim.VerifyOptions{LookupTXT: dns.LookupTXT})
	if err != nil || !errors.Is(res[0].Err, dkim.ErrPermFail) || !strings.Contains(res[0].Err.Error(), "expired") {
		t.Errorf("expired: %v %+v", err, res)
	}
}
