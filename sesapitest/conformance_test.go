package sesapitest_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"net/mail"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/sesraw/sesraw/internal/sestest"
	"github.com/sesraw/sesraw/sesapitest"
)

// knownDifferences are the ways sesapitest differs from aws-ses-v2-local on the conformance
// requests, as "case/aspect", each with its reason. sesapitest follows SES's documented
// behaviour. A difference not listed fails the test, and so does a listed one that no longer
// occurs.
var knownDifferences = map[string]string{
	"v1-sendemail-two-recipients/to": "the emulator's request schema declares only Destination.ToAddresses.member.1 and drops the " +
		"other members; SES sends to every member (https://docs.aws.amazon.com/ses/latest/APIReference/API_Destination.html)",
	"v1-sendtemplatedemail/accepted": "the emulator does not implement v1 SendTemplatedEmail (it never answers); SES does",
	"v1-getsendquota/accepted":       "the emulator does not implement v1 GetSendQuota (it never answers); SES does",
	"v2-getaccount/accepted":         "the emulator answers GetAccount only with an AWS_SES_ACCOUNT environment variable; SES always does",
	"unverified-from/accepted": "the emulator checks no identity; SES refuses a From address no verified identity covers " +
		"(MessageRejected, https://docs.aws.amazon.com/ses/latest/dg/troubleshoot-error-messages.html)",
	"51-recipients/accepted": "the emulator checks no recipient count; SES allows 50 per message (https://docs.aws.amazon.com/ses/latest/dg/quotas.html)",
	"duplicate-dkim-signature/accepted": "the emulator checks no header; SES refuses a second DKIM-Signature " +
		"(https://docs.aws.amazon.com/ses/latest/dg/header-fields.html)",
	"arn-other-region/accepted": "the emulator checks no ARN; SES sends for a delegate only in the Region where the identity is verified " +
		"(https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-delegate-sender-tasks-email.html)",
}

// stored is what an endpoint keeps of one message, in a form both can be compared in.
type stored struct {
	subject, text, html string
	from, to, cc, bcc   []string // addresses only, in order
	attachments         []string // "filename:base64 of the content", sorted
}

// outcome is the result of one conformance request at one endpoint.
type outcome struct {
	accepted bool
	err      string
	shape    string   // the answer's shape
	ids      []string // message ids of the stored messages
}

type confCase struct {
	name string
	// timeout bounds the request (the emulator never answers some operations).
	timeout time.Duration
	run     func(ctx context.Context, cfg aws.Config) (shape string, ids []string, err error)
}

const (
	confSubject = "Conformance é"
	confText    = "Plain text body."
	confHTML    = "<p>HTML body.</p>"
)

// confRaw returns a raw message with a text and HTML body and an attachment.
func confRaw(extraHeaders string) []byte {
	att := base64.StdEncoding.EncodeToString([]byte("%PDF-1.4\x00\x01\xff"))
	return []byte(extraHeaders +
		"From: Alice Example <alice@example.com>\r\n" +
		"To: Bob <bob@example.net>, erin@example.net\r\n" +
		"Cc: Carol <carol@example.org>\r\n" +
		"Subject: =?UTF-8?Q?Conformance_=C3=A9?=\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"outer\"\r\n" +
		"\r\n" +
		"--outer\r\n" +
		"Content-Type: multipart/alternative; boundary=\"inner\"\r\n" +
		"\r\n" +
		"--inner\r\n" +
		"Content-Type: text/plain; charset=utf-8\r\n" +
		"\r\n" +
		confText + "\r\n" +
		"--inner\r\n" +
		"Content-Type: text/html; charset=utf-8\r\n" +
		"\r\n" +
		confHTML + "\r\n" +
		"--inner--\r\n" +
		"--outer\r\n" +
		"Content-Type: application/pdf; name=\"invoice.pdf\"\r\n" +
		"Content-Disposition: attachment; filename=\"invoice.pdf\"\r\n" +
		"Content-Transfer-Encoding: base64\r\n" +
		"\r\n" +
		att + "\r\n" +
		"--outer--\r\n")
}

