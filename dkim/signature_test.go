package dkim_test

import (
	"errors"
	"fmt"
	"strconv"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sesraw/sesraw/dkim"
)

// rfcSignature is the DKIM-Signature value of RFC 6376 Appendix A.2, folded as printed there.
const rfcSignature = " v=1; a=rsa-sha256; s=brisbane; d=example.com;\r\n" +
	"      c=simple/simple; q=dns/txt; i=joe@football.example.com;\r\n" +
	"      h=Received : From : To : Subject : Date : Message-ID;\r\n" +
	"      bh=2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=;\r\n" +
	"      b=AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB\r\n" +
	"        4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+NahM6L/LbvaHut\r\n" +
	"        KVdkLLkpVaVVQPzeRDI009SO2Il5Lu7rDNH6mZckBdrIx0orEtZV\r\n" +
	"        4bmp/YzhwvcubU4=; l=57; t=1117574938; x=1118006938; z=From:foo; unknown_9=anything"

func TestParseSignatureRFCExample(t *testing.T) {
	sig, err := dkim.ParseSignature([]byte(rfcSignature))
	if err != nil {
		t.Fatal(err)
	}
	want := &dkim.Signature{
		Version: "1", Algorithm: "rsa-sha256", Selector: "brisbane", Domain: "example.com",
		Canonicalization: "simple/simple", Query: "dns/txt", Identity: "joe@football.example.com",
		Headers:  []string{"Received", "From", "To", "Subject", "Date", "Message-ID"},
		BodyHash: "2jUSOH9NhtVGCQWNr9BrIAPreKQjO6Sn7XIkfJVOzv8=",
		Signature: "AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB4nujc7YopdG5dWLSdNg6xNAZpOPr+kHxt1IrE+NahM6L/" +
			"LbvaHutKVdkLLkpVaVVQPzeRDI009SO2Il5Lu7rDNH6mZckBdrIx0orEtZV4bmp/YzhwvcubU4=",
		Length: 57, Time: 1117574938, Expiration: 1118006938, CopiedHeaders: "From:foo",
	}
	if d := cmp.Diff(want, sig); d != "" {
		t.Errorf("ParseSignature (-want +got):\n%s", d)
	}
}

func TestParseSignatureAbsentNumbers(t *testing.T) {
	sig, err := dkim.ParseSignature([]byte("v=1;a=rsa-sha256;b=AA;bh=AA;d=x;h=from;s=s"))
	if err != nil {
		t.Fatal(err)
	}
	if sig.Length != -1 || sig.Time != -1 || sig.Expiration != -1 || sig.Canonicalization != "" {
		t.Errorf("absent l/t/x/c: got %d %d %d %q, want -1 -1 -1 \"\"", sig.Length, sig.Time, sig.Expiration, sig.Canonicalization)
	}
}

func TestParseSignatureProblems(t *testing.T) {
	const ok = "a=rsa-sha256; b=AA; bh=AA; d=example.com; s=s; "
	for _, c := range []struct {
		value string
		want  []string
	}{
		{"v=1; " + ok + "h=To", []string{"h= does not include From"}},
		{"v=1; " + ok + "h=From; v=1", []string{"tag v= appears twice"}},
		{"v=1; " + ok + "h=From; v=2", []string{"tag v= appears twice", `v= is "2", not 1`}},
		{"v=1; " + ok + "h=From; i=a; i=b", []string{"tag i= appears twice"}},
		{"v=2; " + ok + "h=From", []string{`v= is "2", not 1`}},
		{"v=1; " + ok + "h=From; novalue", []string{`tag "novalue" has no '='`}},
		{"v=1; " + ok + "h=From; 9x=1", []string{`invalid tag name "9x"`}},
		{"v=1; " + ok + "h=From; c=relaxed/fancy", []string{`c= is "relaxed/fancy", not simple or relaxed (header/body)`}},
		{"v=1; " + ok + "h=From; l=12a", []string{`l= is "12a", not a decimal number`}},
		{"v=1; " + ok + "h=From; t=99999999999999999999", []string{`t= is "99999999999999999999", not a decimal number`}},
		{"v=1; " + ok + "h=From; d=\xffx", []string{"tag d= appears twice"}},
		{"v=1; a=rsa-sha256; b=AA; bh=AA; s=s; h=From; d=ex\xfe", []string{"value of d= has a byte not allowed in a tag value (0xfe)"}},
		{"v=1; a=; b=; bh=0; d=0; s=0;h=From", []string{"tag a= is empty", "tag b= is empty"}},
		{"h=From", []string{"missing tag v=, a=, b=, bh=, d=, s="}},
		{"", []string{"missing tag v=, a=, b=, bh=, d=, h=, s="}},
		{";;=;h=;v", []string{`invalid tag name ""`, `tag "v" has no '='`, "missing tag v=, a=, b=, bh=, d=, s=", "h= does not include From"}},
	} {
		sig, err := dkim.ParseSignature([]byte(c.value))
		var se *dkim.SignatureError
		if !errors.As(err, &se) || !errors.Is(err, dkim.ErrMalformedSignature) {
			t.Errorf("%q: error %v, want a *SignatureError wrapping ErrMalformedSignature", c.value, err)
			continue
		}
		if sig == nil {
			t.Errorf("%q: nil Signature with the error", c.value)
		}
		if d := cmp.Diff(c.want, se.Problems); d != "" {
			t.Errorf("%q: problems (-want +got):\n%s", c.value, d)
		}
		if !strings.HasPrefix(err.Error(), "dkim: malformed DKIM-Signature: ") || errors.Is(err, dkim.ErrLimit) {
			t.Errorf("%q: error %q", c.value, err)
		}
	}
}

