package cli

import (
	"strings"
	"testing"
)

// TestInspectDKIMSignatures: inspect reads each DKIM-Signature with dkim.ParseSignature: its
// domain, selector, time and h= (X-SES names flagged), and a malformed one's problems by line.
func TestInspectDKIMSignatures(t *testing.T) {
	raw := "From: a@example.com\r\n" +
		"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=sel; t=1117574938;\r\n" +
		" h=From:X-SES-FROM-ARN; bh=AA; b=AA\r\n" +
		"DKIM-Signature: v=1; a=rsa-sha256; d=other.example; s=s2; h=To; b=AA\r\n" +
		"\r\nbody\r\n"
	rep, err := inspect("m.eml", strings.NewReader(raw))
	if err != nil {
		t.Fatal(err)
	}
	if len(rep.DKIM) != 2 {
		t.Fatalf("%d signatures, want 2: %+v", len(rep.DKIM), rep.DKIM)
	}
	s := rep.DKIM[0]
	if s.Domain != "example.com" || s.Selector != "sel" || s.Time != "2005-05-31T21:28:58Z" ||
		strings.Join(s.Headers, ":") != "From:X-SES-FROM-ARN" || strings.Join(s.StrippedBySES, ":") != "X-SES-FROM-ARN" {
		t.Errorf("first signature: %+v", s)
	}
	if rep.DKIM[1].Domain != "other.example" {
		t.Errorf("second signature: %+v", rep.DKIM[1])
	}
	want := "DKIM: line 4: dkim: malformed DKIM-Signature: missing tag bh=; h= does not include From"
	if len(rep.Problems) != 1 || rep.Problems[0] != want {
		t.Errorf("problems %q, want [%q]", rep.Problems, want)
	}
}