func msgID(p *string) []string { return []string{aws.ToString(p)} }

func sendRawV1(in *ses.SendRawEmailInput) func(context.Context, aws.Config) (string, []string, error) {
	return func(ctx context.Context, cfg aws.Config) (string, []string, error) {
		out, err := ses.NewFromConfig(cfg).SendRawEmail(ctx, in)
		if err != nil {
			return "", nil, err
		}
		return shapeOf(out.MessageId != nil), msgID(out.MessageId), nil
	}
}

func shapeOf(hasID bool) string {
	if hasID {
		return "MessageId"
	}
	return "no MessageId"
}

var confCases = []confCase{
	{name: "v1-sendrawemail", run: sendRawV1(&ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: confRaw("")}})},
	{name: "v1-sendrawemail-by-parameters", run: sendRawV1(&ses.SendRawEmailInput{
		RawMessage: &sestypes.RawMessage{Data: confRaw("")}, Source: aws.String("alice@example.com"),
		Destinations: []string{"bob@example.net", "erin@example.net", "carol@example.org", "dave@example.com"},
		SourceArn:    aws.String(confARN), FromArn: aws.String(confARN), ReturnPathArn: aws.String(confARN),
		ConfigurationSetName: aws.String("transactional"), Tags: []sestypes.MessageTag{{Name: aws.String("campaign"), Value: aws.String("spring")}},
	})},
	{name: "v1-sendrawemail-by-headers", run: sendRawV1(&ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: confRaw(
		"X-SES-SOURCE-ARN: " + confARN + "\r\nX-SES-FROM-ARN: " + confARN + "\r\nX-SES-CONFIGURATION-SET: transactional\r\n")}})},
	{name: "v1-sendemail", run: func(ctx context.Context, cfg aws.Config) (string, []string, error) {
		out, err := ses.NewFromConfig(cfg).SendEmail(ctx, &ses.SendEmailInput{
			Source: aws.String("Alice Example <alice@example.com>"), SourceArn: aws.String(confARN),
			Destination: &sestypes.Destination{ToAddresses: []string{"bob@example.net"}, CcAddresses: []string{"carol@example.org"}, BccAddresses: []string{"dave@example.com"}},
			Message: &sestypes.Message{Subject: &sestypes.Content{Data: aws.String(confSubject)},
				Body: &sestypes.Body{Text: &sestypes.Content{Data: aws.String(confText)}, Html: &sestypes.Content{Data: aws.String(confHTML)}}},
		})
		if err != nil {
			return "", nil, err
		}
		return shapeOf(out.MessageId != nil), msgID(out.MessageId), nil
	}},
	{name: "v1-sendemail-two-recipients", run: func(ctx context.Context, cfg aws.Config) (string, []string, error) {
		out, err := ses.NewFromConfig(cfg).SendEmail(ctx, &ses.SendEmailInput{
			Source:      aws.String("alice@example.com"),
			Destination: &sestypes.Destination{ToAddresses: []string{"bob@example.net", "erin@example.net"}},
			Message:     &sestypes.Message{Subject: &sestypes.Content{Data: aws.String(confSubject)}, Body: &sestypes.Body{Text: &sestypes.Content{Data: aws.String(confText)}}},
		})
		if err != nil {
			return "", nil, err
		}
		return shapeOf(out.MessageId != nil), msgID(out.MessageId), nil
	}},
	{name: "v1-sendtemplatedemail", timeout: 500 * time.Millisecond, run: func(ctx context.Context, cfg aws.Config) (string, []string, error) {
		out, err := ses.NewFromConfig(cfg).SendTemplatedEmail(ctx, &ses.SendTemplatedEmailInput{
			Source: aws.String("alice@example.com"), Template: aws.String("conformance"), TemplateData: aws.String(`{"name":"Bob"}`),
			Destination: &sestypes.Destination{ToAddresses: []string{"bob@example.net"}},
		})
		if err != nil {
			return "", nil, err
		}
		return shapeOf(out.MessageId != nil), msgID(out.MessageId), nil
	}},
	{name: "v1-getsendquota", timeout: 500 * time.Millisecond, run: func(ctx context.Context, cfg aws.Config) (string, []string, error) {
		_, err := ses.NewFromConfig(cfg).GetSendQuota(ctx, &ses.GetSendQuotaInput{})
		return "quota", nil, err
	}},
	{name: "v2-sendemail-raw", run: func(ctx context.Context, cfg aws.Config) (string, []string, error) {
		out, err := sesv2.NewFromConfig(cfg).SendEmail(ctx, &sesv2.SendEmailInput{
			Content:                     &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: confRaw("")}},
			FromEmailAddress:            aws.String("alice@example.com"),
			FromEmailAddressIdentityArn: aws.String(confARN),
			Destination:                 &sesv2types.Destination{ToAddresses: []string{"bob@example.net", "erin@example.net"}, CcAddresses: []string{"carol@example.org"}, BccAddresses: []string{"dave@example.com"}},
			TenantName:                  aws.String("acme"),
		})
		if err != nil {
			return "", nil, err
		}
		return shapeOf(out.MessageId != nil), msgID(out.MessageId), nil
	}},
	{name: "v2-sendemail-simple", run: func(ctx context.Context, cfg aws.Config) (string, []string, error) {
		out, err := sesv2.NewFromConfig(cfg).SendEmail(ctx, &sesv2.SendEmailInput{
			FromEmailAddress: aws.String("alice@example.com"),
			Destination:      &sesv2types.Destination{ToAddresses: []string{"bob@example.net"}, CcAddresses: []string{"carol@example.org"}, BccAddresses: []string{"dave@example.com"}},
			Content: &sesv2types.EmailContent{Simple: &sesv2types.Message{
				Subject: &sesv2types.Content{Data: aws.String(confSubject)},
				Body:    &sesv2types.Body{Text: &sesv2types.Content{Data: aws.String(confText)}, Html: &sesv2types.Content{Data: aws.String(confHTML)}},
				Attachments: []sesv2types.Attachment{{FileName: aws.String("invoice.pdf"), ContentType: aws.String("application/pdf"),
					RawContent: []byte("%PDF-1.4\x00\x01\xff")}},
			}},
		})
		if err != nil {
			return "", nil, err
		}
		return shapeOf(out.MessageId != nil), msgID(out.MessageId), nil
	}},
	{name: "v2-sendemail-template", run: func(ctx context.Context, cfg aws.Config) (string, []string, error) {
		out, err := sesv2.NewFromConfig(cfg).SendEmail(ctx, &sesv2.SendEmailInput{
			FromEmailAddress: aws.String("alice@example.com"),
			Destination:      &sesv2types.Destination{ToAddresses: []string{"bob@example.net"}},
			Content: &sesv2types.EmailContent{Template: &sesv2types.Template{TemplateName: aws.String("conformance"),
				TemplateData: aws.String(`{"name":"Bob"}`)}},
		})
		if err != nil {
			return "", nil, err
		}
		return shapeOf(out.MessageId != nil), msgID(out.MessageId), nil
	}},
	{name: "v2-sendbulkemail", run: func(ctx context.Context, cfg aws.Config) (string, []string, error) {
		entry := func(to, name string) sesv2types.BulkEmailEntry {
			return sesv2types.BulkEmailEntry{Destination: &sesv2types.Destination{ToAddresses: []string{to}},
				ReplacementEmailContent: &sesv2types.ReplacementEmailContent{ReplacementTemplate: &sesv2types.ReplacementTemplate{
					ReplacementTemplateData: aws.String(`{"name":"` + name + `"}`)}}}
		}
		out, err := sesv2.NewFromConfig(cfg).SendBulkEmail(ctx, &sesv2.SendBulkEmailInput{
			FromEmailAddress: aws.String("alice@example.com"),
			DefaultContent:   &sesv2types.BulkEmailContent{Template: &sesv2types.Template{TemplateName: aws.String("conformance"), TemplateData: aws.String(`{"name":"x"}`)}},
			BulkEmailEntries: []sesv2types.BulkEmailEntry{entry("bob@example.net", "Bob"), entry("erin@example.net", "Erin")},
		})
		if err != nil {
			return "", nil, err
		}
		var statuses, ids []string
		for _, r := range out.BulkEmailEntryResults {
			statuses = append(statuses, string(r.Status))
			ids = append(ids, aws.ToString(r.MessageId))
		}
		return strings.Join(statuses, ","), ids, nil
	}},
	{name: "v2-getaccount", run: func(ctx context.Context, cfg aws.Config) (string, []string, error) {
		out, err := sesv2.NewFromConfig(cfg).GetAccount(ctx, &sesv2.GetAccountInput{})
		if err != nil {
			return "", nil, err
		}
		return fmt.Sprintf("SendQuota=%v", out.SendQuota != nil), nil, nil
	}},
	{name: "unverified-from", run: sendRawV1(&ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: bytes.Replace(confRaw(""),
		[]byte("alice@example.com"), []byte("alice@unverified.example"), 1)}})},
	{name: "51-recipients", run: sendRawV1(&ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: confRaw("")}, Destinations: fiftyOne()})},
	{name: "duplicate-dkim-signature", run: sendRawV1(&ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: confRaw(
		"DKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=a; h=from; bh=x; b=y\r\nDKIM-Signature: v=1; a=rsa-sha256; d=example.com; s=b; h=from; bh=x; b=y\r\n")}})},
	{name: "arn-other-region", run: sendRawV1(&ses.SendRawEmailInput{RawMessage: &sestypes.RawMessage{Data: confRaw("")},
		FromArn: aws.String("arn:aws:ses:eu-west-1:" + sesapitest.DefaultAccount + ":identity/example.com")})},
}

