package sesapitest_test

import (
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/sesraw/sesraw/sesapitest"
)

// With Options.Secrets the server verifies the SDK's SigV4 signatures: the right secret passes
// for v1 (form POST), v2 (JSON POST and GET); a wrong one is SignatureDoesNotMatch (v1) and
// InvalidSignatureException (v2), and a key without a listed secret is not verified.
func TestSignature(t *testing.T) {
	s, _ := newServer(t, sesapitest.Options{Secrets: map[string]string{keyOwner: "secret-" + keyOwner, keyDel: "another-secret"}})
	raw := &ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: []byte(plainMessage)}, Destinations: []string{"bob@example.net", "o'brien+x@example.net"}}
	rawV2 := &sesv2.SendEmailInput{Content: &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: []byte(plainMessage)}}}
	if _, err := v1(s, "us-east-1", keyOwner).SendRawEmail(ctx(t), raw); err != nil {
		t.Errorf("v1 with the right secret: %v", err)
	}
	if _, err := v2(s, "us-east-1", keyOwner).SendEmail(ctx(t), rawV2); err != nil {
		t.Errorf("v2 with the right secret: %v", err)
	}
	if _, err := v2(s, "us-east-1", keyOwner).GetAccount(ctx(t), &sesv2.GetAccountInput{}); err != nil {
		t.Errorf("v2 GET with the right secret: %v", err)
	}
	// helpers' clients sign with "secret-" + key; keyDel's listed secret differs.
	_, err := v1(s, "us-east-1", keyDel).SendRawEmail(ctx(t), raw)
	if code, _ := apiError(t, err); code != "SignatureDoesNotMatch" {
		t.Errorf("v1 with a wrong secret: %v", err)
	}
	_, err = v2(s, "us-east-1", keyDel).SendEmail(ctx(t), rawV2)
	if code, _ := apiError(t, err); code != "InvalidSignatureException" {
		t.Errorf("v2 with a wrong secret: %v", err)
	}
	off, _ := newServer(t, sesapitest.Options{Secrets: map[string]string{keyDel: "another-secret"}, Disable: sesapitest.CheckSignature | sesapitest.CheckIdentity})
	if _, err := v1(off, "us-east-1", keyDel).SendRawEmail(ctx(t), raw); err != nil {
		t.Errorf("with the check off: %v", err)
	}
	if n := len(s.Records()); n != 2 {
		t.Errorf("%d records, want 2", n)
	}
}
