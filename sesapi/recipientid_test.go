package sesapi_test

import (
	"net/mail"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/sesapitest"
	"github.com/sesraw/sesraw/xheaders"
)

// Every send result carries the Message-ID recipients see, for the Region the request went to:
// v1 SendRawEmail, SendEmail and SendTemplatedEmail, v2 SendEmail and SendBulkEmail, and a
// Batch's results over V1 and V2, each against the in-process SES in us-east-1 and eu-west-1.
// The expected domains are written out here, not derived with RecipientMessageID.
func TestRecipientMessageIDInResults(t *testing.T) {
	s := newDelegateSES(t, sesapitest.Options{})
	s.Verify(sesapitest.Identity{Account: arnExample.Account, Region: "eu-west-1", Name: "example.com"})
	s.AddTemplate(sesapitest.Template{Name: "hello", Subject: "Hello {{name}}", Text: "Hi {{name}}."})
	for _, c := range []struct {
		region, domain string
		arn            xheaders.ARN
	}{
		{"us-east-1", "@email.amazonses.com", arnExample},
		{"eu-west-1", "@eu-west-1.amazonses.com", arnEU},
	} {
		v1 := ses.NewFromConfig(sesConfig(s, c.region))
		v2 := sesv2.NewFromConfig(sesConfig(s, c.region))
		delegated := func(m *builder.Message) *builder.Message { m.Delegate(c.arn); return m }
		snd := &sesapi.Sender{Builder: newBuilder()}
		tmpl := sesapi.Template{Name: "hello", Data: `{"name":"Bob"}`}
		check := func(op string, id, rid string) {
			t.Helper()
			if id == "" || rid != id+c.domain {
				t.Errorf("%s %s: MessageID %q, RecipientMessageID %q, want ID%s", c.region, op, id, rid, c.domain)
				return
			}
			if r, ok := s.Record(id); !ok || r.Region != c.region {
				t.Errorf("%s %s: record of %q in Region %q (found %v)", c.region, op, id, r.Region, ok)
			}
		}
		single := map[string]func() (*sesapi.Result, error){
			"SendRawEmail": func() (*sesapi.Result, error) { return snd.SendRawEmail(e2eContext(t), v1, delegated(newMessage())) },
			"SendEmail":    func() (*sesapi.Result, error) { return snd.SendEmail(e2eContext(t), v1, delegated(simpleMessage())) },
			"SendTemplatedEmail": func() (*sesapi.Result, error) {
				return snd.SendTemplatedEmail(e2eContext(t), v1, delegated(templatedMessage()), tmpl)
			},
			"sesv2.SendEmail": func() (*sesapi.Result, error) { return snd.SendEmailV2(e2eContext(t), v2, delegated(newMessage())) },
		}
		for op, send := range single {
			res, err := send()
			if err != nil {
				t.Errorf("%s %s: %v", c.region, op, err)
				continue
			}
			check(op, res.MessageID, res.RecipientMessageID)
		}

		b := &sesapi.BulkTemplated{
			From:     mail.Address{Address: "news@example.com"},
			Template: tmpl,
			Entries:  []sesapi.BulkEntry{{To: []mail.Address{{Address: "a@example.net"}}}, {To: []mail.Address{{Address: "b@example.net"}}}},
		}
		b.SES.Delegate(c.arn)
		entries, _, err := snd.SendBulkEmailV2(e2eContext(t), v2, b)
		if err != nil || len(entries) != 2 {
			t.Fatalf("%s SendBulkEmail: %v %+v", c.region, err, entries)
		}
		for _, e := range entries {
			check("SendBulkEmail entry", e.MessageID, e.RecipientMessageID)
		}

		for name, tr := range map[string]sesapi.Transport{"V1": sesapi.V1{Client: v1}, "V2": sesapi.V2{Client: v2}} {
			items := []sesapi.Item{{Message: delegated(newMessage())}, {Message: delegated(templatedMessage()), Template: &tmpl}}
			if name == "V2" {
				items = items[:1]
			}
			outs, _ := (&sesapi.Batch{Sender: snd, Transport: tr}).SendAll(e2eContext(t), items)
			for i, o := range outs {
				if o.Err != nil {
					t.Errorf("%s Batch %s item %d: %v", c.region, name, i, o.Err)
					continue
				}
				check("Batch "+name, o.Result.MessageID, o.Result.RecipientMessageID)
			}
		}
	}
}