const confARN = "arn:aws:ses:us-east-1:" + sesapitest.DefaultAccount + ":identity/example.com"

func fiftyOne() []string {
	out := make([]string, 51)
	for i := range out {
		out[i] = fmt.Sprintf("r%d@example.net", i)
	}
	return out
}

// TestConformance sends the same requests to aws-ses-v2-local and to sesapitest and compares
// what both implement: whether each request is accepted, the answer's shape, and the stored
// subject, addresses, bodies and attachments.
func TestConformance(t *testing.T) {
	e := emu.Get(t)
	s, err := sesapitest.NewServer(sesapitest.Options{Identities: []sesapitest.Identity{{Account: sesapitest.DefaultAccount, Region: sestest.Region, Name: "example.com"}}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	emuCfg := e.Config(nil)
	ourCfg := e.Config(nil)
	ourCfg.BaseEndpoint = aws.String(s.URL)

	// The template of the template cases, registered at both through the v2 API.
	for _, cfg := range []aws.Config{emuCfg, ourCfg} {
		_, err := sesv2.NewFromConfig(cfg).CreateEmailTemplate(ctx(t), &sesv2.CreateEmailTemplateInput{TemplateName: aws.String("conformance"),
			TemplateContent: &sesv2types.EmailTemplateContent{Subject: aws.String("Hello {{name}}"), Text: aws.String("Hi {{name}}."), Html: aws.String("<p>Hi {{name}}.</p>")}})
		if err != nil {
			t.Fatalf("CreateEmailTemplate at %s: %v", aws.ToString(cfg.BaseEndpoint), err)
		}
	}

	seen := map[string]bool{}
	for _, c := range confCases {
		t.Run(c.name, func(t *testing.T) {
			run := func(cfg aws.Config) outcome {
				timeout := c.timeout
				if timeout == 0 {
					timeout = 10 * time.Second
				}
				cctx, cancel := context.WithTimeout(context.Background(), timeout)
				defer cancel()
				shape, ids, err := c.run(cctx, cfg)
				if err != nil {
					return outcome{err: err.Error()}
				}
				return outcome{accepted: true, shape: shape, ids: ids}
			}
			theirs, ours := run(emuCfg), run(ourCfg)
			diffs := map[string]string{}
			if theirs.accepted != ours.accepted {
				diffs["accepted"] = fmt.Sprintf("emulator accepted=%v (%s), sesapitest accepted=%v (%s)", theirs.accepted, theirs.err, ours.accepted, ours.err)
			} else if theirs.shape != ours.shape {
				diffs["shape"] = fmt.Sprintf("emulator %q, sesapitest %q", theirs.shape, ours.shape)
			}
			if theirs.accepted && ours.accepted {
				for i := range min(len(theirs.ids), len(ours.ids)) {
					a, b := emulatorStored(t, e, theirs.ids[i]), sesapitestStored(t, s, ours.ids[i])
					for aspect, d := range compareStored(a, b) {
						diffs[aspect] = d
					}
				}
			}
			for aspect, d := range diffs {
				key := c.name + "/" + aspect
				seen[key] = true
				if _, ok := knownDifferences[key]; !ok {
					t.Errorf("difference not on the list: %s: %s", key, d)
				}
			}
		})
	}
	var stale []string
	for key := range knownDifferences {
		if !seen[key] {
			stale = append(stale, key)
		}
	}
	sort.Strings(stale)
	for _, key := range stale {
		t.Errorf("listed difference no longer occurs: %s", key)
	}
}

func compareStored(a, b stored) map[string]string {
	d := map[string]string{}
	cmpS := func(aspect, x, y string) {
		if x != y {
			d[aspect] = fmt.Sprintf("emulator %q, sesapitest %q", x, y)
		}
	}
	cmpS("subject", a.subject, b.subject)
	cmpS("text", a.text, b.text)
	cmpS("html", a.html, b.html)
	cmpS("from", strings.Join(a.from, ","), strings.Join(b.from, ","))
	cmpS("to", strings.Join(a.to, ","), strings.Join(b.to, ","))
	cmpS("cc", strings.Join(a.cc, ","), strings.Join(b.cc, ","))
	cmpS("bcc", strings.Join(a.bcc, ","), strings.Join(b.bcc, ","))
	cmpS("attachments", strings.Join(a.attachments, ","), strings.Join(b.attachments, ","))
	return d
}

// addrs reads address lists as the emulator reports them (each entry may hold several) or as
// parameters, and returns the addresses only.
func addrs(t testing.TB, lists ...string) []string {
	var out []string
	for _, l := range lists {
		parsed, err := mail.ParseAddressList(l)
		if err != nil {
			t.Errorf("address list %q: %v", l, err)
			continue
		}
		for _, a := range parsed {
			out = append(out, a.Address)
		}
	}
	return out
}

func emulatorStored(t *testing.T, e *sestest.Emulator, id string) stored {
	t.Helper()
	m, err := e.Email(ctx(t), id)
	if err != nil {
		t.Fatalf("emulator: %v", err)
	}
	st := stored{subject: m.Subject, text: strings.TrimSpace(m.Body.Text), html: strings.TrimSpace(m.Body.HTML),
		from: addrs(t, m.From), to: addrs(t, m.Destination.To...), cc: addrs(t, m.Destination.Cc...), bcc: addrs(t, m.Destination.Bcc...)}
	for _, a := range m.Attachments {
		st.attachments = append(st.attachments, a.Filename+":"+base64.StdEncoding.EncodeToString(a.Content))
	}
	sort.Strings(st.attachments)
	return st
}

func sesapitestStored(t *testing.T, s *sesapitest.Server, id string) stored {
	t.Helper()
	r, ok := s.Record(id)
	if !ok {
		t.Fatalf("sesapitest: no record %q", id)
	}
	m := readMessage(t, r.Delivered)
	split := func(s string) []string {
		if s == "" {
			return nil
		}
		return strings.Split(s, ",")
	}
	st := stored{subject: m.subject, text: strings.TrimSpace(m.text), html: strings.TrimSpace(m.html),
		from: split(m.from), to: split(m.to), cc: split(m.cc), bcc: split(m.bcc)}
	if r.Content != sesapitest.ContentRaw {
		// SES never writes Bcc into the message it composes; the emulator stores the parameter.
		st.bcc = addrs(t, r.Params.Bcc...)
	}
	for name, data := range m.attachments {
		st.attachments = append(st.attachments, name+":"+base64.StdEncoding.EncodeToString(data))
	}
	sort.Strings(st.attachments)
	return st
}
