package sesapi_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/xheaders"
)

var ignoreUnexported = cmpopts.IgnoreUnexported(sestypes.MessageTag{}, sesv2types.MessageTag{},
	sestypes.Destination{}, sesv2types.Destination{}, sesv2types.ListManagementOptions{},
	sestypes.Message{}, sestypes.Body{}, sestypes.Content{})

func TestRawEmailInputByParameters(t *testing.T) {
	m := newMessage()
	m.SES.ListManagement = &xheaders.ListOptions{ContactList: "customers", Topic: "billing"}
	m.SES.Tenant = "acme"
	before := *m
	s := &sesapi.Sender{Builder: newBuilder(), Method: sesapi.ByParameters}
	in, err := s.RawEmailInput("us-east-1", m)
	if err != nil {
		t.Fatal(err)
	}
	if diff := cmp.Diff(before, *m, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("RawEmailInput modified the message (-before +after):\n%s", diff)
	}
	if got, want := aws.ToString(in.Source), "bounces@example.com"; got != want {
		t.Errorf("Source = %q, want the Return-Path %q", got, want)
	}
	if diff := cmp.Diff([]string{"bob@example.net", "erin@example.net", "carol@example.org", "dave@example.com"}, in.Destinations); diff != "" {
		t.Errorf("Destinations (-want +got):\n%s", diff)
	}
	for _, p := range []struct {
		name string
		got  *string
	}{{"SourceArn", in.SourceArn}, {"FromArn", in.FromArn}, {"ReturnPathArn", in.ReturnPathArn}} {
		if aws.ToString(p.got) != arnExample.String() {
			t.Errorf("%s = %q, want %q", p.name, aws.ToString(p.got), arnExample)
		}
	}
	if got := aws.ToString(in.ConfigurationSetName); got != "transactional" {
		t.Errorf("ConfigurationSetName = %q", got)
	}
	wantTags := []sestypes.MessageTag{{Name: aws.String("campaign"), Value: aws.String("invoices")}, {Name: aws.String("tenant"), Value: aws.String("acme")}}
	if diff := cmp.Diff(wantTags, in.Tags, ignoreUnexported); diff != "" {
		t.Errorf("Tags (-want +got):\n%s", diff)
	}
	// The raw message has no header for a value sent as a parameter; list management and tenant,
	// which SendRawEmail has no parameter for, stay as headers.
	raw := in.RawMessage.Data
	got := sesHeaders(t, raw)
	want := xheaders.Headers{ListManagement: m.SES.ListManagement, Tenant: "acme"}
	if diff := cmp.Diff(want, got, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("X-SES headers in the raw message (-want +got):\n%s", diff)
	}
	p := parse(t, raw)
	if len(p.Bcc) != 0 || bytes.Contains(raw, []byte("dave@")) {
		t.Error("the Bcc recipient appears in the raw message")
	}
	if p.Subject != "Invoice 42" || !bytes.Equal(p.Attachments["invoice-42.pdf"], pdf) {
		t.Errorf("parsed back: subject %q, attachments %v", p.Subject, p.Attachments)
	}
}

func TestRawEmailInputByHeaders(t *testing.T) {
	m := newMessage()
	m.SES.ListManagement = &xheaders.ListOptions{ContactList: "customers"}
	s := &sesapi.Sender{Builder: newBuilder(), Method: sesapi.ByHeaders}
	in, err := s.RawEmailInput("us-east-1", m)
	if err != nil {
		t.Fatal(err)
	}
	if in.SourceArn != nil || in.FromArn != nil || in.ReturnPathArn != nil || in.ConfigurationSetName != nil || in.Tags != nil {
		t.Errorf("ByHeaders set parameters: SourceArn %v FromArn %v ReturnPathArn %v ConfigurationSetName %v Tags %v",
			in.SourceArn, in.FromArn, in.ReturnPathArn, in.ConfigurationSetName, in.Tags)
	}
	if aws.ToString(in.Source) != "bounces@example.com" || len(in.Destinations) != 4 {
		t.Errorf("envelope: Source %q Destinations %q", aws.ToString(in.Source), in.Destinations)
	}
	if diff := cmp.Diff(m.SES, sesHeaders(t, in.RawMessage.Data), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("X-SES headers in the raw message (-want +got):\n%s", diff)
	}
	if !bytes.HasPrefix(in.RawMessage.Data, []byte("X-SES-SOURCE-ARN: "+arnExample.String()+"\r\n")) {
		t.Errorf("raw message does not start with X-SES-SOURCE-ARN: %q", in.RawMessage.Data[:min(80, len(in.RawMessage.Data))])
	}
}

