package sesapi_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
	"github.com/sesraw/sesraw/sespolicy"
	"github.com/sesraw/sesraw/xheaders"
)

// ownerPolicy lets the delegate's account send as example.com, to recipients in example.net and
// example.org only (newMessage also Bccs dave@example.com).
func ownerPolicy(t testing.TB, recipients string) []sespolicy.IdentityPolicies {
	t.Helper()
	p, err := sespolicy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Sid":"Platform","Effect":"Allow",
	  "Principal":{"AWS":"` + delegateAccount + `"},"Action":["ses:SendEmail","ses:SendRawEmail"],"Resource":"` + arnExample.String() + `",
	  "Condition":{"ForAllValues:StringLike":{"ses:Recipients":` + recipients + `},"Null":{"ses:Recipients":"false"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	p.Name = "platform"
	return []sespolicy.IdentityPolicies{{ARN: arnExample.String(), Policies: []*sespolicy.Policy{p}}}
}

var policyNow = func() time.Time { return time.Date(2025, 3, 14, 15, 9, 26, 0, time.UTC) }

// A send the owner's policy denies fails before any request: the in-process SES records nothing,
// and the error carries the evaluation.
func TestPolicyDeniedSendMakesNoRequest(t *testing.T) {
	srv := newDelegateSES(t, sesapitest.Options{})
	sender := &sesapi.Sender{Builder: newBuilder(), Policy: &sesapi.PolicyCheck{
		Caller: delegateAccount, Owner: ownerPolicy(t, `["*@example.net","*@example.org"]`), Now: policyNow}}
	check := func(name string, err error) {
		t.Helper()
		var ce *sesapi.CheckError
		var pe *sesapi.PolicyError
		if !errors.Is(err, sesapi.ErrPolicyDenied) || !errors.As(err, &ce) || !errors.As(err, &pe) {
			t.Fatalf("%s: %v", name, err)
		}
		if pe.Result.Decision != sespolicy.ImplicitDeny || pe.Identity != arnExample.String() ||
			!strings.Contains(err.Error(), `ForAllValues:StringLike ses:Recipients: "dave@example.com" matches none of ["*@example.net", "*@example.org"]`) {
			t.Errorf("%s: %v", name, err)
		}
	}
	_, err := sender.SendRawEmail(e2eContext(t), ses.NewFromConfig(sesConfig(srv, "us-east-1")), newMessage())
	check("SendRawEmail", err)
	_, err = sender.SendEmailV2(e2eContext(t), sesv2.NewFromConfig(sesConfig(srv, "us-east-1")), newMessage())
	check("SendEmailV2", err)
	_, err = sender.SMTPMail("us-east-1", newMessage())
	check("SMTPMail", err)
	if n := len(srv.Records()); n != 0 {
		t.Errorf("SES received %d requests", n)
	}
	// Allowed: the send goes through.
	sender.Policy.Owner = ownerPolicy(t, `["*@example.net","*@example.org","*@example.com"]`)
	if _, err := sender.SendRawEmail(e2eContext(t), ses.NewFromConfig(sesConfig(srv, "us-east-1")), newMessage()); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Records()); n != 1 {
		t.Errorf("SES received %d requests, want 1", n)
	}
}

// A message that names no identity ARN is the caller's own: the policy is not consulted.
func TestPolicyOwnSend(t *testing.T) {
	m := newMessage()
	m.SES.SourceARN, m.SES.FromARN, m.SES.ReturnPathARN = xheaders.ARN{}, xheaders.ARN{}, xheaders.ARN{}
	sender := &sesapi.Sender{Builder: newBuilder(), Policy: &sesapi.PolicyCheck{Caller: delegateAccount, Now: policyNow}}
	if _, err := sender.SMTPMail("us-east-1", m); err != nil {
		t.Fatal(err)
	}
	// With an ARN and no policy at all, the send is refused.
	if _, err := sender.SMTPMail("us-east-1", newMessage()); !errors.Is(err, sesapi.ErrPolicyDenied) {
		t.Fatalf("no policy: %v", err)
	}
}

// A raw message (not built here) is judged too, its display name read from its From header.
func TestPolicyRawMessage(t *testing.T) {
	p, err := sespolicy.Parse([]byte(`{"Version":"2012-10-17","Statement":[{"Sid":"Billing","Effect":"Allow",
	  "Principal":{"AWS":"` + delegateAccount + `"},"Action":"ses:SendRawEmail","Resource":"` + arnExample.String() + `",
	  "Condition":{"StringEquals":{"ses:FromDisplayName":"Büro Billing"}}}]}`))
	if err != nil {
		t.Fatal(err)
	}
	sender := &sesapi.Sender{Policy: &sesapi.PolicyCheck{Caller: delegateAccount, Now: policyNow,
		Owner: []sespolicy.IdentityPolicies{{ARN: arnExample.String(), Policies: []*sespolicy.Policy{p}}}}}
	raw := func(name string) *sesapi.RawMessage {
		return &sesapi.RawMessage{Data: []byte("From: " + name + " <billing@example.com>\r\nTo: bob@example.net\r\nSubject: x\r\n" +
			"MIME-Version: 1.0\r\nContent-Type: text/plain\r\n\r\nhello\r\n"), SES: xheaders.Headers{SourceARN: arnExample, FromARN: arnExample}}
	}
	if _, err := sender.RawSMTPMail("us-east-1", raw("=?utf-8?q?B=C3=BCro_Billing?=")); err != nil {
		t.Fatalf("the encoded display name decodes to the allowed one: %v", err)
	}
	_, err = sender.RawSMTPMail("us-east-1", raw("Mallory"))
	var pe *sesapi.PolicyError
	if !errors.As(err, &pe) || !strings.Contains(err.Error(), `StringEquals ses:FromDisplayName: "Mallory" does not match ["Büro Billing"]`) {
		t.Fatalf("%v", err)
	}
}
