package sesapi_test

import (
	"bytes"
	"errors"
	"net"
	"net/smtp"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	"github.com/google/go-cmp/cmp"
	"github.com/google/go-cmp/cmp/cmpopts"

	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
)

// These end-to-end tests send through the real aws-sdk-go-v2 clients (and net/smtp) to the
// in-process SES of package sesapitest, for what the npm emulator cannot show: the ARNs sent as
// parameters or as headers, the envelope (Bcc), the caller's account and Region, and SES's
// refusals, classified into this package's outcome categories.

const (
	delegateKey     = "AKIDDELEGATE"
	delegateAccount = "210987654321" // the delegate sender; the identity owner is arnExample's 123456789012
)

// newDelegateSES starts an in-process SES where the owner (arnExample's account) verified example.com in
// us-east-1, and AKIDDELEGATE belongs to the delegate's account.
func newDelegateSES(t testing.TB, o sesapitest.Options) *sesapitest.Server {
	t.Helper()
	o.AccessKeys = map[string]string{delegateKey: delegateAccount}
	o.Identities = append(o.Identities, sesapitest.Identity{Account: arnExample.Account, Region: "us-east-1", Name: "example.com"})
	s, err := sesapitest.NewServer(o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func sesConfig(s *sesapitest.Server, region string) aws.Config {
	return aws.Config{
		Region:           region,
		Credentials:      credentials.NewStaticCredentialsProvider(delegateKey, "secret", ""),
		BaseEndpoint:     aws.String(s.URL),
		RetryMaxAttempts: 1,
	}
}

// wantDelegation is what SES acts on for newMessage, whichever way it travelled.
var wantDelegation = sesapitest.Effective{
	SourceArn: arnExample.String(), FromArn: arnExample.String(), ReturnPathArn: arnExample.String(),
	ConfigurationSet: "transactional", Tags: []sesapitest.Tag{{Name: "campaign", Value: "invoices"}, {Name: "tenant", Value: "acme"}},
}

// checkRecord checks what SES received for newMessage: the effective delegation, the envelope
// with the Bcc recipient, and a delivered message without X-SES headers or Bcc.
func checkRecord(t *testing.T, r sesapitest.Record) {
	t.Helper()
	if r.Account != delegateAccount || r.Region != "us-east-1" || r.AccessKey != delegateKey {
		t.Errorf("caller %q %q %q", r.Account, r.Region, r.AccessKey)
	}
	if diff := cmp.Diff(wantDelegation, r.Effective, cmpopts.EquateEmpty()); diff != "" {
		t.Errorf("delegation SES acts on (-want +got):\n%s", diff)
	}
	// The return path: Source (v1), FeedbackForwardingEmailAddress (v2) or MAIL FROM (SMTP) with
	// ByParameters, the Return-Path header otherwise.
	wantEnv := sesapitest.Envelope{From: "bounces@example.com", To: []string{"bob@example.net", "erin@example.net", "carol@example.org", "dave@example.com"}}
	if diff := cmp.Diff(wantEnv, r.Envelope); diff != "" {
		t.Errorf("envelope (-want +got):\n%s", diff)
	}
	if bytes.Contains(r.Raw, []byte("dave@example.com")) {
		t.Error("the Bcc recipient is in the raw message")
	}
	if bytes.Contains(bytes.ToUpper(r.Delivered), []byte("X-SES-")) {
		t.Error("the delivered message has an X-SES header")
	}
	checkParsed(t, r.Delivered, newMessage())
}

// ByParameters sends the ARNs, configuration set and tags as SendRawEmail parameters and no X-SES
// header; ByHeaders the opposite. SES acts on the same values either way.
func TestSESAPITestSendRawEmail(t *testing.T) {
	for _, method := range []sesapi.Method{sesapi.ByParameters, sesapi.ByHeaders} {
		t.Run(method.String(), func(t *testing.T) {
			s := newDelegateSES(t, sesapitest.Options{})
			res, err := (&sesapi.Sender{Builder: newBuilder(), Method: method}).SendRawEmail(e2eContext(t), ses.NewFromConfig(sesConfig(s, "us-east-1")), newMessage())
			if err != nil {
				t.Fatal(err)
			}
			r, ok := s.Record(res.MessageID)
			if !ok {
				t.Fatalf("no record of %q", res.MessageID)
			}
			arn := arnExample.String()
			wantParams := sesapitest.Params{Source: "bounces@example.com",
				Destinations: []string{"bob@example.net", "erin@example.net", "carol@example.org", "dave@example.com"}}
			wantX := sesapitest.XSES{SourceArn: arn, FromArn: arn, ReturnPathArn: arn, ConfigurationSet: "transactional", MessageTags: "campaign=invoices, tenant=acme"}
			if method == sesapi.ByParameters {
				wantParams.SourceArn, wantParams.FromArn, wantParams.ReturnPathArn = arn, arn, arn
				wantParams.ConfigurationSetName = "transactional"
				wantParams.Tags = wantDelegation.Tags
				wantX = sesapitest.XSES{}
			}
			if diff := cmp.Diff(wantParams, r.Params, cmpopts.EquateEmpty()); diff != "" {
				t.Errorf("parameters (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff(wantX, r.XSES); diff != "" {
				t.Errorf("X-SES headers in the raw message (-want +got):\n%s", diff)
			}
			checkRecord(t, r)
		})
	}
}

// SES v2 raw: ByParameters sends FromEmailAddressIdentityArn and the rest as parameters and no
// X-SES header at all; ByHeaders only headers.
func TestSESAPITestSendEmailV2(t *testing.T) {
	for _, method := range []sesapi.Method{sesapi.ByParameters, sesapi.ByHeaders} {
		t.Run(method.String(), func(t *testing.T) {
			s := newDelegateSES(t, sesapitest.Options{})
			res, err := (&sesapi.Sender{Builder: newBuilder(), Method: method}).SendEmailV2(e2eContext(t), sesv2.NewFromConfig(sesConfig(s, "us-east-1")), newMessage())
			if err != nil {
				t.Fatal(err)
			}
			r, _ := s.Record(res.MessageID)
			arn := arnExample.String()
			if method == sesapi.ByParameters {
				if r.Params.FromEmailAddressIdentityArn != arn || r.Params.FeedbackForwardingEmailAddressIdentityArn != arn ||
					r.Params.ConfigurationSetName != "transactional" || len(r.Params.Tags) != 2 || r.XSES != (sesapitest.XSES{}) {
					t.Errorf("ByParameters: params %+v, X-SES %+v", r.Params, r.XSES)
				}
			} else if r.Params.FromEmailAddressIdentityArn != "" || r.Params.ConfigurationSetName != "" || r.XSES.FromArn != arn || r.XSES.SourceArn != arn {
				t.Errorf("ByHeaders: params %+v, X-SES %+v", r.Params, r.XSES)
			}
			if diff := cmp.Diff([]string{`"Bob" <bob@example.net>`, "erin@example.net"}, r.Params.To); diff != "" {
				t.Errorf("Destination.ToAddresses (-want +got):\n%s", diff)
			}
			if diff := cmp.Diff([]string{"dave@example.com"}, r.Params.Bcc); diff != "" {
				t.Errorf("Destination.BccAddresses (-want +got):\n%s", diff)
			}
			checkRecord(t, r)
		})
	}
}

// SMTP with AUTH: the X-SES headers in DATA are the only delegation; the Bcc recipient is only in
// RCPT TO.
func TestSESAPITestSMTP(t *testing.T) {
	s := newDelegateSES(t, sesapitest.Options{})
	addr, err := s.StartSMTP(sesapitest.SMTPOptions{Auth: true})
	if err != nil {
		t.Fatal(err)
	}
	host, _, _ := net.SplitHostPort(addr)
	sm, err := (&sesapi.Sender{Builder: newBuilder()}).SMTPMail("us-east-1", newMessage())
	if err != nil {
		t.Fatal(err)
	}
	if err := smtp.SendMail(addr, smtp.PlainAuth("", delegateKey, "smtp-password", host), sm.From, sm.To, sm.Data); err != nil {
		t.Fatal(err)
	}
	recs := s.Records()
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	if !bytes.Equal(recs[0].Raw, sm.Data) {
		t.Error("DATA as received differs from what SMTPMail built")
	}
	checkRecord(t, recs[0])
}

// SES's refusals reach the caller classified into the outcome categories, for v1 and v2.
func TestSESAPITestOutcomes(t *testing.T) {
	type sendFunc func(*sesapitest.Server, string) error
	v1 := func(s *sesapitest.Server, region string) error {
		_, err := (&sesapi.Sender{Builder: newBuilder()}).SendRawEmail(e2eContext(t), ses.NewFromConfig(sesConfig(s, region)), newMessage())
		return err
	}
	v2 := func(s *sesapitest.Server, region string) error {
		_, err := (&sesapi.Sender{Builder: newBuilder()}).SendEmailV2(e2eContext(t), sesv2.NewFromConfig(sesConfig(s, region)), newMessage())
		return err
	}
	for _, tc := range []struct {
		name  string
		opts  sesapitest.Options
		prime bool // an accepted send first uses up the rate or the quota
		fault sesapitest.Fault
		want  error
	}{
		{name: "rate", opts: sesapitest.Options{MaxSendRate: 1}, prime: true, want: sesapi.ErrThrottled},
		{name: "daily-quota", opts: sesapitest.Options{Max24HourSend: 1}, prime: true, want: sesapi.ErrDailyQuota},
		{name: "not-authorized", opts: sesapitest.Options{Authorize: func(sesapitest.Request) error { return errors.New("no policy") }}, want: sesapi.ErrNotAuthorized},
		{name: "unavailable", fault: sesapitest.Fault{Status: 503}, want: sesapi.ErrTemporary},
		{name: "dropped", fault: sesapitest.Fault{Drop: true}, want: sesapi.ErrUnknownOutcome},
	} {
		for api, send := range map[string]sendFunc{"v1": v1, "v2": v2} {
			t.Run(tc.name+"/"+api, func(t *testing.T) {
				s := newDelegateSES(t, tc.opts)
				if tc.prime {
					if err := send(s, "us-east-1"); err != nil {
						t.Fatalf("first send: %v", err)
					}
				}
				if tc.fault != (sesapitest.Fault{}) {
					s.AddFault(tc.fault)
				}
				before := len(s.Records())
				err := send(s, "us-east-1")
				if !errors.Is(err, tc.want) {
					t.Fatalf("error %v, want %v", err, tc.want)
				}
				var se *sesapi.SendError
				if !errors.As(err, &se) {
					t.Errorf("%T is not a *sesapi.SendError", err)
				}
				recorded := len(s.Records()) - before
				if wantRec := map[bool]int{true: 1, false: 0}[tc.want == sesapi.ErrUnknownOutcome]; recorded != wantRec {
					t.Errorf("%d messages recorded by the failed send, want %d", recorded, wantRec)
				}
			})
		}
	}
}

// The Region rule: an identity ARN with "*" as its Region (global endpoints) needs the identity
// verified in the Region of the endpoint called; the owner verified it only in us-east-1.
func TestSESAPITestRegion(t *testing.T) {
	s := newDelegateSES(t, sesapitest.Options{})
	m := newMessage()
	m.Delegate(arnGlobal)
	_, err := (&sesapi.Sender{Builder: newBuilder()}).SendRawEmail(e2eContext(t), ses.NewFromConfig(sesConfig(s, "eu-west-1")), m)
	if !errors.Is(err, sesapi.ErrIdentityNotVerified) {
		t.Fatalf("send in eu-west-1: %v", err)
	}
	s.Verify(sesapitest.Identity{Account: arnGlobal.Account, Region: "eu-west-1", Name: "example.com"})
	res, err := (&sesapi.Sender{Builder: newBuilder()}).SendRawEmail(e2eContext(t), ses.NewFromConfig(sesConfig(s, "eu-west-1")), m)
	if err != nil {
		t.Fatal(err)
	}
	if r, _ := s.Record(res.MessageID); r.Region != "eu-west-1" || r.Effective.FromArn != arnGlobal.String() {
		t.Errorf("record %q %q", r.Region, r.Effective.FromArn)
	}
}
