package builder_test

import (
	"errors"
	"fmt"
	"net/mail"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/builder"
)

func TestFindings(t *testing.T) {
	png := []byte("\x89PNG")
	base := func(html string, atts ...builder.Attachment) *builder.Message {
		return &builder.Message{From: mail.Address{Address: "a@example.com"}, To: []mail.Address{{Address: "b@example.com"}},
			HTML: html, Attachments: atts}
	}
	var b builder.Builder
	for _, tc := range []struct {
		name string
		m    *builder.Message
		want []string
	}{
		{"matching", base(`<img src="cid:logo">`, builder.Attachment{Filename: "l.png", Data: png, Inline: true, ContentID: "logo"}), nil},
		{"case differs", base(`<img src="cid:LOGO">`, builder.Attachment{Filename: "l.png", Data: png, Inline: true, ContentID: "logo"}), nil},
		{"wrong id", base(`<img src="cid:logo">`, builder.Attachment{Filename: "l.png", Data: png, Inline: true, ContentID: "logo2"}),
			[]string{`HTML: references cid:logo, but no attachment has ContentID "logo" [cid-missing]`,
				`Attachments[0].ContentID: inline part "logo2" is not referenced by the HTML (no cid:logo2) [cid-unreferenced]`}},
		{"no inline part", base(`<img src="cid:logo">`), []string{`HTML: references cid:logo, but no attachment has ContentID "logo" [cid-missing]`}},
		{"regular attachment with the id", base(`<img src="cid:logo">`, builder.Attachment{Filename: "l.png", Data: png, ContentID: "logo"}), nil},
		{"no HTML", &builder.Message{Text: "cid:x"}, nil},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, f := range b.Findings(tc.m) {
				got = append(got, f.String())
			}
			if strings.Join(got, "\n") != strings.Join(tc.want, "\n") {
				t.Errorf("Findings:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(tc.want, "\n"))
			}
			if err := b.Validate(tc.m); tc.m.From.Address != "" && err != nil {
				t.Errorf("a message with findings must still be valid: %v", err)
			}
		})
	}
}

// TestAddressHints: an Address holding a display name or blanks says to use the Name field or
// net/mail.ParseAddress, not to quote the local part (which the builder refuses).
func TestAddressHints(t *testing.T) {
	for _, tc := range []struct{ addr, want string }{
		{"ACME <a@acme.example>", `mail.Address{Name: "ACME", Address: "a@acme.example"}`},
		{" a@b.example ", `use "a@b.example"`},
		{"<a@b.example", "net/mail.ParseAddress"},
	} {
		m := &builder.Message{From: mail.Address{Address: "a@example.com"}, To: []mail.Address{{Address: tc.addr}}}
		err := (&builder.Builder{}).Validate(m)
		var fe *builder.FieldError
		if !errors.Is(err, builder.ErrInvalidAddress) || !errors.As(err, &fe) || fe.Field != "To[0]" ||
			!strings.Contains(fe.Reason, tc.want) || strings.Contains(fe.Reason, "quote the local part") {
			t.Errorf("To %q: %v; want a To[0] ErrInvalidAddress saying %q", tc.addr, err, tc.want)
		}
	}
}

func ExampleBuilder_Findings() {
	m := &builder.Message{
		From: mail.Address{Address: "news@example.com"},
		To:   []mail.Address{{Address: "reader@example.org"}},
		HTML: `<p><img src="cid:logo"></p>`,
		Attachments: []builder.Attachment{
			{Filename: "logo.png", Data: []byte("\x89PNG"), Inline: true, ContentID: "logo2"},
		},
	}
	for _, f := range (&builder.Builder{}).Findings(m) {
		fmt.Println(f)
	}
	// Output:
	// HTML: references cid:logo, but no attachment has ContentID "logo" [cid-missing]
	// Attachments[0].ContentID: inline part "logo2" is not referenced by the HTML (no cid:logo2) [cid-unreferenced]
}
