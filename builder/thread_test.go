package builder_test

import (
	"bytes"
	"errors"
	"net/mail"
	"strings"
	"testing"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/xheaders"
)

func threadMsg() *builder.Message {
	return &builder.Message{From: mail.Address{Address: "a@example.com"}, To: []mail.Address{{Address: "b@example.org"}},
		Subject: "Re: x", Text: "hi", MessageID: "m1@example.com"}
}

func TestThreadingErrors(t *testing.T) {
	for _, tc := range []struct {
		name  string
		edit  func(m *builder.Message)
		field string
		err   error
	}{
		{"brackets", func(m *builder.Message) { m.InReplyTo = []string{"<a@b>"} }, "InReplyTo[0]", builder.ErrInvalidMessageID},
		{"injection", func(m *builder.Message) { m.References = []string{"ok@b", "a@b\r\nBcc: x@y"} }, "References[1]", builder.ErrHeaderInjection},
		{"too many", func(m *builder.Message) { m.References = make([]string, 101) }, "References", builder.ErrInvalidMessageID},
		{"custom duplicate", func(m *builder.Message) {
			m.InReplyTo = []string{"a@b"}
			m.Headers = []builder.Header{{Name: "in-reply-to", Value: "<c@d>"}}
		}, "Headers[0].Name", builder.ErrReservedHeader},
		{"http", func(m *builder.Message) { m.Unsubscribe = &builder.Unsubscribe{URL: "http://example.com/u"} }, "Unsubscribe.URL", builder.ErrInvalidUnsubscribe},
		{"no url", func(m *builder.Message) { m.Unsubscribe = &builder.Unsubscribe{Mailto: "u@example.com"} }, "Unsubscribe.URL", builder.ErrInvalidUnsubscribe},
		{"url injection", func(m *builder.Message) {
			m.Unsubscribe = &builder.Unsubscribe{URL: "https://e.example/u>\r\nBcc: x@y"}
		}, "Unsubscribe.URL", builder.ErrInvalidUnsubscribe},
		{"url comma", func(m *builder.Message) {
			m.Unsubscribe = &builder.Unsubscribe{URL: "https://e.example/u,<mailto:evil@x>"}
		}, "Unsubscribe.URL", builder.ErrInvalidUnsubscribe},
		{"bad mailto", func(m *builder.Message) {
			m.Unsubscribe = &builder.Unsubscribe{URL: "https://e.example/u", Mailto: "Unsub <u@example.com>"}
		}, "Unsubscribe.Mailto", builder.ErrInvalidUnsubscribe},
		{"list management", func(m *builder.Message) {
			m.Unsubscribe = &builder.Unsubscribe{URL: "https://e.example/u"}
			m.SES = xheaders.Headers{ListManagement: &xheaders.ListOptions{ContactList: "c"}}
		}, "Unsubscribe", builder.ErrUnsubscribeConflict},
		{"custom one-click with list management", func(m *builder.Message) {
			m.Headers = []builder.Header{{Name: "List-Unsubscribe", Value: "<https://e.example/u>"}, {Name: "list-unsubscribe-post", Value: "List-Unsubscribe=One-Click"}}
			m.SES = xheaders.Headers{ListManagement: &xheaders.ListOptions{ContactList: "c"}}
		}, "Headers[1].Value", builder.ErrUnsubscribeConflict},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := threadMsg()
			tc.edit(m)
			err := (&builder.Builder{}).Validate(m)
			var fe *builder.FieldError
			if !errors.Is(err, tc.err) || !errors.As(err, &fe) || fe.Field != tc.field {
				t.Errorf("got %v; want a %s FieldError wrapping %v", err, tc.field, tc.err)
			}
		})
	}
}

