package sesapi

import (
	"net/mail"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	sestypes "github.com/aws/aws-sdk-go-v2/service/ses/types"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/xheaders"
)

// RawEmailInput checks m and builds it into a SES v1 SendRawEmail input.
//
//   - RawMessage.Data: m built by the Sender's Builder (signed if it has a Signer), at most
//     10 MB after encoding (v1 limit).
//   - Source: the envelope sender (the Return-Path if m has one, else the From address); SES
//     sends bounces there, in preference to a Return-Path header.
//   - Destinations: To + Cc + Bcc, deduplicated; at most 50; Bcc appears nowhere else.
//   - With ByParameters: SourceArn, FromArn, ReturnPathArn, ConfigurationSetName and Tags from
//     m.SES, and the raw message has none of the matching X-SES headers. m.SES.ListManagement and
//     Tenant have no SendRawEmail parameter and stay in the raw message as headers.
//   - With ByHeaders: every m.SES value is an X-SES header in the raw message (the same bytes as
//     for SMTP) and none of those parameters is set.
//
// SES's precedence, were both given: a parameter beats its header, and Tags replace
// X-SES-MESSAGE-TAGS entirely. m.Delegate sets both the source and the From ARN, because users
// report that with a From header in the raw message SES honours only FromArn.
//
// Checks (before anything is sent): every identity ARN is usable in region (region "" skips this
// check); the From address is covered by the From ARN, else the source ARN; the Return-Path (else
// From) address is covered by the Return-Path ARN, else the source ARN; addresses are ASCII; at
// most 50 recipients; size. m is not modified.
func (s *Sender) RawEmailInput(region string, m *builder.Message) (*ses.SendRawEmailInput, error) {
	const op = opRaw
	raw, ad, h, err := s.buildRaw(op, builder.TargetV1, s.Method, region, m, func(h *xheaders.Headers) (*xheaders.Headers, []string) {
		// Everything SendRawEmail has a parameter for leaves the header block.
		return &xheaders.Headers{ListManagement: h.ListManagement, Tenant: h.Tenant},
			[]string{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN, xheaders.ConfigurationSet, xheaders.MessageTags}
	})
	if err != nil {
		return nil, err
	}
	in := &ses.SendRawEmailInput{
		RawMessage:   &sestypes.RawMessage{Data: raw},
		Source:       aws.String(ad.Envelope.From),
		Destinations: ad.Envelope.To,
	}
	if s.Method == ByParameters {
		in.SourceArn = arnParam(h.SourceARN)
		in.FromArn = arnParam(h.FromARN)
		in.ReturnPathArn = arnParam(h.ReturnPathARN)
		in.ConfigurationSetName = strParam(h.ConfigurationSet)
		in.Tags = v1Tags(h.Tags)
	}
	return in, nil
}

// buildRaw is the common part of the raw operations: validate the Method and m.SES, build m once
// (with the X-SES headers that move to parameters left out when ByParameters), and check.
// strip returns the headers to keep in the raw message and the names of those left out.
func (s *Sender) buildRaw(op string, t builder.Target, method Method, region string, m *builder.Message,
	strip func(*xheaders.Headers) (*xheaders.Headers, []string)) ([]byte, builder.Addresses, *xheaders.Headers, error) {
	if method != ByParameters && method != ByHeaders {
		return nil, builder.Addresses{}, nil, &CheckError{Op: op, Field: "Method", Reason: "unknown method " + method.String(), Err: ErrUnsupported}
	}
	h := &m.SES
	mm := m
	var moved []string
	names := headerNames
	if method == ByParameters {
		// The builder sees only the values that stay headers: check those that become parameters.
		if err := h.Validate(); err != nil {
			return nil, builder.Addresses{}, nil, messageErr(op, err)
		}
		c := *m
		keep, left := strip(h)
		c.SES, moved = *keep, left
		mm = &c
		names = v1ParamNames
		if op == opV2 {
			names = v2ParamNames
		}
	}
	b := s.builderFor(t)
	// The identity checks and the signer's choice need only From and Return-Path as the builder
	// writes them; they come before building, so that their errors name the parameter or header.
	// An invalid address is left to Build to report.
	from, ferr := builder.NormalizeAddress(mm.From.Address)
	rp, rerr := "", error(nil)
	if mm.ReturnPath != "" {
		rp, rerr = builder.NormalizeAddress(mm.ReturnPath)
	}
	if ferr == nil && rerr == nil {
		pre := addrs{from: from, rp: rp}
		if err := checkDelegation(op, region, h, &pre, names); err != nil {
			return nil, builder.Addresses{}, nil, err
		}
		if err := s.chooseSigner(op, b, from); err != nil {
			return nil, builder.Addresses{}, nil, err
		}
	}
	raw, ad, err := b.Build(nil, mm)
	if err != nil {
		return nil, builder.Addresses{}, nil, messageErr(op, err)
	}
	a := addrsOf(&ad)
	if err := s.checkPolicy(op, h, &a, m.From.Name); err != nil {
		return nil, builder.Addresses{}, nil, err
	}
	if err := checkNotInRaw(op, raw, moved...); err != nil {
		return nil, builder.Addresses{}, nil, err
	}
	return raw, ad, h, nil
}

