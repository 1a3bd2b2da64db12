package sesapi

import (
	"errors"
	"net/netip"
	"time"

	"github.com/sesraw/sesraw/sespolicy"
	"github.com/sesraw/sesraw/xheaders"
)

// ErrPolicyDenied: the identity owner's sending authorization policy (or the caller's IAM
// policy, when given) would refuse the send, by the offline evaluation of Sender.Policy. Nothing
// was sent. The *CheckError's Err is a *PolicyError carrying the evaluation.
var ErrPolicyDenied = errors.New("sesapi: the sending authorization policy refuses the send")

// PolicyCheck makes the pre-send checks evaluate each delegated send against the identity
// owner's sending authorization policies (package sespolicy, IAM's evaluation logic) and refuse
// one they deny before any request is made. Each identity ARN the send uses (source, From,
// Return-Path) is judged; a send that names none is the caller's own and is not judged.
type PolicyCheck struct {
	// Caller is who sends: the delegate's account ID, or its IAM user, role or assumed-role ARN
	// (required).
	Caller string
	// Owner holds the owner's policies by identity: those of the identity the send names and,
	// when it has its own, those of the From address's email-address identity (which take
	// precedence over its domain's).
	Owner []sespolicy.IdentityPolicies
	// CallerPolicies are the caller's own IAM policies; nil judges the owner's side alone.
	CallerPolicies []*sespolicy.Policy
	// Assumptions override sespolicy's choices where SES is undocumented; nil: its defaults.
	Assumptions *sespolicy.Assumptions
	// Now is the clock for aws:CurrentTime; nil means time.Now.
	Now func() time.Time
	// SourceIP (aws:SourceIp) and PrincipalOrgID (aws:PrincipalOrgID), when known.
	SourceIP       netip.Addr
	PrincipalOrgID string
}

// PolicyError is the evaluation behind an ErrPolicyDenied check error.
type PolicyError struct {
	// Identity is the identity ARN the send was refused on.
	Identity string
	// Result is the evaluation: the deciding statement, or why no statement applied.
	Result *sespolicy.Result
}

func (e *PolicyError) Error() string { return e.Result.Summary() }

// Is makes errors.Is(err, ErrPolicyDenied) true.
func (e *PolicyError) Is(target error) bool { return target == ErrPolicyDenied }

// policyOps maps the operation names of the checks to sespolicy's operations.
var policyOps = map[string]sespolicy.Operation{
	opRaw: sespolicy.V1SendRawEmail, opEmail: sespolicy.V1SendEmail, opTemplated: sespolicy.V1SendTemplatedEmail,
	opV2: sespolicy.V2SendEmailRaw, opSMTP: sespolicy.SMTP,
}

// checkPolicy evaluates the send against s.Policy (nil: nothing to do). fromName is the From
// display name (decoded).
func (s *Sender) checkPolicy(op string, h *xheaders.Headers, a *addrs, fromName string) error {
	pc := s.Policy
	if pc == nil {
		return nil
	}
	operation, ok := policyOps[op]
	if !ok {
		return &CheckError{Op: op, Field: "Policy", Reason: "the policy check does not know this operation", Err: ErrUnsupported}
	}
	var arns []string
	for _, arn := range []xheaders.ARN{h.SourceARN, h.FromARN, h.ReturnPathARN} {
		if v := arn.String(); !arn.IsZero() && !contains(arns, v) {
			arns = append(arns, v)
		}
	}
	if len(arns) == 0 {
		return nil
	}
	now := time.Now
	if pc.Now != nil {
		now = pc.Now
	}
	t := now()
	for _, arn := range arns {
		req := &sespolicy.Request{
			Send: sespolicy.Send{
				Operation: operation, Identity: arn, Caller: pc.Caller,
				From: a.from, FromDisplayName: fromName, Source: a.env.From, Recipients: a.env.To,
				FeedbackAddress: a.feedback(), Time: t, SourceIP: pc.SourceIP, PrincipalOrgID: pc.PrincipalOrgID,
			},
			Owner: pc.Owner, CallerPolicies: pc.CallerPolicies, Assumptions: pc.Assumptions,
		}
		r, err := sespolicy.Evaluate(req)
		if err != nil {
			return &CheckError{Op: op, Field: "Policy", Reason: err.Error(), Err: err}
		}
		if !r.Allowed() {
			return &CheckError{Op: op, Field: "Policy", Reason: r.Summary(), Err: &PolicyError{Identity: arn, Result: r}}
		}
	}
	return nil
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}
