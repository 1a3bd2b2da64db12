package sesapitest_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"
	"github.com/google/go-cmp/cmp"

	"github.com/sesraw/sesraw/sesapitest"
)

// Every v2 parameter is recorded as sent, the ones the npm emulator drops (TenantName,
// EndpointId) included, and the parameters beat the X-SES headers of the raw content.
func TestV2ParamsRecorded(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{})
	raw := "X-SES-LIST-MANAGEMENT-OPTIONS: headerlist; topic=headertopic\r\nX-SES-TENANT: headertenant\r\n" + plainMessage
	in := &sesv2.SendEmailInput{
		Content:                                   &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: []byte(raw)}},
		FromEmailAddress:                          aws.String("alice@example.com"),
		FromEmailAddressIdentityArn:               aws.String(arnExample),
		FeedbackForwardingEmailAddress:            aws.String("bounces@example.com"),
		FeedbackForwardingEmailAddressIdentityArn: aws.String(arnExample),
		Destination:                               &sesv2types.Destination{ToAddresses: []string{"bob@example.net"}},
		ReplyToAddresses:                          []string{"help@example.com"},
		EmailTags:                                 []sesv2types.MessageTag{{Name: aws.String("a"), Value: aws.String("b")}},
		ConfigurationSetName:                      aws.String("transactional"),
		ListManagementOptions:                     &sesv2types.ListManagementOptions{ContactListName: aws.String("list"), TopicName: aws.String("topic")},
		TenantName:                                aws.String("acme"),
	}
	out, err := v2(s, "us-east-1", keyOwner).SendEmail(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s.Record(aws.ToString(out.MessageId))
	want := sesapitest.Params{
		FromEmailAddress: "alice@example.com", FromEmailAddressIdentityArn: arnExample,
		FeedbackForwardingEmailAddress: "bounces@example.com", FeedbackForwardingEmailAddressIdentityArn: arnExample,
		To: []string{"bob@example.net"}, ReplyTo: []string{"help@example.com"}, Tags: []sesapitest.Tag{{Name: "a", Value: "b"}},
		ConfigurationSetName: "transactional", ListManagementOptions: &sesapitest.ListManagement{ContactListName: "list", TopicName: "topic"},
		TenantName: "acme",
	}
	if diff := cmp.Diff(want, r.Params); diff != "" {
		t.Errorf("params (-want +got):\n%s", diff)
	}
	wantEff := sesapitest.Effective{SourceArn: arnExample, FromArn: arnExample, ReturnPathArn: arnExample, ConfigurationSet: "transactional",
		Tags: want.Tags, ListManagement: want.ListManagementOptions, Tenant: "acme"}
	if diff := cmp.Diff(wantEff, r.Effective); diff != "" {
		t.Errorf("effective (-want +got):\n%s", diff)
	}
	if r.XSES.ListManagementOptions != "headerlist; topic=headertopic" || r.XSES.Tenant != "headertenant" {
		t.Errorf("X-SES %+v", r.XSES)
	}
	if r.Envelope.From != "bounces@example.com" {
		t.Errorf("envelope sender %q", r.Envelope.From)
	}

	// Without the parameters the headers decide.
	in.ListManagementOptions, in.TenantName = nil, nil
	out, err = v2(s, "us-east-1", keyOwner).SendEmail(ctx(t), in)
	if err != nil {
		t.Fatal(err)
	}
	r, _ = s.Record(aws.ToString(out.MessageId))
	if diff := cmp.Diff(&sesapitest.ListManagement{ContactListName: "headerlist", TopicName: "headertopic"}, r.Effective.ListManagement); diff != "" || r.Effective.Tenant != "headertenant" {
		t.Errorf("from the headers: tenant %q, list management (-want +got):\n%s", r.Effective.Tenant, diff)
	}
}

// EndpointId (global endpoints) is recorded when the client sends it to BaseEndpoint. The client
// then signs with SigV4a, whose scope names no Region: the server acts as Options.Region.
func TestV2EndpointID(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{})
	out, err := v2(s, "us-east-1", keyOwner).SendEmail(ctx(t), &sesv2.SendEmailInput{
		Content:    &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: []byte(plainMessage)}},
		EndpointId: aws.String("abcd1234.efgh"),
	})
	if err != nil {
		t.Fatal(err)
	}
	r, _ := s.Record(aws.ToString(out.MessageId))
	if r.Params.EndpointId != "abcd1234.efgh" || r.Region != sesapitest.DefaultRegion || r.AccessKey != keyOwner {
		t.Errorf("EndpointId %q, Region %q, access key %q", r.Params.EndpointId, r.Region, r.AccessKey)
	}
}