// Template names the SES template of a SendTemplatedEmail call.
type Template struct {
	Name string // Template: the template's name (required)
	ARN  string // TemplateArn: optional
	Data string // TemplateData: JSON with the replacement values; empty means "{}"
}

// EmailInput checks m and converts it to a SES v1 SendEmail input, for callers who use that
// operation. SES composes the MIME message itself, so:
//
//   - Source is the From address with its display name (RFC 2047 encoded when not ASCII);
//     ReturnPath, ReplyToAddresses, Destination (To, Cc, Bcc, deduplicated, at most 50),
//     Subject, Text and HTML (charset UTF-8) come from m.
//   - Sending authorization is by parameter only: SourceArn (m.SES.SourceARN) and ReturnPathArn.
//     SendEmail has no FromArn and no header method: Method ByHeaders, or a From ARN that differs
//     from the source ARN, is ErrUnsupported. (A From ARN equal to the source ARN, as
//     m.Delegate sets it, is carried by SourceArn, because Source is the From address here.)
//   - ConfigurationSetName and Tags come from m.SES; list management and tenant have no
//     SendEmail parameter (ErrUnsupported).
//   - Attachments, custom headers and a DKIM Signer cannot be expressed (ErrUnsupported).
//     m.Date and m.MessageID are not sent: SES sets both anyway.
//
// The checks are those of RawEmailInput except the size.
func (s *Sender) EmailInput(region string, m *builder.Message) (*ses.SendEmailInput, error) {
	c, err := s.composed(opEmail, region, m)
	if err != nil {
		return nil, err
	}
	return &ses.SendEmailInput{
		Source:               aws.String(c.source),
		Destination:          c.dest,
		Message:              &sestypes.Message{Subject: content(m.Subject), Body: &sestypes.Body{Text: optContent(m.Text), Html: optContent(m.HTML)}},
		ReplyToAddresses:     c.replyTo,
		ReturnPath:           strParam(c.a.ReturnPath),
		SourceArn:            arnParam(m.SES.SourceARN),
		ReturnPathArn:        arnParam(m.SES.ReturnPathARN),
		ConfigurationSetName: strParam(m.SES.ConfigurationSet),
		Tags:                 v1Tags(m.SES.Tags),
	}, nil
}

// TemplatedEmailInput checks m and converts it to a SES v1 SendTemplatedEmail input: as
// EmailInput, with the subject and body taken from template t, so m must have no Subject, Text
// or HTML (ErrUnsupported rather than dropping them). t.Name is required (ErrInvalidTemplate).
func (s *Sender) TemplatedEmailInput(region string, m *builder.Message, t Template) (*ses.SendTemplatedEmailInput, error) {
	const op = opTemplated
	if t.Name == "" {
		return nil, &CheckError{Op: op, Field: "Template", Reason: "the template name is empty", Err: ErrInvalidTemplate}
	}
	for _, f := range [...]struct{ name, v string }{{"Subject", m.Subject}, {"Text", m.Text}, {"HTML", m.HTML}} {
		if f.v != "" {
			return nil, &CheckError{Op: op, Field: f.name, Reason: "the template supplies the subject and body; the message's " + f.name + " would be dropped", Err: ErrUnsupported}
		}
	}
	c, err := s.composed(op, region, m)
	if err != nil {
		return nil, err
	}
	data := t.Data
	if data == "" {
		data = "{}"
	}
	return &ses.SendTemplatedEmailInput{
		Source:               aws.String(c.source),
		Destination:          c.dest,
		Template:             aws.String(t.Name),
		TemplateArn:          strParam(t.ARN),
		TemplateData:         aws.String(data),
		ReplyToAddresses:     c.replyTo,
		ReturnPath:           strParam(c.a.ReturnPath),
		SourceArn:            arnParam(m.SES.SourceARN),
		ReturnPathArn:        arnParam(m.SES.ReturnPathARN),
		ConfigurationSetName: strParam(m.SES.ConfigurationSet),
		Tags:                 v1Tags(m.SES.Tags),
	}, nil
}

