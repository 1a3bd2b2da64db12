package sesapi_test

import (
	"bytes"
	"context"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"errors"
	"net/mail"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/internal/sestest"
	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/xheaders"
)

// emu is the SES emulator (aws-ses-v2-local), started by the first end-to-end test and stopped
// after all tests. Without it the end-to-end tests fail in CI (CI=true) and skip elsewhere.
var emu sestest.Shared

func TestMain(m *testing.M) {
	code := m.Run()
	emu.Close()
	os.Exit(code)
}

func e2eContext(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// checkStored compares what the emulator stored (parsed by its mailparser from the raw message)
// with the message that was built.
func checkStored(t *testing.T, got sestest.StoredEmail, m *builder.Message) {
	t.Helper()
	if got.Subject != m.Subject {
		t.Errorf("stored Subject %q, want %q", got.Subject, m.Subject)
	}
	if from, err := mail.ParseAddress(got.From); err != nil || from.Address != m.From.Address || from.Name != m.From.Name {
		t.Errorf("stored From %q (%v), want %v", got.From, err, m.From)
	}
	for _, f := range []struct {
		name string
		got  []string
		want []mail.Address
	}{{"To", got.Destination.To, m.To}, {"Cc", got.Destination.Cc, m.Cc}, {"Bcc", got.Destination.Bcc, nil}} {
		var gotAddrs, wantAddrs []string
		for _, s := range f.got {
			list, err := mail.ParseAddressList(s)
			if err != nil {
				t.Errorf("stored %s %q: %v", f.name, s, err)
			}
			for _, a := range list {
				gotAddrs = append(gotAddrs, a.Name+" <"+a.Address+">")
			}
		}
		for _, a := range f.want {
			wantAddrs = append(wantAddrs, a.Name+" <"+a.Address+">")
		}
		if diff := cmp.Diff(wantAddrs, gotAddrs); diff != "" {
			t.Errorf("stored %s (-want +got):\n%s", f.name, diff)
		}
	}
	if strings.TrimSpace(got.Body.Text) != m.Text {
		t.Errorf("stored text %q, want %q", got.Body.Text, m.Text)
	}
	if m.HTML != "" && !strings.Contains(got.Body.HTML, m.HTML) {
		t.Errorf("stored HTML %q, want %q", got.Body.HTML, m.HTML)
	}
	if len(got.Attachments) != len(m.Attachments) {
		t.Fatalf("stored %d attachments, want %d", len(got.Attachments), len(m.Attachments))
	}
	for i, a := range m.Attachments {
		g := got.Attachments[i]
		if g.Filename != a.Filename || !bytes.Equal(g.Content, a.Data) || (a.ContentType != "" && g.ContentType != a.ContentType) {
			t.Errorf("stored attachment %d: %q %q %d bytes, want %q %q %d bytes", i, g.Filename, g.ContentType, len(g.Content), a.Filename, a.ContentType, len(a.Data))
		}
	}
}

// checkParsed checks what a mail client reads from the raw bytes that went over the wire.
func checkParsed(t *testing.T, raw []byte, m *builder.Message) {
	t.Helper()
	p := parse(t, raw)
	if p.Subject != m.Subject || p.Text != m.Text || p.HTML != m.HTML {
		t.Errorf("parsed Subject %q Text %q HTML %q", p.Subject, p.Text, p.HTML)
	}
	if len(p.From) != 1 || p.From[0].Address != m.From.Address || len(p.Bcc) != 0 {
		t.Errorf("parsed From %v Bcc %v", p.From, p.Bcc)
	}
	if bytes.Contains(raw, []byte("dave@example.com")) {
		t.Error("the Bcc recipient is in the raw message")
	}
	for _, a := range m.Attachments {
		if !bytes.Equal(p.Attachments[a.Filename], a.Data) {
			t.Errorf("attachment %q: parsed %d bytes, want %d", a.Filename, len(p.Attachments[a.Filename]), len(a.Data))
		}
	}
}

// SendRawEmail through the real aws-sdk-go-v2 ses client, with both delegation methods.
func TestE2ESendRawEmail(t *testing.T) {
	e := emu.Get(t)
	for _, method := range []sesapi.Method{sesapi.ByParameters, sesapi.ByHeaders} {
		t.Run(method.String(), func(t *testing.T) {
			ctx := e2eContext(t)
			rec := new(sestest.Recorder)
			m := newMessage()
			s := &sesapi.Sender{Builder: newBuilder(), Method: method}
			res, err := s.SendRawEmail(ctx, ses.NewFromConfig(e.Config(rec)), m)
			if err != nil {
				t.Fatalf("SendRawEmail: %v\nemulator:\n%s", err, e.Output())
			}

			// The request as sent on the wire.
			req, _ := rec.Last()
			form, err := req.Form()
			if err != nil {
				t.Fatal(err)
			}
			raw, err := base64.StdEncoding.DecodeString(form.Get("RawMessage.Data"))
			if err != nil {
				t.Fatal(err)
			}
			want, err := (&sesapi.Sender{Builder: newBuilder(), Method: method}).RawEmailInput("us-east-1", newMessage())
			if err != nil {
				t.Fatal(err)
			}
			if !bytes.Equal(raw, want.RawMessage.Data) {
				t.Error("RawMessage.Data on the wire differs from what RawEmailInput builds")
			}
			wantForm := map[string]string{
				"Action": "SendRawEmail", "Source": "bounces@example.com",
				"Destinations.member.1": "bob@example.net", "Destinations.member.2": "erin@example.net",
				"Destinations.member.3": "carol@example.org", "Destinations.member.4": "dave@example.com",
				"SourceArn": "", "FromArn": "", "ReturnPathArn": "", "ConfigurationSetName": "",
				"Tags.member.1.Name": "", "Tags.member.1.Value": "", "Tags.member.2.Name": "",
			}
			wantSES := m.SES
			if method == sesapi.ByParameters {
				for k, v := range map[string]string{"SourceArn": arnExample.String(), "FromArn": arnExample.String(),
					"ReturnPathArn": arnExample.String(), "ConfigurationSetName": "transactional",
					"Tags.member.1.Name": "campaign", "Tags.member.1.Value": "invoices", "Tags.member.2.Name": "tenant"} {
					wantForm[k] = v
				}
				wantSES = xheaders.Headers{}
			}
			for k, v := range wantForm {
				if got := form.Get(k); got != v {
					t.Errorf("form %s = %q, want %q", k, got, v)
				}
			}
			if diff := cmp.Diff(wantSES, sesHeaders(t, raw), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("X-SES headers on the wire (-want +got):\n%s", diff)
			}
			checkParsed(t, raw, m)

			// What the emulator received.
			got, err := e.Email(ctx, res.MessageID)
			if err != nil {
				t.Fatal(err)
			}
			checkStored(t, got, m)
		})
	}
}

// SES v2 SendEmail with raw content through the real sesv2 client, with both methods.
func TestE2ESendEmailV2Raw(t *testing.T) {
	e := emu.Get(t)
	for _, method := range []sesapi.Method{sesapi.ByParameters, sesapi.ByHeaders} {
		t.Run(method.String(), func(t *testing.T) {
			ctx := e2eContext(t)
			rec := new(sestest.Recorder)
			m := newMessage()
			s := &sesapi.Sender{Builder: newBuilder(), Method: method}
			res, err := s.SendEmailV2(ctx, sesv2.NewFromConfig(e.Config(rec)), m)
			if err != nil {
				t.Fatalf("SendEmailV2: %v\nemulator:\n%s", err, e.Output())
			}
			req, _ := rec.Last()
			var body struct {
				Content struct {
					Raw struct{ Data []byte }
				}
				Destination                                                               struct{ ToAddresses, CcAddresses, BccAddresses []string }
				FromEmailAddress, FromEmailAddressIdentityArn                             string
				FeedbackForwardingEmailAddress, FeedbackForwardingEmailAddressIdentityArn string
				ConfigurationSetName                                                      string
				EmailTags                                                                 []struct{ Name, Value string }
			}
			if err := json.Unmarshal(req.Body, &body); err != nil {
				t.Fatalf("request body: %v\n%s", err, req.Body)
			}
			if req.Path != "/v2/email/outbound-emails" {
				t.Errorf("path %q", req.Path)
			}
			if got := strings.Join(append(append(body.Destination.ToAddresses, body.Destination.CcAddresses...), body.Destination.BccAddresses...), ","); got != `"Bob" <bob@example.net>,erin@example.net,"Carol" <carol@example.org>,dave@example.com` {
				t.Errorf("Destination on the wire: %s", got)
			}
			wantSES := m.SES
			if method == sesapi.ByParameters {
				wantSES = xheaders.Headers{}
				if body.FromEmailAddressIdentityArn != arnExample.String() || body.FromEmailAddress != "alice@example.com" ||
					body.FeedbackForwardingEmailAddressIdentityArn != arnExample.String() || body.FeedbackForwardingEmailAddress != "bounces@example.com" ||
					body.ConfigurationSetName != "transactional" || len(body.EmailTags) != 2 {
					t.Errorf("parameters on the wire: %s", req.Body)
				}
			} else if body.FromEmailAddressIdentityArn != "" || body.ConfigurationSetName != "" || len(body.EmailTags) != 0 {
				t.Errorf("ByHeaders sent parameters: %s", req.Body)
			}
			if diff := cmp.Diff(wantSES, sesHeaders(t, body.Content.Raw.Data), cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("X-SES headers on the wire (-want +got):\n%s", diff)
			}
			checkParsed(t, body.Content.Raw.Data, m)
			got, err := e.Email(ctx, res.MessageID)
			if err != nil {
				t.Fatal(err)
			}
			checkStored(t, got, m)
		})
	}
}

// SES v1 SendEmail (SES composes the message) with SourceArn and ReturnPathArn.
func TestE2ESendEmailV1(t *testing.T) {
	e := emu.Get(t)
	ctx := e2eContext(t)
	rec := new(sestest.Recorder)
	m := simpleMessage()
	res, err := (&sesapi.Sender{Builder: newBuilder()}).SendEmail(ctx, ses.NewFromConfig(e.Config(rec)), m)
	if err != nil {
		t.Fatalf("SendEmail: %v\nemulator:\n%s", err, e.Output())
	}
	req, _ := rec.Last()
	form, err := req.Form()
	if err != nil {
		t.Fatal(err)
	}
	for k, v := range map[string]string{
		"Action": "SendEmail", "Source": `"Alice Example" <alice@example.com>`,
		"SourceArn": arnExample.String(), "ReturnPathArn": arnExample.String(), "ReturnPath": "bounces@example.com",
		"Destination.ToAddresses.member.1": `"Bob" <bob@example.net>`, "Destination.ToAddresses.member.2": "erin@example.net",
		"Destination.CcAddresses.member.1": `"Carol" <carol@example.org>`, "Destination.BccAddresses.member.1": "dave@example.com", "Message.Subject.Data": m.Subject,
		"Message.Body.Text.Data": m.Text, "ConfigurationSetName": "transactional", "FromArn": "",
	} {
		if got := form.Get(k); got != v {
			t.Errorf("form %s = %q, want %q", k, got, v)
		}
	}
	got, err := e.Email(ctx, res.MessageID)
	if err != nil {
		t.Fatal(err)
	}
	// For SendEmail the emulator stores the parameters as given, but only the first member of each
	// list: its request schema (zod) declares only "...member.1" keys and strips the others. The
	// form check above covers every member on the wire.
	want := sestest.StoredEmail{MessageID: res.MessageID, From: `"Alice Example" <alice@example.com>`, ReplyTo: []string{`"Help desk" <help@example.com>`}, Subject: m.Subject, At: got.At}
	want.Destination.To = []string{`"Bob" <bob@example.net>`}
	want.Destination.Cc = []string{`"Carol" <carol@example.org>`}
	want.Destination.Bcc = []string{"dave@example.com"}
	want.Body.Text = m.Text
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("stored (-want +got):\n%s", diff)
	}
}

