package cidref

import (
	"slices"
	"strings"
	"testing"
)

func TestReferences(t *testing.T) {
	for _, tc := range []struct {
		html string
		want []string
	}{
		{`<img src="cid:logo">`, []string{"logo"}},
		{`<img src='CID:a@b.example'><img src=cid:x>`, []string{"a@b.example", "x"}},
		{`<div style="background:url(cid:bg)">`, []string{"bg"}},
		{`<img src="cid:logo"><img src="cid:LOGO">`, []string{"logo"}},
		{`<img src="cid:a%40b">`, []string{"a@b"}},
		{`acid:rain cid: <p>cid:</p>`, nil},
		{"CID\x1a0", nil}, // 0x1A|0x20 is ':' (found by FuzzReferences)
		{`no references`, nil},
	} {
		if got := References(tc.html); !slices.Equal(got, tc.want) {
			t.Errorf("References(%q) = %q, want %q", tc.html, got, tc.want)
		}
	}
	if n := len(References(strings.Repeat(`<img src="cid:x`, 5000))); n != 1 {
		t.Errorf("a repeated id counted %d times", n)
	}
}

// FuzzReferences: no panic; every reference is non-empty and really follows a "cid:" in the
// input (before decoding, its first byte or escape is there); at most MaxRefs.
func FuzzReferences(f *testing.F) {
	f.Add(`<img src="cid:logo"><a href="CID:x%41">`)
	f.Fuzz(func(t *testing.T, html string) {
		refs := References(html)
		if len(refs) > MaxRefs {
			t.Fatalf("%d references", len(refs))
		}
		lower := strings.ToLower(html)
		for _, r := range refs {
			if r == "" || !strings.Contains(lower, "cid:") {
				t.Fatalf("reference %q from %q", r, html)
			}
		}
	})
}

func TestCheckMessage(t *testing.T) {
	msg := "From: a@example.com\r\nContent-Type: multipart/related; boundary=b\r\n\r\n" +
		"--b\r\nContent-Type: text/html\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n<img src=3D\"cid:logo\">\r\n" +
		"--b\r\nContent-Type: image/png\r\nContent-ID: <logo2>\r\nContent-Transfer-Encoding: base64\r\n\r\niVBORw0KGgo=\r\n" +
		"--b--\r\n"
	probs, err := CheckMessage(strings.NewReader(msg))
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, p := range probs {
		got = append(got, p.Rule+": "+p.Message)
	}
	want := []string{
		"cid-missing: the HTML references cid:logo, but no part has Content-ID <logo>",
		"cid-unreferenced: inline part <logo2> is not referenced by any HTML part (no cid:logo2)",
	}
	if !slices.Equal(got, want) {
		t.Errorf("got %q\nwant %q", got, want)
	}
	fixed := strings.ReplaceAll(msg, "<logo2>", "<logo>")
	if probs, err := CheckMessage(strings.NewReader(fixed)); err != nil || len(probs) != 0 {
		t.Errorf("matching reference: %v, %v", probs, err)
	}
	deep := "From: a@example.com\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n" + strings.Repeat("--b\r\nContent-Type: multipart/mixed; boundary=b\r\n\r\n", 30)
	if _, err := CheckMessage(strings.NewReader(deep)); err == nil {
		t.Errorf("nesting beyond MaxDepth: no error")
	}
}
