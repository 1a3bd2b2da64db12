package sespolicy

import (
	"net/netip"
	"strconv"
	"strings"
	"time"
)

// Operation is how a send reaches SES.
type Operation string

// Operations. The v1 ones are authorized as the action of the same name; SMTP as
// ses:SendRawEmail (documented). The v2 mappings are assumptions (see Assumptions.Actions).
const (
	V1SendRawEmail           Operation = "v1:SendRawEmail"
	V1SendEmail              Operation = "v1:SendEmail"
	V1SendTemplatedEmail     Operation = "v1:SendTemplatedEmail"
	V1SendBulkTemplatedEmail Operation = "v1:SendBulkTemplatedEmail"
	V2SendEmailRaw           Operation = "v2:SendEmail/raw"
	V2SendEmailSimple        Operation = "v2:SendEmail/simple"
	V2SendEmailTemplate      Operation = "v2:SendEmail/template"
	V2SendBulkEmail          Operation = "v2:SendBulkEmail"
	SMTP                     Operation = "smtp"
)

// Operations lists every Operation.
var Operations = []Operation{
	V1SendRawEmail, V1SendEmail, V1SendTemplatedEmail, V1SendBulkTemplatedEmail,
	V2SendEmailRaw, V2SendEmailSimple, V2SendEmailTemplate, V2SendBulkEmail, SMTP,
}

func (o Operation) valid() bool {
	for _, op := range Operations {
		if o == op {
			return true
		}
	}
	return false
}

// v2 reports whether the operation is an SESv2 one.
func (o Operation) v2() bool { return strings.HasPrefix(string(o), "v2:") }

// RawSending reports whether the operation is authorized as ses:SendRawEmail under the default
// assumptions (v1 SendRawEmail, v2 raw content, SMTP).
func (o Operation) RawSending() bool {
	return o == V1SendRawEmail || o == V2SendEmailRaw || o == SMTP
}

// defaultAction is the IAM action each operation is authorized as, and the alternative the
// evaluator tries to tell whether the assumption mattered ("" when there is none).
//
//   - v1 operations: the action of the same name
//     (https://docs.aws.amazon.com/ses/latest/dg/policy-anatomy.html lists them).
//   - SMTP: ses:SendRawEmail ("If the delegate sender plans to send email by using the SMTP
//     interface, you have to specify ses:SendRawEmail", same page).
//   - v2 SendEmail with raw content: ses:SendRawEmail. UNCONFIRMED: AWS does not say so; users
//     of three projects report SES's AccessDenied naming ses:SendRawEmail for it.
//   - v2 simple content: ses:SendEmail. UNCONFIRMED.
//   - v2 template content: ses:SendTemplatedEmail, else ses:SendEmail. UNCONFIRMED.
//   - v2 SendBulkEmail: ses:SendBulkTemplatedEmail, else ses:SendBulkEmail. UNCONFIRMED.
var defaultAction = map[Operation][2]string{
	V1SendRawEmail:           {"ses:SendRawEmail", ""},
	V1SendEmail:              {"ses:SendEmail", ""},
	V1SendTemplatedEmail:     {"ses:SendTemplatedEmail", ""},
	V1SendBulkTemplatedEmail: {"ses:SendBulkTemplatedEmail", ""},
	V2SendEmailRaw:           {"ses:SendRawEmail", "ses:SendEmail"},
	V2SendEmailSimple:        {"ses:SendEmail", ""},
	V2SendEmailTemplate:      {"ses:SendTemplatedEmail", "ses:SendEmail"},
	V2SendBulkEmail:          {"ses:SendBulkTemplatedEmail", "ses:SendBulkEmail"},
	SMTP:                     {"ses:SendRawEmail", ""},
}

// FromAddressRule says which address becomes ses:FromAddress when a send's Source (v1 Source,
// v2 FromEmailAddress, the SMTP MAIL FROM) differs from its From header.
type FromAddressRule int

// FromAddressRule values.
const (
	// FromHeader: the From header's address (the default). UNCONFIRMED: AWS describes
	// ses:FromAddress as "the From address" without saying which for raw mail.
	FromHeader FromAddressRule = iota
	// FromSource: the Source / FromEmailAddress / MAIL FROM address.
	FromSource
)

func (r FromAddressRule) String() string {
	if r == FromSource {
		return "the Source address"
	}
	return "the From header's address"
}

// Assumptions are the choices the evaluator makes where SES's behaviour is undocumented. Each is
// overridable; a Result lists those that mattered (the decision would differ under the
// alternative).
type Assumptions struct {
	// FromAddress: which address is ses:FromAddress when Source and From differ.
	FromAddress FromAddressRule
	// V1APIVersion is ses:ApiVersion for v1 API sends: "1" when empty. UNCONFIRMED: AWS documents
	// only "2" (v2 and SMTP, https://docs.aws.amazon.com/ses/latest/dg/control-user-access.html).
	// The alternative tried is the key being absent. V1APIVersionAbsent makes absence the choice.
	V1APIVersion       string
	V1APIVersionAbsent bool
	// Actions overrides the IAM action an operation is authorized as (e.g.
	// {V2SendEmailTemplate: "ses:SendEmail"}).
	Actions map[Operation]string
}

// AssumptionReport is an assumption that decided the outcome.
type AssumptionReport struct {
	// Name: "ses:FromAddress", "ses:ApiVersion" or "action".
	Name string `json:"name"`
	// Assumed and Alternative describe the two choices.
	Assumed     string `json:"assumed"`
	Alternative string `json:"alternative"`
	// AlternativeDecision is what the decision would be under the alternative.
	AlternativeDecision Decision `json:"alternativeDecision"`
}

