package dkim_test

import (
	"bytes"
	"crypto"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/dkim"
)

var (
	rfc6376Body = "Hi.\r\n\r\nWe lost the game. Are you hungry yet?\r\n\r\nJoe.\r\n"
	rfc8463Body = "Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe."
)

func rfcDNS() dnsMap {
	return dnsMap{
		"brisbane._domainkey.example.com":          dkim.VecRFC6376TXT,
		"brisbane._domainkey.football.example.com": dkim.VecRFC8463TXT,
		"test._domainkey.football.example.com":     dkim.VecRFC8463RSATXT,
	}
}

// TestVerifyRFCVectors: the RFC 6376 and RFC 8463 signed examples verify through Verify, with the
// tags reported per signature.
func TestVerifyRFCVectors(t *testing.T) {
	dns := rfcDNS()
	tests := []struct {
		name string
		raw  []byte
		want []dkim.Result
	}{
		{"RFC 6376 A.2", dkim.VecRFC6376Signed, []dkim.Result{
			{Domain: "example.com", Selector: "brisbane", Algorithm: "rsa-sha256", Identifier: "joe@football.example.com"},
		}},
		{"RFC 8463 A.3", dkim.VecRFC8463Signed, []dkim.Result{
			{Domain: "football.example.com", Selector: "brisbane", Algorithm: "ed25519-sha256", Identifier: "@football.example.com"},
			{Domain: "football.example.com", Selector: "test", Algorithm: "rsa-sha256", Identifier: "@football.example.com"},
		}},
	}
	for _, tt := range tests {
		res, err := dkim.Verify(tt.raw, &dkim.VerifyOptions{LookupTXT: dns.LookupTXT})
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if len(res) != len(tt.want) {
			t.Fatalf("%s: %d results, want %d", tt.name, len(res), len(tt.want))
		}
		for i, r := range res {
			w := tt.want[i]
			if r.Err != nil || r.Domain != w.Domain || r.Selector != w.Selector || r.Algorithm != w.Algorithm || r.Identifier != w.Identifier {
				t.Errorf("%s #%d: got %+v, want %+v", tt.name, i, r, w)
			}
		}
	}
}

// TestTXTRecordRFCKeys: TXTRecord publishes the RFC example keys exactly as the RFCs do.
func TestTXTRecordRFCKeys(t *testing.T) {
	pValue := func(rec string) string { _, p, _ := strings.Cut(rec, "p="); return p }
	for _, tt := range []struct {
		key, want string
	}{
		{"rfc6376.pem", dkim.VecRFC6376TXT},
		{"rfc8463-rsa.pem", dkim.VecRFC8463RSATXT},
	} {
		got, err := dkim.TXTRecord(loadKey(t, tt.key).Public())
		if err != nil {
			t.Fatal(err)
		}
		if !strings.HasPrefix(got, "v=DKIM1; k=rsa; p=") || pValue(got) != pValue(tt.want) {
			t.Errorf("%s: TXTRecord = %q, want p= of %q", tt.key, got, tt.want)
		}
	}
	got, err := dkim.TXTRecord(rfc8463Key().Public())
	if err != nil || got != dkim.VecRFC8463TXT {
		t.Errorf("TXTRecord(RFC 8463 Ed25519) = %q, %v; want %q", got, err, dkim.VecRFC8463TXT)
	}
	// A private key is accepted for convenience.
	if got2, _ := dkim.TXTRecord(rfc8463Key()); got2 != got {
		t.Errorf("TXTRecord(private key) = %q, want %q", got2, got)
	}
}

// unsigned returns raw without its DKIM-Signature fields.
func unsigned(raw []byte) []byte {
	for bytes.HasPrefix(raw, []byte("DKIM-Signature:")) {
		raw = raw[len(signatureField(raw)):]
	}
	return raw
}

// TestSignRFCMessages signs the RFC example messages with the RFC keys through the public API and
// checks our body hash equals the vectors' bh= and that go-msgauth and python3-dkim verify the result.
func TestSignRFCMessages(t *testing.T) {
	t.Parallel() // python3-dkim runs in its own process
	dns := rfcDNS()
	var py []pythonCase
	for _, tt := range []struct {
		name, domain, selector string
		raw                    []byte
		key                    crypto.Signer
		c                      dkim.Canonicalization
	}{
		{"RFC 6376 message, RFC 6376 key, simple", "example.com", "brisbane", dkim.VecRFC6376Signed, loadKey(t, "rfc6376.pem"), dkim.Simple},
		{"RFC 8463 message, Ed25519 key, relaxed", "football.example.com", "brisbane", dkim.VecRFC8463Signed, rfc8463Key(), dkim.Relaxed},
		{"RFC 8463 message, RSA key, relaxed", "football.example.com", "test", dkim.VecRFC8463Signed, loadKey(t, "rfc8463-rsa.pem"), dkim.Relaxed},
	} {
		s, err := dkim.NewSigner(dkim.Options{
			Domain: tt.domain, Selector: tt.selector, Key: tt.key,
			HeaderCanonicalization: tt.c, BodyCanonicalization: tt.c, Now: testNow,
		})
		if err != nil {
			t.Fatal(err)
		}
		out, err := s.Sign(nil, unsigned(tt.raw))
		if err != nil {
			t.Fatalf("%s: %v", tt.name, err)
		}
		if got := sigTags(t, out)["bh"]; got != "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=" {
			t.Errorf("%s: bh=%s, want the vector's", tt.name, got)
		}
		if err := msgauthVerify(t, out, dns); err != nil {
			t.Errorf("%s: go-msgauth: %v", tt.name, err)
		}
		py = append(py, pythonCase{name: tt.name, raw: out, wantOK: true})
	}
	py = append(py,
		pythonCase{name: "RFC 6376 A.2 as published", raw: dkim.VecRFC6376Signed, wantOK: true},
		pythonCase{name: "RFC 8463 A.3 as published", raw: dkim.VecRFC8463Signed, wantOK: true},
	)
	pythonVerify(t, dns, py)
}
