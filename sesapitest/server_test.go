package sesapitest_test

import (
	"bytes"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/sesraw/sesraw/sesapitest"
)

// v1 SendRawEmail: the record holds the raw bytes, every parameter, the first instance of each
// X-SES header, the values after "parameter beats header", and the message without X-SES headers.
func TestV1SendRawEmailRecord(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{})
	out, err := v1(s, "us-east-1", keyDel).SendRawEmail(ctx(t), &ses.SendRawEmailInput{
		RawMessage:           &sestypes.RawMessage{Data: []byte(rawMessage)},
		Source:               aws.String("bounces@example.com"),
		Destinations:         []string{"bob@example.net", "carol@example.org", "dave@example.com"},
		ReturnPathArn:        aws.String(arnExample),
		ConfigurationSetName: aws.String("fromparam"),
		Tags:                 []sestypes.MessageTag{{Name: aws.String("k"), Value: aws.String("v")}},
	})
	if err != nil {
		t.Fatal(err)
	}
	recs := s.Records()
	if len(recs) != 1 {
		t.Fatalf("%d records", len(recs))
	}
	r := recs[0]
	if r.MessageID != aws.ToString(out.MessageId) || r.Operation != sesapitest.V1SendRawEmail || r.Content != sesapitest.ContentRaw {
		t.Errorf("record %q %q %q, answer %q", r.MessageID, r.Operation, r.Content, aws.ToString(out.MessageId))
	}
	if r.Region != "us-east-1" || r.AccessKey != keyDel || r.Account != delegate || !r.Time.Equal(t0) {
		t.Errorf("caller %q %q %q at %v", r.Region, r.AccessKey, r.Account, r.Time)
	}
	if string(r.Raw) != rawMessage {
		t.Errorf("raw differs:\n%q", r.Raw)
	}
	wantParams := sesapitest.Params{
		Source: "bounces@example.com", Destinations: []string{"bob@example.net", "carol@example.org", "dave@example.com"},
		ReturnPathArn: arnExample, ConfigurationSetName: "fromparam", Tags: []sesapitest.Tag{{Name: "k", Value: "v"}},
	}
	if diff := cmp.Diff(wantParams, r.Params); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	wantX := sesapitest.XSES{SourceArn: arnExample, FromArn: arnExample, ConfigurationSet: "fromheader", MessageTags: "campaign=spring, tenant=acme"}
	if diff := cmp.Diff(wantX, r.XSES); diff != "" {
		t.Errorf("X-SES (-want +got):\n%s", diff)
	}
	wantEff := sesapitest.Effective{SourceArn: arnExample, FromArn: arnExample, ReturnPathArn: arnExample,
		ConfigurationSet: "fromparam", Tags: []sesapitest.Tag{{Name: "k", Value: "v"}}}
	if diff := cmp.Diff(wantEff, r.Effective); diff != "" {
		t.Errorf("effective (-want +got):\n%s", diff)
	}
	wantEnv := sesapitest.Envelope{From: "bounces@example.com", To: []string{"bob@example.net", "carol@example.org", "dave@example.com"}}
	if diff := cmp.Diff(wantEnv, r.Envelope); diff != "" {
		t.Errorf("envelope (-want +got):\n%s", diff)
	}
	if bytes.Contains(bytes.ToUpper(r.Delivered), []byte("X-SES-")) || !bytes.HasPrefix(r.Delivered, []byte("From: Alice")) ||
		!bytes.HasSuffix(r.Delivered, []byte("\r\n\r\nHi Bob.\r\n")) {
		t.Errorf("delivered:\n%s", r.Delivered)
	}
	// The copy handed out cannot change the server's record.
	recs[0].Raw[0] = 'Y'
	if again, _ := s.Record(r.MessageID); string(again.Raw) != rawMessage {
		t.Error("a record's Raw is shared with the caller")
	}
}

// v2 raw: FromEmailAddressIdentityArn overrides X-SES-SOURCE-ARN and X-SES-FROM-ARN; the
// Destination (with Bcc) is the envelope.
func TestV2SendEmailRawRecord(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{})
	arnAlice := "arn:aws:ses:us-east-1:111111111111:identity/alice@example.com"
	s.Verify(sesapitest.Identity{Account: owner, Region: "us-east-1", Name: "alice@example.com"})
	out, err := v2(s, "us-east-1", keyDel).SendEmail(ctx(t), &sesv2.SendEmailInput{
		Content:                     &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: []byte(rawMessage)}},
		FromEmailAddress:            aws.String("alice@example.com"),
		FromEmailAddressIdentityArn: aws.String(arnAlice),
		Destination:                 &sesv2types.Destination{ToAddresses: []string{"Bob <bob@example.net>"}, BccAddresses: []string{"dave@example.com"}},
		TenantName:                  aws.String("acme"),
		EndpointId:                  nil,
	})
	if err != nil {
		t.Fatal(err)
	}
	r, ok := s.Record(aws.ToString(out.MessageId))
	if !ok {
		t.Fatal("no record")
	}
	if r.Operation != sesapitest.V2SendEmail || r.Effective.SourceArn != arnAlice || r.Effective.FromArn != arnAlice ||
		r.Effective.ConfigurationSet != "fromheader" || r.Effective.Tenant != "acme" || r.Params.TenantName != "acme" {
		t.Errorf("record: %+v", r)
	}
	if diff := cmp.Diff([]string{"bob@example.net", "dave@example.com"}, r.Envelope.To); diff != "" {
		t.Errorf("envelope (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff([]sesapitest.Tag{{Name: "campaign", Value: "spring"}, {Name: "tenant", Value: "acme"}}, r.Effective.Tags); diff != "" {
		t.Errorf("tags from the header (-want +got):\n%s", diff)
	}
}

