package xheaders

// Delegate sets the sending-authorization headers for one identity: X-SES-SOURCE-ARN and
// X-SES-FROM-ARN. Both are set because SES users report that with a From header in the raw
// message only FromArn is honoured, although AWS documents SourceArn alone as sufficient
// (https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-delegate-sender-tasks-email.html).
// X-SES-RETURN-PATH-ARN is left alone: set ReturnPathARN when the message has a Return-Path the
// identity covers.
func (h *Headers) Delegate(identity ARN) {
	h.SourceARN = identity
	h.FromARN = identity
}
