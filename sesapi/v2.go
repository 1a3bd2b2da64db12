package sesapi

import (
	"github.com/aws/aws-sdk-go-v2/service/sesv2"
	sesv2types "github.com/aws/aws-sdk-go-v2/service/sesv2/types"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/xheaders"
)

// EmailV2Input checks m and builds it into a SES v2 SendEmail input with raw content.
//
//   - Content.Raw.Data: m built by the Sender's Builder, at most 40 MB after encoding (v2 limit).
//   - Destination: To, Cc and Bcc of m (normalized addresses with display names, deduplicated, at
//     most 50); Bcc appears nowhere else.
//   - With ByParameters: FromEmailAddressIdentityArn is the From ARN, else the source ARN, with
//     FromEmailAddress the From address. v2 has one ARN for both, so two different ARNs are
//     ErrConflict. FeedbackForwardingEmailAddressIdentityArn is the Return-Path ARN, else the
//     source ARN, with FeedbackForwardingEmailAddress the Return-Path (else From) address.
//     ConfigurationSetName, EmailTags, ListManagementOptions and TenantName come from m.SES.
//     The raw message carries no X-SES header at all.
//   - With ByHeaders: every m.SES value is an X-SES header in the raw message and none of those
//     parameters is set. AWS documents that v2 reads X-SES-SOURCE-ARN and X-SES-FROM-ARN from raw
//     content (FromEmailAddressIdentityArn overrides them); that it honours the other X-SES
//     headers there is not documented.
//
// The checks are those of RawEmailInput, with the v2 size limit. m is not modified.
func (s *Sender) EmailV2Input(region string, m *builder.Message) (*sesv2.SendEmailInput, error) {
	const op = opV2
	h := &m.SES
	if s.Method == ByParameters && !h.SourceARN.IsZero() && !h.FromARN.IsZero() && h.SourceARN != h.FromARN {
		return nil, &CheckError{Op: op, Field: "FromEmailAddressIdentityArn",
			Reason: "SES v2 has one identity ARN for source and From, but the message names two: " + h.SourceARN.String() + " and " + h.FromARN.String(),
			Err:    ErrConflict}
	}
	raw, ad, h, err := s.buildRaw(op, builder.TargetV2, s.Method, region, m, func(*xheaders.Headers) (*xheaders.Headers, []string) {
		return &xheaders.Headers{}, []string{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN,
			xheaders.ConfigurationSet, xheaders.MessageTags, xheaders.ListManagement, xheaders.Tenant}
	})
	if err != nil {
		return nil, err
	}
	to, cc, bcc := classes(&ad)
	in := &sesv2.SendEmailInput{
		Content:     &sesv2types.EmailContent{Raw: &sesv2types.RawMessage{Data: raw}},
		Destination: &sesv2types.Destination{ToAddresses: to, CcAddresses: cc, BccAddresses: bcc},
	}
	if s.Method != ByParameters {
		return in, nil
	}
	a := addrsOf(&ad)
	v2Params(in, h, &a)
	return in, nil
}
