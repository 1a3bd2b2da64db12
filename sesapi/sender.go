package sesapi

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/dkim"
)

// Method says how sending authorization and the other SES control values (configuration set,
// message tags, list management, tenant) travel with a raw message.
type Method int

const (
	// ByParameters puts every SES control value for which the operation has an API parameter into
	// that parameter (v1: SourceArn, FromArn, ReturnPathArn, ConfigurationSetName, Tags; v2:
	// FromEmailAddressIdentityArn, FeedbackForwardingEmailAddressIdentityArn,
	// ConfigurationSetName, EmailTags, ListManagementOptions, TenantName) and leaves its X-SES
	// header out of the raw message. Values without a parameter (v1 SendRawEmail: list management
	// and tenant) stay in the raw message as headers, their only way.
	ByParameters Method = iota
	// ByHeaders writes every SES control value as an X-SES-* header at the top of the raw message
	// and sets none of the parameters above. The raw bytes are then the same as for SMTP.
	// Source and Destinations (the envelope) are still set. v1 SendEmail and SendTemplatedEmail
	// have no raw message and refuse it with ErrUnsupported.
	ByHeaders
)

// String returns "ByParameters" or "ByHeaders".
func (m Method) String() string {
	switch m {
	case ByParameters:
		return "ByParameters"
	case ByHeaders:
		return "ByHeaders"
	}
	return "Method(" + itoa(int(m)) + ")"
}

// Sender builds messages for SES operations and sends them through a caller's client.
// The zero value uses a zero builder.Builder and ByParameters. A Sender is safe for concurrent use
// when its Builder is.
type Sender struct {
	// Builder builds and validates messages; nil means a zero builder.Builder. Its Target is
	// ignored: each operation builds for its own API's size limit.
	Builder *builder.Builder
	// Method selects how SES control values travel with raw messages.
	Method Method
	// SignerFor, when not nil, chooses the DKIM signer of each message by its From address (as
	// the envelope has it: ASCII, an IDN domain in punycode), in place of Builder.Signer: a
	// platform signs each customer's mail with that customer's key through one Sender. A nil
	// signer sends the message unsigned (the identity owner's Easy DKIM signs it at SES); an error
	// stops the send before anything is sent. Raw messages (RawMessage) are signed with it too.
	// It must be safe for concurrent use when the Sender is shared.
	SignerFor func(from string) (*dkim.Signer, error)
	// Policy, when not nil, evaluates each delegated send against the identity owner's sending
	// authorization policies before anything is sent, and refuses one they deny (ErrPolicyDenied).
	Policy *PolicyCheck
}

// RawEmailAPI is the part of *ses.Client that Sender.SendRawEmail uses.
type RawEmailAPI interface {
	SendRawEmail(ctx context.Context, in *ses.SendRawEmailInput, optFns ...func(*ses.Options)) (*ses.SendRawEmailOutput, error)
	Options() ses.Options
}

// EmailAPI is the part of *ses.Client that Sender.SendEmail uses.
type EmailAPI interface {
	SendEmail(ctx context.Context, in *ses.SendEmailInput, optFns ...func(*ses.Options)) (*ses.SendEmailOutput, error)
	Options() ses.Options
}

// TemplatedEmailAPI is the part of *ses.Client that Sender.SendTemplatedEmail uses.
type TemplatedEmailAPI interface {
	SendTemplatedEmail(ctx context.Context, in *ses.SendTemplatedEmailInput, optFns ...func(*ses.Options)) (*ses.SendTemplatedEmailOutput, error)
	Options() ses.Options
}

// EmailV2API is the part of *sesv2.Client that Sender.SendEmailV2 uses.
type EmailV2API interface {
	SendEmail(ctx context.Context, in *sesv2.SendEmailInput, optFns ...func(*sesv2.Options)) (*sesv2.SendEmailOutput, error)
	Options() sesv2.Options
}