// composedMsg is what SendEmail and SendTemplatedEmail share.
type composedMsg struct {
	a       builder.Addresses
	source  string
	dest    *sestypes.Destination
	replyTo []string
}

func (s *Sender) composed(op, region string, m *builder.Message) (*composedMsg, error) {
	if s.Method != ByParameters {
		return nil, &CheckError{Op: op, Field: "Method", Reason: op + " has no X-SES header method; only the SourceArn and ReturnPathArn parameters exist", Err: ErrUnsupported}
	}
	h := &m.SES
	switch {
	case !h.FromARN.IsZero() && h.SourceARN.IsZero():
		return nil, &CheckError{Op: op, Field: "FromArn", Reason: op + " has no FromArn parameter; set the source ARN (Source is the From address here)", Err: ErrUnsupported}
	case !h.FromARN.IsZero() && h.FromARN != h.SourceARN:
		return nil, &CheckError{Op: op, Field: "FromArn", Reason: op + " has no FromArn parameter, and the From ARN " + h.FromARN.String() + " differs from the source ARN", Err: ErrUnsupported}
	case h.ListManagement != nil:
		return nil, &CheckError{Op: op, Field: "ListManagement", Reason: op + " has no list management parameter (use SES v2 SendEmail)", Err: ErrUnsupported}
	case h.Tenant != "":
		return nil, &CheckError{Op: op, Field: "Tenant", Reason: op + " has no tenant parameter (use SES v2 SendEmail)", Err: ErrUnsupported}
	case len(m.Attachments) > 0:
		return nil, &CheckError{Op: op, Field: "Attachments", Reason: op + " cannot carry attachments (use SendRawEmail)", Err: ErrUnsupported}
	case len(m.Headers) > 0:
		return nil, &CheckError{Op: op, Field: "Headers", Reason: op + " cannot carry custom headers (use SendRawEmail)", Err: ErrUnsupported}
	case s.Builder != nil && s.Builder.Signer != nil:
		return nil, &CheckError{Op: op, Field: "Signer", Reason: "SES composes the message of " + op + ", so it cannot carry our DKIM signature", Err: ErrUnsupported}
	}
	// The SES values travel as parameters: they are checked here (values, then identities below,
	// naming the parameters), not as headers of a message the builder would write.
	if err := h.Validate(); err != nil {
		return nil, messageErr(op, err)
	}
	noSES := *m
	noSES.SES = xheaders.Headers{}
	b := s.builderFor(builder.TargetV1)
	a, err := b.Addresses(&noSES)
	if err != nil {
		return nil, messageErr(op, err)
	}
	if err := s.chooseSigner(op, b, a.From.Address); err != nil {
		return nil, err
	}
	if b.Signer != nil {
		return nil, &CheckError{Op: op, Field: "SignerFor", Reason: "SES composes the message of " + op + ", so it cannot carry our DKIM signature", Err: ErrUnsupported}
	}
	c := &composedMsg{a: a, source: format(a.From.Name, a.From.Address)}
	to, cc, bcc := classes(&a)
	c.dest = &sestypes.Destination{ToAddresses: to, CcAddresses: cc, BccAddresses: bcc}
	for _, r := range a.ReplyTo {
		c.replyTo = append(c.replyTo, format(r.Name, r.Address))
	}
	ad := addrsOf(&c.a)
	if err := checkDelegation(op, region, h, &ad, sendEmailName); err != nil {
		return nil, err
	}
	if err := s.checkPolicy(op, h, &ad, m.From.Name); err != nil {
		return nil, err
	}
	return c, nil
}

// format returns a bare address when name is empty, else "name <addr>" with the name quoted or
// RFC 2047 encoded as net/mail does.
func format(name, addr string) string {
	if name == "" {
		return addr
	}
	return (&mail.Address{Name: name, Address: addr}).String()
}

func content(s string) *sestypes.Content {
	return &sestypes.Content{Data: aws.String(s), Charset: aws.String("UTF-8")}
}

func optContent(s string) *sestypes.Content {
	if s == "" {
		return nil
	}
	return content(s)
}

func arnParam(a xheaders.ARN) *string {
	if a.IsZero() {
		return nil
	}
	return aws.String(a.String())
}

func strParam(s string) *string {
	if s == "" {
		return nil
	}
	return aws.String(s)
}

func v1Tags(tags []xheaders.Tag) []sestypes.MessageTag {
	if len(tags) == 0 {
		return nil
	}
	out := make([]sestypes.MessageTag, len(tags))
	for i, t := range tags {
		out[i] = sestypes.MessageTag{Name: aws.String(t.Name), Value: aws.String(t.Value)}
	}
	return out
}