// The header method gives the same bytes as SMTP: the raw message is self-contained.
func TestByHeadersBytesEqualSMTP(t *testing.T) {
	v1, err := (&sesapi.Sender{Builder: newBuilder(), Method: sesapi.ByHeaders}).RawEmailInput("us-east-1", newMessage())
	if err != nil {
		t.Fatal(err)
	}
	// SMTP ignores Method: there is only the header method.
	sm, err := (&sesapi.Sender{Builder: newBuilder(), Method: sesapi.ByParameters}).SMTPMail("us-east-1", newMessage())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v1.RawMessage.Data, sm.Data) {
		t.Error("SendRawEmail ByHeaders and SMTP bytes differ")
	}
	if sm.From != "bounces@example.com" || strings.Join(sm.To, ",") != "bob@example.net,erin@example.net,carol@example.org,dave@example.com" {
		t.Errorf("SMTP envelope %q -> %q", sm.From, sm.To)
	}
	v2, err := (&sesapi.Sender{Builder: newBuilder(), Method: sesapi.ByHeaders}).EmailV2Input("us-east-1", newMessage())
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(v2.Content.Raw.Data, sm.Data) {
		t.Error("sesv2 ByHeaders and SMTP bytes differ")
	}
}

func TestEmailV2InputByParameters(t *testing.T) {
	m := newMessage()
	m.SES.ListManagement = &xheaders.ListOptions{ContactList: "customers", Topic: "billing"}
	m.SES.Tenant = "acme"
	s := &sesapi.Sender{Builder: newBuilder()}
	in, err := s.EmailV2Input("us-east-1", m)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ name, got, want string }{
		{"FromEmailAddress", aws.ToString(in.FromEmailAddress), "alice@example.com"},
		{"FromEmailAddressIdentityArn", aws.ToString(in.FromEmailAddressIdentityArn), arnExample.String()},
		{"FeedbackForwardingEmailAddress", aws.ToString(in.FeedbackForwardingEmailAddress), "bounces@example.com"},
		{"FeedbackForwardingEmailAddressIdentityArn", aws.ToString(in.FeedbackForwardingEmailAddressIdentityArn), arnExample.String()},
		{"ConfigurationSetName", aws.ToString(in.ConfigurationSetName), "transactional"},
		{"TenantName", aws.ToString(in.TenantName), "acme"},
	} {
		if p.got != p.want {
			t.Errorf("%s = %q, want %q", p.name, p.got, p.want)
		}
	}
	wantDest := &sesv2types.Destination{
		ToAddresses:  []string{`"Bob" <bob@example.net>`, "erin@example.net"},
		CcAddresses:  []string{`"Carol" <carol@example.org>`},
		BccAddresses: []string{"dave@example.com"},
	}
	if diff := cmp.Diff(wantDest, in.Destination, ignoreUnexported); diff != "" {
		t.Errorf("Destination (-want +got):\n%s", diff)
	}
	wantTags := []sesv2types.MessageTag{{Name: aws.String("campaign"), Value: aws.String("invoices")}, {Name: aws.String("tenant"), Value: aws.String("acme")}}
	if diff := cmp.Diff(wantTags, in.EmailTags, ignoreUnexported); diff != "" {
		t.Errorf("EmailTags (-want +got):\n%s", diff)
	}
	wantLM := &sesv2types.ListManagementOptions{ContactListName: aws.String("customers"), TopicName: aws.String("billing")}
	if diff := cmp.Diff(wantLM, in.ListManagementOptions, ignoreUnexported); diff != "" {
		t.Errorf("ListManagementOptions (-want +got):\n%s", diff)
	}
	if h := sesHeaders(t, in.Content.Raw.Data); !h.IsZero() {
		t.Errorf("ByParameters left X-SES headers in v2 raw content: %+v", h)
	}
}

func TestEmailV2InputByHeaders(t *testing.T) {
	m := newMessage()
	s := &sesapi.Sender{Builder: newBuilder(), Method: sesapi.ByHeaders}
	in, err := s.EmailV2Input("us-east-1", m)
	if err != nil {
		t.Fatal(err)
	}
	if in.FromEmailAddress != nil || in.FromEmailAddressIdentityArn != nil || in.FeedbackForwardingEmailAddressIdentityArn != nil ||
		in.ConfigurationSetName != nil || in.EmailTags != nil || in.ListManagementOptions != nil || in.TenantName != nil {
		t.Errorf("ByHeaders set parameters: %+v", in)
	}
	if diff := cmp.Diff(m.SES, sesHeaders(t, in.Content.Raw.Data), cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("X-SES headers (-want +got):\n%s", diff)
	}
}

// With only a source ARN, v2's single ARN is that one; with a Return-Path and no Return-Path ARN,
// the source ARN authorizes the feedback address too (as SES documents for SourceArn alone).
func TestEmailV2InputSourceARNOnly(t *testing.T) {
	m := newMessage()
	m.SES.FromARN, m.SES.ReturnPathARN = xheaders.ARN{}, xheaders.ARN{}
	in, err := (&sesapi.Sender{Builder: newBuilder()}).EmailV2Input("us-east-1", m)
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(in.FromEmailAddressIdentityArn) != arnExample.String() || aws.ToString(in.FeedbackForwardingEmailAddressIdentityArn) != arnExample.String() {
		t.Errorf("FromEmailAddressIdentityArn %q FeedbackForwardingEmailAddressIdentityArn %q",
			aws.ToString(in.FromEmailAddressIdentityArn), aws.ToString(in.FeedbackForwardingEmailAddressIdentityArn))
	}
	// Without delegation nothing identity-related is set.
	m = newMessage()
	m.SES = xheaders.Headers{}
	in, err = (&sesapi.Sender{Builder: newBuilder()}).EmailV2Input("us-east-1", m)
	if err != nil {
		t.Fatal(err)
	}
	if in.FromEmailAddress != nil || in.FromEmailAddressIdentityArn != nil || in.FeedbackForwardingEmailAddress != nil {
		t.Errorf("undelegated message got identity parameters: %+v", in)
	}
}

