package multipart_test

import (
	"strings"
	"testing"

	"github.com/sesraw/sesraw/multipart"
)

func TestEncodingChoice(t *testing.T) {
	tests := []struct {
		name string
		part *multipart.Part
		want string
	}{
		{"short ASCII text", leafOf("text/plain", "Hello\r\nWorld\r\n"), "7bit"},
		{"text with bare LF", leafOf("text/plain", "Hello\nWorld\n"), "7bit"}, // converted to CRLF
		{"text line 76", leafOf("text/plain", strings.Repeat("a", 76)), "7bit"},
		{"text line 77", leafOf("text/plain", strings.Repeat("a", 77)), "quoted-printable"},
		{"text with =_", leafOf("text/plain", "a=_b"), "quoted-printable"},
		{"text with bare CR", leafOf("text/plain", "a\rb"), "quoted-printable"},
		{"text with NUL", leafOf("text/plain", "a\x00b"), "quoted-printable"},
		{"mostly ASCII", leafOf("text/plain", "Grüße aus Köln, wir sehen uns bald wieder."), "quoted-printable"},
		{"short, many escapes", leafOf("text/plain", "Grüße aus Köln"), "base64"}, // smaller wins
		{"mostly non-ASCII", leafOf("text/plain", "日本語のテキストです"), "base64"},
		{"binary", leafOf("image/png", "\x89PNG\r\n\x1a\n"), "base64"},
		{"ASCII non-text", leafOf("application/json", `{"a":1}`), "7bit"},
		{"ASCII non-text bare LF", leafOf("application/json", "{\n}\n"), "base64"},
		{"reader", &multipart.Part{ContentType: "text/plain", Reader: strings.NewReader("hi")}, "base64"},
		{"reader message", &multipart.Part{ContentType: "message/rfc822", Reader: strings.NewReader("Subject: x\r\n\r\nhi\r\n")}, "7bit"},
		{"explicit 8bit", &multipart.Part{Data: []byte("Grüße"), Encoding: multipart.EightBit}, "8bit"},
		{"explicit base64 text", &multipart.Part{Data: []byte("hi"), Encoding: multipart.Base64}, "base64"},
		{"explicit QP binary", &multipart.Part{ContentType: "application/octet-stream", Data: []byte{0, 1, 2}, Encoding: multipart.QuotedPrintable}, "quoted-printable"},
		{"message 7bit", leafOf("message/rfc822", "Subject: x\r\n\r\n"+strings.Repeat("long ", 30)+"\r\n"), "7bit"},
	}
	for _, tt := range tests {
		hdr, body := build(t, tt.part, zeroRand{})
		leaves := parseGoMessage(t, hdr, body)
		if got := leaves[0].cte; got != tt.want {
			t.Errorf("%s: encoding %q, want %q\n%s", tt.name, got, tt.want, hdr)
		}
	}
}