func TestParseSignatureFirstInstanceStands(t *testing.T) {
	sig, _ := dkim.ParseSignature([]byte("v=1; a=rsa-sha256; b=AA; bh=AA; d=one; s=s; h=From; d=two; h=To"))
	if sig.Domain != "one" || len(sig.Headers) != 1 || sig.Headers[0] != "From" {
		t.Errorf("got d=%q h=%q, want the first instances d=one h=From", sig.Domain, sig.Headers)
	}
}

func TestParseSignatureLimits(t *testing.T) {
	h := "From" + strings.Repeat(":To", dkim.MaxHeaderKeys)
	sig, err := dkim.ParseSignature([]byte("v=1; a=rsa-sha256; b=AA; bh=AA; d=x; s=s; h=" + h))
	if !errors.Is(err, dkim.ErrLimit) || !errors.Is(err, dkim.ErrMalformedSignature) {
		t.Fatalf("h= with %d entries: error %v, want ErrLimit and ErrMalformedSignature", dkim.MaxHeaderKeys+1, err)
	}
	if len(sig.Headers) != dkim.MaxHeaderKeys {
		t.Errorf("Headers has %d entries, want MaxHeaderKeys (%d)", len(sig.Headers), dkim.MaxHeaderKeys)
	}
	// Exactly MaxHeaderKeys entries is fine.
	h = "From" + strings.Repeat(":To", dkim.MaxHeaderKeys-1)
	if _, err := dkim.ParseSignature([]byte("v=1; a=rsa-sha256; b=AA; bh=AA; d=x; s=s; h=" + h)); err != nil {
		t.Errorf("h= with MaxHeaderKeys entries: %v", err)
	}
	// Problems are capped.
	_, err = dkim.ParseSignature([]byte(strings.Repeat("bad;", 100)))
	var se *dkim.SignatureError
	if !errors.As(err, &se) || len(se.Problems) != dkim.MaxSignatureProblems || !se.Truncated || !strings.HasSuffix(err.Error(), "; ...") {
		t.Errorf("100 bad tags: %v", err)
	}
}

// TestParseSignatureOfSigner: what the signer writes parses without a problem and names what it signed.
func TestParseSignatureOfSigner(t *testing.T) {
	signed, err := bodySigner(t, true).Sign(nil, []byte("From: a@example.com\r\nTo: b@example.net\r\nSubject: hi\r\n\r\nbody\r\n"))
	if err != nil {
		t.Fatal(err)
	}
	i := strings.Index(string(signed), "DKIM-Signature:")
	if i < 0 {
		t.Fatal("no DKIM-Signature in the signed message")
	}
	end := strings.Index(string(signed[i:]), "\r\n")
	for end >= 0 && i+end+2 < len(signed) && (signed[i+end+2] == ' ' || signed[i+end+2] == '\t') {
		next := strings.Index(string(signed[i+end+2:]), "\r\n")
		end += 2 + next
	}
	sig, err := dkim.ParseSignature(signed[i+len("DKIM-Signature:") : i+end])
	if err != nil {
		t.Fatal(err)
	}
	if sig.Version != "1" || !strings.HasSuffix(sig.Canonicalization, "/relaxed") || len(sig.Headers) == 0 || sig.Signature == "" {
		t.Errorf("parsed %+v", sig)
	}
}

