package sesapitest_test

import (
	"bytes"
	"fmt"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	gomail "github.com/emersion/go-message/mail"
	"github.com/google/go-cmp/cmp"

	"github.com/sesraw/sesraw/sesapitest"
)

// v1 SendEmail: parameters only; the delivered message is composed from them and carries no Bcc.
func TestV1SendEmail(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{})
	out, err := v1(s, "us-east-1", keyDel).SendEmail(ctx(t), &ses.SendEmailInput{
		Source:      aws.String("Alice <alice@example.com>"),
		SourceArn:   aws.String(arnExample),
		Destination: &sestypes.Destination{ToAddresses: []string{"bob@example.net"}, BccAddresses: []string{"dave@example.com"}},
		Message: &sestypes.Message{Subject: &sestypes.Content{Data: aws.String("Grüße")},
			Body: &sestypes.Body{Text: &sestypes.Content{Data: aws.String("Hi.")}, Html: &sestypes.Content{Data: aws.String("<p>Hi.</p>")}}},
		ReplyToAddresses: []string{"help@example.com"},
		ReturnPath:       aws.String("bounces@example.com"),
		ReturnPathArn:    aws.String(arnExample),
	})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s.Record(aws.ToString(out.MessageId))
	if r.Operation != sesapitest.V1SendEmail || r.Content != sesapitest.ContentSimple || r.Raw != nil {
		t.Errorf("record %q %q raw=%v", r.Operation, r.Content, r.Raw != nil)
	}
	if r.Effective.SourceArn != arnExample || r.Effective.ReturnPathArn != arnExample || r.Effective.FromArn != "" {
		t.Errorf("effective %+v", r.Effective)
	}
	if diff := cmp.Diff(sesapitest.Envelope{From: "bounces@example.com", To: []string{"bob@example.net", "dave@example.com"}}, r.Envelope); diff != "" {
		t.Errorf("envelope (-want +got):\n%s", diff)
	}
	m := readMessage(t, r.Delivered)
	if m.subject != "Grüße" || m.text != "Hi." || m.html != "<p>Hi.</p>" || m.from != "alice@example.com" || m.to != "bob@example.net" || m.bcc != "" {
		t.Errorf("delivered %+v", m)
	}
}

// Templates registered through v1 CreateTemplate and v2 CreateEmailTemplate render with the
// send's data; an unknown template is SES's TemplateDoesNotExist / NotFoundException.
func TestTemplates(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{})
	c1, c2 := v1(s, "us-east-1", keyOwner), v2(s, "us-east-1", keyOwner)
	if _, err := c1.CreateTemplate(ctx(t), &ses.CreateTemplateInput{Template: &sestypes.Template{TemplateName: aws.String("t1"),
		SubjectPart: aws.String("Hello {{name}}"), TextPart: aws.String("Order {{order.id}}")}}); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.CreateEmailTemplate(ctx(t), &sesv2.CreateEmailTemplateInput{TemplateName: aws.String("t2"),
		TemplateContent: &sesv2types.EmailTemplateContent{Subject: aws.String("Hi {{name}}"), Html: aws.String("<b>{{name}}</b>")}}); err != nil {
		t.Fatal(err)
	}
	out, err := c1.SendTemplatedEmail(ctx(t), &ses.SendTemplatedEmailInput{Source: aws.String("alice@example.com"), Template: aws.String("t1"),
		TemplateData: aws.String(`{"name":"Bob","order":{"id":42}}`), Destination: &sestypes.Destination{ToAddresses: []string{"bob@example.net"}}})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s.Record(aws.ToString(out.MessageId))
	if r.Operation != sesapitest.V1SendTemplatedEmail || r.Params.Subject != "Hello Bob" || r.Params.Text != "Order 42" || r.Params.Template != "t1" {
		t.Errorf("v1 templated %+v", r.Params)
	}
	out2, err := c2.SendEmail(ctx(t), &sesv2.SendEmailInput{FromEmailAddress: aws.String("alice@example.com"),
		Destination: &sesv2types.Destination{ToAddresses: []string{"bob@example.net"}},
		Content:     &sesv2types.EmailContent{Template: &sesv2types.Template{TemplateName: aws.String("t2"), TemplateData: aws.String(`{"name":"Eve"}`)}}})
	if err != nil {
		t.Fatal(err)
	}
	r, _ = s.Record(aws.ToString(out2.MessageId))
	if r.Content != sesapitest.ContentTemplate || readMessage(t, r.Delivered).html != "<b>Eve</b>" || r.Params.Subject != "Hi Eve" {
		t.Errorf("v2 template %+v", r.Params)
	}
	_, err = c1.SendTemplatedEmail(ctx(t), &ses.SendTemplatedEmailInput{Source: aws.String("alice@example.com"), Template: aws.String("nope"),
		TemplateData: aws.String(`{}`), Destination: &sestypes.Destination{ToAddresses: []string{"bob@example.net"}}})
	if code, msg := apiError(t, err); code != "TemplateDoesNotExist" || msg != "Template nope does not exist." {
		t.Errorf("unknown template v1: %q %q", code, msg)
	}
	_, err = c2.SendEmail(ctx(t), &sesv2.SendEmailInput{FromEmailAddress: aws.String("alice@example.com"),
		Destination: &sesv2types.Destination{ToAddresses: []string{"bob@example.net"}},
		Content:     &sesv2types.EmailContent{Template: &sesv2types.Template{TemplateName: aws.String("nope"), TemplateData: aws.String(`{}`)}}})
	if code, _ := apiError(t, err); code != "NotFoundException" {
		t.Errorf("unknown template v2: %q", code)
	}
}

