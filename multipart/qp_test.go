package multipart_test

import (
	"strings"
	"testing"

	"github.com/sesraw/sesraw/multipart"
)

// qpBody builds a text leaf with explicit quoted-printable and returns the encoded body.
func qpBody(t *testing.T, ct, data string) string {
	t.Helper()
	_, body := build(t, &multipart.Part{ContentType: ct, Data: []byte(data), Encoding: multipart.QuotedPrintable}, zeroRand{})
	checkLines(t, body, 76, false)
	return string(body)
}

func TestQuotedPrintableLines(t *testing.T) {
	a := func(n int) string { return strings.Repeat("a", n) }
	tests := []struct{ in, want string }{
		{a(75) + "\r\n", a(75) + "\r\n"},
		{a(76) + "\r\n", a(76) + "\r\n"},
		{a(77) + "\r\n", a(75) + "=\r\n" + "aa\r\n"},
		{a(75), a(75)},
		{a(76), a(76)},
		{a(77), a(75) + "=\r\n" + "aa"},
		{a(151), a(75) + "=\r\n" + a(76)},
		{a(152), a(75) + "=\r\n" + a(75) + "=\r\n" + "aa"},
		// An escape is never split: 73 + "=3D" ends at 76 only before a line break.
		{a(73) + "=", a(73) + "=3D"},
		{a(73) + "=\r\n", a(73) + "=3D\r\n"},
		{a(73) + "=b", a(73) + "=\r\n=3Db"},
		{a(72) + "=b", a(72) + "=3Db"},
		{a(72) + "=bc", a(72) + "=3D=\r\nbc"},
		{a(74) + "é", a(74) + "=\r\n=C3=A9"},
		// Trailing whitespace before a line break or at the end is encoded.
		{"a \r\nb\t\r\n", "a=20\r\nb=09\r\n"},
		{"a ", "a=20"},
		{"a b", "a b"},
		{a(74) + " b", a(74) + " b"},
		{a(74) + " bc", a(74) + " =\r\nbc"},
		{a(75) + " \r\n", a(75) + "=\r\n=20\r\n"},
		// Text: bare LF is a line break (written CRLF); bare CR is encoded.
		{"a\nb\rc", "a\r\nb=0Dc"},
		{"=_", "=3D_"},
	}
	for _, tt := range tests {
		// The leaf is a whole message body, so an open last line is closed (rootTerminator).
		tt.want = string(withRootTerm([]byte(tt.want), "quoted-printable"))
		if got := qpBody(t, "text/plain", tt.in); got != tt.want {
			t.Errorf("QP(%q) =\n%q\nwant\n%q", tt.in, got, tt.want)
		}
	}
	// Non-text: nothing is converted; bare CR and LF are encoded.
	if got, want := qpBody(t, "application/x", "a\nb\r\n"), "a=0Ab\r\n"; got != want {
		t.Errorf("QP(non-text) = %q, want %q", got, want)
	}
}
