package sesapi

import (
	"context"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ses"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"

	"github.com/sesraw/sesraw/builder"
)

// Item is one message of a batch: exactly one of Message (built and checked by the Sender) and
// Raw (a message built elsewhere, checked as it is).
type Item struct {
	// Name is the caller's label for the message (a file name, a row id); Outcome carries it back.
	Name    string
	Message *builder.Message
	Raw     *RawMessage
	// Template, with Message, sends with SES v1 SendTemplatedEmail (the V1 transport only): SES
	// fills the subject and body from the template.
	Template *Template
}

// Prepared is a checked and built message, ready to be sent.
type Prepared struct {
	// Recipients is the number of envelope recipients: the message's cost against the sending
	// quota, the weight a Limiter waits for.
	Recipients int
	// Send makes one request (no retry of its own) and returns SES's answer; its error is a
	// *SendError. It may be called again after a retryable error.
	Send func(ctx context.Context) (*Result, error)
}

// Transport sends Items through one SES interface. Prepare does every check and builds the
// request without touching the network; a failed check is returned by Prepare (a *CheckError,
// *SizeError or *PreflightError) and nothing is sent. V1 and V2 are the API transports; an SMTP
// sender can implement Transport too.
type Transport interface {
	Prepare(s *Sender, it *Item) (*Prepared, error)
}

// V1API is the part of *ses.Client that the V1 transport uses.
type V1API interface {
	RawEmailAPI
	TemplatedEmailAPI
}

var _ V1API = (*ses.Client)(nil)

// V1 sends through SES v1: SendRawEmail for built and raw messages, SendTemplatedEmail for an Item
// with a Template. Each Send is one attempt: the client's retryer is replaced, for these calls, by
// one that does not retry (the Batch retries, after waiting on its Limiter again).
type V1 struct {
	Client V1API
	// OptFns are applied to every call (after the client's options), before the retryer is turned
	// off.
	OptFns []func(*ses.Options)
}

// Prepare checks and builds it for the client's region.
func (t V1) Prepare(s *Sender, it *Item) (*Prepared, error) {
	opts := append(append([]func(*ses.Options){}, t.OptFns...), func(o *ses.Options) { o.Retryer = aws.NopRetryer{} })
	switch {
	case it.Raw != nil && it.Message != nil:
		return nil, &CheckError{Op: opRaw, Field: "Item", Reason: "both Message and Raw are set", Err: ErrConflict}
	case it.Raw == nil && it.Message == nil:
		return nil, &CheckError{Op: opRaw, Field: "Item", Reason: "neither Message nor Raw is set", Err: ErrUnsupported}
	case it.Template != nil:
		if it.Raw != nil {
			return nil, &CheckError{Op: opTemplated, Field: "Template", Reason: "a raw message cannot use a template", Err: ErrUnsupported}
		}
		region, err := v1Region(opTemplated, t.Client, opts)
		if err != nil {
			return nil, err
		}
		in, err := s.TemplatedEmailInput(region, it.Message, *it.Template)
		if err != nil {
			return nil, err
		}
		d := in.Destination
		return &Prepared{Recipients: len(d.ToAddresses) + len(d.CcAddresses) + len(d.BccAddresses), Send: func(ctx context.Context) (*Result, error) {
			return send(ctx, opTemplated, region, in, t.Client.SendTemplatedEmail, opts, templatedAnswer)
		}}, nil
	}
	region, err := v1Region(opRaw, t.Client, opts)
	if err != nil {
		return nil, err
	}
	var in *ses.SendRawEmailInput
	if it.Raw != nil {
		in, err = s.RawMessageInput(region, it.Raw)
	} else {
		in, err = s.RawEmailInput(region, it.Message)
	}
	if err != nil {
		return nil, err
	}
	return &Prepared{Recipients: len(in.Destinations), Send: func(ctx context.Context) (*Result, error) {
		return send(ctx, opRaw, region, in, t.Client.SendRawEmail, opts, rawEmailAnswer)
	}}, nil
}