// v2 Simple content with an attachment, and SendBulkEmail with one record per entry and a status
// per entry.
func TestV2SimpleAndBulk(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{Max24HourSend: 2})
	c := v2(s, "us-east-1", keyDel)
	out, err := c.SendEmail(ctx(t), &sesv2.SendEmailInput{
		FromEmailAddress: aws.String("alice@example.com"), FromEmailAddressIdentityArn: aws.String(arnExample),
		Destination: &sesv2types.Destination{ToAddresses: []string{"bob@example.net"}},
		Content: &sesv2types.EmailContent{Simple: &sesv2types.Message{
			Subject: &sesv2types.Content{Data: aws.String("Invoice")}, Body: &sesv2types.Body{Text: &sesv2types.Content{Data: aws.String("Attached.")}},
			Attachments: []sesv2types.Attachment{{FileName: aws.String("a.pdf"), RawContent: []byte("%PDF\x00\xff"), ContentType: aws.String("application/pdf")}},
		}},
	})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s.Record(aws.ToString(out.MessageId))
	m := readMessage(t, r.Delivered)
	if r.Effective.FromArn != arnExample || m.subject != "Invoice" || m.text != "Attached." || !bytes.Equal(m.attachments["a.pdf"], []byte("%PDF\x00\xff")) {
		t.Errorf("simple: %+v %+v", r.Effective, m)
	}
	s.AddTemplate(sesapitest.Template{Name: "bulk", Subject: "Hi {{n}}", Text: "x"})
	entry := func(to, n string) sesv2types.BulkEmailEntry {
		return sesv2types.BulkEmailEntry{Destination: &sesv2types.Destination{ToAddresses: []string{to}},
			ReplacementEmailContent: &sesv2types.ReplacementEmailContent{ReplacementTemplate: &sesv2types.ReplacementTemplate{ReplacementTemplateData: aws.String(`{"n":"` + n + `"}`)}}}
	}
	bulk, err := c.SendBulkEmail(ctx(t), &sesv2.SendBulkEmailInput{
		FromEmailAddress: aws.String("alice@example.com"), FromEmailAddressIdentityArn: aws.String(arnExample),
		DefaultContent:   &sesv2types.BulkEmailContent{Template: &sesv2types.Template{TemplateName: aws.String("bulk"), TemplateData: aws.String(`{}`)}},
		BulkEmailEntries: []sesv2types.BulkEmailEntry{entry("a@example.net", "A"), entry("b@example.net", "B")},
	})
	if err != nil {
		t.Fatal(err)
	}
	var got []string
	for _, e := range bulk.BulkEmailEntryResults {
		got = append(got, fmt.Sprintf("%s %s", e.Status, aws.ToString(e.Error)))
	}
	if diff := cmp.Diff([]string{"SUCCESS ", "ACCOUNT_DAILY_QUOTA_EXCEEDED Daily message quota exceeded."}, got); diff != "" {
		t.Errorf("bulk results (-want +got):\n%s", diff)
	}
	r, _ = s.Record(aws.ToString(bulk.BulkEmailEntryResults[0].MessageId))
	if r.Operation != sesapitest.V2SendBulkEmail || r.Params.Subject != "Hi A" || r.Envelope.To[0] != "a@example.net" {
		t.Errorf("bulk record %+v", r)
	}
}

