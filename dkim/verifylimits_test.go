package dkim_test

import (
	"bytes"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"testing"

	msgauth "github.com/emersion/go-msgauth/dkim"

	"github.com/sesraw/sesraw/dkim"
	"github.com/sesraw/sesraw/internal/testutil"
	"github.com/sesraw/sesraw/rawheader"
)

// allocBytes returns the bytes f allocates (runtime.MemStats.TotalAlloc), the way the growth tests
// of this repository count work instead of timing it.
func allocBytes(f func()) uint64 {
	var a, b runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&a)
	f()
	runtime.ReadMemStats(&b)
	return b.TotalAlloc - a.TotalAlloc
}

// checkLinear fails unless the work at 8n is within 10x the work at n (a square would give 64x).
func checkLinear(t *testing.T, what string, atN, at8N uint64) {
	t.Helper()
	t.Logf("%s: %d bytes allocated at n, %d at 8n (x%.1f)", what, atN, at8N, float64(at8N)/float64(atN))
	if at8N > 10*atN {
		t.Errorf("%s: work grew x%.1f from n to 8n; want linear (at most x10)", what, float64(at8N)/float64(atN))
	}
}

// foldedMessage has a Subject folded over n continuation lines.
func foldedMessage(n int) []byte {
	var m bytes.Buffer
	m.WriteString("From: a@example.com\r\nTo: b@example.org\r\nSubject: x")
	for i := 0; i < n; i++ {
		m.WriteString("\r\n y")
	}
	m.WriteString("\r\n\r\nbody\r\n")
	return m.Bytes()
}

// TestVerifyLinearFolding: a signed field folded over n lines (go-msgauth alone: quadratic, 60x
// from 1,000 to 8,000 lines) verifies, with work linear in n.
func TestVerifyLinearFolding(t *testing.T) {
	dns := testDNS(t)
	s := NewSigner(t, testKeys[1], dkim.Relaxed)
	opts := &dkim.VerifyOptions{LookupTXT: dns.LookupTXT}
	var work [2]uint64
	for i, n := range []int{2000, 16000} {
		signed, err := s.Sign(nil, foldedMessage(n))
		if err != nil {
			t.Fatal(err)
		}
		var res []dkim.Result
		work[i] = allocBytes(func() { res, err = dkim.Verify(signed, opts) })
		if err != nil || len(res) != 1 || res[0].Err != nil {
			t.Fatalf("n=%d: Verify = %+v, %v; want one good signature", n, res, err)
		}
	}
	checkLinear(t, "Subject folded over n lines", work[0], work[1])
}