func (a AssumptionReport) String() string {
	return "UNCONFIRMED " + a.Name + ": assumed " + a.Assumed + "; with " + a.Alternative + " the send would be " + a.AlternativeDecision.String()
}

// Send is one send to judge: who sends, as which identity, how, and what the message says.
type Send struct {
	// Operation: how the send reaches SES.
	Operation Operation
	// Identity is the identity ARN the caller names (SourceArn / FromArn /
	// FromEmailAddressIdentityArn / X-SES-SOURCE-ARN), e.g.
	// arn:aws:ses:us-east-1:888888888888:identity/example.com.
	Identity string
	// Caller: an account ID, an IAM user or role ARN, an assumed-role session ARN, or a service.
	Caller string
	// From is the From header's bare address; FromDisplayName its display name, decoded from
	// RFC 2047 ("" when it has none: ses:FromDisplayName is then absent).
	From            string
	FromDisplayName string
	// Source is the v1 Source / v2 FromEmailAddress / SMTP MAIL FROM address, if any.
	Source string
	// Recipients are the To, Cc and Bcc addresses (ses:Recipients, multi-valued).
	Recipients []string
	// FeedbackAddress is the Return-Path / feedback forwarding address (ses:FeedbackAddress);
	// "" leaves the key absent.
	FeedbackAddress string
	// Time of the request (aws:CurrentTime, aws:EpochTime); zero leaves both absent.
	Time time.Time
	// SourceIP is the caller's address (aws:SourceIp); invalid leaves it absent.
	SourceIP netip.Addr
	// Insecure marks a request without TLS (aws:SecureTransport "false"); SES's API and SMTP
	// endpoints require TLS, so it is "true" otherwise.
	Insecure bool
	// UserAgent (aws:UserAgent) and PrincipalOrgID (aws:PrincipalOrgID), when known.
	UserAgent      string
	PrincipalOrgID string
	// Context adds or overrides request context keys (for instance aws:PrincipalTag/team).
	// An empty list makes a key present without a value, which IAM treats as absent.
	Context map[string][]string
}

// fromAddress returns ses:FromAddress under rule, and whether the other rule would give another
// address.
func (s *Send) fromAddress(rule FromAddressRule) (addr string, other string) {
	a, b := s.From, s.Source
	if rule == FromSource {
		a, b = b, a
	}
	if a == "" {
		return b, ""
	}
	if b != "" && !strings.EqualFold(a, b) {
		return a, b
	}
	return a, ""
}

// buildContext makes the request context of a send.
func buildContext(s *Send, c *caller, a *Assumptions) *requestContext {
	ctx := newContext()
	if from, _ := s.fromAddress(a.FromAddress); from != "" {
		ctx.set("ses:FromAddress", from)
	}
	if s.FromDisplayName != "" {
		ctx.set("ses:FromDisplayName", s.FromDisplayName)
	}
	if len(s.Recipients) > 0 {
		ctx.set("ses:Recipients", append([]string(nil), s.Recipients...)...)
	}
	if s.FeedbackAddress != "" {
		ctx.set("ses:FeedbackAddress", s.FeedbackAddress)
	}
	switch {
	case s.Operation.v2() || s.Operation == SMTP:
		ctx.set("ses:ApiVersion", "2")
	case a.V1APIVersionAbsent:
	case a.V1APIVersion != "":
		ctx.set("ses:ApiVersion", a.V1APIVersion)
	default:
		ctx.set("ses:ApiVersion", "1")
	}
	if !s.Time.IsZero() {
		t := s.Time.UTC()
		ctx.set("aws:CurrentTime", t.Format("2006-01-02T15:04:05Z"))
		ctx.set("aws:EpochTime", strconv.FormatInt(t.Unix(), 10))
	}
	if s.SourceIP.IsValid() {
		ctx.set("aws:SourceIp", s.SourceIP.Unmap().String())
	}
	if s.Insecure {
		ctx.set("aws:SecureTransport", "false")
	} else {
		ctx.set("aws:SecureTransport", "true")
	}
	if s.UserAgent != "" {
		ctx.set("aws:UserAgent", s.UserAgent)
	}
	if s.PrincipalOrgID != "" {
		ctx.set("aws:PrincipalOrgID", s.PrincipalOrgID)
	}
	if c != nil && c.kind != callerService {
		ctx.set("aws:PrincipalAccount", c.account)
		ctx.set("aws:PrincipalArn", c.arn)
		switch c.kind {
		case callerUser:
			ctx.set("aws:username", c.name)
			ctx.set("aws:PrincipalType", "User")
		case callerAssumedRole:
			ctx.set("aws:PrincipalType", "AssumedRole")
		case callerAccount:
			ctx.set("aws:PrincipalType", "Account")
		}
	}
	for k, v := range s.Context {
		ctx.set(k, append([]string(nil), v...)...)
	}
	return ctx
}

// identityARN is a parsed SES identity ARN.
type identityARN struct {
	raw, partition, region, account, name string
}

func (i identityARN) email() bool { return strings.Contains(i.name, "@") }

// parseIdentity parses arn:PARTITION:ses:REGION:ACCOUNT:identity/NAME (REGION may be "*" for
// global endpoints).
func parseIdentity(field, s string) (identityARN, error) {
	p := strings.SplitN(s, ":", 6)
	if len(p) != 6 || p[0] != "arn" || p[1] == "" || p[2] != "ses" || p[3] == "" || !isAccountID(p[4]) ||
		!strings.HasPrefix(p[5], "identity/") || len(p[5]) == len("identity/") {
		return identityARN{}, &RequestError{Field: field, Value: s, Msg: "want an SES identity ARN, arn:aws:ses:REGION:ACCOUNT:identity/NAME"}
	}
	return identityARN{raw: s, partition: p[1], region: p[3], account: p[4], name: p[5][len("identity/"):]}, nil
}
