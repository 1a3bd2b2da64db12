package spec_test

import (
	"errors"
	"fmt"
	"net/mail"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/internal/spec"
	"github.com/sesraw/sesraw/xheaders"
)

func TestParseErrors(t *testing.T) {
	tests := []struct {
		name       string
		in         string
		line, col  int
		field      string
		wantReason string
	}{
		{"empty", "  \n", 0, 0, "", "empty file"},
		{"not an object", `["a"]`, 1, 1, "", "want an object, got an array"},
		{"unknown top", "{\n  \"form\": \"a@b.c\"\n}", 2, 3, "form", "unknown field (known: from, to,"},
		{"case differs", "{\"Subject\": \"x\"}", 1, 2, "Subject", `did you mean "subject"?`},
		{"unknown nested", "{\"attachments\": [{}, {\"pth\": \"x\"}]}", 1, 23, "attachments[1].pth", "unknown field (known: path, contentBase64"},
		{"unknown in ses", "{\"ses\": {\"sourceARN\": \"x\"}}", 1, 10, "ses.sourceARN", `did you mean "sourceArn"?`},
		{"unknown in list", "{\"ses\": {\"listManagement\": {\"list\": \"x\"}}}", 1, 29, "ses.listManagement.list", "known: contactList, topic"},
		{"repeated", "{\"from\": \"a@b.c\",\n \"from\": \"d@e.f\"}", 2, 2, "from", "repeated field (first on line 1)"},
		{"syntax", "{\n \"from\": \"a@b.c\",\n}", 3, 1, "", "JSON syntax error: invalid character '}'"},
		{"truncated", "{\n \"from\": \"a@b.c\"", 2, 17, "", "unexpected end of file"},
		{"trailing", "{}\n{}", 2, 1, "", "unexpected data after the spec object"},
		{"string wanted", "{\"subject\": 3}", 1, 13, "subject", "want a string, got a number"},
		{"array wanted", "{\"to\": \"a@b.c\"}", 1, 8, "to", "want an array of strings, got a string"},
		{"bool wanted", "{\"attachments\": [{\"inline\": \"yes\"}]}", 1, 29, "attachments[0].inline", "want true or false, got a string"},
		{"object wanted", "{\"ses\": []}", 1, 9, "ses", "want an object, got an array"},
		{"element type", "{\"to\": [\"a@b.c\", {}]}", 1, 18, "to[1]", "want a string, got an object"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := spec.Parse([]byte(tt.in), "x.json", ".")
			var e *spec.Error
			if !errors.As(err, &e) {
				t.Fatalf("Parse = %v, %v; want a *spec.Error", s, err)
			}
			if e.File != "x.json" || e.Line != tt.line || e.Column != tt.col || e.Field != tt.field || !strings.Contains(e.Reason, tt.wantReason) {
				t.Errorf("error = %+v\nwant line %d col %d field %q reason containing %q", e, tt.line, tt.col, tt.field, tt.wantReason)
			}
			if !strings.HasPrefix(err.Error(), "spec: x.json") {
				t.Errorf("Error() = %q, want the spec: prefix and the file", err.Error())
			}
		})
	}
}

func TestNullIsAbsent(t *testing.T) {
	s, err := spec.Parse([]byte(`{"from": null, "to": null, "ses": null, "attachments": null}`), "x.json", ".")
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Message()
	if err != nil {
		t.Fatal(err)
	}
	if m.From != (mail.Address{}) || m.To != nil || !m.SES.IsZero() || m.Attachments != nil {
		t.Errorf("Message() = %+v, want an empty message", m)
	}
}