// formatSignature writes sig back as a tag list (for the fuzz target's round trip).
func formatSignature(sig *dkim.Signature) string {
	var b strings.Builder
	add := func(name, v string) {
		if v != "" {
			fmt.Fprintf(&b, "%s=%s; ", name, v)
		}
	}
	num := func(name string, n int64) {
		if n >= 0 {
			add(name, strconv.FormatInt(n, 10))
		}
	}
	add("v", sig.Version)
	add("a", sig.Algorithm)
	add("b", sig.Signature)
	add("bh", sig.BodyHash)
	add("c", sig.Canonicalization)
	add("d", sig.Domain)
	add("h", strings.Join(sig.Headers, ":"))
	add("i", sig.Identity)
	num("l", sig.Length)
	add("q", sig.Query)
	add("s", sig.Selector)
	num("t", sig.Time)
	num("x", sig.Expiration)
	add("z", sig.CopiedHeaders)
	return b.String()
}

// FuzzParseSignature: for any value, ParseSignature does not panic; the error is nil or a
// *SignatureError with 1 to MaxSignatureProblems problems, prefixed "dkim: "; Headers never has
// more than MaxHeaderKeys entries; and a value it accepts, written back tag by tag, parses to the
// same Signature without error.
func FuzzParseSignature(f *testing.F) {
	f.Add([]byte(rfcSignature))
	f.Add([]byte(";;=;h=;v"))
	f.Add([]byte("v=1; a=rsa-sha256; b=AA; bh=AA; d=x; s=s; h=From:To; l=5; t=1; x=2; c=relaxed"))
	f.Add([]byte("v=1; a=rsa-sha256; b=A\r\n A; bh=AA; d=x; s=s; h=From" + strings.Repeat(":To", 70)))
	f.Add([]byte("v=1; v=2; 9=; h=x; d=\xff"))
	f.Fuzz(func(t *testing.T, value []byte) {
		sig, err := dkim.ParseSignature(value)
		if sig == nil {
			t.Fatal("nil Signature")
		}
		if len(sig.Headers) > dkim.MaxHeaderKeys {
			t.Fatalf("%d h= entries, over MaxHeaderKeys", len(sig.Headers))
		}
		if err != nil {
			var se *dkim.SignatureError
			if !errors.As(err, &se) || len(se.Problems) == 0 || len(se.Problems) > dkim.MaxSignatureProblems ||
				!strings.HasPrefix(err.Error(), "dkim: ") {
				t.Fatalf("error %v (%T)", err, err)
			}
			return
		}
		if sig.Version != "1" || sig.Algorithm == "" || sig.Domain == "" || sig.Selector == "" || sig.BodyHash == "" ||
			sig.Signature == "" || len(sig.Headers) == 0 {
			t.Fatalf("accepted without a required tag: %+v", sig)
		}
		again, err := dkim.ParseSignature([]byte(formatSignature(sig)))
		if err != nil {
			t.Fatalf("written back %q: %v", formatSignature(sig), err)
		}
		if d := cmp.Diff(sig, again); d != "" {
			t.Fatalf("round trip (-first +second):\n%s", d)
		}
	})
}

// TestParseSignatureView: the view reads what ParseSignature reads (b= and bh= as written), and
// reading a well-formed signature allocates nothing (preflight reads every DKIM-Signature with it).
func TestParseSignatureView(t *testing.T) {
	var v dkim.SignatureView
	if err := dkim.ParseSignatureView([]byte(rfcSignature), &v); err != nil {
		t.Fatal(err)
	}
	var names []string
	for n := range v.Headers {
		names = append(names, string(n))
	}
	if string(v.Domain) != "example.com" || string(v.Selector) != "brisbane" || v.Time != 1117574938 ||
		strings.Join(names, ",") != "Received,From,To,Subject,Date,Message-ID" ||
		!strings.HasPrefix(string(v.Signature), "AuUoFEfDxTDkHlLXSZEpZj79LICEps6eda7W3deTVFOk4yAUoqOB\r\n") {
		t.Errorf("view %+v, names %q", v, names)
	}
	_, perr := dkim.ParseSignature([]byte("v=2; h=to"))
	if verr := dkim.ParseSignatureView([]byte("v=2; h=to"), &v); verr == nil || perr == nil || verr.Error() != perr.Error() {
		t.Errorf("errors: view %v, ParseSignature %v", verr, perr)
	}
	value := []byte(rfcSignature)
	if n := testing.AllocsPerRun(100, func() { _ = dkim.ParseSignatureView(value, &v) }); n != 0 && !raceEnabled {
		t.Errorf("ParseSignatureView allocates %v times", n)
	}
}