// Through a global endpoint (EndpointID; identity ARNs with Region "*") SES picks one of the
// endpoint's two Regions, so the recipients' Message-ID is not known: RecipientMessageID is "".
func TestRecipientMessageIDGlobalEndpoint(t *testing.T) {
	s := newDelegateSES(t, sesapitest.Options{})
	s.AddTemplate(sesapitest.Template{Name: "hello", Subject: "Hello {{name}}", Text: "Hi {{name}}."})
	v2 := sesv2.NewFromConfig(sesConfig(s, "us-east-1"))
	m := newMessage()
	m.Delegate(arnGlobal)
	outs, _ := (&sesapi.Batch{Sender: &sesapi.Sender{Builder: newBuilder()}, Transport: sesapi.V2{Client: v2, EndpointID: "abcd1234.efgh"}}).SendAll(e2eContext(t), []sesapi.Item{{Message: m}})
	if o := outs[0]; o.Err != nil || o.Result.MessageID == "" || o.Result.RecipientMessageID != "" {
		t.Errorf("global endpoint: %v, %+v; want an SES id and no RecipientMessageID", o.Err, o.Result)
	} else if r, _ := s.Record(o.Result.MessageID); r.Params.EndpointId != "abcd1234.efgh" {
		t.Errorf("EndpointId %q not sent", r.Params.EndpointId)
	}
	b := &sesapi.BulkTemplated{
		From:       mail.Address{Address: "news@example.com"},
		Template:   sesapi.Template{Name: "hello", Data: `{"name":"Bob"}`},
		Entries:    []sesapi.BulkEntry{{To: []mail.Address{{Address: "a@example.net"}}}},
		EndpointID: "abcd1234.efgh",
	}
	b.SES.Delegate(arnGlobal)
	entries, _, err := (&sesapi.Sender{}).SendBulkEmailV2(e2eContext(t), v2, b)
	if err != nil || len(entries) != 1 || entries[0].MessageID == "" || entries[0].RecipientMessageID != "" {
		t.Errorf("bulk through a global endpoint: %v %+v", err, entries)
	}
}

// The SMTP sender derives the recipients' Message-ID from SES's "Ok ID" reply when it knows the
// Region (SMTPConfig.Region here: the in-process server listens on loopback, not on
// email-smtp.REGION.amazonaws.com), and leaves it empty when it does not.
func TestRecipientMessageIDSMTP(t *testing.T) {
	s, cfg := startSESAPITestSMTP(t)
	_, sms := smtpMessages(t, 1)
	for region, domain := range map[string]string{"us-east-1": "@email.amazonses.com", "": ""} {
		cfg.Region = region
		ss, err := sesapi.NewSMTPSender(cfg)
		if err != nil {
			t.Fatal(err)
		}
		res, err := ss.Send(smtpContext(t), sms[0], nil)
		ss.Close()
		if err != nil {
			t.Fatal(err)
		}
		if _, ok := s.Record(res.MessageID); !ok {
			t.Fatalf("no record of %q", res.MessageID)
		}
		want := ""
		if domain != "" {
			want = res.MessageID + domain
		}
		if res.RecipientMessageID != want {
			t.Errorf("Region %q: RecipientMessageID %q, want %q", region, res.RecipientMessageID, want)
		}
		// The SMTP transport of a Batch: its Region stands in when the sender has none.
		cfg.Region = ""
		ss, err = sesapi.NewSMTPSender(cfg)
		if err != nil {
			t.Fatal(err)
		}
		m := simpleMessage()
		outs, _ := (&sesapi.Batch{Sender: &sesapi.Sender{Builder: newBuilder()}, Transport: sesapi.SMTP{Sender: ss, Region: region}}).SendAll(smtpContext(t), []sesapi.Item{{Message: m}})
		ss.Close()
		if outs[0].Err != nil {
			t.Fatalf("batch: %v", outs[0].Err)
		}
		want = ""
		if domain != "" {
			want = outs[0].Result.MessageID + domain
		}
		if outs[0].Result.RecipientMessageID != want {
			t.Errorf("SMTP transport, Region %q: RecipientMessageID %q, want %q", region, outs[0].Result.RecipientMessageID, want)
		}
	}
}
