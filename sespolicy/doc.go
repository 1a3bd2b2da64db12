// Package sespolicy reads, evaluates, lints and writes Amazon SES sending authorization
// policies: the IAM-grammar JSON documents an identity owner attaches to a verified email address
// or domain to let delegate senders (other AWS accounts, IAM users and roles) send as it.
// https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-policy-examples.html
//
// # Parse
//
// Parse reads IAM's policy grammar (Version, Id, Statement as one object or a list; Sid, Effect,
// Principal / NotPrincipal, Action / NotAction, Resource / NotResource, Condition; single values
// or lists) and refuses anything else with a *SyntaxError carrying a line and column. Documents
// over MaxPolicyBytes (64 KiB) are refused before decoding; SES's own limit is 4 KB.
//
// # Evaluate
//
// Evaluate judges one concrete send (a Send: who, as which identity ARN, through which API, and
// the From address, display name, recipients, feedback address, time, source IP the message and
// the request give) with IAM's evaluation logic
// (https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_evaluation-logic.html):
// explicit deny beats allow, no allow is an implicit deny. It implements every condition operator
// (String*, Numeric*, Date*, Bool, BinaryEquals, IpAddress / NotIpAddress over IPv4 and IPv6,
// Arn*, Null, the IfExists forms, ForAllValues / ForAnyValue with IAM's missing-key rules: an
// absent or empty key makes ForAllValues true and ForAnyValue false), wildcards (* and ?) with
// IAM's case rules, policy variables (${aws:username}, ${*}, defaults; unresolvable ones are
// reported), and IAM's principal matching (an account ID and arn:aws:iam::ACCOUNT:root mean the
// account; users and roles by ARN; an assumed-role session matches its role).
// https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_policies_elements_condition_operators.html
//
// The Result names the deciding statement (policy, Sid, index) or, for an implicit deny, why each
// statement did not apply (principal, action, resource, or which condition key, operator and
// value failed). A cross-account send needs the owner's policy and the caller's own IAM policy to
// allow it; without the caller's policies the Result says it judged the owner's side alone.
//
// Policies attached to an email-address identity take precedence over those of its domain
// (https://docs.aws.amazon.com/ses/latest/dg/sending-authorization-identity-owner-tasks-policy.html):
// given both, Evaluate judges the address identity's policies when the From address is that
// address and the identity has at least one policy. UNCONFIRMED: the request is then matched as
// if its resource were the address identity's ARN.
//
// # UNCONFIRMED SES behaviour
//
// Where AWS does not document what SES does, Evaluate makes an explicit choice (Assumptions),
// each overridable, and the Result lists those that decided the outcome: which address is
// ses:FromAddress when the Source differs from the From header (default: the From header);
// ses:ApiVersion for the v1 API (default "1"; v2 and SMTP are "2", documented); the action SESv2
// sends are authorized as (raw content: ses:SendRawEmail, as users report; simple: ses:SendEmail;
// template: ses:SendTemplatedEmail; SendBulkEmail: ses:SendBulkTemplatedEmail). A From without a
// display name leaves ses:FromDisplayName absent (UNCONFIRMED).
//
// # Lint and Write
//
// Lint checks policies the way an owner needs before PutIdentityPolicy: size over 4 KB, name
// rules, more than 20 policies, a Resource that is not the identity's ARN, unknown or
// inapplicable condition keys, ForAllValues without a Null guard, StringLike patterns written as
// regular expressions, malformed principals, no ses:SendRawEmail (needed for SMTP and SESv2 raw),
// an Allow to "*" without a condition. Write turns a typed Grant into a minimal policy that lints
// clean.
//
// Everything here is standard library only, reads no clock and no network, and is safe for
// concurrent use: a *Policy is not modified by Evaluate or Lint.
package sespolicy
