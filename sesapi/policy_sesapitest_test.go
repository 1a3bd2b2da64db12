package sesapi_test

import (
	"errors"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
	"github.com/sesraw/sesraw/sespolicy"
)

// authorizeWith makes the in-process SES enforce sending authorization policies through its
// Authorize hook, judging with package sespolicy what SES would.
func authorizeWith(owner []sespolicy.IdentityPolicies) func(sesapitest.Request) error {
	return func(r sesapitest.Request) error {
		op := sespolicy.V1SendRawEmail
		if r.APIVersion == "2" {
			op = sespolicy.V2SendEmailRaw
		}
		res, err := sespolicy.Evaluate(&sespolicy.Request{
			Send: sespolicy.Send{Operation: op, Identity: r.Resource, Caller: r.Account, From: r.FromAddress,
				FromDisplayName: r.FromDisplayName, Recipients: r.Recipients, FeedbackAddress: r.FeedbackAddress, Time: r.Time},
			Owner:       owner,
			Assumptions: &sespolicy.Assumptions{Actions: map[sespolicy.Operation]string{op: r.Action}},
		})
		if err != nil {
			return err
		}
		if !res.Allowed() {
			return errors.New(res.Summary())
		}
		return nil
	}
}

// The in-process SES enforcing the same policy refuses the same send with SES's AccessDenied,
// which sesapi classifies as ErrNotAuthorized; an allowed send is recorded.
func TestPolicyEnforcedByInProcessSES(t *testing.T) {
	srv := newDelegateSES(t, sesapitest.Options{Authorize: authorizeWith(ownerPolicy(t, `["*@example.net","*@example.org"]`))})
	_, err := (&sesapi.Sender{Builder: newBuilder()}).SendRawEmail(e2eContext(t), ses.NewFromConfig(sesConfig(srv, "us-east-1")), newMessage())
	if !errors.Is(err, sesapi.ErrNotAuthorized) {
		t.Fatalf("want SES's AccessDenied: %v", err)
	}
	m := newMessage()
	m.Bcc = nil
	if _, err := (&sesapi.Sender{Builder: newBuilder()}).SendRawEmail(e2eContext(t), ses.NewFromConfig(sesConfig(srv, "us-east-1")), m); err != nil {
		t.Fatal(err)
	}
	if n := len(srv.Records()); n != 1 {
		t.Errorf("records: %d, want 1", n)
	}
}
