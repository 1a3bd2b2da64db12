package sesapi_test

import (
	"context"
	"errors"
	"net/mail"
	"strconv"
	"strings"
	"testing"

	"github.com/aws/aws-sdk-go-v2/service/ses"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/sesapi"
	"github.com/sesraw/sesraw/xheaders"
)

// operation runs one adapter of a Sender and returns only its error.
type operation struct {
	name    string
	message func() *builder.Message // a message the operation accepts
	run     func(s *sesapi.Sender, region string, m *builder.Message) error
	// Field names under which the operation reports the source, From and Return-Path identity
	// with ByParameters.
	source, from, returnPath string
}

func templatedMessage() *builder.Message {
	m := simpleMessage()
	m.Subject, m.Text = "", ""
	return m
}

var operations = []operation{
	{"SendRawEmail", newMessage, func(s *sesapi.Sender, region string, m *builder.Message) error {
		_, err := s.RawEmailInput(region, m)
		return err
	}, "SourceArn", "FromArn", "ReturnPathArn"},
	{"sesv2.SendEmail", newMessage, func(s *sesapi.Sender, region string, m *builder.Message) error {
		_, err := s.EmailV2Input(region, m)
		return err
	}, "FromEmailAddressIdentityArn", "FromEmailAddressIdentityArn", "FeedbackForwardingEmailAddressIdentityArn"},
	{"SendEmail", simpleMessage, func(s *sesapi.Sender, region string, m *builder.Message) error {
		_, err := s.EmailInput(region, m)
		return err
	}, "SourceArn", "SourceArn", "ReturnPathArn"},
	{"SendTemplatedEmail", templatedMessage, func(s *sesapi.Sender, region string, m *builder.Message) error {
		_, err := s.TemplatedEmailInput(region, m, sesapi.Template{Name: "invoice"})
		return err
	}, "SourceArn", "SourceArn", "ReturnPathArn"},
	{"SMTP", newMessage, func(s *sesapi.Sender, region string, m *builder.Message) error {
		_, err := s.SMTPMail(region, m)
		return err
	}, xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN},
}

// maxRecipients is SES's limit of recipients per message
// (https://docs.aws.amazon.com/ses/latest/dg/quotas.html), written out here so that the test does
// not take it from the code under test.
const maxRecipients = 50

// checkErr asserts that err wraps want (nil: no error) and is a *CheckError (the package's
// contract for every error returned before a request) of operation op, naming field when set.
func checkErr(t *testing.T, err, want error, op, field string) {
	t.Helper()
	if want == nil {
		if err != nil {
			t.Fatalf("unexpected error: %v", err)
		}
		return
	}
	if !errors.Is(err, want) {
		t.Fatalf("error %v, want one wrapping %v", err, want)
	}
	var ce *sesapi.CheckError
	if !errors.As(err, &ce) {
		t.Fatalf("error %v (%T) is not a *sesapi.CheckError", err, err)
	}
	if ce.Op != op || field != "" && ce.Field != field {
		t.Errorf("CheckError Op %q Field %q, want %q %q (%v)", ce.Op, ce.Field, op, field, err)
	}
	if !strings.HasPrefix(err.Error(), "sesapi: "+op+": ") {
		t.Errorf("error %q lacks the prefix %q", err, "sesapi: "+op+": ")
	}
}

