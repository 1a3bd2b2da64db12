package builder_test

import (
	"bytes"
	"net/mail"
	"testing"

	"github.com/sesraw/sesraw/builder"
)

// TestTextAttachmentLineEnds: an in-memory attachment of a text/* type is put in canonical form
// (bare LF to CRLF, bare CR kept), as the package doc says; the same bytes from a Reader come back
// unchanged; and a non-text attachment is never converted. FuzzBuildParseBack found the first
// case (a ".tXt" attachment of "\n" read back as "\r\n") and now expects it.
func TestTextAttachmentLineEnds(t *testing.T) {
	const content = "a\nb\r\nc\rd\n"
	for _, tc := range []struct {
		name     string
		att      builder.Attachment
		want     string
		wantType string
	}{
		{"data txt", builder.Attachment{Filename: "notes.TXT", Data: []byte(content)}, "a\r\nb\r\nc\rd\r\n", "text/plain"},
		{"data given text type", builder.Attachment{Filename: "notes", ContentType: "text/csv", Data: []byte(content)}, "a\r\nb\r\nc\rd\r\n", "text/csv"},
		{"reader txt", builder.Attachment{Filename: "notes.txt", Reader: bytes.NewReader([]byte(content))}, content, "text/plain"},
		{"data pdf", builder.Attachment{Filename: "notes.pdf", Data: []byte(content)}, content, "application/pdf"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := &builder.Message{
				From:        mail.Address{Address: "sender@example.com"},
				To:          []mail.Address{{Address: "to@example.org"}},
				Subject:     "s",
				Text:        "body",
				Attachments: []builder.Attachment{tc.att},
			}
			raw, err := testBuilder(1).Bytes(m)
			if err != nil {
				t.Fatal(err)
			}
			s, types := parseSeenTypes(t, raw)
			if len(s.Attachments) != 1 || len(types) != 1 {
				t.Fatalf("attachments %+v, types %q", s.Attachments, types)
			}
			if types[0] != tc.wantType {
				t.Errorf("type %q, want %q", types[0], tc.wantType)
			}
			if got := string(s.Attachments[0].Data); got != tc.want {
				t.Errorf("data %q, want %q", got, tc.want)
			}
		})
	}
}