func TestMessage(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "report.pdf"), []byte("%PDF"), 0o644); err != nil {
		t.Fatal(err)
	}
	in := `{
  "from": "Büro Example <sender@example.com>",
  "to": ["recipient@example.com", "Ärger Müller <r2@example.org>"],
  "cc": ["c@example.com"], "bcc": ["b@example.com"], "replyTo": ["\"Support, Team\" <help@example.com>"],
  "returnPath": "feedback@example.com",
  "subject": "Quarterly report",
  "text": "plain body", "html": "<p>html body</p>",
  "headers": [{"name": "X-Campaign", "value": "q3"}],
  "attachments": [
    {"path": "report.pdf", "filename": "report.pdf", "contentType": "application/pdf"},
    {"contentBase64": "aGVs\nbG8=", "filename": "logo.png", "inline": true, "contentId": "logo"}
  ],
  "ses": {
    "sourceArn": "arn:aws:ses:us-east-1:123456789012:identity/example.com",
    "fromArn": "arn:aws:ses:us-east-1:123456789012:identity/sender@example.com",
    "returnPathArn": "arn:aws:ses:*:123456789012:identity/example.com",
    "configurationSet": "transactional",
    "tags": [{"name": "campaign", "value": "q3"}],
    "listManagement": {"contactList": "customers", "topic": "newsletter"},
    "tenant": "t1"
  }
}`
	s, err := spec.Parse([]byte(in), "x.json", dir)
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Message()
	if err != nil {
		t.Fatal(err)
	}
	want := &builder.Message{
		From:       mail.Address{Name: "Büro Example", Address: "sender@example.com"},
		To:         []mail.Address{{Address: "recipient@example.com"}, {Name: "Ärger Müller", Address: "r2@example.org"}},
		Cc:         []mail.Address{{Address: "c@example.com"}},
		Bcc:        []mail.Address{{Address: "b@example.com"}},
		ReplyTo:    []mail.Address{{Name: "Support, Team", Address: "help@example.com"}},
		ReturnPath: "feedback@example.com",
		Subject:    "Quarterly report",
		Text:       "plain body",
		HTML:       "<p>html body</p>",
		Headers:    []builder.Header{{Name: "X-Campaign", Value: "q3"}},
		Attachments: []builder.Attachment{
			{Path: filepath.Join(dir, "report.pdf"), Filename: "report.pdf", ContentType: "application/pdf"},
			{Data: []byte("hello"), Filename: "logo.png", Inline: true, ContentID: "logo"},
		},
		SES: xheaders.Headers{
			SourceARN:        xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/example.com"),
			FromARN:          xheaders.MustParseARN("arn:aws:ses:us-east-1:123456789012:identity/sender@example.com"),
			ReturnPathARN:    xheaders.MustParseARN("arn:aws:ses:*:123456789012:identity/example.com"),
			ConfigurationSet: "transactional",
			Tags:             []xheaders.Tag{{Name: "campaign", Value: "q3"}},
			ListManagement:   &xheaders.ListOptions{ContactList: "customers", Topic: "newsletter"},
			Tenant:           "t1",
		},
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("Message() (-want +got):\n%s", diff)
	}
	if err := (&builder.Builder{}).Validate(got); err != nil {
		t.Errorf("the builder refuses the converted message: %v", err)
	}
}

func TestMessageErrors(t *testing.T) {
	tests := []struct {
		name      string
		in        string
		line      int
		field     string
		reason    string
		sentinels []error
	}{
		{"bad address", "{\n\"to\": [\"ok@example.com\",\n \"not an address\"]}", 3, "to[1]", `invalid address "not an address"`, []error{builder.ErrInvalidAddress}},
		{"list as from", `{"from": "a@example.com, b@example.com"}`, 1, "from", "invalid address", []error{builder.ErrInvalidAddress}},
		{"injection in address", `{"replyTo": ["a@example.com\r\nBcc: evil@example.com"]}`, 1, "replyTo[0]", "header injection attempt", []error{builder.ErrHeaderInjection}},
		{"bad ARN", "{\"ses\": {\n\"fromArn\": \"arn:aws:ses:us-east-1:12:identity/example.com\"}}", 2, "ses.fromArn", "invalid identity ARN", []error{xheaders.ErrInvalidARN}},
		{"bad config set", `{"ses": {"configurationSet": "has space"}}`, 1, "ses.configurationSet", "X-SES-CONFIGURATION-SET", []error{xheaders.ErrInvalidConfigSet}},
		{"bad list", "{\"ses\": {\n\"listManagement\": {\"contactList\": \"\"}}}", 2, "ses.listManagement", "X-SES-LIST-MANAGEMENT-OPTIONS", []error{xheaders.ErrInvalidListManagement}},
		{"missing file", "{\"attachments\": [\n{\"path\": \"nope.pdf\"}]}", 2, "attachments[0].path", `"nope.pdf": no such file or directory`, []error{builder.ErrInvalidAttachment, os.ErrNotExist}},
		{"directory", `{"attachments": [{"path": "."}]}`, 1, "attachments[0].path", "not a regular file", []error{builder.ErrInvalidAttachment}},
		{"both contents", `{"attachments": [{"path": "a", "contentBase64": "aGk="}]}`, 1, "attachments[0]", "not both", []error{builder.ErrInvalidAttachment}},
		{"no content", `{"attachments": [{"filename": "a.txt"}]}`, 1, "attachments[0]", "needs path or contentBase64", []error{builder.ErrInvalidAttachment}},
		{"bad base64", `{"attachments": [{"contentBase64": "a$=="}]}`, 1, "attachments[0].contentBase64", "illegal data at byte 1", []error{builder.ErrInvalidAttachment}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := spec.Parse([]byte(tt.in), "x.json", t.TempDir())
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.Message()
			var e *spec.Error
			if !errors.As(err, &e) {
				t.Fatalf("Message() = %v, %v; want a *spec.Error", m, err)
			}
			if e.Line != tt.line || e.Field != tt.field || !strings.Contains(e.Reason, tt.reason) {
				t.Errorf("error = %+v\nwant line %d field %q reason containing %q", e, tt.line, tt.field, tt.reason)
			}
			for _, s := range tt.sentinels {
				if !errors.Is(err, s) {
					t.Errorf("errors.Is(%v, %v) = false", err, s)
				}
			}
		})
	}
}