// The checks every operation runs before any network call.
func TestChecksEveryOperation(t *testing.T) {
	type tc struct {
		name   string
		region string
		edit   func(*builder.Message)
		want   error
		field  func(operation) string
	}
	src := func(o operation) string { return o.source }
	from := func(o operation) string { return o.from }
	rp := func(o operation) string { return o.returnPath }
	delegate := func(a xheaders.ARN) func(*builder.Message) {
		return func(m *builder.Message) {
			m.SES.SourceARN, m.SES.FromARN, m.SES.ReturnPathARN = xheaders.ARN{}, xheaders.ARN{}, xheaders.ARN{}
			m.Delegate(a)
		}
	}
	cases := []tc{
		{name: "ok", region: "us-east-1"},
		{name: "no region skips the region check", region: ""},
		{name: "client in another region", region: "eu-west-1", want: sesapi.ErrRegionMismatch, field: src},
		{name: "identity in another region", region: "us-east-1", edit: delegate(arnEU), want: sesapi.ErrRegionMismatch, field: src},
		{name: "wildcard region passes anywhere", region: "ap-south-1", edit: delegate(arnGlobal)},
		{name: "From not covered", region: "us-east-1",
			edit: func(m *builder.Message) { m.From.Address = "alice@other.example" }, want: sesapi.ErrNotCovered, field: from},
		{name: "From at a subdomain is covered", region: "us-east-1",
			edit: func(m *builder.Message) { m.From.Address = "alice@mail.example.com" }},
		{name: "Return-Path not covered", region: "us-east-1",
			edit: func(m *builder.Message) { m.ReturnPath = "bounces@other.example" }, want: sesapi.ErrNotCovered, field: rp},
		{name: "email identity does not cover another address", region: "us-east-1",
			edit: delegate(arnAlice), want: sesapi.ErrNotCovered, field: rp},
		{name: "email identity covers its own address", region: "us-east-1",
			edit: func(m *builder.Message) { m.ReturnPath = ""; delegate(arnAlice)(m) }},
		{name: "source ARN alone covers From and Return-Path", region: "us-east-1",
			edit: func(m *builder.Message) { m.SES.FromARN, m.SES.ReturnPathARN = xheaders.ARN{}, xheaders.ARN{} }},
		{name: "source ARN alone, Return-Path elsewhere", region: "us-east-1",
			edit: func(m *builder.Message) {
				m.SES.FromARN, m.SES.ReturnPathARN = xheaders.ARN{}, xheaders.ARN{}
				m.ReturnPath = "bounces@other.example"
			}, want: sesapi.ErrNotCovered, field: src},
		{name: "Return-Path covered by its own identity", region: "us-east-1",
			edit: func(m *builder.Message) { m.ReturnPath = "bounces@other.example"; m.SES.ReturnPathARN = arnOther }},
		{name: "no delegation, nothing to cover", region: "us-east-1",
			edit: func(m *builder.Message) {
				m.SES.SourceARN, m.SES.FromARN, m.SES.ReturnPathARN = xheaders.ARN{}, xheaders.ARN{}, xheaders.ARN{}
			}},
		{name: "51 recipients", region: "us-east-1", want: sesapi.ErrTooManyRecipients,
			edit: func(m *builder.Message) {
				for i := len(m.To) + len(m.Cc) + len(m.Bcc); i <= maxRecipients; i++ {
					m.Bcc = append(m.Bcc, mail.Address{Address: "r" + strconv.Itoa(i) + "@example.net"})
				}
			}},
		{name: "50 recipients", region: "us-east-1",
			edit: func(m *builder.Message) {
				for i := len(m.To) + len(m.Cc) + len(m.Bcc); i < maxRecipients; i++ {
					m.Bcc = append(m.Bcc, mail.Address{Address: "r" + strconv.Itoa(i) + "@example.net"})
				}
			}},
		{name: "non-ASCII local part", region: "us-east-1", want: sesapi.ErrNonASCIIAddress,
			edit: func(m *builder.Message) { m.To[1].Address = "jürgen@example.net" }, field: func(operation) string { return "To[1]" }},
		{name: "non-ASCII local part is an invalid address", region: "us-east-1", want: builder.ErrInvalidAddress,
			edit: func(m *builder.Message) { m.To[1].Address = "jürgen@example.net" }},
	}
	for _, op := range operations {
		for _, c := range cases {
			t.Run(op.name+"/"+c.name, func(t *testing.T) {
				m := op.message()
				if c.edit != nil {
					c.edit(m)
				}
				err := op.run(&sesapi.Sender{Builder: newBuilder()}, c.region, m)
				field := ""
				if c.field != nil {
					field = c.field(op)
				}
				checkErr(t, err, c.want, op.name, field)
			})
		}
	}
}

// With the header method the check errors name the X-SES header.
func TestChecksNameHeadersWithHeaderMethod(t *testing.T) {
	for _, op := range operations[:2] { // the raw API operations
		m := op.message()
		m.From.Address = "alice@other.example"
		err := op.run(&sesapi.Sender{Builder: newBuilder(), Method: sesapi.ByHeaders}, "us-east-1", m)
		checkErr(t, err, sesapi.ErrNotCovered, op.name, xheaders.FromARN)
	}
}