// manyToMessage has n To fields and eight DKIM-Signatures with a correct bh= but garbage b=
// (no private key needed) naming from:to:... 40 times: go-msgauth alone rescans all n fields for
// each of the 8x41 h= entries.
func manyToMessage(t testing.TB, n int) []byte {
	var h bytes.Buffer
	for i := 0; i < n; i++ {
		h.WriteString("To: r" + strconv.Itoa(i) + "@example.org\r\n")
	}
	h.WriteString("From: a@example.com\r\nSubject: s\r\n\r\nbody\r\n")
	signed, err := NewSigner(t, testKeys[1], dkim.Relaxed).Sign(nil, []byte("From: a@example.com\r\n\r\nbody\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	bh := sigTags(t, signed)["bh"]
	sig := "DKIM-Signature: v=1; a=ed25519-sha256; c=relaxed/relaxed; d=example.com; s=ed;\r\n h=from" +
		strings.Repeat(":to", 40) + ";\r\n bh=" + bh + "; b=AAAA\r\n"
	return append([]byte(strings.Repeat(sig, 8)), h.Bytes()...)
}

func TestVerifyLinearManyFields(t *testing.T) {
	dns := testDNS(t)
	opts := &dkim.VerifyOptions{LookupTXT: dns.LookupTXT}
	var work [2]uint64
	for i, n := range []int{1000, 8000} {
		raw := manyToMessage(t, n)
		var res []dkim.Result
		var err error
		work[i] = allocBytes(func() { res, err = dkim.Verify(raw, opts) })
		if err != nil || len(res) != 8 {
			t.Fatalf("n=%d: Verify = %d results, %v; want 8", n, len(res), err)
		}
		for _, r := range res {
			if !errors.Is(r.Err, dkim.ErrVerifyFailed) {
				t.Fatalf("n=%d: a garbage b= gave %v; want ErrVerifyFailed", n, r.Err)
			}
		}
	}
	checkLinear(t, "n To fields under 8 signatures", work[0], work[1])
}

// TestVerifyLimits: each documented limit is refused with a *LimitError before go-msgauth runs,
// and a message just inside it is accepted.
func TestVerifyLimits(t *testing.T) {
	dns := testDNS(t)
	opts := &dkim.VerifyOptions{LookupTXT: dns.LookupTXT}
	simple := NewSigner(t, testKeys[1], dkim.Simple)
	relaxed := NewSigner(t, testKeys[1], dkim.Relaxed)
	sign := func(s *dkim.Signer, m []byte) []byte {
		t.Helper()
		out, err := s.Sign(nil, m)
		if err != nil {
			t.Fatal(err)
		}
		return out
	}
	hugeHeader := append([]byte("X-Filler: "+strings.Repeat("a", dkim.MaxVerifyHeaderBytes)+"\r\n"), sign(relaxed, foldedMessage(1))...)
	manyKeys := bytes.Replace(sign(relaxed, foldedMessage(1)), []byte("h=From"), []byte("h=From"+strings.Repeat(":To", dkim.MaxHeaderKeys)), 1)
	// The header grammar's limits on fields and lines per field hold for Verify too.
	atLines := sign(relaxed, foldedMessage(rawheader.DefaultMaxFieldLines-1))
	overLines := bytes.Replace(atLines, []byte("\r\n y\r\n\r\n"), []byte("\r\n y\r\n y\r\n\r\n"), 1)
	signed := sign(relaxed, foldedMessage(1))
	var sc rawheader.Scanner
	own := 0 // fields of the signed message
	for sc.Reset(signed); sc.Next(); own++ {
	}
	fields := func(n int) []byte { // n fields in all: the signed message's and X-F fields before them
		return append(bytes.Repeat([]byte("X-F: v\r\n"), n-own), signed...)
	}
	for _, c := range []struct {
		name    string
		raw     []byte
		wantErr bool
	}{
		{"relaxed, lines of a field at the grammar's limit", atLines, false},
		{"relaxed, lines of a field over the grammar's limit", overLines, true},
		{"fields at the grammar's limit", fields(rawheader.DefaultMaxFields), false},
		{"fields over the grammar's limit", fields(rawheader.DefaultMaxFields + 1), true},
		{"simple, folds at the limit", sign(simple, foldedMessage(dkim.MaxSimpleFoldLines)), false},
		{"simple, folds over the limit", bytes.Replace(sign(simple, foldedMessage(dkim.MaxSimpleFoldLines)),
			[]byte("\r\n y\r\n\r\n"), []byte("\r\n y\r\n y\r\n\r\n"), 1), true},
		{"relaxed, folds far over the simple limit", sign(relaxed, foldedMessage(50*dkim.MaxSimpleFoldLines)), false},
		{"header over MaxVerifyHeaderBytes", hugeHeader, true},
		{"h= over MaxHeaderKeys", manyKeys, true},
	} {
		res, err := dkim.Verify(c.raw, opts)
		if !c.wantErr {
			if err != nil || len(res) != 1 || res[0].Err != nil {
				t.Errorf("%s: Verify = %+v, %v; want one good signature", c.name, res, err)
			}
			continue
		}
		var le *dkim.LimitError
		if !errors.Is(err, dkim.ErrLimit) || !errors.As(err, &le) || le.Got <= le.Limit {
			t.Errorf("%s: Verify error = %v; want a *LimitError wrapping ErrLimit", c.name, err)
		}
	}
}

// FuzzVerifyMatchesMsgauth: for any bytes, Verify (which reduces the header before go-msgauth sees
// it) gives the same verdict per signature as go-msgauth given the message whole: the same number
// of results, and per signature the same domain, identifier, h= list and error text. Only a
// message over a documented limit may differ (refused with ErrLimit).
func FuzzVerifyMatchesMsgauth(f *testing.F) {
	dns := testDNS(f)
	for _, c := range []dkim.Canonicalization{dkim.Relaxed, dkim.Simple} {
		for _, k := range testKeys {
			s := NewSigner(f, k, c)
			for _, m := range [][]byte{fullMessage, foldedMessage(3),
				[]byte("To: x@example.org\r\nFrom: a@example.com\r\nTo: y@example.org\r\nSubject: a\r\n b\r\n\r\nx\r\n")} {
				signed, err := s.Sign(nil, m)
				if err != nil {
					f.Fatal(err)
				}
				f.Add(signed)
				f.Add(bytes.ReplaceAll(signed, []byte("\r\n"), []byte("\n")))
			}
		}
	}
	f.Add(manyToMessage(f, 3))
	f.Add([]byte("DKIM-Signature: v=1; h=\u212Aey:from; d=example.com; s=ed; a=ed25519-sha256; bh=; b=\r\nkey: 1\r\n\u212Aey: 2\r\nFrom: a\r\n\r\n"))
	f.Add([]byte("DKIM-Signature\r\n : v=1; h=from\r\nSub\r\n ject: x\r\nFrom: a\r\n"))
	f.Fuzz(func(t *testing.T, raw []byte) {
		res, err := dkim.Verify(raw, &dkim.VerifyOptions{LookupTXT: dns.LookupTXT, MaxVerifications: -1})
		if errors.Is(err, dkim.ErrLimit) {
			return
		}
		vs, merr := msgauth.VerifyWithOptions(bytes.NewReader(raw), &msgauth.VerifyOptions{LookupTXT: dns.LookupTXT})
		switch {
		case merr != nil:
			if !errors.Is(err, dkim.ErrMalformedMessage) {
				t.Fatalf("go-msgauth: %v; Verify: %v", merr, err)
			}
			return
		case len(vs) == 0:
			if !errors.Is(err, dkim.ErrNoSignature) {
				t.Fatalf("go-msgauth found no signature; Verify: %v", err)
			}
			return
		case err != nil:
			t.Fatalf("go-msgauth verified %d signatures; Verify: %v", len(vs), err)
		}
		if len(res) != len(vs) {
			t.Fatalf("%d results, go-msgauth %d", len(res), len(vs))
		}
		for i, v := range vs {
			r := res[i]
			if r.Identifier != v.Identifier || strings.Join(r.HeaderKeys, ":") != strings.Join(v.HeaderKeys, ":") {
				t.Fatalf("signature %d: %q %q, go-msgauth %q %q", i, r.Identifier, r.HeaderKeys, v.Identifier, v.HeaderKeys)
			}
			var got string
			var ve *dkim.VerifyError
			if errors.As(r.Err, &ve) && ve.Err != nil {
				got = ve.Err.Error()
			}
			want := ""
			if v.Err != nil {
				want = v.Err.Error()
			}
			if got != want {
				t.Fatalf("signature %d: %q, go-msgauth %q", i, got, want)
			}
		}
	})
}

// TestSignRefusals: Sign refuses what it cannot sign safely, each with a typed error, and a
// message with 80,000 To fields (a 660 KB h= before this limit) is refused at once.
func TestSignRefusals(t *testing.T) {
	s := NewSigner(t, testKeys[1], dkim.Relaxed)
	base := "From: a@example.com\r\nTo: b@example.org\r\nSubject: s\r\n"
	for _, c := range []struct {
		name  string
		raw   string
		limit bool // a *LimitError, else ErrMalformedMessage
	}{
		{"two From fields", "From: b@example.com\r\n" + base, false},
		{"NUL in a field", base + "X-Note: a\x00b\r\n", false},
		{"8-bit byte in a field", base + "Subject: caf\xc3\xa9\r\n", false},
		{"9 To fields", strings.Repeat("To: c@example.org\r\n", dkim.MaxSignedInstances) + base, true},
		{"80,000 To fields", strings.Repeat("To: c@example.org\r\n", 80000) + base, true},
	} {
		_, err := s.Sign(nil, []byte(c.raw+"\r\nbody\r\n"))
		var le *dkim.LimitError
		var ge *rawheader.LimitError // 80,000 fields are over the grammar's limit of 10,000 first
		switch {
		case c.limit && (!errors.Is(err, dkim.ErrLimit) || !errors.As(err, &le) && !errors.As(err, &ge)):
			t.Errorf("%s: Sign error = %v; want a *LimitError", c.name, err)
		case !c.limit && !errors.Is(err, dkim.ErrMalformedMessage):
			t.Errorf("%s: Sign error = %v; want ErrMalformedMessage", c.name, err)
		}
	}
	// Sign refuses to sign, with simple header canonicalization, a field over MaxSimpleFoldLines
	// continuation lines, which Verify refuses (found by FuzzSignStripVerify: a folded Subject).
	simple := NewSigner(t, testKeys[1], dkim.Simple)
	if _, err := simple.Sign(nil, foldedMessage(dkim.MaxSimpleFoldLines)); err != nil {
		t.Errorf("simple, %d continuation lines: %v", dkim.MaxSimpleFoldLines, err)
	}
	var fle *dkim.LimitError
	if _, err := simple.Sign(nil, foldedMessage(dkim.MaxSimpleFoldLines+1)); !errors.As(err, &fle) || fle.Limit != dkim.MaxSimpleFoldLines {
		t.Errorf("simple, %d continuation lines: %v, want a *LimitError", dkim.MaxSimpleFoldLines+1, err)
	}
	// At the limit it signs, and the signature verifies.
	ok := strings.Repeat("To: c@example.org\r\n", dkim.MaxSignedInstances-1) + base + "\r\nbody\r\n"
	signed, err := s.Sign(nil, []byte(ok))
	if err != nil {
		t.Fatalf("%d To fields: %v", dkim.MaxSignedInstances, err)
	}
	dns := testDNS(t)
	if res, err := dkim.Verify(signed, &dkim.VerifyOptions{LookupTXT: dns.LookupTXT}); err != nil || res[0].Err != nil {
		t.Fatalf("Verify = %+v, %v", res, err)
	}
}

// TestVerifyCorpusWithinLimits: every message of the corpus is inside Verify's limits, and Verify
// (which reduces the header first) reports for each signature exactly what go-msgauth reports
// given the message whole.
func TestVerifyCorpusWithinLimits(t *testing.T) {
	dir := testutil.CorpusDir()
	if dir == "" {
		t.Skip("../shared/corpus/messages is absent: the corpus is read in place beside the repository, never copied into it")
	}
	lookup := func(string) ([]string, error) { return nil, errors.New("no DNS in tests") }
	n, signed := 0, 0
	err := filepath.WalkDir(dir, func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() {
			return err
		}
		raw, err := os.ReadFile(path)
		if err != nil {
			return err
		}
		n++
		res, err := dkim.Verify(raw, &dkim.VerifyOptions{LookupTXT: lookup})
		if errors.Is(err, dkim.ErrLimit) {
			t.Errorf("%s: %v", path, err)
			return nil
		}
		vs, merr := msgauth.VerifyWithOptions(bytes.NewReader(raw), &msgauth.VerifyOptions{LookupTXT: lookup, MaxVerifications: dkim.DefaultMaxVerifications})
		if merr != nil || len(vs) == 0 {
			return nil
		}
		signed++
		if len(res) != len(vs) {
			t.Errorf("%s: %d results, go-msgauth %d", path, len(res), len(vs))
			return nil
		}
		for i, v := range vs {
			var ve *dkim.VerifyError
			got, want := "", ""
			if errors.As(res[i].Err, &ve) && ve.Err != nil {
				got = ve.Err.Error()
			}
			if v.Err != nil {
				want = v.Err.Error()
			}
			if got != want {
				t.Errorf("%s: signature %d: %q, go-msgauth %q", path, i, got, want)
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	t.Logf("%d corpus messages inside the limits; %d carry signatures, each verified as go-msgauth verifies it", n, signed)
}