func TestExplain(t *testing.T) {
	in := `{
  "from": "Good Name <a@example.com>",
  "to": ["b@example.com"],
  "subject": "x",
  "headers": [
    {"name": "X-Ok", "value": "1"},
    {"name": "Subject", "value": "again"}
  ],
  "attachments": [{"contentBase64": "aGk=", "filename": "setup.exe"}]
}`
	tests := []struct {
		name   string
		mutate func(*builder.Message)
		line   int
		field  string
		reason string
	}{
		{"display name", func(m *builder.Message) { m.From.Name = "Bad\x00Name" }, 2, "from", "display name contains a NUL byte"},
		{"reserved header", func(m *builder.Message) {}, 7, "headers[1].name", "written by the builder"},
		{"attachment", func(m *builder.Message) { m.Headers = m.Headers[:1] }, 9, "attachments[0].filename", "extension SES refuses (use --allow-unsupported-attachments for other transports)"},
		{"subject injection", func(m *builder.Message) { m.Headers, m.Attachments, m.Subject = nil, nil, "a\nb" }, 4, "subject", "line feed"},
		{"message id flag", func(m *builder.Message) { m.Headers, m.Attachments, m.MessageID = nil, nil, "<x@y>" }, 0, "--message-id", "angle brackets"},
		{"X-SES as a custom header", func(m *builder.Message) {
			m.Headers, m.Attachments = []builder.Header{{Name: "X-SES-FROM-ARN", Value: "x"}}, nil
		}, 6, "headers[0].name", `set it in "ses"`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, err := spec.Parse([]byte(in), "x.json", ".")
			if err != nil {
				t.Fatal(err)
			}
			m, err := s.Message()
			if err != nil {
				t.Fatal(err)
			}
			tt.mutate(m)
			berr := (&builder.Builder{}).Validate(m)
			if berr == nil {
				t.Fatal("the builder accepts the message")
			}
			err = s.Explain(berr)
			var e *spec.Error
			if !errors.As(err, &e) {
				t.Fatalf("Explain(%v) = %v, want a *spec.Error", berr, err)
			}
			if e.Line != tt.line || e.Field != tt.field || !strings.Contains(e.Reason, tt.reason) {
				t.Errorf("Explain = %+v\nwant line %d field %q reason containing %q", e, tt.line, tt.field, tt.reason)
			}
			if flag := strings.HasPrefix(tt.field, "--"); flag != (e.File == "") {
				t.Errorf("Explain names file %q for field %q (a flag names no file)", e.File, e.Field)
			}
			var fe *builder.FieldError
			if !errors.As(err, &fe) {
				t.Errorf("Explain lost the *builder.FieldError")
			}
		})
	}
	if err := errors.New("other"); (&spec.Spec{}).Explain(err) != err {
		t.Error("Explain changed an error that is not a *builder.FieldError")
	}
}

func TestReadFile(t *testing.T) {
	dir := t.TempDir()
	p := filepath.Join(dir, "s.json")
	if err := os.WriteFile(p, []byte(`{"attachments": [{"path": "a.txt"}]}`), 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "a.txt"), []byte("hi"), 0o644); err != nil {
		t.Fatal(err)
	}
	s, err := spec.ReadFile(p, nil)
	if err != nil {
		t.Fatal(err)
	}
	m, err := s.Message()
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Attachments[0].Path; got != filepath.Join(dir, "a.txt") {
		t.Errorf("attachment path %q, want it relative to the spec file", got)
	}

	_, err = spec.ReadFile(filepath.Join(dir, "missing.json"), nil)
	var e *spec.Error
	if !errors.As(err, &e) || !errors.Is(err, os.ErrNotExist) || e.Reason != "no such file or directory" {
		t.Errorf("ReadFile(missing) = %v", err)
	}

	s, err = spec.ReadFile("-", strings.NewReader(`{"subject": "from stdin"}`))
	if err != nil || s.Subject != "from stdin" {
		t.Errorf("ReadFile(-) = %+v, %v", s, err)
	}
	_, err = spec.ReadFile("-", strings.NewReader(`{"x": 1}`))
	if !errors.As(err, &e) || e.File != "<stdin>" {
		t.Errorf("ReadFile(-) error = %v, want it to name <stdin>", err)
	}
}

func ExampleParse() {
	_, err := spec.Parse([]byte("{\n  \"from\": \"a@example.com\",\n  \"attachment\": []\n}"), "message.json", ".")
	var e *spec.Error
	if errors.As(err, &e) {
		fmt.Println(e.Message())
	}
	// Output:
	// message.json:3:3: attachment: unknown field (known: from, to, cc, bcc, replyTo, returnPath, subject, text, html, headers, attachments, ses, inReplyTo, references, unsubscribe, amp, calendar)
}