// Size is checked against the chosen API's limit after encoding: 8 MB of attachment is about
// 10.8 MB in base64, over the v1 limit and under the v2 limit (SMTP has the v2 limit; building
// 11 MB once more is left out to keep the test fast).
func TestSizeLimitPerAPI(t *testing.T) {
	big := make([]byte, 8<<20)
	for i := range big {
		big[i] = byte(i * 7)
	}
	m := newMessage()
	m.Attachments = append(m.Attachments, builder.Attachment{Filename: "big.bin", Data: big})
	s := &sesapi.Sender{Builder: newBuilder()}
	_, err := s.RawEmailInput("us-east-1", m)
	checkErr(t, err, sesapi.ErrTooLarge, "SendRawEmail", "RawMessage")
	var se *builder.SizeError
	if !errors.As(err, &se) || se.Target != builder.TargetV1 || se.Limit != builder.TargetV1.Limit() || se.Size <= se.Limit {
		t.Errorf("v1: %v (%T): want a *builder.SizeError over the v1 limit, got %+v", err, err, se)
	}
	if _, err := s.EmailV2Input("us-east-1", m); err != nil {
		t.Errorf("v2: %v", err)
	}
}

// What v1 SendEmail and SendTemplatedEmail cannot carry is an error, never dropped.
func TestComposedOperationsRefuse(t *testing.T) {
	cases := []struct {
		name   string
		method sesapi.Method
		signer bool
		edit   func(*builder.Message)
		field  string
	}{
		{name: "header method", method: sesapi.ByHeaders, field: "Method"},
		{name: "From ARN without source ARN", field: "FromArn",
			edit: func(m *builder.Message) { m.SES.SourceARN = xheaders.ARN{} }},
		{name: "From ARN differs from source ARN", field: "FromArn",
			edit: func(m *builder.Message) { m.SES.FromARN = arnAlice }},
		{name: "list management", field: "ListManagement",
			edit: func(m *builder.Message) { m.SES.ListManagement = &xheaders.ListOptions{ContactList: "customers"} }},
		{name: "tenant", field: "Tenant", edit: func(m *builder.Message) { m.SES.Tenant = "acme" }},
		{name: "attachment", field: "Attachments",
			edit: func(m *builder.Message) { m.Attachments = []builder.Attachment{{Filename: "a.pdf", Data: pdf}} }},
		{name: "custom header", field: "Headers",
			edit: func(m *builder.Message) { m.Headers = []builder.Header{{Name: "X-Campaign", Value: "q3"}} }},
		{name: "DKIM signer", signer: true, field: "Signer"},
	}
	for _, op := range operations[2:4] {
		for _, c := range cases {
			t.Run(op.name+"/"+c.name, func(t *testing.T) {
				m := op.message()
				if c.edit != nil {
					c.edit(m)
				}
				s := &sesapi.Sender{Builder: newBuilder(), Method: c.method}
				if c.signer {
					s.Builder.Signer = testSigner(t)
				}
				checkErr(t, op.run(s, "us-east-1", m), sesapi.ErrUnsupported, op.name, c.field)
			})
		}
	}
}

func TestTemplatedEmailInputRefuses(t *testing.T) {
	s := &sesapi.Sender{Builder: newBuilder()}
	_, err := s.TemplatedEmailInput("us-east-1", templatedMessage(), sesapi.Template{})
	checkErr(t, err, sesapi.ErrInvalidTemplate, "SendTemplatedEmail", "Template")
	for _, field := range []string{"Subject", "Text", "HTML"} {
		m := templatedMessage()
		switch field {
		case "Subject":
			m.Subject = "s"
		case "Text":
			m.Text = "t"
		case "HTML":
			m.HTML = "<p>h</p>"
		}
		_, err := s.TemplatedEmailInput("us-east-1", m, sesapi.Template{Name: "invoice"})
		checkErr(t, err, sesapi.ErrUnsupported, "SendTemplatedEmail", field)
	}
}

// SES v2 has one identity ARN for source and From: two different ones cannot be expressed as
// parameters. As headers they can.
func TestEmailV2InputConflictingARNs(t *testing.T) {
	m := newMessage()
	m.SES.FromARN = arnAlice
	_, err := (&sesapi.Sender{Builder: newBuilder()}).EmailV2Input("us-east-1", m)
	checkErr(t, err, sesapi.ErrConflict, "sesv2.SendEmail", "FromEmailAddressIdentityArn")
	if _, err := (&sesapi.Sender{Builder: newBuilder(), Method: sesapi.ByHeaders}).EmailV2Input("us-east-1", m); err != nil {
		t.Errorf("ByHeaders: %v", err)
	}
}

func TestUnknownMethod(t *testing.T) {
	for _, op := range operations[:4] {
		err := op.run(&sesapi.Sender{Builder: newBuilder(), Method: 7}, "us-east-1", op.message())
		checkErr(t, err, sesapi.ErrUnsupported, op.name, "Method")
	}
}