// V2 sends through SES v2 SendEmail with raw content. Each Send is one attempt, as with V1.
type V2 struct {
	Client EmailV2API
	// EndpointID, when set, sends through an SES global (multi-Region) endpoint
	// (https://docs.aws.amazon.com/ses/latest/dg/global-endpoints.html): SendEmail's EndpointId.
	// The identity ARNs must then carry "*" as their Region, and the identity and its policy must
	// exist in both Regions of the endpoint.
	EndpointID string
	OptFns     []func(*sesv2.Options)
}

// Prepare checks and builds it for the client's region (for "*" with an EndpointID).
func (t V2) Prepare(s *Sender, it *Item) (*Prepared, error) {
	opts := append(append([]func(*sesv2.Options){}, t.OptFns...), func(o *sesv2.Options) { o.Retryer = aws.NopRetryer{} })
	region, err := v2Region(opV2, t.Client, opts)
	if err != nil {
		return nil, err
	}
	if t.EndpointID != "" {
		region = "*" // only identity ARNs with Region "*" are usable through a global endpoint
	}
	var in *sesv2.SendEmailInput
	switch {
	case it.Template != nil:
		return nil, &CheckError{Op: opV2, Field: "Template", Reason: "the V2 transport sends raw content; use SendBulkEmailV2 for templates", Err: ErrUnsupported}
	case it.Raw != nil && it.Message != nil:
		return nil, &CheckError{Op: opV2, Field: "Item", Reason: "both Message and Raw are set", Err: ErrConflict}
	case it.Raw != nil:
		in, err = s.RawMessageV2Input(region, it.Raw)
	case it.Message != nil:
		in, err = s.EmailV2Input(region, it.Message)
	default:
		return nil, &CheckError{Op: opV2, Field: "Item", Reason: "neither Message nor Raw is set", Err: ErrUnsupported}
	}
	if err != nil {
		return nil, err
	}
	in.EndpointId = strParam(t.EndpointID)
	d := in.Destination
	return &Prepared{Recipients: len(d.ToAddresses) + len(d.CcAddresses) + len(d.BccAddresses), Send: func(ctx context.Context) (*Result, error) {
		return send(ctx, opV2, region, in, t.Client.SendEmail, opts, v2Answer)
	}}, nil
}

// SMTP sends through an SMTPSender: built messages as SMTPMail builds them, raw messages as
// RawSMTPMail checks them (both with the header method, SMTP's only one). Leave the SMTPSender's
// Limiter nil and its MaxAttempts at 1 when a Batch paces and retries.
type SMTP struct {
	Sender *SMTPSender
	// Region is the Region of the SMTP endpoint (email-smtp.REGION.amazonaws.com), for the
	// identity ARN checks ("" skips them) and, when the SMTPSender knows no Region of its own,
	// for Result.RecipientMessageID.
	Region string
}

// Prepare checks and builds it for SMTP.
func (t SMTP) Prepare(s *Sender, it *Item) (*Prepared, error) {
	var m *SMTPMail
	var err error
	switch {
	case it.Template != nil:
		return nil, &CheckError{Op: opSMTP, Field: "Template", Reason: "SMTP has no templates", Err: ErrUnsupported}
	case it.Raw != nil && it.Message != nil:
		return nil, &CheckError{Op: opSMTP, Field: "Item", Reason: "both Message and Raw are set", Err: ErrConflict}
	case it.Raw != nil:
		m, err = s.RawSMTPMail(t.Region, it.Raw)
	case it.Message != nil:
		m, err = s.SMTPMail(t.Region, it.Message)
	default:
		return nil, &CheckError{Op: opSMTP, Field: "Item", Reason: "neither Message nor Raw is set", Err: ErrUnsupported}
	}
	if err != nil {
		return nil, err
	}
	return &Prepared{Recipients: len(m.To), Send: func(ctx context.Context) (*Result, error) {
		res, err := t.Sender.Send(ctx, m, nil)
		if err != nil {
			return nil, err
		}
		r := &Result{MessageID: res.MessageID, RecipientMessageID: res.RecipientMessageID, Output: res}
		if r.RecipientMessageID == "" && t.Region != "" && sesOkReply(res.Reply) {
			r.RecipientMessageID = RecipientMessageID(res.MessageID, t.Region)
		}
		return r, nil
	}}, nil
}