// SMTP: the README's code, end to end: credentials derived from an access key, STARTTLS with a
// verified certificate, AUTH over TLS, and the same bytes as SendRawEmail with the header method
// in DATA, X-SES headers on top, byte-identical on arrival.
func TestE2ESMTP(t *testing.T) {
	password, cert := smtpPassword(t), testCert(t)
	srv, err := sestest.StartSMTPWith(sestest.SMTPOptions{TLS: "starttls", Certificate: &cert.TLS, RequireAuth: true, Users: map[string]string{smtpKeyID: password}})
	if err != nil {
		t.Fatal(err)
	}
	defer srv.Close()
	ctx := e2eContext(t)
	if _, err := readmeSMTP(ctx, readmeMessage(pdf), srv.Addr, []*x509.Certificate{cert.Leaf}, smtpKeyID, smtpSecret); err != nil {
		t.Fatal(err)
	}
	if _, err := readmeSMTP(ctx, readmeMessage(pdf), srv.Addr, []*x509.Certificate{cert.Leaf}, smtpKeyID, "wrong secret"); !errors.Is(err, sesapi.ErrBadCredentials) {
		t.Errorf("wrong secret: %v, want ErrBadCredentials", err)
	}
	msgs := srv.Messages()
	if len(msgs) != 1 {
		t.Fatalf("server got %d messages, want 1", len(msgs))
	}
	got := msgs[0]
	// The top of DATA as the README shows it.
	top := "X-SES-SOURCE-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
		"X-SES-FROM-ARN: arn:aws:ses:us-east-1:123456789012:identity/example.com\r\n" +
		"From: Example Billing <billing@example.com>\r\n" +
		"To: customer@example.net\r\n" +
		"Subject: Your invoice\r\n"
	if !bytes.HasPrefix(got.Data, []byte(top)) {
		t.Errorf("DATA begins %q, want %q", got.Data[:min(len(got.Data), len(top))], top)
	}
	if got.From != "billing@example.com" || strings.Join(got.To, ",") != "customer@example.net" || got.Username != smtpKeyID || !got.TLS {
		t.Errorf("envelope %q -> %q, user %q, TLS %v", got.From, got.To, got.Username, got.TLS)
	}
	if a := srv.Auths(); len(a) != 2 || !a[0].TLS || !a[0].OK || a[1].OK {
		t.Errorf("AUTH exchanges %+v, want the right password accepted and the wrong one refused, both over TLS", a)
	}

	// The bytes are those of SendRawEmail with the header method, and arrive unchanged.
	want, err := (&sesapi.Sender{Builder: newBuilder(), Method: sesapi.ByHeaders}).RawEmailInput("us-east-1", newMessage())
	if err != nil {
		t.Fatal(err)
	}
	sm, err := (&sesapi.Sender{Builder: newBuilder()}).SMTPMail("us-east-1", newMessage())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(sm.Data, want.RawMessage.Data) {
		t.Error("SMTP bytes differ from SendRawEmail ByHeaders bytes")
	}
	ss, err := sesapi.NewSMTPSender(sesapi.SMTPConfig{Addr: srv.Addr, RootCAs: []*x509.Certificate{cert.Leaf}, Username: smtpKeyID, Password: password})
	if err != nil {
		t.Fatal(err)
	}
	defer ss.Close()
	if _, err := ss.Send(ctx, sm, nil); err != nil {
		t.Fatal(err)
	}
	msgs = srv.Messages()
	if len(msgs) != 2 || !bytes.Equal(msgs[1].Data, sm.Data) {
		t.Fatal("DATA as received differs from the bytes sent")
	}
	if diff := cmp.Diff(newMessage().SES, sesHeaders(t, msgs[1].Data), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("X-SES headers in DATA (-want +got):\n%s", diff)
	}
	checkParsed(t, msgs[1].Data, newMessage())
}

// The README examples run for real.
func TestE2EReadmeExamples(t *testing.T) {
	e := emu.Get(t)
	ctx := e2eContext(t)
	cfg := e.Config(nil)
	for name, send := range map[string]func(context.Context, aws.Config, *builder.Message) (*sesapi.Result, error){
		"v1 raw": readmeRawV1, "v1 SendEmail": readmeSendEmailV1, "v2 raw": readmeRawV2,
	} {
		m := readmeMessage(pdf)
		if name == "v1 SendEmail" {
			m.Attachments = nil
		}
		res, err := send(ctx, cfg, m)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		got, err := e.Email(ctx, res.MessageID)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if got.Subject != "Your invoice" || len(got.Attachments) != len(m.Attachments) {
			t.Errorf("%s: stored %q with %d attachments", name, got.Subject, len(got.Attachments))
		}
	}
}