// Invalid SES values and invalid messages are the builder's and xheaders' typed errors, wrapped.
func TestInvalidInputErrorsPassThrough(t *testing.T) {
	for _, op := range operations {
		m := op.message()
		m.SES.ConfigurationSet = "bad name"
		err := op.run(&sesapi.Sender{Builder: newBuilder()}, "us-east-1", m)
		checkErr(t, err, xheaders.ErrInvalidConfigSet, op.name, "SES")
		var he *xheaders.HeaderError
		if !errors.As(err, &he) || he.Header != xheaders.ConfigurationSet {
			t.Errorf("%s: invalid configuration set: %v is not an *xheaders.HeaderError for %s", op.name, err, xheaders.ConfigurationSet)
		}
		m = op.message()
		m.From = mail.Address{}
		err = op.run(&sesapi.Sender{Builder: newBuilder()}, "us-east-1", m)
		checkErr(t, err, builder.ErrNoFrom, op.name, "From")
		var fe *builder.FieldError
		if !errors.As(err, &fe) || fe.Field != "From" {
			t.Errorf("%s: no From: %v is not a *builder.FieldError for From", op.name, err)
		}
	}
}

// The package documentation's error contract, one row per sentinel it declares: each can be
// produced through the exported API, and the error is then a *CheckError (errors.As) matching the
// sentinel (errors.Is); builder failures also stay a *builder.FieldError or *builder.SizeError.
func TestErrorContract(t *testing.T) {
	s := &sesapi.Sender{Builder: newBuilder()}
	raw := func(m *builder.Message) error { _, err := s.RawEmailInput("us-east-1", m); return err }
	edit := func(f func(*builder.Message)) *builder.Message { m := newMessage(); f(m); return m }
	big := make([]byte, 8<<20)
	cases := []struct {
		sentinel error
		field    string
		err      error
		as       any // a further errors.As target the error must match, or nil
	}{
		{sesapi.ErrNoRegion, "Region", second(s.SendRawEmail(context.Background(), noRegionClient{}, newMessage())), nil},
		{sesapi.ErrRegionMismatch, "SourceArn", func() error { _, err := s.RawEmailInput("eu-west-1", newMessage()); return err }(), nil},
		{sesapi.ErrNotCovered, "FromArn", raw(edit(func(m *builder.Message) { m.From.Address = "a@other.example" })), nil},
		{sesapi.ErrUnsupported, "Attachments", func() error { _, err := s.EmailInput("us-east-1", newMessage()); return err }(), nil},
		{sesapi.ErrConflict, "FromEmailAddressIdentityArn", func() error {
			_, err := s.EmailV2Input("us-east-1", edit(func(m *builder.Message) { m.SES.FromARN = arnOther }))
			return err
		}(), nil},
		{sesapi.ErrInvalidTemplate, "Template", func() error {
			_, err := s.TemplatedEmailInput("us-east-1", templatedMessage(), sesapi.Template{})
			return err
		}(), nil},
		{sesapi.ErrNonASCIIAddress, "To[0]", raw(edit(func(m *builder.Message) { m.To[0].Address = "jürgen@example.net" })), new(*builder.FieldError)},
		{sesapi.ErrTooManyRecipients, "To", raw(edit(func(m *builder.Message) {
			for i := range maxRecipients {
				m.Bcc = append(m.Bcc, mail.Address{Address: "r" + strconv.Itoa(i) + "@example.net"})
			}
		})), new(*builder.FieldError)},
		{sesapi.ErrTooLarge, "RawMessage", raw(edit(func(m *builder.Message) {
			m.Attachments = append(m.Attachments, builder.Attachment{Filename: "big.bin", Data: big})
		})), new(*builder.SizeError)},
	}
	for _, c := range cases {
		var ce *sesapi.CheckError
		if !errors.Is(c.err, c.sentinel) || !errors.As(c.err, &ce) || ce.Field != c.field {
			t.Errorf("%v: got %v (%T), want a *sesapi.CheckError for field %s matching it", c.sentinel, c.err, c.err, c.field)
			continue
		}
		if c.as != nil && !errors.As(c.err, c.as) {
			t.Errorf("%v: %v does not match errors.As(%T)", c.sentinel, c.err, c.as)
		}
	}
}

// noRegionClient is a v1 client without a region; SendRawEmail must refuse before calling it.
type noRegionClient struct{}

func (noRegionClient) SendRawEmail(context.Context, *ses.SendRawEmailInput, ...func(*ses.Options)) (*ses.SendRawEmailOutput, error) {
	return nil, errors.New("SendRawEmail called without a region")
}

func (noRegionClient) Options() ses.Options { return ses.Options{} }
