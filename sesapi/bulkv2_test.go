package sesapi_test

import (
	"context"
	"errors"
	"net/mail"
	"testing"

	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
	"github.com/sesraw/sesraw/xheaders"
)

// SES v2 SendBulkEmail as a delegate: FromEmailAddressIdentityArn and
// FeedbackForwardingEmailAddressIdentityArn from the delegation, the tenant, per-entry data.
func TestSendBulkEmailV2(t *testing.T) {
	srv := newSES(t, sesapitest.Options{})
	srv.AddTemplate(sesapitest.Template{Name: "news", Subject: "Hello {{name}}", Text: "Hi {{name}}."})
	_, v2, _ := sesClients(srv)
	b := &sesapi.BulkTemplated{
		From:       mail.Address{Name: "News", Address: "news@example.com"},
		ReturnPath: "bounces@example.com",
		Template:   sesapi.Template{Name: "news", Data: `{"name":"reader"}`},
		Entries: []sesapi.BulkEntry{
			{To: []mail.Address{{Address: "a@example.net"}}, ReplacementData: `{"name":"Ann"}`},
			{To: []mail.Address{{Address: "b@example.net"}}, Bcc: []mail.Address{{Address: "archive@example.com"}}},
		},
	}
	b.SES.Delegate(arnOwner)
	b.SES.ReturnPathARN = arnOwner
	b.SES.Tenant = "tenant-a"
	res, out, err := (&sesapi.Sender{}).SendBulkEmailV2(context.Background(), v2, b)
	if err != nil {
		t.Fatal(err)
	}
	if len(res) != 2 || out.RequestID == "" {
		t.Fatalf("%+v %+v", res, out)
	}
	for i, r := range res {
		rec, ok := srv.Record(r.MessageID)
		if !ok {
			t.Fatalf("entry %d: %+v not recorded", i, r)
		}
		p := rec.Params
		if p.FromEmailAddressIdentityArn != arnOwner.String() || p.FeedbackForwardingEmailAddressIdentityArn != arnOwner.String() ||
			p.FeedbackForwardingEmailAddress != "bounces@example.com" || p.TenantName != "tenant-a" || rec.Operation != sesapitest.V2SendBulkEmail {
			t.Errorf("entry %d: %+v", i, p)
		}
	}
	// The checks: a From the identity does not cover, a Region that is not the endpoint's.
	bad := *b
	bad.From.Address = "news@other.example"
	if _, _, err := (&sesapi.Sender{}).SendBulkEmailV2(context.Background(), v2, &bad); !errors.Is(err, sesapi.ErrNotCovered) {
		t.Errorf("From not covered: %v", err)
	}
	eu := *b
	eu.SES.Delegate(xheaders.MustParseARN("arn:aws:ses:eu-west-1:111111111111:identity/example.com"))
	eu.SES.ReturnPathARN = xheaders.ARN{}
	if _, _, err := (&sesapi.Sender{}).SendBulkEmailV2(context.Background(), v2, &eu); !errors.Is(err, sesapi.ErrRegionMismatch) {
		t.Errorf("Region: %v", err)
	}
}

// The tenant of a v2 send reaches SES as TenantName.
func TestV2Tenant(t *testing.T) {
	srv := newSES(t, sesapitest.Options{})
	_, v2, _ := sesClients(srv)
	m := scaleMessage(0, 1)
	m.SES.Tenant = "tenant-a"
	out, _ := (&sesapi.Batch{Transport: sesapi.V2{Client: v2}}).SendAll(context.Background(), []sesapi.Item{{Message: m}})
	if out[0].Err != nil {
		t.Fatal(out[0].Err)
	}
	if rec, _ := srv.Record(out[0].Result.MessageID); rec.Params.TenantName != "tenant-a" || rec.Effective.Tenant != "tenant-a" {
		t.Errorf("params %+v effective %+v", rec.Params, rec.Effective)
	}
}
