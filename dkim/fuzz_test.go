package dkim_test

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/xheaders"
)

// FuzzBodyHasher: for any body and any split point, for both canonicalizations, the streaming hash
// equals SHA-256 of the naive reference canonicalization (refCanonBody), whole or in two chunks,
// and in two chunks of which those without SP and HTAB go through WriteNoWSP.
func FuzzBodyHasher(f *testing.F) {
	f.Add([]byte("Hi.\r\n\r\nWe lost the game.  Are you hungry yet?\r\n\r\nJoe."), uint16(5))
	f.Add([]byte("a \r\r\n\t\r\n \r\n"), uint16(3))
	f.Add([]byte("\r\n\r\n"), uint16(1))
	simple, relaxed := bodySigner(f, false), bodySigner(f, true)
	f.Fuzz(func(t *testing.T, body []byte, split uint16) {
		k := int(split) % (len(body) + 1)
		for _, s := range []struct {
			relaxed bool
			signer  *dkim.Signer
		}{{false, simple}, {true, relaxed}} {
			want := sha256.Sum256([]byte(refCanonBody(string(body), s.relaxed)))
			if got := hashChunks(s.signer, string(body)); !bytes.Equal(got, want[:]) {
				t.Fatalf("%s %q: hash differs from reference", canonName(s.relaxed), body)
			}
			if got := hashChunks(s.signer, string(body[:k]), string(body[k:])); !bytes.Equal(got, want[:]) {
				t.Fatalf("%s %q split at %d: hash differs from reference", canonName(s.relaxed), body, k)
			}
			h := s.signer.NewBodyHasher()
			for _, c := range [][]byte{body[:k], body[k:]} {
				if bytes.ContainsAny(c, " \t") {
					h.Write(c)
				} else {
					h.WriteNoWSP(c)
				}
			}
			if got := h.Sum(); !bytes.Equal(got, want[:]) {
				t.Fatalf("%s %q split at %d, WriteNoWSP for a chunk without WSP: hash differs from reference", canonName(s.relaxed), body, k)
			}
		}
	})
}

// FuzzSign: for any message, Sign either fails with one of the package's sentinel errors, leaving dst
// as it was, or returns the message unchanged behind one DKIM-Signature field whose h= names only
// headers present in the message and none SES removes or rewrites, and which go-msgauth verifies both
// as built and after every X-SES-* field is removed.
func FuzzSign(f *testing.F) {
	f.Add([]byte(string(fullMessage)))
	f.Add([]byte("From: a@example.com\r\nX-SES-FROM-ARN: x\r\n\tfolded\r\nSubject: s\r\n\r\nbody \r\n"))
	f.Add([]byte("x-ses-tenant: t\r\nFROM: a\r\nto: b\r\nTo: c\r\n\r\n"))
	f.Add([]byte("From: a\r\n\r\n\r\n\r\n"))
	k := testKeys[1]
	dns := testDNS(f)
	signers := []*dkim.Signer{NewSigner(f, k, dkim.Relaxed, "X-Campaign"), NewSigner(f, k, dkim.Simple, "X-Campaign")}
	sentinels := []error{dkim.ErrMalformedMessage, dkim.ErrNoFrom, dkim.ErrAlreadySigned}
	f.Fuzz(func(t *testing.T, raw []byte) {
		for _, s := range signers {
			out, err := s.Sign([]byte("dst"), raw)
			if err != nil {
				if string(out) != "dst" {
					t.Fatalf("dst changed on error %v", err)
				}
				known := false
				for _, e := range sentinels {
					known = known || errors.Is(err, e)
				}
				if !known {
					t.Fatalf("error without a sentinel: %v", err)
				}
				continue
			}
			out = out[3:]
			field := signatureField(out)
			if !bytes.Equal(out[len(field):], raw) {
				t.Fatalf("message changed by signing")
			}
			hdr := string(raw[:bytes.Index(raw, []byte("\r\n\r\n"))+2])
			for _, name := range strings.Split(sigTags(t, out)["h"], ":") {
				if xheaders.IsSESName([]byte(name)) || strings.EqualFold(name, "Message-ID") || strings.EqualFold(name, "Date") ||
					strings.EqualFold(name, "Return-Path") || strings.EqualFold(name, "Bounces-To") {
					t.Fatalf("h= names %s", name)
				}
				if !strings.HasPrefix(strings.ToLower(hdr), strings.ToLower(name)+":") && !strings.Contains(strings.ToLower(hdr), "\r\n"+strings.ToLower(name)+":") {
					t.Fatalf("h= names %s, absent from the message", name)
				}
			}
			if err := msgauthVerify(t, out, dns); err != nil {
				t.Fatalf("go-msgauth, as built: %v\n%q", err, out)
			}
			if err := msgauthVerify(t, xheaders.Remove(nil, out), dns); err != nil {
				t.Fatalf("go-msgauth, after SES strip: %v\n%q", err, out)
			}
		}
	})
}