// The rate is a token bucket in recipients per second on the test's clock; v1 answers Throttling
// "Maximum sending rate exceeded.", v2 HTTP 429 TooManyRequestsException.
func TestRate(t *testing.T) {
	s, clock := newServer(t, sesapitest.Options{MaxSendRate: 1, Burst: 2})
	c1, c2 := v1(s, "us-east-1", keyOwner), v2(s, "us-east-1", keyOwner)
	send1 := func() error {
		_, err := c1.SendRawEmail(ctx(t), &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}})
		return err
	}
	send2 := func() error {
		_, err := c2.SendEmail(ctx(t), &sesv2.SendEmailInput{Content: &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: []byte(plainMessage)}}})
		return err
	}
	for i := range 2 {
		if err := send1(); err != nil {
			t.Fatalf("send %d within the burst: %v", i, err)
		}
	}
	err := send1()
	if code, msg := apiError(t, err); code != "Throttling" || msg != "Maximum sending rate exceeded." {
		t.Errorf("v1 over the rate: %q %q", code, msg)
	}
	var tm *sesv2types.TooManyRequestsException
	if err := send2(); !errors.As(err, &tm) || tm.ErrorMessage() != "Maximum sending rate exceeded." {
		t.Errorf("v2 over the rate: %v", err)
	}
	clock.Advance(time.Second)
	if err := send2(); err != nil {
		t.Errorf("after a second: %v", err)
	}
	if err := send1(); err == nil {
		t.Error("the bucket refilled more than one token in a second")
	}
	if n := len(s.Records()); n != 3 {
		t.Errorf("%d records, want 3 (refused sends are not recorded)", n)
	}
}

// A send to several recipients passes while any token is left and puts the bucket into debt.
func TestRateDebt(t *testing.T) {
	s, clock := newServer(t, sesapitest.Options{MaxSendRate: 1, Burst: 1})
	c := v1(s, "us-east-1", keyOwner)
	in := &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}, Destinations: []string{"a@example.net", "b@example.net", "c@example.net", "d@example.net", "e@example.net"}}
	if _, err := c.SendRawEmail(ctx(t), in); err != nil {
		t.Fatal(err)
	}
	in.Destinations = in.Destinations[:1]
	for _, d := range []time.Duration{time.Second, 3 * time.Second} {
		clock.Advance(d)
		if _, err := c.SendRawEmail(ctx(t), in); err == nil {
			t.Fatalf("sent %v after 5 recipients at 1/s", d)
		}
	}
	clock.Advance(time.Second)
	if _, err := c.SendRawEmail(ctx(t), in); err != nil {
		t.Errorf("after five seconds: %v", err)
	}
}

// The daily quota counts recipients over a moving 24 hours.
func TestDailyQuota(t *testing.T) {
	s, clock := newServer(t, sesapitest.Options{Max24HourSend: 3})
	c := v1(s, "us-east-1", keyOwner)
	in := &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}, Destinations: []string{"a@example.net", "b@example.net"}}
	for range 2 {
		if _, err := c.SendRawEmail(ctx(t), in); err != nil {
			t.Fatal(err)
		}
	}
	_, err := c.SendRawEmail(ctx(t), in)
	if code, msg := apiError(t, err); code != "Throttling" || msg != "Daily message quota exceeded." {
		t.Errorf("over the quota: %q %q", code, msg)
	}
	q, err := c.GetSendQuota(ctx(t), &ses.GetSendQuotaInput{})
	if err != nil {
		t.Fatal(err)
	}
	if q.Max24HourSend != 3 || q.MaxSendRate != -1 || q.SentLast24Hours != 4 {
		t.Errorf("GetSendQuota %v %v %v", q.Max24HourSend, q.MaxSendRate, q.SentLast24Hours)
	}
	clock.Advance(24*time.Hour + time.Second)
	if _, err := c.SendRawEmail(ctx(t), in); err != nil {
		t.Errorf("a day later: %v", err)
	}
	acct, err := v2(s, "us-east-1", keyOwner).GetAccount(ctx(t), &sesv2.GetAccountInput{})
	if err != nil {
		t.Fatal(err)
	}
	if sq := acct.SendQuota; sq.Max24HourSend != 3 || sq.SentLast24Hours != 2 || !acct.SendingEnabled {
		t.Errorf("GetAccount %+v", sq)
	}
}