// The content checks, each with SES's code and text, and each switchable.
func TestContentChecks(t *testing.T) {
	many := make([]string, 51)
	for i := range many {
		many[i] = fmt.Sprintf("r%d@example.net", i)
	}
	dkim := "DKIM-Signature: v=1; d=example.com\r\nDKIM-Signature: v=1; d=example.org\r\n" + plainMessage
	// SES's limits are 10 MB (v1) and 40 MB (v2, SMTP); a smaller limit tests the same check in
	// milliseconds instead of seconds per message.
	if sesapitest.MaxSizeV1 != 10485760 || sesapitest.MaxSizeV2 != 40<<20 {
		t.Errorf("size limits %d, %d", sesapitest.MaxSizeV1, sesapitest.MaxSizeV2)
	}
	small := sesapitest.SizeLimits{V1: 1000, V2: 2000}
	big := plainMessage + strings.Repeat("x", 1500)
	for _, tc := range []struct {
		name  string
		check sesapitest.Checks
		in    *ses.SendRawEmailInput
		code  string
		msg   string
	}{
		{"recipients", sesapitest.CheckRecipients, &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}, Destinations: many},
			"InvalidParameterValue", "Recipient count exceeds 50."},
		{"dkim", sesapitest.CheckDuplicateHeaders, &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(dkim)}},
			"InvalidParameterValue", "Duplicate header 'DKIM-Signature'."},
		{"address-no-domain", sesapitest.CheckAddresses, &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}, Destinations: []string{"bob"}},
			"InvalidParameterValue", "Missing final '@domain'"},
		{"address-whitespace", sesapitest.CheckAddresses, &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}, Source: aws.String("al ice@example.com")},
			"InvalidParameterValue", "Local address contains control or whitespace"},
		{"tag-parameter", sesapitest.CheckTags, &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)},
			Tags: []sestypes.MessageTag{{Name: aws.String("event"), Value: aws.String("event:id:abc1234")}}},
			"InvalidParameterValue", "Invalid tag value <event:id:abc1234>: only alphanumeric ASCII characters, '_', and '-' are allowed."},
		{"tag-header", sesapitest.CheckTags, &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte("X-SES-MESSAGE-TAGS: a b=c\r\n" + plainMessage)}},
			"InvalidParameterValue", "Invalid tag name <a b>: only alphanumeric ASCII characters, '_', and '-' are allowed."},
		{"size", sesapitest.CheckSize, &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(big)}},
			"InvalidParameterValue", fmt.Sprintf("Message length is more than 1000 bytes long: '%d'.", len(big))},
	} {
		t.Run(tc.name, func(t *testing.T) {
			s, _ := newServer(t, sesapitest.Options{SizeLimits: small})
			_, err := v1(s, "us-east-1", keyOwner).SendRawEmail(ctx(t), tc.in)
			if code, msg := apiError(t, err); code != tc.code || msg != tc.msg {
				t.Errorf("got %q %q, want %q %q", code, msg, tc.code, tc.msg)
			}
			off, _ := newServer(t, sesapitest.Options{SizeLimits: small, Disable: tc.check})
			if _, err := v1(off, "us-east-1", keyOwner).SendRawEmail(ctx(t), tc.in); err != nil {
				t.Errorf("with the check off: %v", err)
			}
		})
	}
	// The v2 limit applies to v2: the message too long for v1 passes there.
	s, _ := newServer(t, sesapitest.Options{SizeLimits: small})
	if _, err := v2(s, "us-east-1", keyOwner).SendEmail(ctx(t), &sesv2.SendEmailInput{Content: &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: []byte(big)}}}); err != nil {
		t.Errorf("v2 with %d bytes: %v", len(big), err)
	}
	big2 := []byte(plainMessage + strings.Repeat("x", 2500))
	_, err := v2(s, "us-east-1", keyOwner).SendEmail(ctx(t), &sesv2.SendEmailInput{Content: &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: big2}}})
	if code, msg := apiError(t, err); code != "BadRequestException" || msg != fmt.Sprintf("Message length is more than 2000 bytes long: '%d'.", len(big2)) {
		t.Errorf("v2 over its limit: %q %q", code, msg)
	}
}

// readback is what a mail client reads from a message.
type readback struct {
	from, to, cc, bcc, subject, text, html string
	attachments                            map[string][]byte
}

func readMessage(t testing.TB, raw []byte) readback {
	t.Helper()
	r, err := gomail.CreateReader(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("go-message: %v\n%s", err, raw)
	}
	var m readback
	m.attachments = map[string][]byte{}
	addr := func(k string) string {
		l, _ := r.Header.AddressList(k)
		var s []string
		for _, a := range l {
			s = append(s, a.Address)
		}
		return strings.Join(s, ",")
	}
	m.from, m.to, m.cc, m.bcc = addr("From"), addr("To"), addr("Cc"), addr("Bcc")
	m.subject, _ = r.Header.Subject()
	for {
		p, err := r.NextPart()
		if err != nil {
			break
		}
		var b bytes.Buffer
		b.ReadFrom(p.Body)
		switch h := p.Header.(type) {
		case *gomail.InlineHeader:
			ct, _, _ := h.ContentType()
			if ct == "text/html" {
				m.html = b.String()
			} else {
				m.text = b.String()
			}
		case *gomail.AttachmentHeader:
			name, _ := h.Filename()
			m.attachments[name] = b.Bytes()
		}
	}
	return m
}
