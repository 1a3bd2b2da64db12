package sesapi

import (
	"strconv"

	"github.com/sesraw/sesraw/builder"
	"github.com/sesraw/sesraw/xheaders"
)

// ReturnPathAuth says how the Return-Path (the bounce address: v1 Source, v2
// FeedbackForwardingEmailAddress, SMTP MAIL FROM) of a delegated message is authorized when the
// identity that covers its From address may not cover it: typically an email-address identity
// (arn:...:identity/alice@example.com) with a Return-Path such as bounces@example.com. Naming that
// identity as the Return-Path ARN, as builder.Message.Delegate does, would name an identity that
// cannot cover the address; DelegateFrom makes the choice explicit instead.
type ReturnPathAuth struct {
	// ARN: another identity of the owner that covers the Return-Path (for example the domain
	// identity arn:...:identity/example.com). It becomes the source and Return-Path ARN; the
	// identity stays the From ARN. SES v2 has one ARN for source and From, so v2 sends refuse two
	// different ARNs with ErrConflict: use v1 or SMTP, or DropReturnPath.
	ARN xheaders.ARN
	// DropReturnPath removes m's Return-Path: SES then sends bounces to the From address, which
	// the identity covers.
	DropReturnPath bool
}

// DelegateFrom sets m's sending authorization for a From address covered by identity, with the
// Return-Path authorized as rp says:
//
//   - m has no Return-Path, or identity covers it: as builder.Message.Delegate (source, From and,
//     with a Return-Path, Return-Path ARN are identity);
//   - rp.DropReturnPath: m.ReturnPath is cleared, then as builder.Message.Delegate;
//   - rp.ARN set: From ARN identity, source and Return-Path ARN rp.ARN, which must cover the
//     Return-Path;
//   - otherwise a *CheckError wrapping ErrNotCovered, and m is left unchanged: nothing is set that
//     SES would refuse.
//
// Whether SES accepts a Return-Path the delegate verified in its own account with only a From ARN
// is not documented, so it is not offered here.
func DelegateFrom(m *builder.Message, identity xheaders.ARN, rp ReturnPathAuth) error {
	const op = "DelegateFrom"
	if rp.DropReturnPath && !rp.ARN.IsZero() {
		return &CheckError{Op: op, Field: "ReturnPathAuth", Reason: "both ARN and DropReturnPath are set", Err: ErrConflict}
	}
	rpAddr := m.ReturnPath
	switch {
	case rp.DropReturnPath:
		m.ReturnPath = ""
	case rpAddr == "" || identity.Covers(rpAddr):
	case rp.ARN.IsZero():
		return &CheckError{Op: op, Field: "ReturnPath", Reason: "identity " + identity.String() + " does not cover the Return-Path " + strconv.Quote(rpAddr) +
			"; give ReturnPathAuth.ARN (an identity that covers it) or DropReturnPath", Err: ErrNotCovered}
	case !rp.ARN.Covers(rpAddr):
		return &CheckError{Op: op, Field: "ReturnPathAuth.ARN", Reason: "identity " + rp.ARN.String() + " does not cover the Return-Path " + strconv.Quote(rpAddr), Err: ErrNotCovered}
	default:
		m.SES.FromARN = identity
		m.SES.SourceARN = rp.ARN
		m.SES.ReturnPathARN = rp.ARN
		return nil
	}
	m.SES.ReturnPathARN = xheaders.ARN{}
	m.Delegate(identity)
	return nil
}
