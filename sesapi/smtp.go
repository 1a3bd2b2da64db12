package sesapi

import "github.com/sesraw/sesraw/builder"

// SMTPMail is a message ready for the SES SMTP interface: the envelope and the DATA payload.
type SMTPMail struct {
	From string   // MAIL FROM: the Return-Path if the message has one, else the From address
	To   []string // RCPT TO: To + Cc + Bcc, deduplicated, at most 50
	Data []byte   // the message, X-SES-* headers at the top; DATA ends it with CRLF.CRLF
}

// SMTPMail checks m and builds it for the SES SMTP interface. SMTP has only the header method, so
// every m.SES value travels as an X-SES-* header in Data whatever the Sender's Method (nothing is
// dropped). The checks are those of RawEmailInput, with the SMTP size limit (40 MB); region is the
// region of the SMTP endpoint (email-smtp.REGION.amazonaws.com), "" to skip the region check.
// The identity owner's policy must allow ses:SendRawEmail for SMTP.
func (s *Sender) SMTPMail(region string, m *builder.Message) (*SMTPMail, error) {
	raw, ad, _, err := s.buildRaw(opSMTP, builder.TargetSMTP, ByHeaders, region, m, nil)
	if err != nil {
		return nil, err
	}
	return &SMTPMail{From: ad.Envelope.From, To: ad.Envelope.To, Data: raw}, nil
}