func TestEmailInput(t *testing.T) {
	m := simpleMessage()
	m.Subject = "Grüße"
	in, err := (&sesapi.Sender{Builder: newBuilder()}).EmailInput("us-east-1", m)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ name, got, want string }{
		{"Source", aws.ToString(in.Source), `"Alice Example" <alice@example.com>`},
		{"ReturnPath", aws.ToString(in.ReturnPath), "bounces@example.com"},
		{"SourceArn", aws.ToString(in.SourceArn), arnExample.String()},
		{"ReturnPathArn", aws.ToString(in.ReturnPathArn), arnExample.String()},
		{"ConfigurationSetName", aws.ToString(in.ConfigurationSetName), "transactional"},
		{"Subject", aws.ToString(in.Message.Subject.Data), "Grüße"},
		{"Subject.Charset", aws.ToString(in.Message.Subject.Charset), "UTF-8"},
		{"Body.Text", aws.ToString(in.Message.Body.Text.Data), m.Text},
	} {
		if p.got != p.want {
			t.Errorf("%s = %q, want %q", p.name, p.got, p.want)
		}
	}
	if in.Message.Body.Html != nil {
		t.Errorf("Body.Html set for a text-only message")
	}
	wantDest := &sestypes.Destination{
		ToAddresses:  []string{`"Bob" <bob@example.net>`, "erin@example.net"},
		CcAddresses:  []string{`"Carol" <carol@example.org>`},
		BccAddresses: []string{"dave@example.com"},
	}
	if diff := cmp.Diff(wantDest, in.Destination, ignoreUnexported); diff != "" {
		t.Errorf("Destination (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]string{`"Help desk" <help@example.com>`}, in.ReplyToAddresses); diff != "" {
		t.Errorf("ReplyToAddresses (-want +got):\n%s", diff)
	}
	if len(in.Tags) != 2 {
		t.Errorf("Tags = %v", in.Tags)
	}
}

// Recipients repeated across To, Cc and Bcc are sent once, in the first class they appear in.
func TestEmailInputDeduplicatesAcrossClasses(t *testing.T) {
	m := simpleMessage()
	m.Cc = append(m.Cc, m.To[0])
	m.Bcc = append(m.Bcc, m.Cc[0])
	in, err := (&sesapi.Sender{Builder: newBuilder()}).EmailInput("us-east-1", m)
	if err != nil {
		t.Fatal(err)
	}
	d := in.Destination
	if len(d.ToAddresses) != 2 || len(d.CcAddresses) != 1 || len(d.BccAddresses) != 1 {
		t.Errorf("Destination To %q Cc %q Bcc %q", d.ToAddresses, d.CcAddresses, d.BccAddresses)
	}
}

func TestTemplatedEmailInput(t *testing.T) {
	m := simpleMessage()
	m.Subject, m.Text = "", ""
	tmpl := sesapi.Template{Name: "invoice", ARN: "arn:aws:ses:us-east-1:123456789012:template/invoice", Data: `{"n":42}`}
	in, err := (&sesapi.Sender{Builder: newBuilder()}).TemplatedEmailInput("us-east-1", m, tmpl)
	if err != nil {
		t.Fatal(err)
	}
	for _, p := range []struct{ name, got, want string }{
		{"Template", aws.ToString(in.Template), "invoice"},
		{"TemplateArn", aws.ToString(in.TemplateArn), tmpl.ARN},
		{"TemplateData", aws.ToString(in.TemplateData), `{"n":42}`},
		{"Source", aws.ToString(in.Source), `"Alice Example" <alice@example.com>`},
		{"SourceArn", aws.ToString(in.SourceArn), arnExample.String()},
		{"ReturnPathArn", aws.ToString(in.ReturnPathArn), arnExample.String()},
	} {
		if p.got != p.want {
			t.Errorf("%s = %q, want %q", p.name, p.got, p.want)
		}
	}
	in, err = (&sesapi.Sender{Builder: newBuilder()}).TemplatedEmailInput("us-east-1", m, sesapi.Template{Name: "invoice"})
	if err != nil {
		t.Fatal(err)
	}
	if aws.ToString(in.TemplateData) != "{}" || in.TemplateArn != nil {
		t.Errorf("defaults: TemplateData %q TemplateArn %v", aws.ToString(in.TemplateData), in.TemplateArn)
	}
}

func TestMethodString(t *testing.T) {
	for m, want := range map[sesapi.Method]string{sesapi.ByParameters: "ByParameters", sesapi.ByHeaders: "ByHeaders", 7: "Method(7)"} {
		if got := m.String(); got != want {
			t.Errorf("%d.String() = %q, want %q", int(m), got, want)
		}
	}
}