var (
	_ RawEmailAPI       = (*ses.Client)(nil)
	_ EmailAPI          = (*ses.Client)(nil)
	_ TemplatedEmailAPI = (*ses.Client)(nil)
	_ EmailV2API        = (*sesv2.Client)(nil)
)

// v1Region returns the region the call will use: the client's, after the per-call options.
func v1Region(op string, c interface{ Options() ses.Options }, optFns []func(*ses.Options)) (string, error) {
	o := c.Options()
	for _, f := range optFns {
		f(&o)
	}
	return needRegion(op, o.Region)
}

// v2Region is v1Region for SES v2 clients.
func v2Region(op string, c interface{ Options() sesv2.Options }, optFns []func(*sesv2.Options)) (string, error) {
	o := c.Options()
	for _, f := range optFns {
		f(&o)
	}
	return needRegion(op, o.Region)
}

func needRegion(op, region string) (string, error) {
	if region == "" {
		return "", &CheckError{Op: op, Field: "Region", Reason: "the client has no region, so the identity's region cannot be checked", Err: ErrNoRegion}
	}
	return region, nil
}

// SendRawEmail checks and builds m for SES v1 SendRawEmail (see RawEmailInput), with the region of
// c (after optFns), then sends it with c and returns SES's answer: the SES message id and the
// Message-ID recipients see (Result.RecipientMessageID). Nothing is sent when a check fails. API
// errors are wrapped with %w.
func (s *Sender) SendRawEmail(ctx context.Context, c RawEmailAPI, m *builder.Message, optFns ...func(*ses.Options)) (*Result, error) {
	region, err := v1Region(opRaw, c, optFns)
	if err != nil {
		return nil, err
	}
	in, err := s.RawEmailInput(region, m)
	if err != nil {
		return nil, err
	}
	return send(ctx, opRaw, region, in, c.SendRawEmail, optFns, rawEmailAnswer)
}

// SendEmail checks and converts m for SES v1 SendEmail (see EmailInput), with the region of c
// (after optFns), then sends it with c and returns SES's answer (see SendRawEmail).
func (s *Sender) SendEmail(ctx context.Context, c EmailAPI, m *builder.Message, optFns ...func(*ses.Options)) (*Result, error) {
	region, err := v1Region(opEmail, c, optFns)
	if err != nil {
		return nil, err
	}
	in, err := s.EmailInput(region, m)
	if err != nil {
		return nil, err
	}
	return send(ctx, opEmail, region, in, c.SendEmail, optFns, emailAnswer)
}

// SendTemplatedEmail checks and converts m for SES v1 SendTemplatedEmail (see
// TemplatedEmailInput), with the region of c (after optFns), then sends it with c and returns SES's
// answer (see SendRawEmail).
func (s *Sender) SendTemplatedEmail(ctx context.Context, c TemplatedEmailAPI, m *builder.Message, t Template, optFns ...func(*ses.Options)) (*Result, error) {
	region, err := v1Region(opTemplated, c, optFns)
	if err != nil {
		return nil, err
	}
	in, err := s.TemplatedEmailInput(region, m, t)
	if err != nil {
		return nil, err
	}
	return send(ctx, opTemplated, region, in, c.SendTemplatedEmail, optFns, templatedAnswer)
}

// SendEmailV2 checks and builds m for SES v2 SendEmail with raw content (see EmailV2Input), with
// the region of c (after optFns), then sends it with c and returns SES's answer (see SendRawEmail).
func (s *Sender) SendEmailV2(ctx context.Context, c EmailV2API, m *builder.Message, optFns ...func(*sesv2.Options)) (*Result, error) {
	region, err := v2Region(opV2, c, optFns)
	if err != nil {
		return nil, err
	}
	in, err := s.EmailV2Input(region, m)
	if err != nil {
		return nil, err
	}
	return send(ctx, opV2, region, in, c.SendEmail, optFns, v2Answer)
}
