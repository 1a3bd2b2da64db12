package sesapi

import (
	"context"
	"net/mail"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/xheaders"
)

// MaxBulkEntries is how many destinations one SES v2 SendBulkEmail call takes
// (https://docs.aws.amazon.com/ses/latest/APIReference-V2/API_SendBulkEmail.html).
const MaxBulkEntries = 50

// BulkTemplated is one SES v2 SendBulkEmail call: one template sent to up to 50 destinations,
// each with its own replacement data. SendBulkEmail has template content only (no raw message).
type BulkTemplated struct {
	From       mail.Address
	ReturnPath string // the feedback (bounce) address; "" means the From address
	ReplyTo    []mail.Address
	Template   Template // Name (or ARN) and the default Data
	// SES carries the delegation and the other SES values: the From ARN (else the source ARN)
	// becomes FromEmailAddressIdentityArn, the Return-Path ARN (else the source ARN, when a
	// ReturnPath is set) FeedbackForwardingEmailAddressIdentityArn; ConfigurationSet, Tags
	// (DefaultEmailTags) and Tenant (TenantName). List management has no SendBulkEmail member
	// (ErrUnsupported).
	SES     xheaders.Headers
	Entries []BulkEntry
	// EndpointID sends through a global endpoint (identity ARNs with Region "*").
	EndpointID string
}

// BulkEntry is one destination of a bulk send.
type BulkEntry struct {
	To, Cc, Bcc     []mail.Address
	ReplacementData string // JSON; "" uses the template's default data
}

// BulkEmailV2Input checks b and makes a SES v2 SendBulkEmail input: at most 50 entries, each with
// 1 to 50 ASCII recipients; the From and feedback addresses covered by their identity ARNs, in
// region (region "" skips the Region check; "*" for a global endpoint).
func (s *Sender) BulkEmailV2Input(region string, b *BulkTemplated) (*sesv2.SendBulkEmailInput, error) {
	const op = "sesv2.SendBulkEmail"
	switch {
	case b.Template.Name == "" && b.Template.ARN == "":
		return nil, &CheckError{Op: op, Field: "Template", Reason: "the template has no name", Err: ErrInvalidTemplate}
	case len(b.Entries) == 0 || len(b.Entries) > MaxBulkEntries:
		return nil, &CheckError{Op: op, Field: "BulkEmailEntries", Reason: itoa(len(b.Entries)) + " entries; SendBulkEmail takes 1 to " + itoa(MaxBulkEntries), Err: ErrTooManyRecipients}
	case b.SES.ListManagement != nil:
		return nil, &CheckError{Op: op, Field: "ListManagement", Reason: "SendBulkEmail has no list management member", Err: ErrUnsupported}
	case !b.SES.SourceARN.IsZero() && !b.SES.FromARN.IsZero() && b.SES.SourceARN != b.SES.FromARN:
		return nil, &CheckError{Op: op, Field: "FromEmailAddressIdentityArn", Reason: "SES v2 has one identity ARN for source and From, but two are given", Err: ErrConflict}
	}
	if err := b.SES.Validate(); err != nil {
		return nil, messageErr(op, err)
	}
	bl := s.builderFor(builder.TargetV2)
	var a addrs
	in := &sesv2.SendBulkEmailInput{EndpointId: strParam(b.EndpointID)}
	var from string
	for i, e := range b.Entries {
		m := &builder.Message{From: b.From, To: e.To, Cc: e.Cc, Bcc: e.Bcc, ReturnPath: b.ReturnPath, ReplyTo: b.ReplyTo}
		ba, err := bl.Addresses(m)
		if err != nil {
			return nil, messageErr(op, err)
		}
		if i == 0 {
			a = addrsOf(&ba)
			if err := checkDelegation(op, region, &b.SES, &a, v2ParamNames); err != nil {
				return nil, err
			}
			from = format(ba.From.Name, ba.From.Address)
			for _, r := range ba.ReplyTo {
				in.ReplyToAddresses = append(in.ReplyToAddresses, format(r.Name, r.Address))
			}
		}
		to, cc, bcc := classes(&ba)
		entry := sesv2types.BulkEmailEntry{Destination: &sesv2types.Destination{ToAddresses: to, CcAddresses: cc, BccAddresses: bcc}}
		if e.ReplacementData != "" {
			entry.ReplacementEmailContent = &sesv2types.ReplacementEmailContent{ReplacementTemplate: &sesv2types.ReplacementTemplate{ReplacementTemplateData: aws.String(e.ReplacementData)}}
		}
		in.BulkEmailEntries = append(in.BulkEmailEntries, entry)
	}
	data := b.Template.Data
	if data == "" {
		data = "{}"
	}
	in.FromEmailAddress = aws.String(from)
	in.DefaultContent = &sesv2types.BulkEmailContent{Template: &sesv2types.Template{TemplateName: strParam(b.Template.Name), TemplateArn: strParam(b.Template.ARN), TemplateData: aws.String(data)}}
	h := &b.SES
	if arn := h.FromARN; !arn.IsZero() || !h.SourceARN.IsZero() {
		if arn.IsZero() {
			arn = h.SourceARN
		}
		in.FromEmailAddressIdentityArn = aws.String(arn.String())
	}
	if b.ReturnPath != "" {
		in.FeedbackForwardingEmailAddress = aws.String(a.feedback())
		if arn := h.ReturnPathARN; !arn.IsZero() || !h.SourceARN.IsZero() {
			if arn.IsZero() {
				arn = h.SourceARN
			}
			in.FeedbackForwardingEmailAddressIdentityArn = aws.String(arn.String())
		}
	}
	in.ConfigurationSetName = strParam(h.ConfigurationSet)
	for _, t := range h.Tags {
		in.DefaultEmailTags = append(in.DefaultEmailTags, sesv2types.MessageTag{Name: aws.String(t.Name), Value: aws.String(t.Value)})
	}
	in.TenantName = strParam(h.Tenant)
	return in, nil
}