func TestThreadingHeaders(t *testing.T) {
	m := threadMsg()
	long := strings.Repeat("x", 60) + "@example.com"
	m.InReplyTo = []string{"p@example.org"}
	m.References = []string{long, long, "p@example.org"}
	m.Unsubscribe = &builder.Unsubscribe{URL: "https://example.com/u?id=1", Mailto: "u@bücher.example"}
	raw, err := (&builder.Builder{}).Bytes(m)
	if err != nil {
		t.Fatal(err)
	}
	hdr := string(raw[:bytes.Index(raw, []byte("\r\n\r\n"))+2])
	for _, want := range []string{
		"In-Reply-To: <p@example.org>\r\n",
		"References: <" + long + ">\r\n <" + long + ">\r\n <p@example.org>\r\n",
		"List-Unsubscribe: <https://example.com/u?id=1>,\r\n <mailto:u@xn--bcher-kva.example>\r\n",
		"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
	} {
		if !strings.Contains(hdr, want) {
			t.Errorf("header block lacks %q:\n%s", want, hdr)
		}
	}
	for _, line := range strings.Split(hdr, "\r\n") {
		if len(line) > 998 {
			t.Errorf("line of %d octets", len(line))
		}
	}
}

func TestCalendarAndAMPErrors(t *testing.T) {
	ics := func(method string) string {
		return "BEGIN:VCALENDAR\r\nVERSION:2.0\r\n" + method + "BEGIN:VEVENT\r\nUID:1\r\nMETHOD:CANCEL\r\nEND:VEVENT\r\nEND:VCALENDAR\r\n"
	}
	for _, tc := range []struct {
		name  string
		edit  func(m *builder.Message)
		field string
		err   error
	}{
		{"bad method", func(m *builder.Message) {
			m.Calendar = &builder.Calendar{Method: "PUBLISH", Text: ics("METHOD:PUBLISH\r\n")}
		}, "Calendar.Method", builder.ErrInvalidCalendar},
		{"mismatch", func(m *builder.Message) {
			m.Calendar = &builder.Calendar{Method: "REQUEST", Text: ics("METHOD:REPLY\r\n")}
		}, "Calendar.Method", builder.ErrInvalidCalendar},
		{"METHOD only inside VEVENT", func(m *builder.Message) { m.Calendar = &builder.Calendar{Method: "CANCEL", Text: ics("")} }, "Calendar.Text", builder.ErrInvalidCalendar},
		{"not iCalendar", func(m *builder.Message) {
			m.Calendar = &builder.Calendar{Method: "REQUEST", Data: []byte("METHOD:REQUEST\r\n")}
		}, "Calendar.Data", builder.ErrInvalidCalendar},
		{"filename injection", func(m *builder.Message) {
			m.Calendar = &builder.Calendar{Method: "REQUEST", Text: ics("METHOD:REQUEST\r\n"), Filename: "a.ics\r\nBcc: x@y"}
		}, "Calendar.Filename", builder.ErrHeaderInjection},
		{"AMP without HTML", func(m *builder.Message) { m.AMP = "<html ⚡4email></html>" }, "AMP", builder.ErrInvalidAMP},
	} {
		t.Run(tc.name, func(t *testing.T) {
			m := threadMsg()
			tc.edit(m)
			err := (&builder.Builder{}).Validate(m)
			var fe *builder.FieldError
			if !errors.Is(err, tc.err) || !errors.As(err, &fe) || fe.Field != tc.field {
				t.Errorf("got %v; want a %s FieldError wrapping %v", err, tc.field, tc.err)
			}
		})
	}
	// A valid invitation: the size Validate/Size computes is the size written.
	m := threadMsg()
	m.HTML = "<p>hi</p>"
	m.AMP = "<html ⚡4email><body>hi</body></html>"
	m.Calendar = &builder.Calendar{Method: "REQUEST", Text: ics("METHOD:REQUEST\r\n")}
	b := &builder.Builder{}
	size, known, err := b.Size(m)
	if err != nil || !known {
		t.Fatal(err)
	}
	raw, err := b.Bytes(m)
	if err != nil || int64(len(raw)) != size {
		t.Errorf("Size %d, written %d, %v", size, len(raw), err)
	}
}
