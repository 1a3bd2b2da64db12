package builder_test

import (
	"errors"
	"net/mail"
	"slices"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
	"github.com/sesraw/sesraw/builder"
)

var sentinels = []error{
	builder.ErrNoFrom, builder.ErrNoRecipients, builder.ErrTooManyRecipients, builder.ErrInvalidAddress,
	builder.ErrHeaderInjection, builder.ErrInvalidHeaderName, builder.ErrDuplicateHeader,
	builder.ErrReservedHeader, builder.ErrUnsupportedExtension, builder.ErrTooLarge,
	builder.ErrInvalidAttachment, builder.ErrInvalidUTF8, builder.ErrInvalidMessageID,
}

// collapse trims and collapses runs of white space (folding may turn a run into CRLF + WSP).
func collapse(s string) string { return strings.Join(strings.Fields(s), " ") }

// FuzzBuild checks invariants 1, 2, 3 and 5 for arbitrary display names, subject, file name, custom
// header value, body text and recipient address: Bytes either fails with a typed error that wraps
// a builder sentinel, or returns a message whose header block has exactly the fields asked for (no
// injected field), every line CRLF-terminated and at most 998 octets, X-SES fields on top and no
// Bcc. It builds each input once and parses nothing with another library, so that it explores
// fast; FuzzBuildParseBack adds the parsers on the same inputs. A string starting with 0xFF stands
// for a repetition (expand); inputs over maxBuildInput bytes in total are skipped (see there).
func FuzzBuild(f *testing.F) {
	addBuildSeeds(f)
	f.Fuzz(func(t *testing.T, name, subject, filename, hvalue, text, rcpt string) {
		buildOnce(t, false, name, subject, filename, hvalue, text, rcpt)
	})
}

// FuzzBuildParseBack is FuzzBuild with invariants 7 and 8 checked by other readers: boundaries
// with the standard library's MIME reader (no injected part or boundary), and the subject,
// display name, file name and text parsed back by go-message as given.
func FuzzBuildParseBack(f *testing.F) {
	addBuildSeeds(f)
	f.Fuzz(func(t *testing.T, name, subject, filename, hvalue, text, rcpt string) {
		buildOnce(t, true, name, subject, filename, hvalue, text, rcpt)
	})
}

func addBuildSeeds(f *testing.F) {
	f.Add("Jürgen Müller", "Grüße — report", "Übersicht.pdf", "campaign 7", "Hello\n", "zoe@bücher.example")
	f.Add("a\r\nBcc: x@evil.example", "s\r\nX-SES-FROM-ARN: x", "a\r\n.pdf", "v\r\nTo: y", "--=_0_\r\n", "r@example.org")
	f.Add("", "=?utf-8?q?not_encoded?=", "x.exe", "", "", "a@b.c")
	// Long values through expand: a display name of 600 bytes and a subject of 1,000 (folded), a
	// file name of 640 bytes, a header value of 1,200 octets without a space, a body line of 1,504.
	f.Add("\xff\x05Very long name ", "\xff\x19word ", "\xff\x0aää.txt", "v", "text", "a@example.com")
	f.Add("n", "s", "a.txt", "\xff\x96x", "\xff\xbcy", "a@example.com")
}

// maxBuildInput caps the total length of FuzzBuild's and FuzzBuildParseBack's inputs as the
// fuzzer sees them, and maxBuildValues the values they expand to (expand); longer inputs are
// skipped. The fuzzer minimizes each new input by trying to remove every substring of each
// argument, which costs about n*n/2 executions for n bytes and runs nothing new meanwhile: one
// 5.8 KB input derived from the old 9 KB seed kept the worker minimizing (0 execs/s) for the
// rest of a 20-s run. Long values (folding, lines over 998 octets, long file names) come from a
// short input through expand instead, cheap to minimize.
const (
	maxBuildInput  = 512
	maxBuildValues = 8 << 10
)

