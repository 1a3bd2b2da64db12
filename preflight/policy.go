package preflight

import (
	"strconv"
	"strings"
	"time"

	"github.com/sesraw/sesraw/rawenvelope"
	"github.com/sesraw/sesraw/sespolicy"
	"github.com/sesraw/sesraw/xheaders"
)

// PolicyCheck makes Check judge the message's delegated send against the identity owner's
// sending authorization policies (package sespolicy, IAM's evaluation logic): each identity ARN
// of its X-SES-SOURCE-ARN, X-SES-FROM-ARN and X-SES-RETURN-PATH-ARN headers, with its From
// address and display name, To + Cc + Bcc and Return-Path. A send the policies deny is a
// policy-denied error finding whose message is the evaluation's one-line summary.
type PolicyCheck struct {
	// Caller is who will send: an account ID or an IAM user, role or assumed-role ARN (required).
	Caller string
	// Operation of the send; zero means the Target's: v1 SendRawEmail, v2 raw content, else SMTP.
	Operation sespolicy.Operation
	// Owner, CallerPolicies and Assumptions are as in sespolicy.Request.
	Owner          []sespolicy.IdentityPolicies
	CallerPolicies []*sespolicy.Policy
	Assumptions    *sespolicy.Assumptions
	// Time is the send's time (aws:CurrentTime); zero leaves it absent (Check reads no clock).
	Time time.Time
}

// checkPolicy runs Options.Policy on the header block hb.
func (c *checker) checkPolicy(hb []byte) {
	pc := c.opts.Policy
	if pc == nil {
		return
	}
	head := append(append(make([]byte, 0, len(hb)+4), hb...), "\r\n\r\n"...)
	eff, _ := xheaders.Read(head)
	var arns []string
	for _, name := range []string{xheaders.SourceARN, xheaders.FromARN, xheaders.ReturnPathARN} {
		if v, ok := eff.Get(name); ok {
			if v = strings.TrimSpace(v); v != "" && !containsString(arns, v) {
				arns = append(arns, v)
			}
		}
	}
	if len(arns) == 0 {
		return
	}
	env, err := rawenvelope.Read(head)
	if err != nil {
		return // header-syntax says why
	}
	send := sespolicy.Send{Operation: pc.Operation, Caller: pc.Caller, Time: pc.Time}
	if send.Operation == "" {
		switch c.opts.Target {
		case TargetV1:
			send.Operation = sespolicy.V1SendRawEmail
		case TargetV2:
			send.Operation = sespolicy.V2SendEmailRaw
		default:
			send.Operation = sespolicy.SMTP
		}
	}
	// Address fields that cannot be parsed are left out (address-syntax says why).
	if from := env.FirstFrom(); from != nil {
		send.From, send.FromDisplayName = from.Address, from.Name
	}
	send.Recipients = env.Recipients
	send.FeedbackAddress, send.Source = env.Source(), env.Source()
	for _, arn := range arns {
		send.Identity = arn
		r, err := sespolicy.Evaluate(&sespolicy.Request{Send: send, Owner: pc.Owner, CallerPolicies: pc.CallerPolicies, Assumptions: pc.Assumptions})
		switch {
		case err != nil:
			if c.want(rPolicyDenied, Error, 0) {
				c.say(asciiLine("cannot judge the send: " + err.Error()))
			}
		case !r.Allowed():
			if c.want(rPolicyDenied, Error, 0) {
				c.say(asciiLine(r.Summary()))
			}
		}
	}
}

func containsString(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// asciiLine makes s one line of printable ASCII: other characters become Go escapes (\u00fc).
func asciiLine(s string) string {
	var b strings.Builder
	for _, r := range s {
		if r >= 0x20 && r <= 0x7e {
			b.WriteRune(r)
			continue
		}
		q := strconv.QuoteRuneToASCII(r)
		b.WriteString(q[1 : len(q)-1])
	}
	return b.String()
}