// A dropped connection after acceptance: the client gets no answer, the message is recorded.
func TestFaultDrop(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{})
	s.AddFault(sesapitest.Fault{Operation: sesapitest.V1SendRawEmail, Drop: true})
	c := v1(s, "us-east-1", keyOwner)
	in := &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}}
	if _, err := c.SendRawEmail(ctx(t), in); err == nil {
		t.Fatal("no error from a dropped connection")
	}
	if n := len(s.Records()); n != 1 {
		t.Fatalf("%d records after a drop, want 1", n)
	}
	if _, err := c.SendRawEmail(ctx(t), in); err != nil {
		t.Errorf("the fault applied twice: %v", err)
	}
}

// 5xx and latency faults.
func TestFaultStatusLatency(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{})
	s.AddFault(sesapitest.Fault{Status: 503, Latency: 20 * time.Millisecond})
	c := v2(s, "us-east-1", keyOwner)
	in := &sesv2.SendEmailInput{Content: &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: []byte(plainMessage)}}}
	start := time.Now()
	_, err := c.SendEmail(ctx(t), in)
	if code, _ := apiError(t, err); code != "ServiceUnavailable" {
		t.Errorf("code %q", code)
	}
	if time.Since(start) < 20*time.Millisecond {
		t.Error("no latency")
	}
	if n := len(s.Records()); n != 0 {
		t.Errorf("%d records after a 503", n)
	}
}

// Identities: an unverified From, an ARN from another Region, an unknown access key.
func TestIdentityChecks(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{})
	c := v1(s, "us-east-1", keyDel)
	raw := strings.Replace(plainMessage, "alice@example.com", "alice@elsewhere.example", 1)
	_, err := c.SendRawEmail(ctx(t), &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(raw)}})
	if code, msg := apiError(t, err); code != "MessageRejected" ||
		msg != "Email address is not verified. The following identities failed the check in region US-EAST-1: Alice <alice@elsewhere.example>" {
		t.Errorf("unverified: %q %q", code, msg)
	}
	// The delegate cannot send as example.com without an ARN ...
	if _, err := c.SendRawEmail(ctx(t), &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}}); err == nil {
		t.Error("the delegate sent as the owner's domain without an ARN")
	}
	// ... can with one ...
	if _, err := c.SendRawEmail(ctx(t), &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}, FromArn: aws.String(arnExample)}); err != nil {
		t.Errorf("with FromArn: %v", err)
	}
	// ... but not with the ARN of another Region.
	_, err = c.SendRawEmail(ctx(t), &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}, FromArn: aws.String(arnEU)})
	if code, _ := apiError(t, err); code != "MessageRejected" {
		t.Errorf("ARN of eu-west-1 at us-east-1: %v", err)
	}
	_, err = v1(s, "us-east-1", "AKIDUNKNOWN").SendRawEmail(ctx(t), &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}})
	if code, _ := apiError(t, err); code != "InvalidClientTokenId" {
		t.Errorf("unknown key: %v", err)
	}
}

// The Authorize hook sees each identity ARN with the send's values; its refusal is AccessDenied.
func TestAuthorize(t *testing.T) {
	var got []sesapitest.Request
	s, _ := newServer(t, sesapitest.Options{Authorize: func(r sesapitest.Request) error {
		got = append(got, r)
		if r.Account != owner && r.FromAddress != "alice@example.com" {
			return errors.New("denied")
		}
		return nil
	}})
	c := v1(s, "us-east-1", keyDel)
	in := &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}, FromArn: aws.String(arnExample), Destinations: []string{"bob@example.net"}}
	if _, err := c.SendRawEmail(ctx(t), in); err != nil {
		t.Fatal(err)
	}
	want := sesapitest.Request{Operation: sesapitest.V1SendRawEmail, Action: "ses:SendRawEmail", Resource: arnExample, AccessKey: keyDel, Account: delegate,
		Region: "us-east-1", FromAddress: "alice@example.com", FromDisplayName: "Alice", Recipients: []string{"bob@example.net"}, FeedbackAddress: "alice@example.com",
		APIVersion: "1", Time: t0, SourceIP: "127.0.0.1"}
	if len(got) != 1 {
		t.Fatalf("Authorize called %d times", len(got))
	}
	if diff := cmp.Diff(want, got[0]); diff != "" {
		t.Errorf("request (-want +got):\n%s", diff)
	}
	in.RawMessage.Data = []byte(strings.Replace(plainMessage, "alice@", "bert@", 1))
	_, err := c.SendRawEmail(ctx(t), in)
	if code, msg := apiError(t, err); code != "AccessDenied" || msg != "User `arn:aws:iam::222222222222:root' is not authorized to perform `ses:SendRawEmail' on resource `"+arnExample+"'" {
		t.Errorf("denied: %q %q", code, msg)
	}
}