// expand returns s, or, when s starts with the byte 0xFF, s[2:] repeated 8*s[1] times. No valid
// UTF-8 string starts with 0xFF (the builder refuses such values, and a value with invalid UTF-8
// further on still reaches that check), so this takes nothing from the targets' reach; it lets a
// short input, cheap to minimize, stand for a value of up to thousands of bytes.
func expand(s string) string {
	if len(s) >= 2 && s[0] == 0xff {
		return strings.Repeat(s[2:], 8*int(s[1]))
	}
	return s
}

// buildOnce is the body of FuzzBuild and FuzzBuildParseBack (deep).
func buildOnce(t *testing.T, deep bool, name, subject, filename, hvalue, text, rcpt string) {
	if len(name)+len(subject)+len(filename)+len(hvalue)+len(text)+len(rcpt) > maxBuildInput {
		return
	}
	name, subject, filename, hvalue, text = expand(name), expand(subject), expand(filename), expand(hvalue), expand(text)
	if len(name)+len(subject)+len(filename)+len(hvalue)+len(text) > maxBuildValues {
		return
	}
	m := &builder.Message{
		From:        mail.Address{Name: name, Address: "sender@example.com"},
		To:          []mail.Address{{Name: name, Address: rcpt}},
		Bcc:         []mail.Address{{Address: "hidden@example.net"}},
		Subject:     subject,
		Text:        text,
		Headers:     []builder.Header{{Name: "X-Custom", Value: hvalue}},
		Attachments: []builder.Attachment{{Filename: filename, Data: []byte(text)}},
	}
	b := testBuilder(1)
	b.AllowUnsupportedAttachments = true
	raw, err := b.Bytes(m)
	if err != nil {
		for _, s := range sentinels {
			if errors.Is(err, s) {
				return
			}
		}
		var fe *builder.FieldError
		if !errors.As(err, &fe) {
			t.Fatalf("error %v (%T) wraps no builder sentinel and is not a *FieldError", err, err)
		}
		return
	}
	got := checkHeaderInvariants(t, raw, m)
	want := []string{"From", "To"}
	if subject != "" {
		want = append(want, "Subject")
	}
	want = append(want, "Date", "Message-ID", "MIME-Version", "X-Custom", "Content-Type")
	if !slices.Equal(want, got) { // cmp.Diff only to report: it costs more than building
		diff := cmp.Diff(want, got)
		t.Fatalf("header fields (-want +got):\n%s", diff)
	}
	if !deep {
		return
	}
	checkBoundaries(t, raw)
	s, types := parseSeenTypes(t, raw)
	if collapse(s.Subject) != collapse(subject) {
		t.Errorf("Subject %q parses back as %q", subject, s.Subject)
	}
	if len(s.From) != 1 || collapse(strings.TrimSuffix(s.From[0], "<sender@example.com>")) != collapse(name) {
		t.Errorf("display name %q parses back as %q", name, s.From)
	}
	if strings.ReplaceAll(s.Text, "\r\n", "\n") != strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\r", "\n") &&
		strings.ReplaceAll(s.Text, "\r\n", "\n") != strings.ReplaceAll(text, "\r\n", "\n") {
		t.Errorf("text %q parses back as %q", text, s.Text)
	}
	// go-message decodes RFC 2047 encoded words inside the (already RFC 2231-decoded) file name,
	// so a name that itself looks like an encoded word comes back decoded: a client quirk,
	// not a property of the message, which carries the name exactly (filename*=).
	// An attachment of a text/* type (here from its extension, ".txt") is put in canonical form
	// like the body: a bare LF becomes CRLF, a bare CR stays (multipart's rule, RFC 2046 §4.1.1).
	wantData := text
	if len(types) == 1 && strings.HasPrefix(types[0], "text/") {
		wantData = strings.ReplaceAll(strings.ReplaceAll(text, "\r\n", "\n"), "\n", "\r\n")
	}
	if len(s.Attachments) != 1 || s.Attachments[0].Filename != filename && !strings.Contains(filename, "=?") || string(s.Attachments[0].Data) != wantData {
		t.Errorf("attachment %q parses back as %+v", filename, s.Attachments)
	}
}