// BulkEmailV2API is the part of *sesv2.Client that SendBulkEmailV2 uses.
type BulkEmailV2API interface {
	SendBulkEmail(ctx context.Context, in *sesv2.SendBulkEmailInput, optFns ...func(*sesv2.Options)) (*sesv2.SendBulkEmailOutput, error)
	Options() sesv2.Options
}

var _ BulkEmailV2API = (*sesv2.Client)(nil)

// BulkResult is SES's answer for one entry of a bulk send.
type BulkResult struct {
	MessageID string // "" when the entry failed
	// RecipientMessageID is the Message-ID this entry's recipients see (see RecipientMessageID):
	// "" when the entry failed or was sent through a global endpoint (EndpointID), whose Region
	// is not known.
	RecipientMessageID string
	Status             string // SES's status, e.g. "SUCCESS", "MESSAGE_REJECTED", "ACCOUNT_DAILY_QUOTA_EXCEEDED"
	Error              string // SES's text for a failed entry
}

// SendBulkEmailV2 checks b (see BulkEmailV2Input) with the region of c (after optFns; "*" with an
// EndpointID) and sends it with SES v2 SendBulkEmail. It returns one BulkResult per entry, in
// order, and the request's Result (its Output is the *sesv2.SendBulkEmailOutput). An error of the
// request as a whole is a *SendError.
func (s *Sender) SendBulkEmailV2(ctx context.Context, c BulkEmailV2API, b *BulkTemplated, optFns ...func(*sesv2.Options)) ([]BulkResult, *Result, error) {
	const op = "sesv2.SendBulkEmail"
	region, err := v2Region(op, c, optFns)
	if err != nil {
		return nil, nil, err
	}
	if b.EndpointID != "" {
		region = "*"
	}
	in, err := s.BulkEmailV2Input(region, b)
	if err != nil {
		return nil, nil, err
	}
	out, err := c.SendBulkEmail(ctx, in, optFns...)
	if err != nil {
		return nil, nil, classify(op, err)
	}
	res := make([]BulkResult, len(out.BulkEmailEntryResults))
	for i, r := range out.BulkEmailEntryResults {
		id := aws.ToString(r.MessageId)
		res[i] = BulkResult{MessageID: id, RecipientMessageID: RecipientMessageID(id, region), Status: string(r.Status), Error: aws.ToString(r.Error)}
	}
	return res, &Result{RequestID: requestID(out.ResultMetadata), Output: out}, nil
}
